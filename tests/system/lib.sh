# Shared helpers of the system tests: sourced by each tests/system/NN-*.sh.
# Each test builds a fake-but-real container tree under its own parent
# cgroup (cgwarden-test-PID) in every hierarchy, runs the real daemon on
# it, reads the kernel files back, and removes everything in a trap.
set -u
NAME=$(basename "$0" .sh)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case ${BUILD:-build} in
/*) BUILD=$(cd "$BUILD" && pwd) ;;
*) BUILD=$(cd "$TOP/${BUILD:-build}" && pwd) ;;
esac
CGWARDEND=$BUILD/cgwardend
CGWARDENCTL=$BUILD/cgwardenctl
HELPERS=$BUILD/helpers
T=cgwarden-test-$$
WORK=$(mktemp -d "/tmp/cgw-$NAME.XXXXXX")
LOG=$WORK/daemon.log
SOCK=$WORK/ctl.sock
CONF=$WORK/cgwarden.conf
PASS=0 FAIL=0
STARTED=""
DAEMON=""

skip_all() {
	echo "SKIP: $NAME: $*" >&2
	echo "$NAME: 0 passed, 0 failed, 1 skipped"
	rm -rf "$WORK"
	exit 0
}

[ "$(id -u)" = 0 ] || skip_all "needs root for cgroupfs"

# The mounts: v1 controller hierarchies and the cgroup2 mount.
V1=$(awk '/ - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] ~ /^(pids|memory|cpu|cpuacct|freezer)$/) { print $5; break } }' /proc/self/mountinfo)
V2=$(awk '/ - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
[ -n "$V1$V2" ] || skip_all "no cgroup filesystem"
HIERS="$V1 $V2"
v1_of() { awk -v c="$1" '/ - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $5 }' /proc/self/mountinfo | head -n 1; }
PIDS_H=$(v1_of pids); PIDS_H=${PIDS_H:-$V2}
MEM_H=$(v1_of memory); MEM_H=${MEM_H:-$V2}
CPU_H=$(v1_of cpu); CPU_H=${CPU_H:-$V2}
FRZ_H=$(v1_of freezer); FRZ_H=${FRZ_H:-$V2}
if [ "$MEM_H" = "$V2" ]; then MEMFILE=memory.max; else MEMFILE=memory.limit_in_bytes; fi
if [ "$CPU_H" = "$V2" ]; then CPUFILE=cpu.max; else CPUFILE=cpu.cfs_quota_us; fi
CGROUP_ROOT=$(dirname "${V1%%[[:space:]]*}"); [ -n "$V1" ] || CGROUP_ROOT=$V2

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
# eq DESC GOT WANT
eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
# check DESC CMD...: CMD must succeed
check() { _d=$1; shift; if "$@"; then ok "$_d"; else bad "$_d"; fi; }
# wait_for SECONDS CMD...: polls until CMD succeeds
wait_for() {
	_w=$(($1 * 50)); shift
	while [ $_w -gt 0 ]; do "$@" && return 0; sleep 0.02; _w=$((_w - 1)); done
	return 1
}

# An id that looks like Docker's: 64 hex from a number.
cid() { printf '%04x%060x' "$1" "$$"; }
ct_path() { # ct_path ID [cgroupfs|systemd]
	if [ "${2:-cgroupfs}" = systemd ]; then echo "$T/system.slice/docker-$1.scope"; else echo "$T/docker/$1"; fi
}

# mkcg REL: creates REL in every hierarchy; on v2 enables the controllers
# of each parent that this test owns (never above $T).
mkcg() {
	for _h in $HIERS; do
		_p=$_h
		for _part in $(echo "$1" | tr / ' '); do
			if [ "$_h" = "$V2" ] && [ "$_p" != "$_h" ]; then
				for _c in $(cat "$_p/cgroup.controllers"); do
					case " $(cat "$_p/cgroup.subtree_control") " in *" $_c "*) ;;
					*) echo "+$_c" > "$_p/cgroup.subtree_control" 2>/dev/null ;; esac
				done
			fi
			_p=$_p/$_part
			[ -d "$_p" ] || mkdir "$_p" || return 1
		done
	done
}
mkct() { mkcg "$(ct_path "$@")"; }
# mkparent REL: like mkcg, and on v2 REL passes its controllers on to
# children created later (it must then hold no process itself).
mkparent() {
	mkcg "$1" || return 1
	[ -n "$V2" ] || return 0
	for _c in $(cat "$V2/$1/cgroup.controllers"); do
		echo "+$_c" > "$V2/$1/cgroup.subtree_control" 2>/dev/null
	done
	return 0
}

# runin REL [CMD...]: starts CMD (default: sleep) inside REL in every
# hierarchy; its pid is in $LASTPID.  Not for $(...): the pid must be
# remembered here so that cleanup ends it.
# CMD runs only once it is in the cgroup everywhere (a gate file), so
# nothing it forks, a bomb above all, can start outside; if it cannot be
# moved there, it never runs.  A bomb starts only under a
# pids.max: unbounded, it would take the whole machine's task table.
runin() {
	_rel=$1; shift
	[ $# -gt 0 ] || set -- sleep 1000
	case " $* " in *bomb\ *)
		_lim=$(rd "$PIDS_H/$_rel/pids.max")
		case $_lim in ''|max)
			bad "refused to start $* in $_rel: pids.max is '${_lim:-missing}'"
			return 1 ;;
		esac ;;
	esac
	_ngate=$((${_ngate:-0} + 1)); _gate=$WORK/gate.$_ngate
	sh -c 'while [ ! -e "$0" ]; do sleep 0.01; done; rm -f "$0"; exec "$@"' "$_gate" "$@" \
		</dev/null >/dev/null 2>&1 &
	LASTPID=$!
	STARTED="$STARTED $LASTPID"
	_in=yes
	for _h in $HIERS; do echo "$LASTPID" > "$_h/$_rel/cgroup.procs" || _in=no; done
	if [ $_in = no ]; then
		kill -KILL "$LASTPID" 2>/dev/null
		bad "could not move $* into $_rel: not started"
		return 1
	fi
	: > "$_gate"
}

rd() { cat "$1" 2>/dev/null; }
short() { printf %.12s "$1"; }
pids_max() { rd "$PIDS_H/$1/pids.max"; }
mem_max() { # normalized: max, or bytes
	_v=$(rd "$MEM_H/$1/$MEMFILE")
	case $_v in max|9223372036854771712) echo max ;; *) echo "$_v" ;; esac
}
cpu_quota() { # max, or the quota in µs
	_v=$(rd "$CPU_H/$1/$CPUFILE"); _v=${_v%% *}
	case $_v in -1|max) echo max ;; *) echo "$_v" ;; esac
}

# write_conf [EXTRA_GLOBAL_LINES] then rule sections on stdin.  The
# variables INTERVAL, PATTERNS, DOCKER_SOCKET_CONF, DATA_ROOT_CONF and
# METRICS_LISTEN override the test defaults (no Docker, no metrics).
write_conf() {
	{
		echo "[global]"
		echo "cgroup_root = $CGROUP_ROOT"
		echo "container_cgroups = ${PATTERNS:-$T/docker/* $T/system.slice/docker-*.scope}"
		echo "interval = ${INTERVAL:-100ms}"
		echo "docker_socket = ${DOCKER_SOCKET_CONF:-}"
		echo "docker_data_root = ${DATA_ROOT_CONF:-}"
		echo "metrics_listen = ${METRICS_LISTEN:-}"
		echo "control_socket = $SOCK"
		[ $# -gt 0 ] && printf '%s\n' "$@"
		cat
	} > "$CONF"
}

start_daemon() { # start_daemon [ARGS...]
	"$CGWARDEND" -d -c "$CONF" "$@" >> "$LOG" 2>&1 &
	DAEMON=$!
	wait_for 10 test -S "$SOCK" || { bad "daemon did not start"; cat "$LOG"; return 1; }
}
# The capabilities the unit keeps, as setpriv's bounding set: "-all,+bpf,...".
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$TOP/conf/cgwarden.service" | tr ' ' '\n' |
		sed -n 's/^CAP_\(.*\)/+\1/p' | tr 'A-Z' 'a-z' | paste -sd, | sed 's/^/-all,/'
}
# start_daemon_unit_caps [ARGS...]: as start_daemon, with the unit's capabilities only.
start_daemon_unit_caps() {
	setpriv --bounding-set "$(unit_caps)" --inh-caps -all \
		"$CGWARDEND" -d -c "$CONF" "$@" >> "$LOG" 2>&1 &
	DAEMON=$!
	wait_for 10 test -S "$SOCK" || { bad "daemon did not start"; cat "$LOG"; return 1; }
}
stop_daemon() {
	[ -n "$DAEMON" ] || return 0
	kill -TERM "$DAEMON" 2>/dev/null
	wait "$DAEMON"; _rc=$?
	DAEMON=""
	return $_rc
}
ctl() { "$CGWARDENCTL" -s "$SOCK" "$@"; }
# jq-free JSON field access, through python3 if present, else the CLI's table.
status_field() { # status_field ID FIELD
	ctl status --json | python3 -c '
import json, sys
for c in json.load(sys.stdin):
    if c["id"] == sys.argv[1]:
        v = c.get(sys.argv[2]); print("null" if v is None else v)' "$1" "$2"
}

# Ends every process in this test's own tree (bombs fork past $STARTED):
# cgroup.kill where the v2 tree has it, else freeze, SIGKILL, thaw.
kill_tree() {
	if [ -n "$V2" ] && [ -f "$V2/$T/cgroup.kill" ]; then
		echo 1 > "$V2/$T/cgroup.kill" 2>/dev/null
	elif [ -f "$FRZ_H/$T/freezer.state" ]; then
		echo FROZEN > "$FRZ_H/$T/freezer.state" 2>/dev/null
		for _i in 1 2 3; do
			find "$PIDS_H/$T" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		done
		echo THAWED > "$FRZ_H/$T/freezer.state" 2>/dev/null
	fi
	[ -n "$V2" ] && [ -d "$V2/$T" ] && find "$V2/$T" -name cgroup.freeze -exec sh -c 'echo 0 > "$1"' _ {} \; 2>/dev/null
	[ -n "$FRZ_H" ] && [ -f "$FRZ_H/$T/freezer.state" ] && find "$FRZ_H/$T" -name freezer.state -exec sh -c 'echo THAWED > "$1"' _ {} \; 2>/dev/null
	# Until every task is gone (the daemon too may be inside, in a test).
	_n=150
	while [ $_n -gt 0 ] && [ -n "$(find "$PIDS_H/$T" -name cgroup.procs -exec cat {} + 2>/dev/null | grep -vx "${DAEMON:-x}")" ]; do
		sleep 0.02; _n=$((_n - 1))
	done
	return 0
}

# state_is ID STATE: status says the container is in STATE
state_is() { [ "$(status_field "$1" state)" = "$2" ]; }
# listed ID: the daemon has found the container
listed() { ctl status --json | grep -q "$1"; }
# frozen_kernel ID: a freezer of the host's layout holds the container
frozen_kernel() {
	_rel=$(ct_path "$1")
	if [ -f "$FRZ_H/$_rel/freezer.state" ] && grep -q FROZEN "$FRZ_H/$_rel/freezer.state"; then return 0; fi
	[ -n "$V2" ] && grep -q '^frozen 1' "$V2/$_rel/cgroup.events" 2>/dev/null
}
# note ID KEY: the user.cgwarden.KEY note on the container's pids directory
note() { getfattr --only-values -n "user.cgwarden.$2" "$PIDS_H/$(ct_path "$1")" 2>/dev/null; }

cleanup() {
	[ -n "$DAEMON" ] && kill -KILL "$DAEMON" 2>/dev/null
	kill_tree
	for _p in $STARTED; do kill -KILL "$_p" 2>/dev/null; done
	for _p in $STARTED; do wait "$_p" 2>/dev/null; done
	sleep 0.1
	DAEMON="" STARTED=""
	for _h in $HIERS; do
		[ -d "$_h/$T" ] || continue
		[ -f "$_h/$T/freezer.state" ] && find "$_h/$T" -name freezer.state -exec sh -c 'echo THAWED > "$1"' _ {} \; 2>/dev/null
		find "$_h/$T" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
}
finish() {
	cleanup
	echo "$NAME: $PASS passed, $FAIL failed"
	if [ $FAIL -gt 0 ]; then
		echo "--- daemon log ($LOG) ---"; tail -n 60 "$LOG"
	else
		rm -rf "$WORK"
	fi
	[ $FAIL -eq 0 ]
}
trap 'cleanup' EXIT
trap 'exit 1' INT TERM
