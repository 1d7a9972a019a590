# tests/docker/dockerd.sh: a PRIVATE dockerd (and its own containerd) for one
# end-to-end test run. Source it from bash:
#
#     . "$TOP/tests/docker/dockerd.sh"
#     trap dockerd_stop EXIT
#     dockerd_start || exit 1
#     dockerd_import_busybox cgw-busybox nginx:1.25
#     docker run -d --name t1 cgw-busybox sleep 1000
#
# Debian packages (for `make deps`):
#     docker.io busybox-static
# docker.io pulls in containerd, runc and tini (docker-init) as Depends.
# iptables comes along as a Depends too but is never used (--iptables=false).
# curl is used by tests/docker/selftest.sh only if present.
#
# Installing docker.io on this VM starts nothing: PID 1 is not systemd, and
# /usr/sbin/policy-rc.d exits 101, so the postinst's invoke-rc.d refuses to
# start docker/containerd ("policy-rc.d denied execution of start"). On a
# host with systemd, stop and disable docker.service, docker.socket and
# containerd.service; nothing here needs them, and nothing here talks to
# /run/docker.sock or /run/containerd/containerd.sock.
#
# What is private, all under one mktemp -d directory ($DOCKERD_DIR):
#   containerd: own config, root, state, grpc socket, opt dir; CRI disabled.
#     dockerd is given --containerd, so it never starts its own managed
#     containerd nor picks up a system one at /run/containerd/containerd.sock.
#   dockerd: own --config-file, --data-root, --exec-root, --pidfile, trust
#     key ("deprecated-key-path" in the config file; else /etc/docker/key.json),
#     one unix socket (-H), no TCP; no iptables, no ip_forward sysctl write,
#     no bridge (docker0), no userland proxy; vfs storage; cgroupfs driver;
#     an ABSOLUTE --cgroup-parent (a relative one lands the memory cgroup
#     under the shell's own memory cgroup).
#   the docker CLI: DOCKER_HOST, DOCKER_CONFIG under the temp dir, and
#     `docker` on PATH is Debian's /usr/bin/docker (same version as dockerd),
#     not whatever else is first on PATH (this VM has a 28.x CLI in
#     /usr/local/bin; it also works, downgrading to API 1.41).
# Outside the temp dir, only these are touched: the cgroup parent in every
# hierarchy (removed by dockerd_stop), /run/containerd/s/<sha256> shim
# sockets (removed if left), and the empty dirs /run/docker/plugins and
# /run/containerd/s that dockerd and the shim create and that are left
# (other dockerds may be using them).
#
# Exported after dockerd_start:
#   DOCKER_HOST=unix://$DOCKER_SOCK   DOCKER_SOCK   DOCKER_DATA_ROOT
#   DOCKER_EXEC_ROOT   DOCKER_CGROUP_PARENT (absolute, e.g. /cgwarden-test-docker-PID)
#   DOCKERD_DIR  DOCKERD_PID  DOCKERD_LOG  CONTAINERD_PID  CONTAINERD_SOCK
#   CONTAINERD_LOG  DOCKERD_START_MS (dockerd exec -> `docker version` answers)
#   DOCKER (the CLI's path)  DOCKER_CONFIG
#
# Knobs (set before dockerd_start):
#   DOCKER_CGROUP_PARENT   default /cgwarden-test-docker-$$ (must be absolute;
#                          not tests/system/lib.sh's cgwarden-test-$$, which
#                          lib.sh's own cleanup removes).
#                          If it already exists (e.g. a lib.sh $T), only the
#                          container dirs are removed at the end, not it.
#   DOCKERD_TIMEOUT        seconds to wait for dockerd to answer (default 30)
#   DOCKERD_LIVE_RESTORE=1 adds --live-restore
#   DOCKERD_EXTRA_ARGS     more dockerd arguments (word-split)
#   DOCKER_CLI             the docker CLI to use (default /usr/bin/docker)
#
# Layout observed (Docker 20.10.24, runc 1.1.5, cgroupfs driver, hybrid host):
# a container's cgroup is <parent>/<64-hex id> in EVERY v1 hierarchy (cpu,
# cpuacct, cpuset, memory, devices, freezer, blkio, pids, name=systemd) and
# in the cgroup2 mount (/sys/fs/cgroup/unified/<parent>/<id>, no controllers).
# No docker/ level, no docker-<id>.scope (that is the systemd driver).
#
# dockerd_restart and live-restore (off by default): see dockerd_restart.

_dk_now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }

# The mount points of every cgroup hierarchy: v1 controllers, named v1
# (name=systemd) and cgroup2.
_dk_hierarchies() {
	awk '$0 ~ / - cgroup2? / { print $5 }' /proc/self/mountinfo
}

# _dk_wait_gone PID SECONDS: 0 once PID is gone (or a zombie), 1 on timeout.
_dk_wait_gone() {
	local pid=$1 n=$(($2 * 20)) st
	while [ $n -gt 0 ]; do
		[ -d "/proc/$pid" ] || return 0
		st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
		[ "$st" = Z ] || [ -z "$st" ] && return 0
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

# _dk_stop_pid PID SECONDS: SIGTERM, wait, then SIGKILL.
_dk_stop_pid() {
	local pid=$1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	if ! _dk_wait_gone "$pid" "$2"; then
		echo "dockerd.sh: pid $pid did not exit on SIGTERM in $2 s, SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
		_dk_wait_gone "$pid" 5
	fi
	return 0
}

# The pids of the containerd shims of OUR containerd (matched by its socket
# path on their command line: -address $CONTAINERD_SOCK).
_dk_shim_pids() {
	local p
	[ -n "${CONTAINERD_SOCK:-}" ] || return 0
	for p in /proc/[0-9]*; do
		tr '\0' ' ' 2>/dev/null < "$p/cmdline" | grep -qF -- "-address $CONTAINERD_SOCK " && echo "${p#/proc/}"
	done
	return 0
}

_dk_print_logs() {
	local f
	for f in "${DOCKERD_LOG:-}" "${CONTAINERD_LOG:-}"; do
		[ -n "$f" ] && [ -f "$f" ] || continue
		echo "----- $f (last 60 lines) -----" >&2
		tail -n 60 "$f" >&2
	done
}

# The dockerd command line, fixed at dockerd_start (knobs included, so that
# dockerd_restart starts the very same daemon).
_dk_set_args() {
	_DK_ARGS=(
		--config-file "$DOCKERD_DIR/daemon.json"
		--containerd "$CONTAINERD_SOCK"
		--data-root "$DOCKER_DATA_ROOT"
		--exec-root "$DOCKER_EXEC_ROOT"
		--pidfile "$DOCKERD_DIR/dockerd.pid"
		-H "unix://$DOCKER_SOCK"
		--iptables=false --ip-masq=false --ip-forward=false
		--bridge=none --userland-proxy=false
		--storage-driver=vfs
		--exec-opt native.cgroupdriver=cgroupfs
		--cgroup-parent="$DOCKER_CGROUP_PARENT"
		--log-level=warn
	)
	[ "${DOCKERD_LIVE_RESTORE:-0}" = 1 ] && _DK_ARGS+=(--live-restore)
	# shellcheck disable=SC2206
	[ -n "${DOCKERD_EXTRA_ARGS:-}" ] && _DK_ARGS+=($DOCKERD_EXTRA_ARGS)
	return 0
}

# Background, disowned: no "Killed" job notices from the caller's shell;
# the shell still reaps it.
_dk_launch_dockerd() {
	dockerd "${_DK_ARGS[@]}" </dev/null >>"$DOCKERD_LOG" 2>&1 &
	DOCKERD_PID=$!
	disown "$DOCKERD_PID" 2>/dev/null
	export DOCKERD_PID
}

# _dk_wait_dockerd: until `docker version` answers; 1 if dockerd died or
# DOCKERD_TIMEOUT passed (the logs are printed then).
_dk_wait_dockerd() {
	local t0 deadline
	t0=$(_dk_now_ms); deadline=$((t0 + ${DOCKERD_TIMEOUT:-30} * 1000))
	while :; do
		if [ -S "$DOCKER_SOCK" ] && timeout 5 "$DOCKER" version >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
			echo "dockerd.sh: dockerd (pid $DOCKERD_PID) exited before answering" >&2
			_dk_print_logs; return 1
		fi
		if [ "$(_dk_now_ms)" -ge "$deadline" ]; then
			echo "dockerd.sh: dockerd did not answer within ${DOCKERD_TIMEOUT:-30} s" >&2
			_dk_print_logs; return 1
		fi
		sleep 0.05
	done
}

# dockerd_available: 0 if everything needed is there; else 1 with the reason
# in DOCKERD_SKIP_REASON (for a test's skip_all).
dockerd_available() {
	local b
	DOCKERD_SKIP_REASON=""
	[ "$(id -u)" = 0 ] || { DOCKERD_SKIP_REASON="needs root"; return 1; }
	for b in dockerd containerd containerd-shim-runc-v2 runc; do
		command -v "$b" >/dev/null 2>&1 || { DOCKERD_SKIP_REASON="no $b (apt-get install docker.io)"; return 1; }
	done
	[ -x "${DOCKER_CLI:-/usr/bin/docker}" ] || command -v docker >/dev/null 2>&1 ||
		{ DOCKERD_SKIP_REASON="no docker CLI (apt-get install docker.io)"; return 1; }
	[ -n "$(_dk_hierarchies)" ] || { DOCKERD_SKIP_REASON="no cgroup filesystem"; return 1; }
	return 0
}

# dockerd_start: containerd + dockerd, private, under a new mktemp -d dir.
dockerd_start() {
	local t0 n h
	if [ -n "${_DK_STARTED:-}" ]; then
		echo "dockerd.sh: dockerd_start: already started ($DOCKERD_DIR)" >&2; return 1
	fi
	dockerd_available || { echo "dockerd.sh: $DOCKERD_SKIP_REASON" >&2; return 1; }
	DOCKER_CGROUP_PARENT=${DOCKER_CGROUP_PARENT:-/cgwarden-test-docker-$$}
	case $DOCKER_CGROUP_PARENT in
	/?*) ;;
	*) echo "dockerd.sh: DOCKER_CGROUP_PARENT must be absolute: '$DOCKER_CGROUP_PARENT'" >&2; return 1 ;;
	esac
	# Which hierarchies already have the parent: those are not ours to rmdir.
	_DK_PREEXISTING=""
	for h in $(_dk_hierarchies); do
		[ -d "$h$DOCKER_CGROUP_PARENT" ] && _DK_PREEXISTING="$_DK_PREEXISTING $h"
	done

	# Short path: the unix sockets below must stay under 108 bytes.
	DOCKERD_DIR=$(mktemp -d /tmp/cgw-docker.XXXXXX) || return 1
	_DK_STARTED=1
	_DK_SAVED_PATH=$PATH
	DOCKER_SOCK=$DOCKERD_DIR/docker.sock
	DOCKER_HOST=unix://$DOCKER_SOCK
	DOCKER_DATA_ROOT=$DOCKERD_DIR/data
	DOCKER_EXEC_ROOT=$DOCKERD_DIR/exec
	DOCKERD_LOG=$DOCKERD_DIR/dockerd.log
	CONTAINERD_LOG=$DOCKERD_DIR/containerd.log
	CONTAINERD_SOCK=$DOCKERD_DIR/ctd/containerd.sock
	DOCKER_CONFIG=$DOCKERD_DIR/cli
	export DOCKERD_DIR DOCKER_SOCK DOCKER_HOST DOCKER_DATA_ROOT DOCKER_EXEC_ROOT \
		DOCKER_CGROUP_PARENT DOCKERD_LOG CONTAINERD_LOG CONTAINERD_SOCK DOCKER_CONFIG
	unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_API_VERSION
	mkdir -p "$DOCKERD_DIR/bin" "$DOCKERD_DIR/ctd" "$DOCKER_CONFIG" "$DOCKER_DATA_ROOT" "$DOCKER_EXEC_ROOT"

	# `docker` = the CLI of the docker.io package, first on PATH.
	DOCKER=${DOCKER_CLI:-/usr/bin/docker}
	[ -x "$DOCKER" ] || DOCKER=$(command -v docker)
	ln -s "$DOCKER" "$DOCKERD_DIR/bin/docker"
	PATH=$DOCKERD_DIR/bin:$PATH
	export DOCKER PATH

	# The trust key: only a config-file key in 20.10 (no such flag).
	printf '{ "deprecated-key-path": "%s" }\n' "$DOCKERD_DIR/key.json" > "$DOCKERD_DIR/daemon.json"
	cat > "$DOCKERD_DIR/containerd.toml" <<EOF
version = 2
root = "$DOCKERD_DIR/ctd/root"
state = "$DOCKERD_DIR/ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
oom_score = 0
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
  level = "warn"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$DOCKERD_DIR/ctd/opt"
EOF

	t0=$(_dk_now_ms)
	containerd --config "$DOCKERD_DIR/containerd.toml" </dev/null >"$CONTAINERD_LOG" 2>&1 &
	CONTAINERD_PID=$!
	disown "$CONTAINERD_PID" 2>/dev/null
	export CONTAINERD_PID
	n=$((${DOCKERD_TIMEOUT:-30} * 20))
	while [ ! -S "$CONTAINERD_SOCK" ]; do
		if ! kill -0 "$CONTAINERD_PID" 2>/dev/null || [ $n -le 0 ]; then
			echo "dockerd.sh: containerd did not come up" >&2
			_dk_print_logs; dockerd_stop; return 1
		fi
		sleep 0.05; n=$((n - 1))
	done
	CONTAINERD_START_MS=$(($(_dk_now_ms) - t0))

	t0=$(_dk_now_ms)
	_dk_set_args
	_dk_launch_dockerd
	if ! _dk_wait_dockerd; then
		dockerd_stop; return 1
	fi
	DOCKERD_START_MS=$(($(_dk_now_ms) - t0))
	export CONTAINERD_START_MS DOCKERD_START_MS
	return 0
}

# dockerd_restart [--kill]: stops dockerd (SIGTERM, or SIGKILL with --kill,
# as in a crash) and starts it again on the same data root, exec root,
# socket, containerd and cgroup parent. containerd keeps running throughout.
# What happens to containers, with live-restore off (the default), observed
# on Docker 20.10:
#   SIGTERM: dockerd stops every running container before it exits (their
#     stop signal, then SIGKILL after their stop timeout: 10 s by default,
#     and `sleep` as PID 1 ignores SIGTERM, so give test containers
#     --stop-timeout 1); their cgroup dirs go. On start, containers with
#     --restart always/unless-stopped (on-failure too after 137) are started
#     again: same id, same cgroup path, new processes. The others stay
#     Exited (137 or 143).
#   --kill: the containers keep running under their shims while dockerd is
#     down; the new dockerd, finding them alive in containerd with
#     live-restore off, stops them (stop timeout again), then restarts the
#     ones with a restart policy as above.
# With DOCKERD_LIVE_RESTORE=1 (--live-restore) containers keep running
# across both, same pids.
# DOCKERD_RESTART_MS: time from the new exec to `docker version` answering.
# dockerd_down / dockerd_up: stop dockerd (containers live on with
# DOCKERD_LIVE_RESTORE=1) and start it again later, for tests of what
# happens while Docker is away.
dockerd_down() {
	[ -n "${_DK_STARTED:-}" ] || { echo "dockerd.sh: dockerd_down: not started" >&2; return 1; }
	_dk_stop_pid "$DOCKERD_PID" 60
}
dockerd_up() {
	[ -n "${_DK_STARTED:-}" ] || { echo "dockerd.sh: dockerd_up: not started" >&2; return 1; }
	_dk_launch_dockerd && _dk_wait_dockerd
}

dockerd_restart() {
	local t0
	[ -n "${_DK_STARTED:-}" ] || { echo "dockerd.sh: dockerd_restart: not started" >&2; return 1; }
	if [ "${1:-}" = --kill ]; then
		kill -KILL "$DOCKERD_PID" 2>/dev/null
		_dk_wait_gone "$DOCKERD_PID" 10
	else
		# dockerd's own wait is the longest stop timeout + 5 s.
		_dk_stop_pid "$DOCKERD_PID" 60
	fi
	t0=$(_dk_now_ms)
	_dk_launch_dockerd
	_dk_wait_dockerd || return 1
	DOCKERD_RESTART_MS=$(($(_dk_now_ms) - t0))
	export DOCKERD_RESTART_MS
}

# The ids of every container this dockerd knows, even if it no longer
# answers: the directories of its data root.
_dk_container_ids() {
	[ -d "${DOCKER_DATA_ROOT:-}/containers" ] || return 0
	ls "$DOCKER_DATA_ROOT/containers" 2>/dev/null | grep -E '^[0-9a-f]{64}$'
}

# _dk_rmdir_tree DIR: removes an (empty of processes) cgroup subtree, deepest
# first, retrying: a v1 rmdir is EBUSY for a moment after the last task exits.
_dk_rmdir_tree() {
	local top=$1 n=40 d
	[ -d "$top" ] || return 0
	while [ $n -gt 0 ]; do
		for d in $(find "$top" -depth -type d 2>/dev/null); do rmdir "$d" 2>/dev/null; done
		[ -d "$top" ] || return 0
		sleep 0.05; n=$((n - 1))
	done
	echo "dockerd.sh: could not remove cgroup $top" >&2
	return 1
}

# dockerd_stop: removes all containers, stops dockerd then containerd (and
# any shim left), unmounts and removes the temp dir, removes this run's
# cgroup dirs in every hierarchy. Safe to call twice and from a trap.
dockerd_stop() {
	local ids id h p pid m rc=0
	[ -n "${_DK_STARTED:-}" ] || return 0
	ids=$(_dk_container_ids)
	if [ -n "$ids" ] && [ -n "${DOCKERD_PID:-}" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
		# shellcheck disable=SC2086
		timeout 60 "${DOCKER:-docker}" rm -f -v $ids >/dev/null 2>&1
	fi
	_dk_stop_pid "${DOCKERD_PID:-}" 30
	# Anything still running (dockerd was dead or rm failed): kill what is
	# in our containers' cgroups, by their ids only.
	for id in $ids; do
		for h in $(_dk_hierarchies); do
			for p in $(find "$h$DOCKER_CGROUP_PARENT" -type d -name "*$id*" 2>/dev/null); do
				xargs -r kill -KILL < "$p/cgroup.procs" 2>/dev/null
			done
		done
	done
	_dk_stop_pid "${CONTAINERD_PID:-}" 20
	for pid in $(_dk_shim_pids); do
		kill -KILL "$pid" 2>/dev/null
		_dk_wait_gone "$pid" 5
	done
	# Shim sockets: /run/containerd/s/sha256(<containerd address>/<ns>/<id>).
	for id in $ids; do
		p=/run/containerd/s/$(printf '%s' "$CONTAINERD_SOCK/moby/$id" | sha256sum | cut -d' ' -f1)
		[ -S "$p" ] && rm -f "$p"
	done
	# Mounts under the dir (dockerd bind-mounts its data root onto itself;
	# one that crashed leaves it), deepest first.
	for m in $(awk -v d="$DOCKERD_DIR/" 'index($5, d) == 1 || $5 == substr(d, 1, length(d) - 1) { print length($5), $5 }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || { echo "dockerd.sh: cannot unmount $m" >&2; rc=1; }
	done
	# --one-file-system: never through a mount that is somehow still there.
	rm -rf --one-file-system "$DOCKERD_DIR" || rc=1
	# cgroups: the whole parent where we created it, else our containers only.
	for h in $(_dk_hierarchies); do
		case " $_DK_PREEXISTING " in
		*" $h "*)
			for id in $ids; do
				for p in $(find "$h$DOCKER_CGROUP_PARENT" -depth -type d -name "*$id*" 2>/dev/null); do
					_dk_rmdir_tree "$p" || rc=1
				done
			done ;;
		*) _dk_rmdir_tree "$h$DOCKER_CGROUP_PARENT" || rc=1 ;;
		esac
	done
	PATH=${_DK_SAVED_PATH:-$PATH}
	unset _DK_STARTED _DK_ARGS DOCKERD_DIR DOCKERD_PID CONTAINERD_PID DOCKER_HOST DOCKER_CONFIG _DK_PREEXISTING _DK_SAVED_PATH
	return $rc
}

# dockerd_import_busybox NAME [NAME...]: a rootfs of Debian's static busybox
# (every applet a symlink to /bin/busybox at its usual path, /etc/passwd,
# /etc/group, /tmp, /root), `docker import`ed under each NAME. Each name is
# a separate import, so each has its own image id (and a label cgw.image=NAME);
# the layer is shared. CMD ["sh"], PATH set: `docker run NAME sleep 1000`.
dockerd_import_busybox() {
	local bb r a name
	[ $# -gt 0 ] || { echo "usage: dockerd_import_busybox NAME..." >&2; return 2; }
	[ -n "${_DK_STARTED:-}" ] || { echo "dockerd.sh: not started" >&2; return 1; }
	if [ ! -f "$DOCKERD_DIR/busybox.tar" ]; then
		bb=/bin/busybox
		[ -x "$bb" ] || bb=$(command -v busybox) ||
			{ echo "dockerd.sh: no busybox (apt-get install busybox-static)" >&2; return 1; }
		r=$DOCKERD_DIR/busybox-rootfs
		mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin" "$r/etc" "$r/root" \
			"$r/tmp" "$r/proc" "$r/sys" "$r/dev" "$r/var/run" || return 1
		chmod 1777 "$r/tmp"
		cp "$bb" "$r/bin/busybox" || return 1
		for a in $("$bb" --list-full); do
			[ -e "$r/$a" ] || [ -L "$r/$a" ] || ln -s /bin/busybox "$r/$a"
		done
		[ -e "$r/bin/sh" ] || ln -s /bin/busybox "$r/bin/sh"
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$r/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
		tar -C "$r" --numeric-owner -cf "$DOCKERD_DIR/busybox.tar" . || return 1
	fi
	for name in "$@"; do
		"$DOCKER" import \
			--change 'CMD ["sh"]' \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			--change "LABEL cgw.image=$name" \
			- "$name" < "$DOCKERD_DIR/busybox.tar" >/dev/null || return 1
	done
}

# ct_id NAME: the container's full 64-hex id.
ct_id() { "$DOCKER" inspect -f '{{.Id}}' "$1"; }

# ct_cgroup_dirs ID: every cgroup dir of the container, in every hierarchy
# (v1 controllers, name=systemd, cgroup2), searched for the id under the
# cgroup parent.
ct_cgroup_dirs() {
	local h
	for h in $(_dk_hierarchies); do
		find "$h$DOCKER_CGROUP_PARENT" -type d -name "*$1*" 2>/dev/null
	done
}

# ct_cgroup_dir CONTROLLER ID: the one dir of the container in the v1
# hierarchy of CONTROLLER (pids, memory, freezer, cpu...), or in the cgroup2
# mount for CONTROLLER "unified".
ct_cgroup_dir() {
	local h
	if [ "$1" = unified ]; then
		h=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	else
		h=$(awk -v c="$1" '$0 ~ / - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo)
	fi
	[ -n "$h" ] || return 1
	find "$h$DOCKER_CGROUP_PARENT" -type d -name "*$2*" 2>/dev/null | head -n 1
}
