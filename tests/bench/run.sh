#!/bin/bash
# make bench: sampling cost of cgwardend with N real container cgroups,
# side by side with a bare loop of the same preads (the kernel's floor).
# Prints CPU per pass, per container, the ratio to the floor and peak RSS.
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
DAEMON=""
cleanup() {
	[ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
	for h in $HIERS; do [ -d "$h/$T" ] && find "$h/$T" -depth -type d -exec rmdir {} \; 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
cc -O2 -o "$WORK/floor" "$TOP/tests/bench/floor.c" || exit 1

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
if [ -n "$P" ]; then
	FILES="P:pids.current P:pids.events P:pids.max M:memory.usage_in_bytes M:memory.limit_in_bytes A:cpuacct.usage C:cpu.cfs_quota_us"
else
	P=$V2
	FILES="P:pids.current P:pids.events P:pids.max P:memory.current P:memory.max P:cpu.stat P:cpu.max"
fi
printf '%-7s %14s %14s %14s %8s %10s\n' N "daemon ns/pass" "ns/container" "floor ns/ctr" ratio "peak RSS"
for n in ${BENCH_SIZES:-100 1000 5000}; do
	while [ $have -lt $n ]; do
		have=$((have + 1)); id=$(printf '%064x' $have)
		for h in $HIERS; do mkdir "$h/$T/docker/$id"; done
	done
	cat > "$WORK/conf" <<EOF2
[global]
cgroup_root = $ROOT
container_cgroups = $T/docker/*
interval = 50ms
docker_socket =
metrics_listen =
control_socket = $WORK/sock
[defaults]
pids_max = 4096
EOF2
	"$BUILD/cgwardend" -c "$WORK/conf" 2>"$WORK/log" &
	DAEMON=$!
	for _ in $(seq 200); do [ -S "$WORK/sock" ] && break; sleep 0.05; done
	# Let discovery and the first writes settle, then measure steady passes.
	sleep 1
	s0=$("$BUILD/cgwardenctl" -s "$WORK/sock" stats)
	sleep 3
	s1=$("$BUILD/cgwardenctl" -s "$WORK/sock" stats)
	rss=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON/status")
	kill "$DAEMON"; wait "$DAEMON" 2>/dev/null; DAEMON=""
	per_pass=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print((b["pass_cpu_ns_total"]-a["pass_cpu_ns_total"])//max(1,b["passes"]-a["passes"]))' "$s0" "$s1")
	# The files the daemon reads per container per pass: 4 samples, 3 limits.
	for i in $(seq $n); do
		id=$(printf '%064x' $i)
		for f in $FILES; do echo "$(eval echo "\$${f%%:*}")/$T/docker/$id/${f#*:}"; done
	done > "$WORK/files"
	read -r floor nfd < <("$WORK/floor" "$WORK/files" $PASSES)
	[ "$nfd" -lt $((n * 7)) ] && notes="$notes
N=$n: the fd limit ($(ulimit -Hn)) let the floor hold $nfd of $((n * 7)) files (it skips the rest); the daemon opens the rest at each read"
	printf '%-7s %14s %14s %14s %8s %9sK\n' "$n" "$per_pass" "$((per_pass / n))" "$((floor / n))" \
		"$(python3 -c "print('%.2f' % ($per_pass / max(1, $floor)))")" "$rss"
done
echo "(CPU time of one sampling pass, measured by the daemon with CLOCK_THREAD_CPUTIME_ID"
echo " over ~60 passes; floor: the same files read by a bare pread loop; peak RSS: VmHWM)"
[ -n "$notes" ] && echo "note:$notes"

rc=0
echo
echo "== Docker: status against docker stats, start to ceiling =="
bash "$TOP/tests/bench/docker.sh" "$BUILD" || rc=1
echo
echo "== Fork bomb guard: Docker's pids limit alone, cgwarden freeze, cgwarden kill =="
bash "$TOP/tests/bench/guard.sh" "$BUILD" || rc=1
exit $rc
