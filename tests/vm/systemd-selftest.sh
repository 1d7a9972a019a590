#!/bin/bash
# shellcheck disable=SC2016  # eval'd check expressions are single-quoted
# systemd-selftest.sh - checks that the VM of tests/vm/run-v2-systemd has a
# working systemd + system D-Bus, with transient scopes like Docker's
# systemd cgroup driver makes.  Run it inside the VM:
#     tests/vm/run-v2-systemd -t 120 -- tests/vm/systemd-selftest.sh
# Prints one line per check and "N passed, N failed" last; exit 0 when none
# failed, 1 otherwise, 77 when not inside run-v2-systemd.
# Check 4 (a direct cgroupfs write vs `systemctl daemon-reload`) is
# informative: it reports what systemd does and passes either way when the
# value is one of the two expected ones.
set -u

PASS=0
FAIL=0
ok()   { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
info() { echo "     $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

if [ "${CGWARDEN_VM_SYSTEMD:-0}" != 1 ]; then
	echo "SKIP: not inside tests/vm/run-v2-systemd"
	exit 77
fi

CG=/sys/fs/cgroup
hex64() { local h; h=$(od -An -N32 -tx1 /dev/urandom) && h=${h//[[:space:]]/} && echo "$h"; }

# wait_for TIMEOUT_DS CMD... : poll every 0.1 s until CMD succeeds
wait_for() {
	local n=$1 i; shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}
file_is() { local v; read -r v <"$1" 2>/dev/null && [ "$v" = "$2" ]; }
rd() { local v; read -r v <"$1" 2>/dev/null && printf '%s' "$v"; }

# ------------------------------------------------------------------ 1 ------
read -r comm </proc/1/comm
check "PID 1 is systemd (comm=$comm)" [ "$comm" = systemd ]
state=$(timeout 30 systemctl is-system-running --wait 2>&1)
check "systemctl is-system-running --wait: $state" [ "$state" = running ]
out=$(busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping 2>&1)
check "system bus: Ping org.freedesktop.systemd1 ${out:+($out)}" [ $? = 0 ]
owner=$(busctl --system status org.freedesktop.systemd1 2>/dev/null | sed -n 's/^PID=//p')
check "org.freedesktop.systemd1 is owned by PID ${owner:-?}" [ "$owner" = 1 ]
ver=$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version 2>&1)
info "Manager.Version: $ver"
check "cgroup2 mounted at $CG" [ "$(stat -fc %T $CG)" = cgroup2fs ]
info "root subtree_control: $(rd $CG/cgroup.subtree_control); system.slice: $(rd $CG/system.slice/cgroup.subtree_control)"
info "we run in $(rd /proc/self/cgroup)"

# ------------------------------------------------------------------ 2 ------
ID1=$(hex64)
U1=docker-$ID1.scope
D1=$CG/system.slice/$U1
T0=$EPOCHREALTIME
systemd-run --quiet --scope --unit="$U1" --slice=system.slice sleep 1000 &
RUN1=$!
check "transient scope $U1 created" wait_for 100 test -d "$D1"
T1=$EPOCHREALTIME
info "scope appeared after $(( (${T1/./} - ${T0/./}) / 1000 )) ms"
comms() { local p c; while read -r p; do read -r c <"/proc/$p/comm" && echo "$c"; done <"$1/cgroup.procs"; }
check "... sleep runs in it" wait_for 50 grep -qx sleep <(comms "$D1")
for f in pids.max memory.max cpu.max; do
	check "... $f exists ($(rd "$D1/$f"))" test -f "$D1/$f"
done
info "$U1 properties: $(systemctl show -p TasksMax -p MemoryMax -p CPUQuotaPerSecUSec -p Delegate "$U1" | tr '\n' ' ')"

# ------------------------------------------------------------------ 3 ------
out=$(busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
	org.freedesktop.systemd1.Manager SetUnitProperties 'sba(sv)' "$U1" true 3 \
	TasksMax t 77 MemoryMax t 67108864 CPUQuotaPerSecUSec t 500000 2>&1)
check "SetUnitProperties(runtime=true) via busctl ${out:+($out)}" [ $? = 0 ]
check "pids.max = 77 ($(rd "$D1/pids.max"))" wait_for 30 file_is "$D1/pids.max" 77
check "memory.max = 67108864 ($(rd "$D1/memory.max"))" wait_for 30 file_is "$D1/memory.max" 67108864
check "cpu.max = 50000 100000 ($(rd "$D1/cpu.max"))" wait_for 30 file_is "$D1/cpu.max" "50000 100000"
dropins() { systemctl show -p DropInPaths --value "$1"; }
DI=$(dropins "$U1")
check "drop-ins written (DropInPaths=$DI)" [ -n "$DI" ]
info "$U1 properties: $(systemctl show -p TasksMax -p MemoryMax -p CPUQuotaPerSecUSec "$U1" | tr '\n' ' ')"

# runtime=false (persistent) needs a writable /etc (the overlay root)
ID2=$(hex64)
U2=docker-$ID2.scope
D2=$CG/system.slice/$U2
systemd-run --quiet --scope --unit="$U2" --slice=system.slice sleep 1000 &
RUN2=$!
wait_for 100 test -d "$D2"
out=$(busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
	org.freedesktop.systemd1.Manager SetUnitProperties 'sba(sv)' "$U2" false 1 \
	TasksMax t 88 2>&1)
check "SetUnitProperties(runtime=false) ${out:+($out)}" [ $? = 0 ]
check "... pids.max = 88 ($(rd "$D2/pids.max"))" wait_for 30 file_is "$D2/pids.max" 88
# systemd 252 writes drop-ins of transient units to /run whatever runtime says
DI=$(dropins "$U2")
check "... drop-ins written (DropInPaths=$DI)" [ -n "$DI" ]

# ------------------------------------------------------------------ 4 ------
# a scope with no properties set: what it has by default
ID3=$(hex64)
U3=docker-$ID3.scope
D3=$CG/system.slice/$U3
systemd-run --quiet --scope --unit="$U3" --slice=system.slice sleep 1000 &
RUN3=$!
wait_for 100 test -d "$D3"
DEF3=$(rd "$D3/pids.max")
info "$U3 (no properties set): pids.max=$DEF3 TasksMax=$(systemctl show -p TasksMax --value "$U3")"

echo 500 >"$D1/pids.max"
echo 500 >"$D2/pids.max"
echo 500 >"$D3/pids.max"
check "direct write: pids.max = 500 in all three scopes" \
	eval 'file_is "$D1/pids.max" 500 && file_is "$D2/pids.max" 500 && file_is "$D3/pids.max" 500'
T0=$EPOCHREALTIME
out=$(systemctl daemon-reload 2>&1)
check "systemctl daemon-reload ${out:+($out)}" [ $? = 0 ]
T1=$EPOCHREALTIME
info "daemon-reload took $(( (${T1/./} - ${T0/./}) / 1000 )) ms"
sleep 1 # let any asynchronous cgroup realization happen
for spec in "runtime=true (TasksMax=77):$D1:77" "runtime=false (TasksMax=88):$D2:88" "no properties:$D3:$DEF3"; do
	what=${spec%%:*}; rest=${spec#*:}; dir=${rest%%:*}; want=${rest#*:}
	v=$(rd "$dir/pids.max")
	case $v in
	"$want") ok "daemon-reload, scope with $what: pids.max $v (systemd re-applied its value, undoing our 500)" ;;
	500) ok "daemon-reload, scope with $what: pids.max $v (our direct write survived)" ;;
	*) bad "daemon-reload, scope with $what: pids.max $v (expected $want or 500)" ;;
	esac
done
# what about daemon-reexec (e.g. after a systemd upgrade)?
echo 500 >"$D1/pids.max"
echo 500 >"$D3/pids.max"
out=$(systemctl daemon-reexec 2>&1)
check "systemctl daemon-reexec ${out:+($out)}" [ $? = 0 ]
wait_for 100 busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping >/dev/null 2>&1
sleep 1
info "after daemon-reexec: $U1 pids.max=$(rd "$D1/pids.max"), $U3 pids.max=$(rd "$D3/pids.max")"
# control: a direct write that nothing touches stays
echo 500 >"$D1/pids.max"
sleep 1
info "direct write, no systemd action, 1 s later: $U1 pids.max=$(rd "$D1/pids.max")"
# a property change of another controller (memory) on the same scope
busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
	org.freedesktop.systemd1.Manager SetUnitProperties 'sba(sv)' "$U1" true 1 \
	MemoryHigh t 60000000 >/dev/null 2>&1
sleep 0.5
info "after SetUnitProperties(MemoryHigh) on $U1: pids.max=$(rd "$D1/pids.max") memory.high=$(rd "$D1/memory.high")"
# a property change on another unit
echo 500 >"$D1/pids.max"
busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
	org.freedesktop.systemd1.Manager SetUnitProperties 'sba(sv)' "$U3" true 1 \
	TasksMax t 99 >/dev/null 2>&1
sleep 0.5
info "after SetUnitProperties(TasksMax) on $U3: $U1 pids.max=$(rd "$D1/pids.max"), $U3 pids.max=$(rd "$D3/pids.max")"

# ------------------------------------------------------------- cleanup -----
systemctl stop "$U1" "$U2" "$U3" >/dev/null 2>&1
wait "$RUN1" "$RUN2" "$RUN3" 2>/dev/null
check "scopes stopped and removed" eval '! test -d "$D1" && ! test -d "$D2" && ! test -d "$D3"'

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
