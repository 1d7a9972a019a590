#!/bin/bash
# The guard's event path, for tests/bench/guard.sh: on a pure cgroup v2
# kernel (the user-mode-linux VM of tests/vm/run-v2, or a v2 host) the
# kernel raises an inotify event on pids.events at the first refused fork
# and cgwardend samples the container at once.  No Docker here: a
# container-like cgroup (<parent>/docker/<64 hex>, pids.max set before the
# bomb), the same C fork bomb, cgwardend with action freeze, then kill.
# Prints one line per run, "<action>.v2 <guardwatch's key=value line>",
# and one per run, "<action>.v2seen SOURCE": which source saw the bomb, from
# the daemon's spike line (tests/bench/seenby.sh).
#
#   tests/vm/run-v2 -- bash tests/bench/guard-v2.sh BUILD
#
# Needs BUILD/bench/guardwatch and BUILD/bench/forkbomb (guard.sh builds
# them on the host: compiling under UML is slow).
set -u
BUILD=$(cd "${1:-build}" && pwd)
. "$(dirname "$0")/seenby.sh"
RUNS=${BENCH_RUNS:-5}
LIMIT=200
# Polling is dear under UML (every system call is a round trip to the
# host): the watcher polls every 5 ms and wakes on the kernel's events
# (pids.events, cgroup.events) at once.
POLL_US=${BENCH_V2_POLL_US:-5000}
V2=$(awk '/ - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
[ -n "$V2" ] && [ -z "$(awk '/ - cgroup / {print $5}' /proc/self/mountinfo)" ] ||
	{ echo "guard-v2: not a pure cgroup v2 system" >&2; exit 1; }
for b in cgwardend bench/guardwatch bench/forkbomb; do
	[ -x "$BUILD/$b" ] || { echo "guard-v2: no $BUILD/$b" >&2; exit 1; }
done
T=cgwarden-bench-v2-$$
WORK=$(mktemp -d /tmp/cgw-gbench-v2.XXXXXX)
DAEMON="" BOMB="" WATCH=""
cleanup() {
	[ -n "$WATCH" ] && kill "$WATCH" 2>/dev/null
	[ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
	if [ -d "$V2/$T" ]; then
		echo 1 > "$V2/$T/cgroup.kill" 2>/dev/null
		find "$V2/$T" -name cgroup.freeze -exec sh -c 'echo 0 > "$1"' _ {} \; 2>/dev/null
		for _ in $(seq 100); do
			grep -q '^populated 0' "$V2/$T/cgroup.events" && break
			sleep 0.05
		done
		find "$V2/$T" -depth -type d -exec rmdir {} \; 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The parent hands pids and cpu down to the containers.
mkdir "$V2/$T" "$V2/$T/docker" || exit 1
for c in pids cpu memory; do
	echo "+$c" > "$V2/$T/cgroup.subtree_control" 2>/dev/null
	echo "+$c" > "$V2/$T/docker/cgroup.subtree_control" 2>/dev/null
done
[ -f "$V2/$T/docker/cgroup.subtree_control" ] && grep -qw pids "$V2/$T/docker/cgroup.subtree_control" ||
	{ echo "guard-v2: no pids controller below $V2/$T" >&2; exit 1; }

start_daemon() { # start_daemon ACTION SPIKE_FORK_FAILURES
	cat > "$WORK/conf" <<EOF2
[global]
cgroup_root = $V2
container_cgroups = $T/docker/*
interval = 1s
docker_socket =
metrics_listen =
control_socket = $WORK/sock
max_actions_per_minute = 1000
[defaults]
pids_max = 4096
spike_fork_failures = $2
action = $1
EOF2
	rm -f "$WORK/sock"
	"$BUILD/cgwardend" -c "$WORK/conf" >> "$WORK/daemon.log" 2>&1 &
	DAEMON=$!
	for _ in $(seq 200); do [ -S "$WORK/sock" ] && break; sleep 0.05; done
	[ -S "$WORK/sock" ] || { echo "guard-v2: cgwardend did not start" >&2; cat "$WORK/daemon.log" >&2; exit 1; }
}
stop_daemon() { kill "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null; DAEMON=""; }

run() { # run ACTION N ROW
	local id dir
	id=$(printf '%04x%060x' "$2" "$$")
	dir=$V2/$T/docker/$id
	mkdir "$dir" || exit 1
	echo "$LIMIT" > "$dir/pids.max"
	# The daemon lowers a new container's limit to its ceiling (4096) within
	# ms of the mkdir: let that settle, then set ours again (a limit lowered
	# by hand is kept) before any bomb starts.
	sleep 0.3
	echo "$LIMIT" > "$dir/pids.max"
	mkfifo "$WORK/go"
	sh -c 'read x < "$0"; exec "$1" 12' "$WORK/go" "$BUILD/bench/forkbomb" </dev/null >/dev/null 2>&1 &
	BOMB=$!
	disown "$BOMB" # no job notice when it is killed; it is reaped all the same
	echo "$BOMB" > "$dir/cgroup.procs"
	"$BUILD/bench/guardwatch" -p "$dir" -u "$dir" -a "$dir/cpu.stat" -s 10 -x -n -r \
		-i "$POLL_US" > "$WORK/w" 2>"$WORK/w.err" &
	WATCH=$!
	sleep 0.2 # the watcher has read pids.events before the bomb goes
	echo go > "$WORK/go"
	rm -f "$WORK/go"
	wait "$WATCH" || { cat "$WORK/w.err" >&2; exit 1; }
	WATCH=""
	echo "$3.v2 $(cat "$WORK/w")"
	echo 1 > "$dir/cgroup.kill"
	echo 0 > "$dir/cgroup.freeze"
	BOMB=""
	for _ in $(seq 100); do grep -q '^populated 0' "$dir/cgroup.events" && break; sleep 0.02; done
	rmdir "$dir" || sleep 0.2; [ -d "$dir" ] && rmdir "$dir"
	kill -0 "$DAEMON" 2>/dev/null || { echo "guard-v2: cgwardend died" >&2; tail -n 20 "$WORK/daemon.log" >&2; exit 1; }
}
echo "v2: kernel $(uname -r), $(nproc) CPU, watcher polls every $POLL_US µs and wakes on inotify"
# ROW:ACTION:SPIKE_FORK_FAILURES.  A diagnostic row, freeze1:freeze:1 (a
# threshold of one refused fork: the first kernel event is the spike),
# shows the event path's own delay apart from how fast the bomb refuses;
# it measured the same as freeze (the growth rule, spike_rate, fires at
# the first refusal there anyway), so it is not run by default.
for cfg in ${BENCH_V2_ROWS:-freeze:freeze:20 kill:kill:20}; do
	IFS=: read -r row a f <<< "$cfg"
	l0=$(cat "$WORK/daemon.log" 2>/dev/null | wc -l)
	start_daemon "$a" "$f"
	sleep 1
	for n in $(seq "$RUNS"); do run "$a" "$n" "$row"; done
	stop_daemon
	# This row's daemon only: the next row's containers have the same ids.
	tail -n +$((l0 + 1)) "$WORK/daemon.log" > "$WORK/row.log"
	for n in $(seq "$RUNS"); do
		echo "$row.v2seen $(seen_by "$WORK/row.log" "$(printf '%04x%060x' "$n" "$$")")"
	done
done
grep -E 'spike|froze|killed|lowered' "$WORK/daemon.log" | cut -c1-240 | sed 's/^/v2 log: /'
exit 0
