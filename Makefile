# cgwarden — plain Makefile.  `make` builds, `make check` runs every test.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
PKGS     = libevent inih libsystemd json-c libbpf

WARN     = -std=gnu11 -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual \
           -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wformat=2
CFLAGS  ?= -O2 -g
ifeq ($(WERROR),1)
WARN    += -Werror
endif
ifeq ($(SAN),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
CPPFLAGS += -Iinclude -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lm

# src/ holds one folder per layer, bottom up (README: Layout); objects are flat.
SRCS    = $(wildcard src/*/*.c)
OBJS    = $(patsubst %.c,$(BUILD)/obj/%.o,$(notdir $(SRCS))) $(BUILD)/obj/forkwatch_bpf.o
vpath %.c $(sort $(dir $(SRCS)))
LIBOBJS = $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNITS   = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
HELPERS = $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/*.c))
# Test programs that run daemon modules on their own (linked like the unit tests).
DRIVERS = $(patsubst tests/drivers/%.c,$(BUILD)/drivers/%,$(wildcard tests/drivers/*.c))
# Fuzz harnesses, one per parser of outside input (tests/fuzz/fuzz_NAME.c).
FUZZERS = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAYS = $(patsubst %,$(BUILD)/fuzz/replay-%,$(FUZZERS))
FUZZ_S ?= 600

# Debian packages the build, the tests and the demo need.
DEB_PKGS = build-essential pkg-config libevent-dev libinih-dev libsystemd-dev \
           libjson-c-dev libbpf-dev clang attr busybox-static python3 python3-yaml \
           user-mode-linux systemd dbus docker.io containerd podman bc time \
           prometheus-alertmanager prometheus tmux curl groff-base man-db \
           debhelper lintian libclang-rt-14-dev

.PHONY: all deps check unit system docker system-v2 docker-v2 package deb run demo install \
	bench clean format fuzz fuzz-replay soak soak-short
all: $(BUILD)/cgwardend $(BUILD)/cgwardenctl

$(BUILD)/obj/%.o: %.c $(wildcard include/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

# The fork-burst counter runs in the kernel: compiled for the BPF target
# and linked into the daemon as data (forkwatch.c loads it).
BPF_CFLAGS = -O2 -g -target bpf -I/usr/include/$(shell $(CC) -dumpmachine) -Wall
$(BUILD)/obj/forkwatch.bpf.o: src/2-kernel/bpf/forkwatch.bpf.c | $(BUILD)/obj
	clang $(BPF_CFLAGS) -c -o $@ $<

$(BUILD)/obj/forkwatch_bpf.o: $(BUILD)/obj/forkwatch.bpf.o
	cd $(BUILD)/obj && ld -r -b binary -z noexecstack -o forkwatch_bpf.o forkwatch.bpf.o

$(BUILD)/cgwardend: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The CLI links one file of the daemon's: the escaping of text it prints.
$(BUILD)/cgwardenctl: $(wildcard tools/*.c tools/*.h) src/0-base/vis.c $(wildcard include/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) tests/unit/unit.h | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD)/helpers/%: tests/helpers/%.c | $(BUILD)/helpers
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< -lpthread

$(BUILD)/drivers/%: tests/drivers/%.c $(LIBOBJS) | $(BUILD)/drivers
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

# The daemon's objects as an archive, for the harnesses: one that
# includes a .c whole to reach its statics (httpc) takes nothing of that
# file from the archive.
$(BUILD)/libcgw.a: $(LIBOBJS)
	rm -f $@ && ar rcs $@ $^

# Each harness as a plain program that replays the files it is given
# (tests/fuzz/replay.c): built by the build's compiler and flags, so the
# SAN=1 build replays under ASan and UBSan.
$(BUILD)/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/common.c \
    tests/fuzz/fuzz.h $(BUILD)/libcgw.a | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS) -Itests/fuzz $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) \
		$(BUILD)/libcgw.a $(LDLIBS)

# The libFuzzer build: clang, every object with coverage, ASan and UBSan.
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_OBJS = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(notdir $(filter-out %/main.c,$(SRCS)))) \
	$(BUILD)/obj/forkwatch_bpf.o
$(BUILD)/fuzz/obj/%.o: %.c $(wildcard include/*.h) | $(BUILD)/fuzz/obj
	clang $(CPPFLAGS) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(BUILD)/fuzz/libcgw.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/common.c tests/fuzz/fuzz.h \
    $(BUILD)/fuzz/libcgw.a | $(BUILD)/fuzz
	clang $(CPPFLAGS) -Itests/fuzz $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ \
		$(filter %.c,$^) $(BUILD)/fuzz/libcgw.a $(LDLIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/helpers $(BUILD)/drivers $(BUILD)/fuzz $(BUILD)/fuzz/obj:
	mkdir -p $@

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

unit: $(UNITS)
	@tests/run-unit.sh $(BUILD) $(UNITS)

system: all $(HELPERS) $(DRIVERS)
	@tests/run-system.sh $(BUILD)

# Every seed and every past crasher through each harness, in seconds.
fuzz-replay: $(REPLAYS)
	@tests/run-fuzz-replay.sh $(BUILD) $(FUZZERS)

# Each harness under libFuzzer for FUZZ_S seconds: one line per harness.
fuzz: deps $(patsubst %,$(BUILD)/fuzz/fuzz-%,$(FUZZERS))
	@tests/run-fuzz.sh $(BUILD) $(FUZZ_S) $(FUZZERS)

# The churn soak: 10,000 container cgroups in waves of 500 with the guard
# on, and 1,000 freeze/thaw cycles by cgwardenctl and docker; nice'd.
soak: deps all $(HELPERS)
	@SOAK_CGROUPS=$${SOAK_CGROUPS:-10000} SOAK_CYCLES=$${SOAK_CYCLES:-1000} \
		nice -n 10 tests/run-soak.sh $(BUILD)

# Its short run, a stage of check (under ASan: LeakSanitizer at each stop).
soak-short: all $(HELPERS)
	@SOAK_CGROUPS=1000 SOAK_CYCLES=100 nice -n 10 tests/run-soak.sh $(BUILD) soak-short

# End to end against a private dockerd that the tests start and stop.
docker: all
	@tests/run-docker.sh $(BUILD)

# The same system tests on a pure cgroup v2 kernel (a user-mode-linux VM here).
system-v2: all $(HELPERS) $(DRIVERS)
	@BUILD_DIR=$(BUILD) tests/run-v2.sh $(BUILD)

# The end-to-end tests against a real Docker on a pure cgroup v2 kernel (a
# user-mode-linux VM here): the cgroupfs driver, then the systemd driver
# under systemd as PID 1.
docker-v2: all
	@BUILD_DIR=$(BUILD) tests/run-docker-v2.sh $(BUILD)

# Every test, twice: a -Werror build, then an ASan+UBSan build (with the short soak).
# Every stage runs even when one before it failed, so that the closing
# summary lists every failure, not only the first.
check: deps
	@rm -rf build/results build/asan/results
	@rc=0; \
	$(MAKE) -k --no-print-directory BUILD=build WERROR=1 all unit fuzz-replay system docker || rc=1; \
	$(MAKE) -k --no-print-directory BUILD=build/asan SAN=1 WERROR=1 all unit fuzz-replay system \
		docker soak-short || rc=1; \
	$(MAKE) -k --no-print-directory BUILD=build WERROR=1 system-v2 docker-v2 || rc=1; \
	$(MAKE) -k --no-print-directory BUILD=build WERROR=1 package || rc=1; \
	tests/summary.sh build/results build/asan/results || rc=1; \
	exit $$rc

run: deps all
	$(BUILD)/cgwardend -d -c conf/cgwarden.conf

# A fork bomb in a container of a private dockerd, caught: the first thing to run.
demo: deps all
	@demo/demo.sh $(BUILD)

# Paths below PREFIX but the unit's, the config's and the catalog's:
# systemd looks for units in /lib/systemd/system, the config is /etc's.
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= /lib/systemd/system
CATALOGDIR ?= $(PREFIX)/lib/systemd/catalog
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DATADIR    ?= $(PREFIX)/share/cgwarden

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)/etc/cgwarden \
		$(DESTDIR)/etc/cgwarden/conf.d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(BUILD)/cgwardend $(DESTDIR)$(PREFIX)/sbin/cgwardend
	install -m 755 $(BUILD)/cgwardenctl $(DESTDIR)$(PREFIX)/bin/cgwardenctl
	test -e $(DESTDIR)/etc/cgwarden/cgwarden.conf || \
		install -m 644 conf/cgwarden.conf $(DESTDIR)/etc/cgwarden/cgwarden.conf
	sed 's,@SBINDIR@,$(PREFIX)/sbin,g' conf/cgwarden.service > $(DESTDIR)$(UNITDIR)/cgwarden.service
	chmod 644 $(DESTDIR)$(UNITDIR)/cgwarden.service
	install -m 644 man/cgwardend.8 man/cgwardenctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 man/cgwarden.conf.5 $(DESTDIR)$(MANDIR)/man5/
	if [ -f conf/cgwarden.catalog ]; then \
		install -d $(DESTDIR)$(CATALOGDIR) && \
		sed 's,@DOCDIR@,$(PREFIX)/share/doc/cgwarden,g' conf/cgwarden.catalog > \
			$(DESTDIR)$(CATALOGDIR)/cgwarden.catalog && \
		if [ -z "$(DESTDIR)" ] && command -v journalctl >/dev/null; then \
			journalctl --update-catalog || true; fi; \
	fi
	install -m 644 conf/cgwardenctl.bash-completion $(DESTDIR)$(BASHCOMPDIR)/cgwardenctl
	install -m 644 conf/cgwarden-rules.yml $(DESTDIR)$(DATADIR)/cgwarden-rules.yml
	install -d $(DESTDIR)$(PREFIX)/share/doc/cgwarden
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/cgwarden/README.md

# The Debian package, built by dpkg-buildpackage in a copy of the tree
# under $(BUILD)/deb (it writes beside and inside the tree it builds),
# into $(BUILD)/cgwarden_VERSION_ARCH.deb.  The version is debian/changelog's.
# Nothing of this make's command line reaches the package's own build.
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version)
DEB_ARCH    = $(shell dpkg-architecture -qDEB_HOST_ARCH)
DEB_SRC     = $(BUILD)/deb/cgwarden-$(DEB_VERSION)
deb: deps
	@rm -rf $(BUILD)/deb && mkdir -p $(DEB_SRC)
	@tar -cf - --exclude-vcs --exclude-vcs-ignores --exclude=./build . | tar -xf - -C $(DEB_SRC)
	@cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SAN -u WERROR \
		dpkg-buildpackage -us -uc -b > ../build.log 2>&1 || \
		{ tail -n 40 ../build.log; echo "dpkg-buildpackage failed: $(BUILD)/deb/build.log"; exit 1; }
	@cp $(BUILD)/deb/cgwarden_$(DEB_VERSION)_$(DEB_ARCH).deb $(BUILD)/
	@echo "$(BUILD)/cgwarden_$(DEB_VERSION)_$(DEB_ARCH).deb"

# The package: built, linted, its contents, its install and upgrade and
# purge under systemd in a VM; the alerting rules; the shell completion.
package: deps all
	@tests/run-package.sh $(BUILD)

bench: deps all
	@tests/bench/run.sh $(BUILD)

format:
	clang-format -i src/*/*.c src/2-kernel/bpf/*.c include/*.h tools/*.c tests/unit/*.c

clean:
	rm -rf build
