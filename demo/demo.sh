#!/bin/bash
# make demo: a fork bomb in a Docker container, caught by cgwardend.
#
# Starts a private dockerd (its own containerd, data root, socket and
# cgroup parent, all under one temp directory: a Docker already on the
# host is not touched), imports busybox as an image, runs cgwardend on it,
# starts a C fork bomb in a container and shows what happens.  Everything
# is removed at the end, also on failure or Ctrl-C.
#
#     demo/demo.sh [BUILD_DIR]      (as root; `make demo` builds first)
#
# Exit 0 when every step happened, 1 with the reason when one did not.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
CGWARDEND=$BUILD/cgwardend
CGWARDENCTL=$BUILD/cgwardenctl

if [ -t 1 ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B="" N=""; fi
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
say() { printf '   %s\n' "$*"; }
run() { printf '   %s$ %s%s\n' "$B" "$*" "$N"; "$@" 2>&1 | sed '/^ *$/d; s/^/     /'; }
cgwardenctl() { "$CGWARDENCTL" -s "$SOCK" "$@"; }
fail() {
	printf '\n%sDEMO FAILED: %s%s\n' "$B" "$*" "$N" >&2
	if [ -s "${LOG:-}" ]; then
		echo "   cgwardend's log (last 20 lines):" >&2
		tail -n 20 "$LOG" | sed 's/^/     /' >&2
	fi
	exit 1
}
now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
# wait_for SECONDS CMD...: polls until CMD succeeds, up to SECONDS by the
# clock (a docker inspect can take 100 ms while a bomb burns the CPUs).
wait_for() {
	local end=$(($(now_ms) + $1 * 1000)); shift
	until "$@"; do
		[ "$(now_ms)" -lt "$end" ] || return 1
		sleep 0.05
	done
}
# The log lines that tell the story, from line $SHOWN on (security posture
# findings, which cgwardend also reports for every new container, are left
# out here: `cgwardenctl audit` shows them).
SHOWN=1
show_log() {
	tail -n +"$SHOWN" "$LOG" | grep -v 'posture:' | sed 's/^/   | /'
	SHOWN=$(($(wc -l < "$LOG") + 1))
}

[ "$(id -u)" = 0 ] || fail "run it as root (it starts a dockerd and writes cgroups)"
[ -x "$CGWARDEND" ] && [ -x "$CGWARDENCTL" ] || fail "no $CGWARDEND: run make first"
for b in dockerd containerd runc getfattr cc; do
	command -v $b >/dev/null || fail "no $b: run make deps"
done

W=$(mktemp -d /tmp/cgwarden-demo.XXXXXX) || exit 1
LOG=$W/cgwardend.log
SOCK=$W/cgwarden.sock
CONF=$W/cgwarden.conf
DAEMON=""
export DOCKER_CGROUP_PARENT=/cgwarden-demo-$$
P=${DOCKER_CGROUP_PARENT#/}
. "$TOP/tests/docker/dockerd.sh"

cleanup() {
	local f
	trap - EXIT INT TERM
	[ -n "$DAEMON" ] && kill -TERM "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
	# A frozen process takes no SIGKILL: kill, then let go of the freezers.
	for f in /sys/fs/cgroup/unified/"$P"/*/cgroup.kill /sys/fs/cgroup/"$P"/*/cgroup.kill; do
		[ -f "$f" ] && echo 1 > "$f" 2>/dev/null
	done
	for f in /sys/fs/cgroup/*/"$P"/*/cgroup.freeze /sys/fs/cgroup/"$P"/*/cgroup.freeze; do
		[ -f "$f" ] && echo 0 > "$f" 2>/dev/null
	done
	for f in /sys/fs/cgroup/freezer/"$P"/*/freezer.state; do
		[ -f "$f" ] && echo THAWED > "$f" 2>/dev/null
	done
	dockerd_stop >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "1. A private Docker daemon"
say "its own containerd, data root and socket under /tmp/cgw-docker.*;"
say "its containers' cgroups under $DOCKER_CGROUP_PARENT (cgroupfs driver)"
dockerd_start >"$W/dockerd.out" 2>&1 || { cat "$W/dockerd.out" >&2; fail "the private dockerd did not start"; }
dockerd_import_busybox demo-busybox || fail "cannot import busybox as an image"
say "dockerd answered after ${DOCKERD_START_MS} ms; busybox imported as the image demo-busybox"
cc -static -O2 -o "$W/forkbomb" "$TOP/tests/helpers/forkbomb.c" ||
	fail "cannot link the fork bomb statically (libc6-dev)"
say "the fork bomb: tests/helpers/forkbomb.c, linked statically for the image:"
say "every process loops on fork() (it gives up by itself after 20 s)"

step "2. cgwardend's configuration"
cat > "$CONF" <<EOF
[global]
cgroup_root = /sys/fs/cgroup
container_cgroups = $P/*
interval = 1s
docker_socket = $DOCKER_SOCK
docker_data_root = $DOCKER_DATA_ROOT
control_socket = $SOCK
metrics_listen =

[defaults]
pids_max = 200       # a ceiling: a container never gets more processes
action = freeze      # what to do with a fork bomb
EOF
sed 's/^/   | /' "$CONF"
"$CGWARDEND" -n -c "$CONF" >/dev/null || fail "the configuration is rejected"

step "3. cgwardend starts (its log is shown as '| ')"
say "cgwardenctl below is $BUILD/cgwardenctl -s $SOCK"
"$CGWARDEND" -c "$CONF" >"$LOG" 2>&1 &
DAEMON=$!
wait_for 10 test -S "$SOCK" || fail "cgwardend did not start"
wait_for 5 grep -q "Docker API at .* connected" "$LOG" || fail "cgwardend did not connect to Docker"
show_log

step "4. A C fork bomb in a container, with --pids-limit 100"
t0=$(now_ms)
run docker run -d --name forkbomb --network none --pids-limit 100 \
	-v "$W/forkbomb:/forkbomb:ro" demo-busybox /forkbomb 20
paused() { [ "$(docker inspect -f '{{.State.Paused}}' forkbomb 2>/dev/null)" = true ]; }
wait_for 5 paused || fail "the bomb was not frozen within 5 s"
ms=$(($(now_ms) - t0))
ID=$(docker inspect -f '{{.Id}}' forkbomb)
say "within 100 ms the container runs out of processes; every process keeps"
say "trying to fork.  cgwardend samples young containers every 10 ms, sees the"
say "refused forks pile up, and freezes the container, then asks Docker to"
say "pause it (so docker ps, docker unpause and cgwardenctl agree):"
show_log
spike=$(sed -n 's/.*frozen \([0-9]*\) ms after the spike was seen.*/\1/p' "$LOG" | head -n 1)
say "=> frozen ${spike:-?} ms after the spike was seen; ${ms} ms after 'docker run' was started"

step "5. What the operator sees"
run cgwardenctl status
run docker ps --filter name=forkbomb
docker ps --filter name=forkbomb --format '{{.Status}}' | grep -q '(Paused)' ||
	fail "docker ps does not show the container (Paused)"
say "the kernel's word: freezer.state $(cat /sys/fs/cgroup/freezer/"$P"/"$ID"/freezer.state 2>/dev/null || echo '?'),"
n1=$(cat /sys/fs/cgroup/pids/"$P"/"$ID"/pids.current 2>/dev/null); sleep 0.3
n2=$(cat /sys/fs/cgroup/pids/"$P"/"$ID"/pids.current 2>/dev/null)
say "pids.current ${n1:-?}, and ${n2:-?} 0.3 s later: nothing runs in it"
say "the evidence stays on the container's cgroup (trusted.* xattrs):"
run getfattr --absolute-names -d -m trusted.cgwarden /sys/fs/cgroup/pids/"$P"/"$ID"
getfattr --only-values -n trusted.cgwarden.action /sys/fs/cgroup/pids/"$P"/"$ID" 2>/dev/null |
	grep -q '^freeze ' || fail "no trusted.cgwarden.action note on the cgroup"

step "6. The operator decides: kill it"
say "(cgwardenctl thaw forkbomb, or docker unpause, would let it run again;"
say "still a bomb, it would be frozen again at once)"
run cgwardenctl kill forkbomb
exited() { [ "$(docker inspect -f '{{.State.Running}}' forkbomb 2>/dev/null)" = false ]; }
wait_for 5 exited || fail "the container did not exit after cgwardenctl kill"
show_log
run docker ps -a --filter name=forkbomb

step "7. Cleaning up"
kill -TERM "$DAEMON" && wait "$DAEMON"
DAEMON=""
cleanup
left=$(ls -d /sys/fs/cgroup/*/"$P" 2>/dev/null)
[ -z "$left" ] || fail "cgroups left behind: $left"
[ ! -e "$W" ] || fail "$W left behind"
say "private dockerd stopped, container, cgroups and temp files removed"
printf '\n%sDemo OK%s: the bomb was frozen %s ms after cgwardend saw it, then killed.\n' \
	"$B" "$N" "${spike:-?}"
