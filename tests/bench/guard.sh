#!/bin/bash
# make bench: the fork-bomb guard side by side, one run, on real Docker
# containers of a private dockerd.  The same C fork bomb (every process
# loops on fork()), the same --pids-limit, under: Docker's limit alone
# (cgwardend not running), cgwarden freeze, cgwarden kill; then a bomb in
# an old container (out of the guard's young window), the same in an old
# container whose pids limit was hit once long before (the kernel's
# one-time log line of its first refused fork already spent), and the
# event path of a pure cgroup v2 kernel (a VM, cgroup only, no Docker there).
#
# Each run is watched from outside by guardwatch (its header defines
# "bomb start", "first refused fork" and "contained"), polling every
# 100 µs.  Reported, per row, medians of BENCH_RUNS runs:
#   (a) bomb start -> contained, (b) first refused fork -> contained,
#   (c) CPU-seconds the bomb's cgroup used in its first 10 s;
# and, from cgwardend's log, which source saw each bomb (its spike line
# ends in "; seen by SOURCE").
# Targets are reported, never asserted: the exit status is non-zero only
# when something broke (no dockerd, no bomb, a watcher or daemon failure).
set -u
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${BENCH_RUNS:-5}
SECS=10
LIMIT=200
POLL_US=100
[ "$(id -u)" = 0 ] || { echo "guard bench: needs root"; exit 1; }
. "$TOP/tests/docker/dockerd.sh"
. "$TOP/tests/bench/seenby.sh"
dockerd_available || { echo "guard bench: SKIP: $DOCKERD_SKIP_REASON"; exit 0; }
WORK=$(mktemp -d /tmp/cgw-gbench.XXXXXX)
export DOCKER_CGROUP_PARENT=/cgwarden-bench-guard-$$
P=${DOCKER_CGROUP_PARENT#/}
DAEMON="" WATCH=""
v1_of() { awk -v c="$1" '/ - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $5 }' /proc/self/mountinfo | head -n 1; }
V2=$(awk '/ - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
PIDS_H=$(v1_of pids) FRZ_H=$(v1_of freezer) ACCT_H=$(v1_of cpuacct)
if [ -n "$PIDS_H" ]; then
	LAYOUT="hybrid: cgroup v1 controllers (pids, freezer, cpuacct...) + cgroup2 at $V2"
	[ -n "$V2" ] || LAYOUT="cgroup v1 only"
	CPUFILE=cpuacct.usage
else
	PIDS_H=$V2 FRZ_H="" ACCT_H=$V2 CPUFILE=cpu.stat
	LAYOUT="cgroup v2 only"
fi
CGROUP_ROOT=$(dirname "$PIDS_H")
[ -n "$(v1_of pids)" ] || CGROUP_ROOT=$V2

stop_daemon() {
	[ -n "$DAEMON" ] || return 0
	kill -TERM "$DAEMON" 2>/dev/null
	wait "$DAEMON" 2>/dev/null
	DAEMON=""
}
# end_ct ID: every process of the container gone, every freezer released,
# the container removed (whatever the guard or Docker left it in).
end_ct() {
	local id=$1
	[ -n "$V2" ] && [ -f "$V2$DOCKER_CGROUP_PARENT/$id/cgroup.kill" ] &&
		echo 1 > "$V2$DOCKER_CGROUP_PARENT/$id/cgroup.kill" 2>/dev/null
	[ -n "$V2" ] && [ -f "$V2$DOCKER_CGROUP_PARENT/$id/cgroup.freeze" ] &&
		echo 0 > "$V2$DOCKER_CGROUP_PARENT/$id/cgroup.freeze" 2>/dev/null
	if [ -n "$FRZ_H" ] && [ -f "$FRZ_H$DOCKER_CGROUP_PARENT/$id/freezer.state" ]; then
		# pure v1: no cgroup.kill; freeze, SIGKILL all, thaw
		[ -f "$V2$DOCKER_CGROUP_PARENT/$id/cgroup.kill" ] || {
			echo FROZEN > "$FRZ_H$DOCKER_CGROUP_PARENT/$id/freezer.state"
			xargs -r kill -KILL < "$PIDS_H$DOCKER_CGROUP_PARENT/$id/cgroup.procs" 2>/dev/null
		}
		echo THAWED > "$FRZ_H$DOCKER_CGROUP_PARENT/$id/freezer.state" 2>/dev/null
	fi
	docker unpause "$id" >/dev/null 2>&1
	docker rm -f "$id" >/dev/null 2>&1
}
cleanup() {
	local id
	[ -n "$WATCH" ] && kill "$WATCH" 2>/dev/null
	stop_daemon
	if [ -n "${DOCKERD_DIR:-}" ]; then
		for id in $(_dk_container_ids); do end_ct "$id"; done
	fi
	dockerd_stop
	# BENCH_KEEP=DIR: the raw watcher lines and the daemon's log are kept there
	[ -n "${BENCH_KEEP:-}" ] && mkdir -p "$BENCH_KEEP" && cp "$WORK"/res.* "$WORK"/seen.* "$WORK"/daemon.log "$BENCH_KEEP"/ 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
broke() { echo "guard bench: BROKEN: $*" >&2; [ -f "$WORK/daemon.log" ] && tail -n 30 "$WORK/daemon.log" >&2; exit 1; }

# In BUILD: the VM of the event path sees the build directory, not /tmp.
mkdir -p "$BUILD/bench"
cc -O2 -Wall -o "$BUILD/bench/guardwatch" "$TOP/tests/bench/guardwatch.c" || broke "cannot build guardwatch"
cc -static -O2 -o "$BUILD/bench/forkbomb" "$TOP/tests/helpers/forkbomb.c" || broke "cannot build a static forkbomb (libc6-dev)"
cc -static -O2 -Wall -o "$BUILD/bench/hitlimit" "$TOP/tests/bench/hitlimit.c" || broke "cannot build a static hitlimit"
mkdir "$WORK/trig"
dockerd_start >/dev/null || broke "the private dockerd did not start"
dockerd_import_busybox cgw-busybox >/dev/null || broke "cannot import busybox"
MOUNTS=(-v "$BUILD/bench/forkbomb:/forkbomb:ro" -v "$BUILD/bench/hitlimit:/hitlimit:ro" -v "$WORK/trig:/trig:ro")
# The bomb gives up after 12 s by itself, past the 10 s watched.
BOMB=(/forkbomb 12)

# watch ID OUT [ARGS...]: guardwatch on the container's cgroup, in the background.
watch() {
	local id=$1 out=$2 u=() f=()
	shift 2
	[ -n "$V2" ] && u=(-u "$V2$DOCKER_CGROUP_PARENT/$id")
	[ -n "$FRZ_H" ] && f=(-f "$FRZ_H$DOCKER_CGROUP_PARENT/$id")
	"$BUILD/bench/guardwatch" -p "$PIDS_H$DOCKER_CGROUP_PARENT/$id" "${u[@]}" "${f[@]}" \
		-a "$ACCT_H$DOCKER_CGROUP_PARENT/$id/$CPUFILE" -s "$SECS" -i "$POLL_US" -r "$@" \
		> "$out" 2>"$out.err" &
	WATCH=$!
}
# run_young ROW N: a new container whose command is the bomb, from docker start on.
run_young() {
	local row=$1 n=$2 id
	id=$(docker create --pids-limit "$LIMIT" "${MOUNTS[@]}" --name "gb-$row-$n" cgw-busybox "${BOMB[@]}" 2>"$WORK/err") ||
		{ cat "$WORK/err" >&2; broke "docker create"; }
	watch "$id" "$WORK/w.$row.$n"
	docker start "$id" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; broke "docker start"; }
	wait "$WATCH" || { cat "$WORK/w.$row.$n.err" >&2; broke "guardwatch ($row run $n)"; }
	WATCH=""
	cat "$WORK/w.$row.$n" >> "$WORK/res.$row"
	echo "$id" >> "$WORK/ids.$row"
	end_ct "$id"
}
# BENCH_ROWS: a subset of "docker freeze old oldhit kill v2 dockerv2" (all by default).
ROWS=" ${BENCH_ROWS:-docker freeze old oldhit kill v2 dockerv2} "
has() { case $ROWS in *" $1 "*) return 0 ;; esac; return 1; }

# The old containers: started now, idle in a fork-free read of a fifo until
# their bomb is let go, long after they left the guard's young window.
# Those of "oldhit" first reach their pids limit once (hitlimit: forks up
# to the limit, at least one fork refused, then every task ended and
# reaped), before cgwardend runs: the kernel's one-time log line for the
# first refused fork of their cgroup is spent long before their bomb.
# old_ct ROW N PREFIX: one of them, PREFIX run first; its fifo is trig/ROW.N.
old_ct() {
	local row=$1 n=$2
	mkfifo "$WORK/trig/$row.$n"
	docker run -d --pids-limit "$LIMIT" "${MOUNTS[@]}" --name "gb-$row-$n" cgw-busybox \
		sh -c "${3}read x < /trig/$row.$n; exec ${BOMB[*]}" > "$WORK/$row.$n" 2>"$WORK/err" ||
		{ cat "$WORK/err" >&2; broke "docker run (old container)"; }
}
has old && for n in $(seq "$RUNS"); do old_ct old "$n" ""; done
has oldhit && for n in $(seq "$RUNS"); do old_ct oldhit "$n" "/hitlimit; "; done
OLD_T0=$(date +%s) OLD_AGE=0 OLD_KNOWN=0
# Each "oldhit" container has hit its limit (pids.events max above 0) and
# is idle again (its shell alone) before anything else runs.
refusals() { awk '$1 == "max" { print $2 }' "$1/pids.events" 2>/dev/null; }
HIT_LOGGED=0
dmesg > /dev/null 2>&1 || HIT_LOGGED=""
has oldhit && for n in $(seq "$RUNS"); do
	id=$(cat "$WORK/oldhit.$n")
	d=$PIDS_H$DOCKER_CGROUP_PARENT/$id
	for _ in $(seq 200); do
		[ "$(refusals "$d")" -gt 0 ] 2>/dev/null && [ "$(cat "$d/pids.current")" -le 1 ] && break
		sleep 0.05
	done
	[ "$(refusals "$d")" -gt 0 ] 2>/dev/null && [ "$(cat "$d/pids.current")" -le 1 ] ||
		broke "oldhit container $n: its pids limit was not hit, or its tasks did not end"
	[ -n "$HIT_LOGGED" ] && dmesg | grep -qF "fork rejected by pids controller in $DOCKER_CGROUP_PARENT/$id" &&
		HIT_LOGGED=$((HIT_LOGGED + 1))
done
HIT_NOTE="found in dmesg for $HIT_LOGGED of $RUNS"
[ -n "$HIT_LOGGED" ] || HIT_NOTE="dmesg not readable here"
run_old() { # run_old ROW N
	local row=$1 n=$2 id
	id=$(cat "$WORK/$row.$n")
	# Until 1 s after it is contained, not 10 s: frozen, it burns no more.
	watch "$id" "$WORK/w.$row.$n" -e 1000
	# The watcher has read pids.events before the bomb goes, and the bomb
	# goes at a random moment of the daemon's 1 s interval.
	sleep 0.2
	sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
	echo go > "$WORK/trig/$row.$n"
	wait "$WATCH" || { cat "$WORK/w.$row.$n.err" >&2; broke "guardwatch ($row run $n)"; }
	WATCH=""
	cat "$WORK/w.$row.$n" >> "$WORK/res.$row"
	echo "$id" >> "$WORK/ids.$row"
	end_ct "$id"
}
start_daemon() { # start_daemon ACTION
	cat > "$WORK/conf" <<EOF2
[global]
cgroup_root = $CGROUP_ROOT
container_cgroups = $P/*
interval = 1s
docker_socket = $DOCKER_SOCK
docker_data_root = $DOCKER_DATA_ROOT
metrics_listen =
control_socket = $WORK/sock
# every run is a spike: the default budget (10 a minute) would turn some into alerts
max_actions_per_minute = 1000
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = $1
EOF2
	rm -f "$WORK/sock"
	"$BUILD/cgwardend" -c "$WORK/conf" >> "$WORK/daemon.log" 2>&1 &
	DAEMON=$! DAEMON_T0=$(date +%s)
	for _ in $(seq 100); do [ -S "$WORK/sock" ] && break; sleep 0.05; done
	[ -S "$WORK/sock" ] || broke "cgwardend did not start"
}
daemon_alive() { kill -0 "$DAEMON" 2>/dev/null || broke "cgwardend died"; }

echo "guard: $RUNS runs of each, the C fork bomb in a busybox container, --pids-limit $LIMIT ..."
if has docker; then for n in $(seq "$RUNS"); do run_young docker "$n"; done; fi
if has freeze || has old || has oldhit; then
	start_daemon freeze
	if has freeze; then for n in $(seq "$RUNS"); do run_young freeze "$n"; daemon_alive; done; fi
	# The daemon must have known the old containers for longer than its
	# young window (5 s), and they are older still.
	if has old || has oldhit; then
		while [ $(($(date +%s) - DAEMON_T0)) -lt 7 ]; do sleep 0.5; done
		OLD_AGE=$(($(date +%s) - OLD_T0)) OLD_KNOWN=$(($(date +%s) - DAEMON_T0))
		if has old; then for n in $(seq "$RUNS"); do run_old old "$n"; daemon_alive; done; fi
		if has oldhit; then for n in $(seq "$RUNS"); do run_old oldhit "$n"; daemon_alive; done; fi
	fi
	stop_daemon
fi
if has kill; then
	start_daemon kill
	for n in $(seq "$RUNS"); do run_young kill "$n"; daemon_alive; done
	stop_daemon
fi

# The event path: a pure cgroup v2 kernel (user-mode-linux), cgroup only.
V2ROW=""
if ! has v2; then
	V2ROW=off
elif [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	V2ROW=native
	BENCH_RUNS=$RUNS bash "$TOP/tests/bench/guard-v2.sh" "$BUILD" > "$WORK/v2.out" 2>&1 || broke "guard-v2.sh"
elif [ -x /usr/bin/linux.uml ] || [ -x /usr/bin/linux ]; then
	V2ROW=vm
	(cd "$TOP" && VM_ENV="BENCH_RUNS" BENCH_RUNS=$RUNS BUILD_DIR=$BUILD \
		tests/vm/run-v2 -t 300 -- bash tests/bench/guard-v2.sh "$BUILD") > "$WORK/v2.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { tail -n 30 "$WORK/v2.out" >&2; broke "guard-v2.sh in the VM (exit $rc)"; }
fi
[ -f "$WORK/v2.out" ] && grep -E '^[a-z0-9]+\.v2 ' "$WORK/v2.out" | while read -r row rest; do
	echo "$rest" >> "$WORK/res.${row%.v2}v2"
done
# Which source saw each bomb: the daemon's spike line for its container.
for row in freeze old oldhit kill; do
	[ -s "$WORK/ids.$row" ] && [ -f "$WORK/daemon.log" ] || continue
	while read -r id; do seen_by "$WORK/daemon.log" "$id"; done < "$WORK/ids.$row" > "$WORK/seen.$row"
done
[ -f "$WORK/v2.out" ] && grep -E '^[a-z0-9]+\.v2seen ' "$WORK/v2.out" | while read -r row rest; do
	echo "$rest" >> "$WORK/seen.${row%.v2seen}v2"
done

# Real Docker on a pure cgroup v2 kernel (the VM), the cgroupfs driver.
DV2ROW=""
if has dockerv2; then
	if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
		DV2ROW=native
		BENCH_RUNS=$RUNS bash "$TOP/tests/bench/guard-docker-v2.sh" "$BUILD" > "$WORK/dv2.out" 2>&1 ||
			broke "guard-docker-v2.sh"
	elif [ -x /usr/bin/linux.uml ] || [ -x /usr/bin/linux ]; then
		DV2ROW=vm
		(cd "$TOP" && VM_ENV="BENCH_RUNS" BENCH_RUNS=$RUNS BUILD_DIR=$BUILD VM_MEM=1G \
			tests/vm/run-v2 -t 600 -- bash tests/bench/guard-docker-v2.sh "$BUILD") > "$WORK/dv2.out" 2>&1
		rc=$?
		[ $rc -eq 0 ] || { tail -n 30 "$WORK/dv2.out" >&2; broke "guard-docker-v2.sh in the VM (exit $rc)"; }
	fi
fi

# ---------------------------------------------------------------- report --
[ -n "${BENCH_KEEP:-}" ] && [ -f "$WORK/v2.out" ] && mkdir -p "$BENCH_KEEP" && cp "$WORK/v2.out" "$BENCH_KEEP/"
echo
echo "Fork bomb guard, side by side in one run ($(date -u +%Y-%m-%d), $(nproc) CPUs, kernel $(uname -r))"
echo "host: $LAYOUT"
echo "bomb: C fork loop (tests/helpers/forkbomb.c, static): every process loops on fork();"
echo "      in a busybox container of a private dockerd, docker --pids-limit $LIMIT in every row"
echo "cgwarden: interval 1s, spike_fork_failures 20, spike_rate 200 (default), action as the row says"
echo "medians of $RUNS runs per row, the rows one after the other, on a shared and noisy machine"
echo
python3 "$TOP/tests/bench/guard-report.py" "$WORK" || broke "the report"
cat <<EOF

definitions (tests/bench/guardwatch.c, outside the container, SCHED_FIFO, polls every $POLL_US µs
on whichever CPU is free; its own CPU, above, competes with the bomb and the daemon):
  bomb start  a task of the container's cgroup bears the bomb's name (runc init has exec'd it)
  refused     the first fork refused by pids.max: the pids.events "max" counter rises
  decision    cgroup.freeze (cgroup2) reads 1: the guard's freeze, or the freeze its kill does first
  contained   frozen (cgroup.events "frozen 1", or v1 freezer.state FROZEN), or no task left
              (cgroup.events "populated 0", i.e. cgroup.procs empty, or the cgroup is gone)
  CPU         the container's $CPUFILE, from bomb start to 10 s later
EOF
{ [ -s "$WORK/res.old" ] || [ -s "$WORK/res.oldhit" ]; } && cat <<EOF
(*) old container: created ${OLD_AGE}+ s and known to cgwardend ${OLD_KNOWN}+ s before its bomb,
    idle (no fork) till then: out of the guard's young window (5 s), so the bomb is first seen by
    the 1 s interval sample: (b) falls anywhere in 0..1 s.  "+" in (c): the CPU up to 1 s after
    it was contained, not 10 s (frozen, it burns nothing more; the 10 s of the freeze row show it)
EOF
[ -s "$WORK/res.oldhit" ] && cat <<EOF
    "limit hit once before": the same, but right after its start, before cgwardend ran, the
    container reached its pids limit once (tests/bench/hitlimit.c: forks up to --pids-limit, at
    least one refused, then every task ended and reaped), so the kernel's one-time log line for
    the first refused fork of its cgroup was spent long before its bomb ($HIT_NOTE);
    its pids.events "max" was above 0 from then on
EOF
if [ -f "$WORK/dv2.out" ]; then
	echo
	echo "Real Docker on pure cgroup v2 ($([ "$DV2ROW" = vm ] && echo "user-mode-linux VM, ")$(sed -n 's/^dv2: //p' "$WORK/dv2.out" | head -n 1))"
	echo "private dockerd, --pids-limit $LIMIT, cgwarden freeze; medians of $RUNS runs"
	python3 "$TOP/tests/bench/guard-report.py" --dv2 "$WORK/dv2.out" || broke "the v2 Docker report"
	cat <<EOF
handoff: Docker's runtime pauses only a cgroup it finds thawed, so cgwarden lets go of its
    freeze for Docker's pause request, every process held by SIGSTOP meanwhile (queued while
    frozen, the stop takes each task before it runs an instruction of its own); "SIGSTOP ms" is
    how long that lasts (cgwarden's release -> Docker's answer), "CPU us" what the container's
    cpu.stat usage_usec grew by meanwhile (the stops themselves)
EOF
fi
case $V2ROW in
vm) cat <<EOF
(**) the event path, on a pure cgroup v2 kernel: user-mode-linux, $(sed -n 's/^v2: kernel \([^,]*\), \([0-9]*\) CPU.*/kernel \1, \2 CPU/p' "$WORK/v2.out").
    No Docker there: a container-like cgroup, pids.max $LIMIT set before the bomb, the same bomb;
    the kernel's inotify event on pids.events wakes cgwardend at the first refused fork.  Under UML
    every system call is a round trip to the host: the bomb forks ~100 times slower, UML's kernel
    takes ~100 ms to freeze or kill 200 tasks on its one CPU, and no CPU figure is comparable.
    "refused->decision" is the guard's own share of (b); the rest is UML's freezer or kill.
    There the watcher polls only every 5 ms (polling is dear under UML) but wakes at once on the
    kernel's inotify events: pids.events, cgroup.events, and the daemon's write to cgroup.freeze.
EOF
	[ -s "$WORK/res.freeze1v2" ] &&
		echo "(***) diagnostic: spike_fork_failures 1, so that the first kernel event is the spike"
;;
native) echo "(**) this host is pure cgroup v2: a container-like cgroup, no Docker: the event path" ;;
off) echo "(**) event path not measured (not in BENCH_ROWS)" ;;
*) echo "(**) event path not measured: no pure cgroup v2 kernel here (user-mode-linux not installed)" ;;
esac
exit 0
