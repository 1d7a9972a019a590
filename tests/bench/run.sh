#!/bin/bash
# make bench: sampling cost of cgwardend with N real container cgroups,
# side by side with a bare loop of the preads a pass really needs (the
# kernel's floor).  Prints CPU per pass, per container, the ratio to the
# floor, peak RSS, the daemon's held fds and inotify watches; then the
# Docker and guard benchmarks.
#
#   BENCH_SIZES        container counts of the table (default 100 1000 2000 5000)
#   BENCH_FLOOR_FILES  the files of each container the floor reads (default
#                      pids.current: all a pass reads of a quiet container),
#                      e.g. "pids.current pids.events pids.max"; on v1 each
#                      file is read in its controller's hierarchy
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
echo "(CPU time of one sampling pass, interval 50ms, measured by the daemon with"
echo " CLOCK_THREAD_CPUTIME_ID over ~60 passes, once no container is sampled fast; floor: a bare"
echo " pread loop over the $NFLOOR file(s) per container above; peak RSS: VmHWM; fds: held by the"
echo " daemon (/proc/PID/fd; its open-file limit: ${dlim:-?}); watches, k.watch: its inotify watches,"
echo " of discovery and on kernel files (cgwardenctl stats))"
[ -n "$notes" ] && echo "note:$notes"

rc=0
echo
echo "== Docker: status against docker stats, start to ceiling =="
bash "$TOP/tests/bench/docker.sh" "$BUILD" || rc=1
echo
echo "== Fork bomb guard: Docker's pids limit alone, cgwarden freeze, cgwarden kill =="
bash "$TOP/tests/bench/guard.sh" "$BUILD" || rc=1
exit $rc
