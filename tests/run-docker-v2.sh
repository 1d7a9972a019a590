#!/bin/sh
# The end-to-end tests against a real Docker on a pure cgroup v2 kernel:
# tests/docker/*.sh with the cgroupfs driver (a private dockerd, as on this
# host), natively when this host is pure v2, else inside a user-mode-linux
# VM; then Debian's own Docker started by systemd with the systemd driver,
# in a VM whose PID 1 is systemd.  Skipped, loudly, only when no VM can run.
# The two VMs have one CPU each: they run side by side.
# DOCKER_V2_TESTS: the tests/docker/*.sh of the cgroupfs VM, "all" for
# every one.  By default the ones whose checks differ on a pure v2 layout
# (ceilings in memory.max and cpu.max; the freeze, its handoff to Docker's
# pause and the monitor mode on cgroup.freeze): under user-mode-linux a
# docker call costs 0.4-0.7 s and the whole suite 15 minutes or more,
# beyond what make check may spend here.  The Docker-API-level tests
# (names, hostile replies, audit, socket policy, own limits, restarts)
# behave the same on every layout and run on this host.
build=$1
case ${DOCKER_V2_TESTS:=tests/docker/10-images.sh tests/docker/16-guard-v1-pause.sh tests/docker/20-guard.sh tests/docker/22-guard-monitor.sh} in
all) DOCKER_V2_TESTS=$(echo tests/docker/[0-9]*.sh) ;;
esac
# A cap against a hung VM, well above what the tests take.
vmt=1200
[ "$(echo $DOCKER_V2_TESTS | wc -w)" -gt 4 ] && vmt=2400
mkdir -p "$build/results"
rc=0
sdout=$(mktemp "${TMPDIR:-/tmp}/cgw-docker-v2.XXXXXX") || exit 1
trap 'rm -f "$sdout"' EXIT
VM_ENV=BUILD BUILD=$build VM_MEM=1G tests/vm/run-v2-systemd -t 900 -- bash tests/vm/systemd-docker.sh > "$sdout" 2>&1 &
sdpid=$!
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	echo "cgroup v2 host: the docker tests above already ran on cgroup v2 (cgroupfs driver)"
else
	VM_ENV="BUILD DOCKER_TESTS" BUILD=$build DOCKER_TESTS=$DOCKER_V2_TESTS VM_MEM=1G \
		tests/vm/run-v2 -t $vmt -- sh tests/run-docker.sh "$build" docker-v2; rc=$?
	case $rc in
	0) ;;
	77) echo "SKIP: no cgroup v2 kernel available (user-mode-linux missing): the docker-v2 suite did not run" >&2
	    rc=0 ;;
	*) grep -q '^docker-v2 ' "$build/results/counts" 2>/dev/null || {
		echo "docker-v2 0 1" >> "$build/results/counts"
		echo "docker-v2: the VM ended before the suite did (exit $rc: 124 timeout, 125 no boot)" >> "$build/results/failures"
	   } ;;
	esac
fi

# Docker's systemd driver, with systemd as PID 1 and Debian's units.
wait $sdpid; src=$?
out=$(cat "$sdout")
printf '%s\n' "$out" | grep -E '^(ok|not ok|#)|passed, [0-9]+ failed' | awk '!seen[$0]++'
if [ $src -eq 77 ]; then
	echo "SKIP: no VM with systemd as PID 1 (user-mode-linux, systemd or dbus missing): systemd-docker did not run" >&2
	exit $rc
fi
line=$(printf '%s\n' "$out" | grep -E '^systemd-docker: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/'); p=${p:-0}
f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/'); f=${f:-1}
[ $src -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "docker-v2-systemd $p $f" >> "$build/results/counts"
if [ "$f" -ne 0 ]; then
	printf '%s\n' "$out" | tail -n 40; rc=1
	{ echo "docker-v2-systemd: tests/vm/systemd-docker.sh (exit $src)"
	  printf '%s\n' "$out" | grep -E '^not ok' | sed 's/^/    /'; } >> "$build/results/failures"
fi
echo "docker-v2-systemd: $p passed, $f failed"
exit $rc
