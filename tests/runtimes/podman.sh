# tests/runtimes/podman.sh: a PRIVATE rootful Podman for one test, and its
# Docker-compatible API service on a private socket.  Source it from bash
# after tests/system/lib.sh.
#
# Private, under one mktemp -d directory ($PM_DIR): storage (--root, vfs),
# run root (--runroot), libpod's tmp dir (events, locks), the API socket.
# Podman runs with --cgroup-manager cgroupfs --events-backend file, and
# its containers with --network none and --cgroup-parent below the test's
# own $T.  Outside it, only what containers/image keeps for every user
# of the host: its blob-info cache, /var/lib/containers/cache, and the
# empty /run/containers/networks that Podman makes at every start (both
# left, as Podman leaves them).  On this VM (no CAP_SYS_RESOURCE in the bounding set) a
# container needs --ulimit nofile=1024:1024 --ulimit nproc=4096:4096.
#
#   podman_start       PM_DIR PM_SOCK PM_SVC (the API service's pid)
#   pm ARGS...         podman with the private globals
#   pm_import NAME     busybox-static imported as NAME
#   pm_run ARGS...     podman run -d with the test's network, ulimits, parent
#   podman_stop        removes every container, stops the service
podman_available() {
	for _b in podman conmon; do
		command -v "$_b" >/dev/null 2>&1 || { PM_SKIP="no $_b (apt-get install podman)"; return 1; }
	done
	[ -x /bin/busybox ] || { PM_SKIP="no /bin/busybox (apt-get install busybox-static)"; return 1; }
	return 0
}

pm() {
	podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp" \
		--network-config-dir "$PM_DIR/net" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend file "$@"
}

podman_start() {
	PM_DIR=$(mktemp -d /tmp/cgw-pm.XXXXXX) || return 1
	PM_SOCK=$PM_DIR/podman.sock
	mkdir -p "$PM_DIR/root" "$PM_DIR/runroot" "$PM_DIR/tmp" "$PM_DIR/net"
	pm system service --time 0 "unix://$PM_SOCK" </dev/null >"$PM_DIR/service.log" 2>&1 &
	PM_SVC=$!
	wait_for 30 test -S "$PM_SOCK" || { echo "podman system service did not come up" >&2;
		cat "$PM_DIR/service.log" >&2; return 1; }
}

pm_import() {
	if [ ! -f "$PM_DIR/busybox.tar" ]; then
		_r=$PM_DIR/rootfs
		mkdir -p "$_r/bin" "$_r/tmp" "$_r/proc" "$_r/sys" "$_r/dev" "$_r/etc" || return 1
		cp /bin/busybox "$_r/bin/busybox" || return 1
		for _a in sh sleep seq cat; do ln -sf busybox "$_r/bin/$_a"; done
		printf 'root:x:0:0:root:/root:/bin/sh\n' > "$_r/etc/passwd"
		tar -C "$_r" --numeric-owner -cf "$PM_DIR/busybox.tar" . || return 1
	fi
	pm import --change "ENV PATH=/bin" "$PM_DIR/busybox.tar" "$1" >/dev/null 2>&1
}

pm_run() {
	pm run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
		--cgroup-parent "/$T/libpod_parent" "$@"
}

podman_stop() {
	[ -n "${PM_DIR:-}" ] || return 0
	timeout 60 sh -c 'podman --root "$1/root" --runroot "$1/runroot" --tmpdir "$1/tmp" \
		--network-config-dir "$1/net" --storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend file rm -a -f -t 0' _ "$PM_DIR" >/dev/null 2>&1
	if [ -n "${PM_SVC:-}" ]; then
		kill -TERM "$PM_SVC" 2>/dev/null
		wait_for 10 sh -c "! kill -0 $PM_SVC 2>/dev/null" || kill -KILL "$PM_SVC" 2>/dev/null
		wait "$PM_SVC" 2>/dev/null
	fi
	for _m in $(awk -v d="$PM_DIR/" 'index($5, d) == 1 { print length($5), $5 }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2); do
		umount "$_m" 2>/dev/null || umount -l "$_m" 2>/dev/null
	done
	rm -rf --one-file-system "$PM_DIR"
	PM_DIR=""
}
