#!/bin/bash
# The guard on a real Docker on pure cgroup v2, for tests/bench/guard.sh:
# run inside the user-mode-linux VM of tests/vm/run-v2 (or on a v2 host),
# a private dockerd (tests/docker/dockerd.sh, cgroupfs driver), the C fork
# bomb in busybox containers with --pids-limit 200, cgwardend freezing.
#   young  a new container whose command is the bomb: docker start on
#   old    a container idle for 7 s (out of the guard's young window) whose
#          bomb is let go through a fifo: the kernel's pids.events event
# Each run is watched from outside by guardwatch (its header defines the
# times), and cgwardend's log gives the handoff to Docker's pause: how long
# SIGSTOP held the bomb between cgwarden's release and Docker's freeze,
# and the CPU the container used meanwhile.
# Prints one line per run: "<row>.dv2 <guardwatch's key=value line>
# gap_ms=N gap_cpu_us=N seen=SOURCE".  Figures, never assertions.
#
#   tests/vm/run-v2 -- bash tests/bench/guard-docker-v2.sh BUILD
#
# Needs BUILD/bench/guardwatch and BUILD/bench/forkbomb (guard.sh builds
# them on the host: compiling under UML is slow).
set -u
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${BENCH_RUNS:-3}
LIMIT=200
# Polling is dear under UML: every 5 ms, and at once on inotify events.
POLL_US=${BENCH_V2_POLL_US:-5000}
V2=$(awk '/ - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
[ -n "$V2" ] && [ -z "$(awk '/ - cgroup / {print $5}' /proc/self/mountinfo)" ] ||
	{ echo "guard-docker-v2: not a pure cgroup v2 system" >&2; exit 1; }
for b in cgwardend bench/guardwatch bench/forkbomb; do
	[ -x "$BUILD/$b" ] || { echo "guard-docker-v2: no $BUILD/$b" >&2; exit 1; }
done
. "$TOP/tests/docker/dockerd.sh"
. "$TOP/tests/bench/seenby.sh"
export DOCKER_CGROUP_PARENT=/cgwarden-bench-dv2-$$
P=${DOCKER_CGROUP_PARENT#/}
WORK=$(mktemp -d /tmp/cgw-gbench-dv2.XXXXXX)
DAEMON="" WATCH=""
cleanup() {
	local f
	[ -n "$WATCH" ] && kill "$WATCH" 2>/dev/null
	[ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
	for f in "$V2/$P"/*/cgroup.kill; do [ -f "$f" ] && echo 1 > "$f" 2>/dev/null; done
	for f in "$V2/$P"/*/cgroup.freeze; do [ -f "$f" ] && echo 0 > "$f" 2>/dev/null; done
	dockerd_stop
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
broke() { echo "guard-docker-v2: BROKEN: $*" >&2; [ -f "$WORK/daemon.log" ] && tail -n 30 "$WORK/daemon.log" >&2; exit 1; }

dockerd_start >/dev/null || broke "the private dockerd did not start"
dockerd_import_busybox cgw-busybox >/dev/null || broke "cannot import busybox"
mkdir "$WORK/trig"
MOUNTS=(-v "$BUILD/bench/forkbomb:/forkbomb:ro" -v "$WORK/trig:/trig:ro")

cat > "$WORK/conf" <<EOF2
[global]
cgroup_root = $V2
container_cgroups = $P/*
interval = 1s
docker_socket = $DOCKER_SOCK
docker_data_root = $DOCKER_DATA_ROOT
metrics_listen =
control_socket = $WORK/sock
max_actions_per_minute = 1000
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = freeze
EOF2
"$BUILD/cgwardend" -c "$WORK/conf" >> "$WORK/daemon.log" 2>&1 &
DAEMON=$!
for _ in $(seq 200); do [ -S "$WORK/sock" ] && break; sleep 0.05; done
[ -S "$WORK/sock" ] || broke "cgwardend did not start"

watch() { # watch ID OUT
	"$BUILD/bench/guardwatch" -p "$V2/$P/$1" -u "$V2/$P/$1" -a "$V2/$P/$1/cpu.stat" \
		-s 10 -x -n -r -i "$POLL_US" > "$2" 2>"$2.err" &
	WATCH=$!
}
# report ROW ID: the watcher's line, then the handoff from the daemon's log.
report() {
	local row=$1 id=$2 line gap cpu n
	for n in $(seq 200); do
		grep -q "($(printf %.12s "$id"))[^:]*: Docker paused it too" "$WORK/daemon.log" && break
		sleep 0.05
	done
	line=$(grep "($(printf %.12s "$id"))[^:]*: Docker paused it too" "$WORK/daemon.log" | head -n 1)
	gap=$(echo "$line" | sed -n 's/.* \([0-9]*\) ms between the two.*/\1/p')
	cpu=$(echo "$line" | sed -n 's/.* \([0-9]*\) us of CPU used.*/\1/p')
	echo "$row.dv2 $(cat "$WORK/w") gap_ms=${gap:--1} gap_cpu_us=${cpu:--1} seen=$(seen_by "$WORK/daemon.log" "$id" | tr ' ' _)"
}
end_ct() {
	echo 1 > "$V2/$P/$1/cgroup.kill" 2>/dev/null
	echo 0 > "$V2/$P/$1/cgroup.freeze" 2>/dev/null
	docker rm -f "$1" >/dev/null 2>&1
}

echo "dv2: kernel $(uname -r), $(nproc) CPU, Docker $(docker version -f '{{.Server.Version}}' 2>/dev/null), driver $(docker info -f '{{.CgroupDriver}}' 2>/dev/null), watcher polls every $POLL_US µs and wakes on inotify"
for n in $(seq "$RUNS"); do
	id=$(docker create --pids-limit "$LIMIT" "${MOUNTS[@]}" --name "young-$n" cgw-busybox /forkbomb 12) || broke "docker create"
	watch "$id" "$WORK/w"
	docker start "$id" >/dev/null || broke "docker start"
	wait "$WATCH" || { cat "$WORK/w.err" >&2; broke "guardwatch (young $n)"; }
	WATCH=""
	report young "$id"
	end_ct "$id"
done
# The old ones: all started now, each bomb let go once it is 7 s old.
for n in $(seq "$RUNS"); do
	mkfifo "$WORK/trig/old.$n"
	docker run -d --pids-limit "$LIMIT" "${MOUNTS[@]}" --name "old-$n" cgw-busybox \
		sh -c "read x < /trig/old.$n; exec /forkbomb 12" > "$WORK/old.$n" || broke "docker run (old)"
done
sleep 7
for n in $(seq "$RUNS"); do
	id=$(cat "$WORK/old.$n")
	watch "$id" "$WORK/w"
	sleep 0.3 # the watcher has read pids.events before the bomb goes
	echo go > "$WORK/trig/old.$n"
	wait "$WATCH" || { cat "$WORK/w.err" >&2; broke "guardwatch (old $n)"; }
	WATCH=""
	report old "$id"
	end_ct "$id"
	kill -0 "$DAEMON" 2>/dev/null || broke "cgwardend died"
done
grep -E 'spike|froze|paused it too' "$WORK/daemon.log" | cut -c1-240 | sed 's/^/dv2 log: /'
exit 0
