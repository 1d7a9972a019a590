# The guard never makes things worse: monitor mode and --dry-run decide
# and report but change nothing; max_actions_per_minute stops a storm of
# freezes; action = alert only reports; a container whose cgroup holds
# cgwardend itself is never frozen or killed.
. "$(dirname "$0")/lib.sh"

M1=$(cid 2201) M2=$(cid 2202) B1=$(cid 2203) B2=$(cid 2204) AL=$(cid 2205) OWN=$(cid 2206)
for c in $M1 $M2 $B1 $B2 $AL $OWN; do mkct "$c"; echo 30 > "$PIDS_H/$(ct_path "$c")/pids.max"; done
# Older than the spike window: what one phase's bomb did in a container's
# first second is a real spike to the next phase's daemon.
sleep 1.1
rules() { cat <<EOF2
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = ${1:-freeze}
EOF2
}
bomb() { runin "$(ct_path "$1")" "$HELPERS/forkbomb" 8; }
untouched() { # untouched ID WHAT
	if frozen_kernel "$1"; then bad "$2: frozen"; else ok "$2: not frozen"; fi
	check "$2: its processes run" [ "$(rd "$PIDS_H/$(ct_path "$1")/cgroup.procs" | wc -l)" -gt 0 ]
	eq "$2: no action note" "$(note "$1" action)" ""
}

# monitor mode, then --dry-run: the spike is reported as "would".
rules | write_conf "mode = monitor"
start_daemon || exit 1
wait_for 5 listed "$M1"; bomb "$M1"
wait_for 5 grep -q "spike in container $(short $M1)" "$LOG"
check "monitor: the spike is reported with the decision" grep -q "spike in container $(short $M1).*action freeze (monitor mode: nothing done)" "$LOG"
sleep 0.3; untouched "$M1" "monitor"
stop_daemon; kill_tree
rules | write_conf
start_daemon --dry-run || exit 1
wait_for 5 listed "$M2"; bomb "$M2"
wait_for 5 grep -q "spike in container $(short $M2)" "$LOG"
check "--dry-run: reported, nothing done" grep -q "spike in container $(short $M2).*(monitor mode: nothing done)" "$LOG"
sleep 0.3; untouched "$M2" "--dry-run"
stop_daemon; kill_tree

# A budget of one action a minute: the second bomb is only reported.
rules | write_conf "max_actions_per_minute = 1"
start_daemon || exit 1
wait_for 5 listed "$B1"; bomb "$B1"
wait_for 5 frozen_kernel "$B1"
check "budget: the first bomb is frozen" frozen_kernel "$B1"
bomb "$B2"
wait_for 5 grep -q "spike in container $(short $B2)" "$LOG"
check "budget: the second is alert only, and the log says why" grep -q "spike in container $(short $B2).*action alert (max_actions_per_minute reached" "$LOG"
sleep 0.3; untouched "$B2" "budget"
stop_daemon; kill_tree

# action = alert: reported, untouched.
rules alert | write_conf
start_daemon || exit 1
wait_for 5 listed "$AL"; bomb "$AL"
wait_for 5 grep -q "spike in container $(short $AL)" "$LOG"
check "alert: reported" grep -q "spike in container $(short $AL).*action alert" "$LOG"
sleep 0.3; untouched "$AL" "alert"
stop_daemon; kill_tree

# cgwardend inside a matched container cgroup: never acted on.
rules kill | write_conf
start_daemon || exit 1
for h in $HIERS; do echo "$DAEMON" > "$h/$(ct_path "$OWN")/cgroup.procs"; done
wait_for 5 listed "$OWN"; bomb "$OWN"
wait_for 5 grep -q "spike in container $(short $OWN)" "$LOG"
check "own cgroup: alert only, and why" grep -q "spike in container $(short $OWN).*action alert (its cgroup holds cgwardend or init" "$LOG"
check "own cgroup: the daemon lives" kill -0 "$DAEMON"
out=$(ctl kill "$OWN" 2>&1); rc=$?
case "$rc:$out" in 1:*"holds cgwardend"*) ok "own cgroup: cgwardenctl kill refused" ;; *) bad "own kill: $rc $out" ;; esac
check "own cgroup: the daemon still lives" kill -0 "$DAEMON"
finish
