# tests/runtimes/containerd.sh: a PRIVATE containerd for one test, and pods
# made the way the kubelet's CRI plugin makes them, without the kubelet:
# `ctr -n k8s.io run --rootfs` with the CRI annotations and a kubepods
# cgroupsPath.  Source it from bash after tests/system/lib.sh.
#
# Private, under one mktemp -d directory ($CTD_DIR): containerd's config,
# root, state, grpc and ttrpc sockets, opt dir; its CRI plugin is disabled
# (no kubelet here).  Outside it, only the shim sockets
# /run/containerd/s/<sha256> (removed by containerd_stop) and the cgroups
# runc makes below the test's own $T.
#
#   containerd_start             CTD_DIR CTD_SOCK CTD_STATE CTD_PID
#   ctd_rootfs DIR               a busybox-static rootfs at DIR
#   ctd_run ID CGROUP ROOTFS KEY=VAL... -- CMD...   (annotations before --;
#                                $CTD_RUN_ARGS more ctr run options)
#   containerd_stop              kills the tasks, the shims, containerd
CTD_NS=k8s.io

containerd_available() {
	for _b in containerd containerd-shim-runc-v2 ctr runc; do
		command -v "$_b" >/dev/null 2>&1 || { CTD_SKIP="no $_b (apt-get install containerd)"; return 1; }
	done
	[ -x /bin/busybox ] || { CTD_SKIP="no /bin/busybox (apt-get install busybox-static)"; return 1; }
	return 0
}

containerd_start() {
	CTD_DIR=$(mktemp -d /tmp/cgw-ctd.XXXXXX) || return 1
	# The socket in the state directory, as /run/containerd/containerd.sock is.
	CTD_STATE=$CTD_DIR/state
	CTD_SOCK=$CTD_STATE/containerd.sock
	cat > "$CTD_DIR/config.toml" <<EOF2
version = 2
root = "$CTD_DIR/root"
state = "$CTD_STATE"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
oom_score = 0
[grpc]
  address = "$CTD_SOCK"
[ttrpc]
  address = "$CTD_SOCK.ttrpc"
[debug]
  address = ""
  level = "warn"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$CTD_DIR/opt"
EOF2
	containerd --config "$CTD_DIR/config.toml" </dev/null >"$CTD_DIR/containerd.log" 2>&1 &
	CTD_PID=$!
	wait_for 20 test -S "$CTD_SOCK" || { echo "containerd did not come up" >&2; cat "$CTD_DIR/containerd.log" >&2; return 1; }
	CTD_IDS=""
}

ctr_() { ctr -a "$CTD_SOCK" -n "$CTD_NS" "$@"; }

ctd_rootfs() {
	mkdir -p "$1/bin" "$1/tmp" "$1/proc" "$1/sys" "$1/dev" "$1/etc" || return 1
	cp /bin/busybox "$1/bin/busybox" || return 1
	for _a in sh sleep seq cat; do ln -sf busybox "$1/bin/$_a"; done
}

# ctd_run ID CGROUP ROOTFS [KEY=VAL...] -- CMD...
ctd_run() {
	_id=$1 _cg=$2 _rf=$3; shift 3
	set -- "$@"
	_ann=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do _ann="$_ann --annotation $1"; shift; done
	[ "${1:-}" = -- ] && shift
	CTD_IDS="$CTD_IDS $_id"
	# shellcheck disable=SC2086
	ctr_ run -d ${CTD_RUN_ARGS:-} --rootfs --env PATH=/bin --cgroup "$_cg" $_ann "$_rf" "$_id" "$@" \
		>>"$CTD_DIR/ctr.log" 2>&1
}

_ctd_shim_pids() {
	for _p in /proc/[0-9]*; do
		tr '\0' ' ' 2>/dev/null < "$_p/cmdline" | grep -qF -- "-address $CTD_SOCK " && echo "${_p#/proc/}"
	done
	return 0
}

containerd_stop() {
	[ -n "${CTD_DIR:-}" ] || return 0
	for _id in $CTD_IDS; do
		timeout 10 ctr -a "$CTD_SOCK" -n "$CTD_NS" task kill -s KILL "$_id" >/dev/null 2>&1
	done
	for _id in $CTD_IDS; do
		timeout 10 ctr -a "$CTD_SOCK" -n "$CTD_NS" task delete -f "$_id" >/dev/null 2>&1
		timeout 10 ctr -a "$CTD_SOCK" -n "$CTD_NS" container delete "$_id" >/dev/null 2>&1
	done
	for _p in $(_ctd_shim_pids); do kill -KILL "$_p" 2>/dev/null; done
	if [ -n "${CTD_PID:-}" ]; then
		kill -TERM "$CTD_PID" 2>/dev/null
		wait_for 10 sh -c "! kill -0 $CTD_PID 2>/dev/null" || kill -KILL "$CTD_PID" 2>/dev/null
		wait "$CTD_PID" 2>/dev/null
	fi
	for _id in $CTD_IDS; do
		_s=/run/containerd/s/$(printf '%s' "$CTD_SOCK.ttrpc/$CTD_NS/$_id" | sha256sum | cut -d' ' -f1)
		[ -S "$_s" ] && rm -f "$_s"
		_s=/run/containerd/s/$(printf '%s' "$CTD_SOCK/$CTD_NS/$_id" | sha256sum | cut -d' ' -f1)
		[ -S "$_s" ] && rm -f "$_s"
	done
	for _m in $(awk -v d="$CTD_DIR/" 'index($5, d) == 1 { print length($5), $5 }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2); do
		umount "$_m" 2>/dev/null || umount -l "$_m" 2>/dev/null
	done
	rm -rf --one-file-system "$CTD_DIR"
	CTD_DIR=""
}

