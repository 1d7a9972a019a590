#!/bin/bash
# Docker side by side, one run, 50 real containers of a private dockerd:
# `cgwardenctl status --json` against `docker stats --no-stream` (wall
# time, the command's CPU and the server side's CPU), and the delay from
# `docker start` to the image's ceiling in place.
set -u
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_CONTAINERS:-50}
. "$TOP/tests/docker/dockerd.sh"
WORK=$(mktemp -d /tmp/cgw-dbench.XXXXXX)
export DOCKER_CGROUP_PARENT=/cgwarden-bench-docker-$$
DAEMON=""
cleanup() {
	[ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
	dockerd_stop
	rm -rf "$WORK"
}
trap cleanup EXIT
cc -O2 -o "$WORK/waitval" "$TOP/tests/bench/waitval.c" || exit 1
dockerd_start >/dev/null || exit 1
dockerd_import_busybox cgw-busybox nginx:1.25 >/dev/null
P=${DOCKER_CGROUP_PARENT#/}
PIDS_H=$(awk '/ - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == "pids") print $5 }' /proc/self/mountinfo | head -n 1)
[ -n "$PIDS_H" ] || PIDS_H=$(awk '/ - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
cat > "$WORK/conf" <<EOF2
[global]
cgroup_root = $(dirname "$PIDS_H")
container_cgroups = $P/*
interval = 1s
docker_socket = $DOCKER_SOCK
docker_data_root = $DOCKER_DATA_ROOT
metrics_listen =
control_socket = $WORK/sock
[defaults]
pids_max = 100
[image "nginx"]
pids_max = 256
EOF2
[ -d "$PIDS_H" ] && sed -i "s|^cgroup_root = .*|cgroup_root = $(dirname "$PIDS_H")|" "$WORK/conf"
"$BUILD/cgwardend" -c "$WORK/conf" 2>"$WORK/log" &
DAEMON=$!
for _ in $(seq 100); do [ -S "$WORK/sock" ] && break; sleep 0.05; done

echo "starting $N busybox containers..."
for i in $(seq "$N"); do docker run -d --name "b$i" cgw-busybox sleep 100000 >/dev/null 2>&1; done
sleep 2

cpu_of() { # summed utime+stime ticks of the given pids
	local t=0 p
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo $t
}
HZ=$(getconf CLK_TCK)
measure() { # measure NAME SERVERPIDS -- CMD...: 5 runs, mean wall/cpu in ms
	local name=$1 servers=$2; shift 3
	local s0 s1 w=0 c=0 r t0 t1 u
	s0=$(cpu_of $servers)
	for r in 1 2 3 4 5; do
		t0=$(date +%s%N)
		u=$( { /usr/bin/time -f '%U %S' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -n 1)
		t1=$(date +%s%N)
		w=$((w + (t1 - t0) / 1000))
		c=$((c + $(echo "$u" | awk '{printf "%d", ($1 + $2) * 1000000}')))
	done
	s1=$(cpu_of $servers)
	printf '%-34s %10.1f %12.1f %14.1f\n' "$name" "$(echo "$w / 5000" | bc -l)" \
		"$(echo "$c / 5000" | bc -l)" "$(echo "($s1 - $s0) * 1000 / $HZ / 5" | bc -l)"
	echo "$name $w $c $((s1 - s0))" >> "$WORK/m"
}
command -v /usr/bin/time >/dev/null || { echo "bench needs /usr/bin/time (package time)"; exit 1; }
SHIMS=$(pgrep -f "containerd-shim.*$CONTAINERD_SOCK" | tr '\n' ' ')
echo
printf '%-34s %10s %12s %14s\n' "command ($N containers, mean of 5)" "wall ms" "command CPU ms" "server CPU ms"
measure "cgwardenctl status --json" "$DAEMON" -- "$BUILD/cgwardenctl" -s "$WORK/sock" status --json
measure "docker stats --no-stream" "$DOCKERD_PID $CONTAINERD_PID $SHIMS" -- docker stats --no-stream
read -r _ _ cw cc cs < <(sed -n 1p "$WORK/m" | awk '{print $1, $2, $4, $5, $6}')
read -r _ _ dw dc ds < <(sed -n 2p "$WORK/m" | awk '{print $1, $2, $4, $5, $6}')
echo "ratio docker stats / cgwardenctl: wall $(echo "scale=1; $dw / $cw" | bc)x;" \
	"command CPU $((dc / 5000)) ms vs $((cc / 5000)) ms (resolution 10 ms);" \
	"server CPU $ds vs $cs clock ticks of 1/$HZ s over the 5 runs"

echo
echo "docker start -> image ceiling (pids.max 256) in place, 10 nginx containers:"
printf '%-6s %16s %18s %22s\n' run "after cgroup mkdir" "after docker start" "vs docker start return"
for i in $(seq 10); do
	id=$(docker create --name "n$i" nginx:1.25 sleep 100000 2>/dev/null)
	"$WORK/waitval" "$PIDS_H/$P/$id/pids.max" 256 > "$WORK/w" &
	wp=$!
	t0=$(date +%s%6N)
	docker start "n$i" >/dev/null 2>&1
	t1=$(date +%s%6N)
	wait $wp
	read -r seen done < "$WORK/w"
	printf '%-6s %13.1f ms %15.1f ms %19.1f ms\n' "$i" "$(echo "($done - $seen) / 1000" | bc -l)" \
		"$(echo "($done - $t0) / 1000" | bc -l)" "$(echo "($done - $t1) / 1000" | bc -l)"
done
echo "(negative in the last column: the ceiling was in place before docker start returned)"
