#!/bin/sh
# The end-to-end tests against a real Docker on a pure cgroup v2 kernel:
# tests/docker/*.sh with the cgroupfs driver (a private dockerd, as on this
# host), natively when this host is pure v2, else inside a user-mode-linux
# VM.  Skipped, loudly, only when no VM can run.
build=$1
mkdir -p "$build/results"
rc=0
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	echo "cgroup v2 host: the docker tests above already ran on cgroup v2 (cgroupfs driver)"
else
	VM_ENV=BUILD BUILD=$build VM_MEM=1G tests/vm/run-v2 -t 1500 -- sh tests/run-docker.sh "$build" docker-v2; rc=$?
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

exit $rc
