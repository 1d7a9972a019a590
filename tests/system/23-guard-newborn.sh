# A bomb that fills a container in its first milliseconds, before any
# sample (a shell bomb stalls on zombies within ~50 ms), is still a spike:
# a cgroup younger than the spike window starts from zero in the ring.
# A daemon started among old containers does not mistake their history.
. "$(dirname "$0")/lib.sh"

OLD=$(cid 2301) NEW=$(cid 2302)
mkct "$OLD"; echo 20 > "$PIDS_H/$(ct_path "$OLD")/pids.max"
# OLD refused forks long ago (before the daemon ran).
runin "$(ct_path "$OLD")" "$HELPERS/forker" 45
sleep 1.2
old_refused=$(awk '$1 == "max" {print $2}' "$PIDS_H/$(ct_path "$OLD")/pids.events")
check "the old container has refused forks before the daemon starts ($old_refused)" [ "${old_refused:-0}" -ge 20 ]
write_conf <<EOF2
[defaults]
pids_max = 20
spike_fork_failures = 20
action = freeze
EOF2
start_daemon || exit 1
wait_for 5 listed "$OLD"
sleep 1
eq "an old history is no spike" "$(status_field "$OLD" spikes)" 0
if frozen_kernel "$OLD"; then bad "the old container was frozen"; else ok "the old container is left alone"; fi

# NEW: created and bombed in one go, faster than the first sample (the
# daemon's ceiling of 20 lands within a millisecond of the mkdir).
mkct "$NEW"
wait_for 2 [ "$(pids_max "$(ct_path "$NEW")")" = 20 ]
runin "$(ct_path "$NEW")" "$HELPERS/forker" 45
wait_for 5 frozen_kernel "$NEW"
check "a bomb in a newborn container is caught" frozen_kernel "$NEW"
check "and reported as a spike" grep -q "spike in container $(short "$NEW")" "$LOG"
finish
