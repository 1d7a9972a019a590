# tests/vm/sysd-docker.sh: Debian's own Docker, started by systemd, inside a
# VM whose PID 1 is systemd (tests/vm/run-v2-systemd).  Source it from bash:
#
#     . "$TOP/tests/vm/sysd-docker.sh"
#     sysd_docker_start || exit 1
#     sysd_docker_import cgw-busybox
#
# Debian's docker.socket, docker.service and containerd.service are copied
# to /run/systemd/system (the VM's root is a throw-away overlay: nothing of
# this outlives it) with two lines added, nothing else changed:
# DefaultDependencies=no (else they pull in sysinit.target and
# basic.target, which this VM does not boot) and StandardOutput/Error
# appended to $SYSD_DOCKER_LOG (there is no journald).  dockerd's flags go
# where Debian reads them, DOCKER_OPTS in /etc/default/docker: no iptables,
# no bridge, no proxy, vfs storage, the data root on the guest's tmpfs, a
# daemon.json whose only key keeps the trust key off the host's /etc.  The
# cgroup driver is left to Docker: on cgroup v2 under systemd it is systemd,
# and every container is system.slice/docker-<id>.scope.
#
# Exported after sysd_docker_start: DOCKER (Debian's CLI, /usr/bin/docker),
# DOCKER_HOST (unix:///run/docker.sock), SYSD_DOCKER_LOG, SYSD_DOCKER_ROOT
# (the data root), SYSD_DOCKER_START_MS (systemctl start -> docker version).

SYSD_DOCKER_ROOT=/run/cgw-docker
SYSD_DOCKER_LOG=$SYSD_DOCKER_ROOT/docker.log
DOCKER=/usr/bin/docker
DOCKER_HOST=unix:///run/docker.sock
export DOCKER DOCKER_HOST SYSD_DOCKER_ROOT SYSD_DOCKER_LOG
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_API_VERSION

_sd_now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }

# sysd_docker_available: 0 when PID 1 is systemd and Debian's units and
# binaries are there; else 1 with the reason in SYSD_DOCKER_SKIP.
sysd_docker_available() {
	local u
	SYSD_DOCKER_SKIP=
	[ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] || { SYSD_DOCKER_SKIP="PID 1 is not systemd"; return 1; }
	for u in docker.socket docker.service containerd.service; do
		[ -f "/lib/systemd/system/$u" ] || { SYSD_DOCKER_SKIP="no /lib/systemd/system/$u (apt-get install docker.io)"; return 1; }
	done
	[ -x "$DOCKER" ] || { SYSD_DOCKER_SKIP="no $DOCKER (apt-get install docker.io)"; return 1; }
	[ -w /etc ] || { SYSD_DOCKER_SKIP="/etc is read-only (no overlay root in the VM)"; return 1; }
	return 0
}

# sysd_docker_start: the units in /run/systemd/system, then systemctl start
# docker.service; 0 once `docker version` answers.
sysd_docker_start() {
	local u t0 n
	sysd_docker_available || { echo "sysd-docker.sh: $SYSD_DOCKER_SKIP" >&2; return 1; }
	mkdir -p "$SYSD_DOCKER_ROOT/data" /etc/docker || return 1
	: > "$SYSD_DOCKER_LOG"
	for u in docker.socket docker.service containerd.service; do
		sed -e '/^\[Unit\]/a DefaultDependencies=no' \
			-e "/^\[Service\]/a StandardOutput=append:$SYSD_DOCKER_LOG\\nStandardError=append:$SYSD_DOCKER_LOG" \
			"/lib/systemd/system/$u" > "/run/systemd/system/$u" || return 1
	done
	printf '{ "deprecated-key-path": "%s" }\n' "$SYSD_DOCKER_ROOT/key.json" > /etc/docker/daemon.json
	printf 'DOCKER_OPTS="%s"\n' "--iptables=false --ip6tables=false --ip-masq=false \
--ip-forward=false --bridge=none --userland-proxy=false --storage-driver=vfs \
--data-root=$SYSD_DOCKER_ROOT/data --log-level=warn" > /etc/default/docker
	systemctl daemon-reload || return 1
	t0=$(_sd_now_ms)
	systemctl start docker.service || { systemctl status docker.service containerd.service >&2; tail -n 40 "$SYSD_DOCKER_LOG" >&2; return 1; }
	n=600
	until timeout 10 "$DOCKER" version >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || { echo "sysd-docker.sh: docker did not answer" >&2; tail -n 40 "$SYSD_DOCKER_LOG" >&2; return 1; }
		sleep 0.05
	done
	SYSD_DOCKER_START_MS=$(($(_sd_now_ms) - t0))
	export SYSD_DOCKER_START_MS
}

# sysd_docker_stop: every container removed, docker and containerd stopped.
sysd_docker_stop() {
	local ids
	ids=$(timeout 30 "$DOCKER" ps -aq 2>/dev/null)
	# shellcheck disable=SC2086
	[ -n "$ids" ] && timeout 60 "$DOCKER" rm -f $ids >/dev/null 2>&1
	systemctl stop docker.service docker.socket containerd.service 2>/dev/null
	return 0
}

# sysd_docker_import NAME...: Debian's static busybox as an image per NAME
# (CMD sh, PATH set, label cgw.image=NAME).
sysd_docker_import() {
	local bb r a name tar=$SYSD_DOCKER_ROOT/busybox.tar
	if [ ! -f "$tar" ]; then
		bb=/bin/busybox
		[ -x "$bb" ] || bb=$(command -v busybox) || { echo "sysd-docker.sh: no busybox" >&2; return 1; }
		r=$SYSD_DOCKER_ROOT/rootfs
		mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin" "$r/etc" "$r/root" \
			"$r/tmp" "$r/proc" "$r/sys" "$r/dev" "$r/var/run" || return 1
		chmod 1777 "$r/tmp"
		cp "$bb" "$r/bin/busybox" || return 1
		for a in $("$bb" --list-full); do
			[ -e "$r/$a" ] || [ -L "$r/$a" ] || ln -s /bin/busybox "$r/$a"
		done
		[ -e "$r/bin/sh" ] || ln -s /bin/busybox "$r/bin/sh"
		printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
		printf 'root:x:0:\n' > "$r/etc/group"
		tar -C "$r" --numeric-owner -cf "$tar" . || return 1
	fi
	for name in "$@"; do
		"$DOCKER" import --change 'CMD ["sh"]' \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			--change "LABEL cgw.image=$name" - "$name" < "$tar" >/dev/null || return 1
	done
}
