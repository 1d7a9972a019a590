#!/bin/sh
# The kernel-facing system tests again, on a pure cgroup v2 kernel: natively
# when this host is pure v2, else inside a user-mode-linux VM; then the
# systemd D-Bus path, in a VM whose PID 1 is systemd.  Skipped, loudly,
# only when neither is possible.
build=$1
mkdir -p "$build/results"
rc=0
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	echo "cgroup v2 host: the system tests above already ran on cgroup v2"
else
	tests/vm/run-v2 -t 1200 -- sh tests/run-system.sh "$build" system-v2; rc=$?
	case $rc in
	0) ;;
	77) echo "SKIP: no cgroup v2 kernel available (user-mode-linux missing): the v2 suite did not run" >&2
	    rc=0 ;;
	*) grep -q '^system-v2 ' "$build/results/counts" 2>/dev/null || {
		echo "system-v2 0 1" >> "$build/results/counts"
		echo "system-v2: the VM ended before the suite did (exit $rc: 124 timeout, 125 no boot)" >> "$build/results/failures"
	   } ;;
	esac
fi

# vm_systemd SCRIPT LABEL: SCRIPT in a VM whose PID 1 is systemd.
vm_systemd() {
	name=$(basename "$1" .sh)
	out=$(VM_ENV=BUILD BUILD=$build tests/vm/run-v2-systemd -t 600 -- sh "$1" 2>&1); src=$?
	printf '%s\n' "$out" | grep -E '^(ok|not ok|#)|passed, [0-9]+ failed' | awk '!seen[$0]++'
	if [ $src -eq 77 ]; then
		echo "SKIP: no VM with systemd as PID 1 (user-mode-linux, systemd or dbus missing): $name did not run" >&2
		return
	fi
	line=$(printf '%s\n' "$out" | grep -E "^$name: [0-9]+ passed, [0-9]+ failed" | tail -n 1)
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/'); p=${p:-0}
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/'); f=${f:-1}
	[ $src -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "$2 $p $f" >> "$build/results/counts"
	[ "$f" -eq 0 ] || { printf '%s\n' "$out" | tail -n 40; rc=1
		{ echo "$2: $1 (exit $src)"; printf '%s\n' "$out" | grep -E '^not ok' | sed 's/^/    /'; } >> "$build/results/failures"; }
}
# The D-Bus path, then the hardened unit as systemd runs it.
vm_systemd tests/vm/systemd-dbus.sh systemd-v2
vm_systemd tests/vm/systemd-unit.sh systemd-unit
# Pods on containerd under the kubelet's systemd driver (runc's systemd
# cgroup manager needs systemd as PID 1).
vm_systemd tests/vm/systemd-containerd.sh systemd-containerd
exit $rc
