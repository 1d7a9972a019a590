#!/usr/bin/env bash
# selftest.sh - checks the pure cgroup-v2 VM that tests/vm/run-v2 boots.
#
# Meant to run INSIDE the VM:   tests/vm/run-v2 -- tests/vm/selftest.sh
# (refuses to run elsewhere unless SELFTEST_ANYWHERE=1, as it creates cgroups
# under /sys/fs/cgroup).  Needs root, a C compiler (for selftest-helper.c,
# built once into ${BUILD_DIR:-build}/vm/); uses inotifywait when installed
# (inotify-tools), else the helper's own inotify watcher
# (SELFTEST_NO_INOTIFYWAIT=1 forces the helper).
# Last line: "N passed, N failed"; exit status non-zero if anything failed.

# shellcheck disable=SC2317  # helpers are called via check/wait_for/traps

set -u

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
CG=/sys/fs/cgroup
PASS=0
FAIL=0

ok()     { PASS=$((PASS + 1)); echo "ok   - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
# check DESCRIPTION COMMAND...: pass if COMMAND succeeds
check()  { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
finish() {
	cleanup
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit
}

if [ "${CGWARDEN_VM:-}" != 1 ] && [ "${SELFTEST_ANYWHERE:-0}" != 1 ]; then
	echo "selftest.sh: run it inside the VM: tests/vm/run-v2 -- tests/vm/selftest.sh" >&2
	echo "SKIP: not inside the cgroup-v2 VM (set SELFTEST_ANYWHERE=1 to force)" >&2
	exit 77
fi
if [ "$(id -u)" != 0 ]; then
	echo "selftest.sh: needs root" >&2
	exit 1
fi

# fork-free sleep: a fd that never becomes readable
exec {SLEEP_FD}<> <(:)
nap() { read -r -t "$1" -u "$SLEEP_FD" 2>/dev/null || true; }

# wait_for SECONDS COMMAND...: poll COMMAND every 50 ms until it succeeds
wait_for() {
	local t=$1 i n
	shift
	n=$((t * 20))
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		nap 0.05
	done
	"$@"
}

# keyval FILE KEY: value of "KEY value" line in a cgroup flat-keyed file
keyval() {
	local k v
	while read -r k v; do
		if [ "$k" = "$2" ]; then echo "$v"; return 0; fi
	done <"$1"
	return 1
}
has_line()   { local l; while read -r l; do [ "$l" = "$2" ] && return 0; done <"$1"; return 1; }
is_empty()   { [ -z "$(<"$1")" ]; }
count_procs() { local n=0 l; while read -r l; do n=$((n + 1)); done <"$1"; echo "$n"; }

WORK=
P=
BGPIDS=()

# ------------------------------------------------------------- helper -----
BUILD=${BUILD_DIR:-build}
case $BUILD in /*) ;; *) BUILD=$REPO_ROOT/$BUILD ;; esac
HELPER=$BUILD/vm/selftest-helper
HELPER_SRC=$SCRIPT_DIR/selftest-helper.c
if [ ! -x "$HELPER" ] || [ "$HELPER_SRC" -nt "$HELPER" ]; then
	mkdir -p "$BUILD/vm"
	tmp=$HELPER.tmp.$$
	if ${CC:-cc} -O2 -Wall -Wextra -o "$tmp" "$HELPER_SRC"; then
		mv -f "$tmp" "$HELPER"
	else
		rm -f "$tmp"
		not_ok "build $HELPER from $HELPER_SRC"
		finish
	fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cgw-selftest.XXXXXX")
P=$CG/cgw-selftest.$$.$RANDOM

# ------------------------------------------------------------ cleanup -----
cleanup() {
	local d pid
	for pid in "${BGPIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	[ -n "$P" ] || return 0
	if [ -d "$P" ]; then
		# children first (depth 1 is all we create)
		for d in "$P"/*/ "$P/"; do
			d=${d%/}
			[ -d "$d" ] || continue
			[ -e "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
			[ -e "$d/cgroup.kill" ] && echo 1 >"$d/cgroup.kill" 2>/dev/null
		done
		for d in "$P"/*/; do
			d=${d%/}
			[ -d "$d" ] || continue
			wait_for 5 has_line "$d/cgroup.events" "populated 0"
			rmdir "$d" 2>/dev/null || echo "selftest.sh: WARNING: cannot remove $d" >&2
		done
		rmdir "$P" 2>/dev/null || echo "selftest.sh: WARNING: cannot remove $P" >&2
	fi
	for pid in "${BGPIDS[@]}"; do wait "$pid" 2>/dev/null; done
	BGPIDS=()
	[ -z "$WORK" ] || rm -rf "$WORK"
	WORK=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# spawn_in CGROUP: start `sleep 1000` inside CGROUP, its pid in LASTPID.
# Double fork: the sleeper is not our child (init reaps it), so bash prints
# no "Killed" job notices; the cgroups are emptied with cgroup.kill.
spawn_in() {
	LASTPID=$( (echo "$BASHPID" >"$1/cgroup.procs" && exec sleep 1000) >/dev/null 2>&1 &
		echo $!)
}
gone() { local p; for p; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }

# ---------------------------------------------------- 1. cgroup2 mount ----
fstype=$(stat -f -c %T "$CG")
check "$CG is cgroup2 (stat -f says '$fstype')" [ "$fstype" = cgroup2fs ]
v1=
while read -r _ mp type _; do
	[ "$type" = cgroup ] && v1+=" $mp"
done </proc/mounts
check "no cgroup v1 hierarchy is mounted${v1:+ (found:$v1)}" [ -z "$v1" ]

# ------------------------------------------------ 2. root controllers -----
read -r ctrls <"$CG/cgroup.controllers"
read -r sub <"$CG/cgroup.subtree_control"
for c in pids memory cpu; do
	check "root cgroup.controllers has '$c' (have: $ctrls)" \
		eval "[[ ' $ctrls ' == *' $c '* ]]"
	check "root cgroup.subtree_control enables '$c' (have: $sub)" \
		eval "[[ ' $sub ' == *' $c '* ]]"
done

# ------------------------------------------- 3./4. pids.max + inotify ------
if ! mkdir "$P"; then
	not_ok "create test cgroup $P"
	finish
fi
for c in pids memory cpu; do
	echo "+$c" >"$P/cgroup.subtree_control" 2>/dev/null ||
		not_ok "enable +$c in $P/cgroup.subtree_control"
done
C=$P/pids
mkdir "$C"
echo 5 >"$C/pids.max"
check "pids.max of the child reads back 5" [ "$(<"$C/pids.max")" = 5 ]
check "pids.events max counter starts at 0" [ "$(keyval "$C/pids.events" max)" = 0 ]

# watch pids.events before provoking the failure
WATCH_OUT=$WORK/watch.out
WATCH_ERR=$WORK/watch.err
if command -v inotifywait >/dev/null && [ "${SELFTEST_NO_INOTIFYWAIT:-0}" != 1 ]; then
	watcher=inotifywait
	inotifywait -e modify -t 20 "$C/pids.events" >"$WATCH_OUT" 2>"$WATCH_ERR" &
	WATCH_PID=$!
	watch_ready() { grep -q 'Watches established' "$WATCH_ERR"; }
else
	watcher=selftest-helper
	"$HELPER" watch "$C/pids.events" 20000 >"$WATCH_OUT" 2>"$WATCH_ERR" &
	WATCH_PID=$!
	watch_ready() { grep -q '^ready' "$WATCH_OUT"; }
fi
BGPIDS+=("$WATCH_PID")
check "inotify watch ($watcher) on pids.events is established" wait_for 10 watch_ready

# the helper joins the cgroup itself (1 process) and tries 6 forks:
# 4 fit under pids.max=5, the 5th and 6th child must be refused
FORK_OUT=$WORK/fork.out
"$HELPER" fork "$C" 6 >"$FORK_OUT" 2>&1 &
disown $!  # killed with cgroup.kill below: no job notice wanted
if wait_for 20 grep -q '^forked=' "$FORK_OUT"; then
	res=$(<"$FORK_OUT")
	check "helper forked 4 children before hitting pids.max ($res)" \
		eval "[[ '$res' == 'forked=4 '* ]]"
	check "the 6th process was refused with EAGAIN ($res)" \
		eval "[[ '$res' == *'failed=2 errno=EAGAIN'* ]]"
else
	not_ok "fork helper did not report (output: $(<"$FORK_OUT"))"
fi
check "pids.current is 5 (= pids.max)" [ "$(<"$C/pids.current")" = 5 ]
nmax=$(keyval "$C/pids.events" max)
check "pids.events counts the refused forks (max $nmax, want 2)" [ "$nmax" = 2 ]

if wait "$WATCH_PID"; then wrc=0; else wrc=$?; fi
check "inotify watch fired on pids.events (exit $wrc: $(tr '\n' ' ' <"$WATCH_OUT"))" [ "$wrc" = 0 ]

# ----------------------------------------------------------- 5. freeze ----
F=$P/freeze
mkdir "$F"
spawn_in "$F"; fz1=$LASTPID
spawn_in "$F"; fz2=$LASTPID
# shellcheck disable=SC2016  # expanded by eval
check "2 processes moved into $F" wait_for 10 eval '[ "$(count_procs "$F/cgroup.procs")" = 2 ]'
check "cgroup.events says frozen 0 before freezing" has_line "$F/cgroup.events" "frozen 0"
echo 1 >"$F/cgroup.freeze"
check "cgroup.freeze=1 leads to 'frozen 1' in cgroup.events" \
	wait_for 10 has_line "$F/cgroup.events" "frozen 1"
echo 0 >"$F/cgroup.freeze"
check "cgroup.freeze=0 leads back to 'frozen 0'" \
	wait_for 10 has_line "$F/cgroup.events" "frozen 0"
check "thawed processes are alive" kill -0 "$fz1" "$fz2"

# ------------------------------------------------------------- 6. kill ----
# (freeze it again first: cgroup.kill must also work on a frozen cgroup)
K=$P/kill
mkdir "$K"
kpids=()
for _ in 1 2 3; do spawn_in "$K"; kpids+=("$LASTPID"); done
# shellcheck disable=SC2016  # expanded by eval
check "3 processes moved into $K" wait_for 10 eval '[ "$(count_procs "$K/cgroup.procs")" = 3 ]'
echo 1 >"$K/cgroup.freeze"
wait_for 10 has_line "$K/cgroup.events" "frozen 1"
check "the 3 processes are alive before cgroup.kill" kill -0 "${kpids[@]}"
echo 1 >"$K/cgroup.kill"
check "cgroup.kill empties cgroup.procs" wait_for 10 is_empty "$K/cgroup.procs"
check "cgroup.events says populated 0 after cgroup.kill" \
	wait_for 10 has_line "$K/cgroup.events" "populated 0"
check "the 3 processes (${kpids[*]}) are gone" wait_for 10 gone "${kpids[@]}"

# the pids cgroup is cleaned up with cgroup.kill too
echo 1 >"$C/cgroup.kill"
check "cgroup.kill on the pids cgroup kills the fork helper and its children" \
	wait_for 10 has_line "$C/cgroup.events" "populated 0"

finish
