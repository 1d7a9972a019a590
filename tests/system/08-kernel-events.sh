# Where the kernel notifies (cgroup v2 pids.events), a refused fork is
# sampled when it happens, not at the next tick: the interval here is
# 30 s, yet status shows the refused forks at once.  v1's pids.events
# raises no inotify event (sampling covers it; see the guard).
. "$(dirname "$0")/lib.sh"
[ "$PIDS_H" = "$V2" ] || skip_all "pids is a v1 controller here: v1 pids.events raises no inotify event"

A=$(cid 801)
mkct "$A"
INTERVAL=30s write_conf <<EOF2
[defaults]
pids_max = 5
EOF2
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 5 ]"
check "kernel watches are set (pids.events, memory.events, cgroup.events)" sh -c "$CGWARDENCTL -s $SOCK stats | grep -q '\"kernel_watches\":3'"
eq "no refused fork yet" "$(status_field "$A" fork_failures)" 0
runin "$(ct_path "$A")" sh -c "sleep 0.3; exec $HELPERS/forker 10"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.events | awk '\$1 == \"max\" {print \$2}')\" -gt 0 ]"
refused_seen() { [ "$(status_field "$A" fork_failures)" -gt 0 ] 2>/dev/null; }
wait_for 3 refused_seen
got=$(status_field "$A" fork_failures)
check "refused forks sampled from the kernel's event, not a tick ($got)" [ "${got:-0}" -gt 0 ]
eq "status agrees with pids.events" "$got" "$(awk '$1 == "max" {print $2}' "$PIDS_H/$(ct_path "$A")/pids.events")"
finish
