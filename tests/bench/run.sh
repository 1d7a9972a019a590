#!/bin/bash
# make bench: sampling cost of cgwardend with N real container cgroups,
# side by side with a bare loop of the preads a pass really needs (the
# kernel's floor).  Prints CPU per pass, per container, the ratio to the
# floor, peak RSS, the daemon's held fds and inotify watches; then the
# idle daemon's CPU with quiet containers; then the Docker and guard
# benchmarks.
#
#   BENCH_SIZES        container counts of the table (default 100 1000 2000 5000)
#   BENCH_FLOOR_FILES  the files of each container the floor reads (default
#                      pids.current: all a pass reads of a quiet container),
#                      e.g. "pids.current pids.events pids.max"; on v1 each
#                      file is read in its controller's hierarchy
#   BENCH_IDLE_N       containers of the idle measurement (default 1000)
#   BENCH_IDLE_S       its duration in seconds (default 60)
#   BENCH_IDLE_INTERVAL  the daemon's interval then (default 1s, its default)
#   BENCH_ONLY         sampling: the table and the idle CPU only (default: all)
set -u
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "bench: needs root"; exit 1; }
T=cgwarden-bench-$$
WORK=$(mktemp -d /tmp/cgw-bench.XXXXXX)
V1=$(awk '/ - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] ~ /^(pids|memory|cpu|cpuacct|freezer)$/) { print $5; break } }' /proc/self/mountinfo)
V2=$(awk '/ - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
HIERS="$V1 $V2"
ROOT=$(dirname "${V1%%[[:space:]]*}"); [ -n "$V1" ] || ROOT=$V2
SIZES=$(printf '%s\n' ${BENCH_SIZES:-100 1000 2000 5000} | sort -n -u)
FLOOR_FILES=${BENCH_FLOOR_FILES:-pids.current}
IDLE_N=${BENCH_IDLE_N:-1000}
IDLE_S=${BENCH_IDLE_S:-60}
IDLE_INTERVAL=${BENCH_IDLE_INTERVAL:-1s}
DAEMON=""
cleanup() {
	[ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
	for h in $HIERS; do [ -d "$h/$T" ] && find "$h/$T" -depth -type d -exec rmdir {} + 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
cc -O2 -o "$WORK/floor" "$TOP/tests/bench/floor.c" || exit 1

# Every container holds at least one fd in the daemon (and in the floor):
# 5,000 containers need more than the usual soft limit of 1,024.
NOFILE0=$(ulimit -Sn) NOFILE_HARD=$(ulimit -Hn)
ulimit -n "$NOFILE_HARD" 2>/dev/null
NOFILE=$(ulimit -Sn)

if [ -n "$V2" ] && [ -z "$V1" ]; then
	mkdir -p "$V2/$T/docker"
	for c in $(cat "$V2/cgroup.subtree_control"); do echo "+$c" > "$V2/$T/cgroup.subtree_control"; echo "+$c" > "$V2/$T/docker/cgroup.subtree_control"; done
fi
for h in $HIERS; do mkdir -p "$h/$T/docker"; done
have=0
notes=""
PASSES=60
v1_of() { awk -v c="$1" '/ - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $5 }' /proc/self/mountinfo | head -n 1; }
P=$(v1_of pids) M=$(v1_of memory) C=$(v1_of cpu) A=$(v1_of cpuacct)
[ -n "$P" ] || P=$V2 M=$V2 C=$V2 A=$V2
# hier_of FILE: the hierarchy a container's FILE is read in.
hier_of() {
	case $1 in
	pids.*) echo "$P" ;;
	memory.*) echo "$M" ;;
	cpuacct.*) echo "$A" ;;
	cpu.*) echo "$C" ;;
	*) echo "$P" ;;
	esac
}
NFLOOR=0
for f in $FLOOR_FILES; do NFLOOR=$((NFLOOR + 1)); done

# grow N: container cgroups 1..N exist in every hierarchy.
grow() {
	local i
	[ "$have" -lt "$1" ] || return 0
	for i in $(seq $((have + 1)) "$1"); do
		printf "%s/$T/docker/$(printf '%064x' "$i")\n" $HIERS
	done > "$WORK/new"
	xargs -r mkdir < "$WORK/new" || exit 1
	have=$1
}
# start_daemon [INTERVAL]: cgwardend on every container cgroup made so far.
start_daemon() {
	{
		cat <<EOF2
[global]
cgroup_root = $ROOT
container_cgroups = $T/docker/*
EOF2
		[ -n "${1:-}" ] && echo "interval = $1"
		cat <<EOF2
docker_socket =
metrics_listen =
control_socket = $WORK/sock
[defaults]
pids_max = 4096
EOF2
	} > "$WORK/conf"
	rm -f "$WORK/sock"
	"$BUILD/cgwardend" -c "$WORK/conf" 2>>"$WORK/log" &
	DAEMON=$!
	for _ in $(seq 200); do [ -S "$WORK/sock" ] && break; sleep 0.05; done
	[ -S "$WORK/sock" ] || { echo "bench: cgwardend did not start"; tail -n 20 "$WORK/log"; exit 1; }
}
stop_daemon() { kill "$DAEMON"; wait "$DAEMON" 2>/dev/null; DAEMON=""; }
stats() { "$BUILD/cgwardenctl" -s "$WORK/sock" stats; }
# stat_of JSON KEY: one number of `cgwardenctl stats`, or - if it has none.
stat_of() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], "-"))' "$1" "$2"; }
# settle N: discovery has found N containers, its first writes are done and
# none is in the fast set any more (a container is sampled fast for its
# first seconds): the steady state of quiet containers.
settle() {
	local s
	for _ in $(seq 600); do
		[ "$(stat_of "$(stats)" containers)" = "$1" ] && break
		sleep 0.1
	done
	for _ in $(seq 150); do
		s=$(stat_of "$(stats)" hot)
		[ "$s" = 0 ] || [ "$s" = - ] && break
		sleep 0.1
	done
	sleep 1
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# idle: the daemon's own CPU (utime + stime) over IDLE_S s of steady state
# with IDLE_N quiet containers, at the interval of a real host.
IDLE=""
idle() {
	local t0 t1 s0 s1 hz
	start_daemon "$IDLE_INTERVAL"
	settle "$IDLE_N"
	hz=$(getconf CLK_TCK)
	s0=$(stats) t0=$(cpu_ticks "$DAEMON")
	sleep "$IDLE_S"
	s1=$(stats) t1=$(cpu_ticks "$DAEMON")
	stop_daemon
	IDLE=$(python3 -c '
import json, sys
t, hz, secs, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
a, b = json.loads(sys.argv[5]), json.loads(sys.argv[6])
ms = 1000.0 * t / hz / secs
print("idle cgwardend, %d quiet containers, interval %s, %d s of steady state:" % (n, sys.argv[7], secs))
print("  %.2f ms of CPU per second, %.3f %% of one CPU (utime+stime %d ticks of 1/%d s; %d passes)"
      % (ms, ms / 10, t, hz, b["passes"] - a["passes"]))' \
		$((t1 - t0)) "$hz" "$IDLE_S" "$IDLE_N" "$s0" "$s1" "$IDLE_INTERVAL")
}

where=""
for f in $FLOOR_FILES; do
	h=$(hier_of "$f")
	[ "$h" = "$V2" ] && h=cgroup2 || h=${h##*/}
	where="$where${where:+, }$f ($h)"
done
echo "floor: bare preads, per container, of $where (BENCH_FLOOR_FILES)"
if [ "$NOFILE0" = "$NOFILE" ]; then
	echo "open files: soft limit $NOFILE (hard $NOFILE_HARD) for the daemon and the floor"
else
	echo "open files: soft limit raised from $NOFILE0 to $NOFILE (hard $NOFILE_HARD) for the daemon and the floor"
fi
fmt='%-7s %14s %14s %14s %8s %10s %6s %8s %8s\n'
printf "$fmt" N "daemon ns/pass" "ns/container" "floor ns/ctr" ratio "peak RSS" fds watches "k.watch"
for n in $SIZES; do
	if [ -z "$IDLE" ] && [ "$n" -gt "$IDLE_N" ]; then grow "$IDLE_N"; idle; fi
	grow "$n"
	start_daemon 50ms
	# Let discovery and the first writes settle, then measure steady passes.
	settle "$n"
	s0=$(stats)
	sleep 3
	s1=$(stats)
	rss=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON/status")
	fds=$(ls "/proc/$DAEMON/fd" | wc -l)
	dlim=$(awk '/^Max open files/ {print $4}' "/proc/$DAEMON/limits")
	stop_daemon
	per_pass=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print((b["pass_cpu_ns_total"]-a["pass_cpu_ns_total"])//max(1,b["passes"]-a["passes"]))' "$s0" "$s1")
	# The files a pass reads per container (BENCH_FLOOR_FILES), bare preads.
	for f in $FLOOR_FILES; do
		h=$(hier_of "$f")
		for i in $(seq "$n"); do printf "$h/$T/docker/%064x/$f\n" "$i"; done
	done > "$WORK/files"
	read -r floor nfd < <("$WORK/floor" "$WORK/files" $PASSES)
	[ "$nfd" -lt $((n * NFLOOR)) ] && notes="$notes
N=$n: the fd limit ($NOFILE) let the floor hold $nfd of $((n * NFLOOR)) files (it skips the rest)"
	printf "$fmt" "$n" "$per_pass" "$((per_pass / n))" "$((floor / n))" \
		"$(python3 -c "print('%.2f' % ($per_pass / max(1, $floor)))")" "${rss}K" "$fds" \
		"$(stat_of "$s1" watches)" "$(stat_of "$s1" kernel_watches)"
done
[ -n "$IDLE" ] || { grow "$IDLE_N"; idle; }
echo "(CPU time of one sampling pass, interval 50ms, measured by the daemon with"
echo " CLOCK_THREAD_CPUTIME_ID over ~60 passes, once no container is sampled fast; floor: a bare"
echo " pread loop over the $NFLOOR file(s) per container above; peak RSS: VmHWM; fds: held by the"
echo " daemon (/proc/PID/fd; its open-file limit: ${dlim:-?}); watches, k.watch: its inotify watches,"
echo " of discovery and on kernel files (cgwardenctl stats))"
[ -n "$notes" ] && echo "note:$notes"
echo
echo "$IDLE"

[ "${BENCH_ONLY:-}" = sampling ] && exit 0
rc=0
echo
echo "== Docker: status against docker stats, start to ceiling =="
bash "$TOP/tests/bench/docker.sh" "$BUILD" || rc=1
echo
echo "== Fork bomb guard: Docker's pids limit alone, cgwarden freeze, cgwarden kill =="
bash "$TOP/tests/bench/guard.sh" "$BUILD" || rc=1
exit $rc
