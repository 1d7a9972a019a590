# The guard keeps nothing it cannot rebuild: a daemon restarted while a
# container it froze is still frozen knows it froze it (the freezer
# files and user.cgwarden.action), and kill_after still counts from
# the time of the freeze.
. "$(dirname "$0")/lib.sh"

B=$(cid 2601)
mkct "$B"; echo 30 > "$PIDS_H/$(ct_path "$B")/pids.max"
sleep 1.1
write_conf <<EOF2
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = freeze
EOF2
start_daemon || exit 1
wait_for 5 listed "$B"
runin "$(ct_path "$B")" "$HELPERS/forkbomb" 30
wait_for 5 frozen_kernel "$B"
check "frozen by the first daemon" frozen_kernel "$B"
stop_daemon
check "still frozen with no daemon" frozen_kernel "$B"

: > "$LOG"
write_conf <<EOF2
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = freeze
kill_after = 3s
EOF2
start_daemon || exit 1
wait_for 5 listed "$B"
eq "the new daemon sees it frozen" "$(status_field "$B" state)" frozen
eq "and knows cgwarden froze it" "$(status_field "$B" frozen_by_cgwarden)" True
wait_for 8 sh -c "[ -z \"\$(cat $PIDS_H/$(ct_path "$B")/cgroup.procs)\" ]"
eq "kill_after, counted from the first freeze, killed it" "$(rd "$PIDS_H/$(ct_path "$B")/cgroup.procs" | wc -l)" 0
check "the log says why" grep -q "killed every process of container $(short "$B").*still frozen after kill_after" "$LOG"
finish
