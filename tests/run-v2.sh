#!/bin/sh
# The kernel-facing system tests again, on a pure cgroup v2 kernel: natively
# when this host is pure v2, else inside a user-mode-linux VM.  Skipped,
# loudly, only when neither is possible.
build=$1
mkdir -p "$build/results"
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	echo "cgroup v2 host: the system tests above already ran on cgroup v2"
	exit 0
fi
tests/vm/run-v2 -t 1200 -- sh tests/run-system.sh "$build" system-v2; rc=$?
case $rc in
0) ;;
77)
	echo "SKIP: no cgroup v2 kernel available (user-mode-linux missing): the v2 suite did not run" >&2
	exit 0 ;;
*)
	grep -q '^system-v2 ' "$build/results/counts" 2>/dev/null ||
		echo "system-v2 0 1" >> "$build/results/counts"
	exit 1 ;;
esac
