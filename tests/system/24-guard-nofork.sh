# The guard acts without forking: cgwardend confined to a cgroup whose
# pids.max leaves it no room for one more task or thread still freezes
# and kills bombs, and keeps answering its socket.
. "$(dirname "$0")/lib.sh"

FB=$(cid 2401) KB=$(cid 2402)
for c in $FB $KB; do mkct "$c"; echo 30 > "$PIDS_H/$(ct_path "$c")/pids.max"; done
mkcg "$T/guard"
write_conf <<EOF2
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = freeze

[image "never"]
action = kill
EOF2
start_daemon || exit 1
for h in $HIERS; do echo "$DAEMON" > "$h/$T/guard/cgroup.procs"; done
n=$(rd "$PIDS_H/$T/guard/pids.current")
echo "$n" > "$PIDS_H/$T/guard/pids.max"
eq "cgwardend's cgroup is full (pids.max = its $n tasks)" "$(rd "$PIDS_H/$T/guard/pids.max")" "$n"
sleep 1.2
runin "$(ct_path "$FB")" "$HELPERS/forkbomb" 10
wait_for 5 frozen_kernel "$FB"
check "a bomb is frozen by a daemon that cannot fork" frozen_kernel "$FB"
check "cgwardenctl kill still works" ctl kill "$(short "$FB")"
wait_for 5 sh -c "[ -z \"\$(cat $PIDS_H/$(ct_path "$FB")/cgroup.procs)\" ]"
eq "killed: no process left" "$(rd "$PIDS_H/$(ct_path "$FB")/cgroup.procs" | wc -l)" 0
ev=$(awk '$1 == "max" {print $2}' "$PIDS_H/$T/guard/pids.events")
check "the daemon's own forks were never refused: it did not try ($ev)" [ "${ev:-1}" -eq 0 ]
check "the daemon is alive" kill -0 "$DAEMON"
finish
