# The guard freezes a container whose forks are refused in a burst (a C
# fork bomb, every process looping on fork()), records why on the cgroup,
# names the bomb in the log, and leaves quiet neighbours, a short legit
# burst and a slow legit growth alone.  cgwardenctl thaw releases it.
. "$(dirname "$0")/lib.sh"

BOMB=$(cid 2001) QUIET=$(cid 2002) BURST=$(cid 2003) SLOW=$(cid 2004) THAW=$(cid 2005)
for c in $BOMB $QUIET $BURST $SLOW $THAW; do mkct "$c"; done
INTERVAL=1s write_conf <<EOF2
[defaults]
pids_max = 4096
spike_rate = 200
spike_fork_failures = 20
action = freeze
EOF2
# pids.max before any bomb starts: the daemon lowers 4096 nowhere here.
for c in $BOMB $THAW; do echo 50 > "$PIDS_H/$(ct_path "$c")/pids.max"; done
start_daemon || exit 1
wait_for 5 listed "$THAW" || bad "containers not found"

runin "$(ct_path "$QUIET")" sleep 1000
runin "$(ct_path "$BURST")" "$HELPERS/forker" 30          # +30 at once: below spike_rate
runin "$(ct_path "$SLOW")" sh -c 'for i in $(seq 120); do sleep 60 & sleep 0.03; done; wait'
runin "$(ct_path "$BOMB")" "$HELPERS/forkbomb" 20
wait_for 5 frozen_kernel "$BOMB"
check "the C fork bomb's container is frozen (kernel freezer)" frozen_kernel "$BOMB"
wait_for 3 state_is "$BOMB" frozen
eq "status shows it frozen" "$(status_field "$BOMB" state)" frozen
eq "status: frozen by cgwarden" "$(status_field "$BOMB" frozen_by_cgwarden)" True
n1=$(rd "$PIDS_H/$(ct_path "$BOMB")/pids.current"); sleep 0.5
n2=$(rd "$PIDS_H/$(ct_path "$BOMB")/pids.current")
eq "frozen: its process count holds still" "$n2" "$n1"
note=$(note "$BOMB" action)
case $note in "freeze "*"forks refused"*) ok "user.cgwarden.action says why: $note" ;;
*) bad "user.cgwarden.action: '$note'" ;; esac
ev=$(note "$BOMB" evidence)
case $ev in *"top: forkbomb "*) ok "user.cgwarden.evidence names the bomb" ;;
*) bad "user.cgwarden.evidence: '$ev'" ;; esac
check "the log has the spike with history and top processes" \
	grep -q "spike in container $(short $BOMB).*forks refused.*action freeze.*top: forkbomb" "$LOG"
check "the log confirms the freeze from the kernel" grep -q "froze container $(short $BOMB): frozen .* ms after" "$LOG"

# A container that refuses a burst of forks once (forker 70 under 50: ~20+
# refused at once), frozen, then released by the operator: it stays running.
runin "$(ct_path "$THAW")" "$HELPERS/forker" 75
wait_for 5 frozen_kernel "$THAW"
check "a one-off burst of refused forks is frozen too" frozen_kernel "$THAW"
check "cgwardenctl thaw answers" ctl thaw "$THAW"
if frozen_kernel "$THAW"; then bad "still frozen after thaw"; else ok "thawed: no freezer holds it"; fi
eq "status: running after thaw" "$(status_field "$THAW" state)" running
sleep 1.5
if frozen_kernel "$THAW"; then bad "frozen again without a new spike"; else ok "not frozen again: nothing new was refused"; fi
check "the log has the thaw" grep -q "thawed container $(short $THAW) (cgwardenctl thaw" "$LOG"
out=$(ctl thaw "$QUIET" 2>&1); rc=$?
case "$rc:$out" in 1:*"not frozen"*) ok "thaw of a running container: a clear error" ;;
*) bad "thaw of a running container: rc $rc: $out" ;; esac
out=$(ctl thaw nosuchthing 2>&1); rc=$?
case "$rc:$out" in 1:*"no such container"*) ok "thaw of an unknown name: a clear error" ;;
*) bad "thaw unknown: rc $rc: $out" ;; esac

# The operator's freeze: at once, recorded, refused twice, released by thaw.
check "cgwardenctl freeze answers" ctl freeze "$BURST"
wait_for 3 frozen_kernel "$BURST" # v1 says FREEZING until every task has stopped
check "frozen by cgwardenctl freeze (kernel freezer)" frozen_kernel "$BURST"
case $(note "$BURST" action) in "freeze "*"cgwardenctl freeze"*) ok "the action note says who" ;;
*) bad "action note after freeze: '$(note "$BURST" action)'" ;; esac
out=$(ctl freeze "$BURST" 2>&1); rc=$?
case "$rc:$out" in 1:*"frozen or killed already"*) ok "a second freeze: a clear error" ;;
*) bad "second freeze: rc $rc: $out" ;; esac
check "cgwardenctl thaw releases it" ctl thaw "$BURST"
if frozen_kernel "$BURST"; then bad "still frozen after the operator's thaw"; else ok "the operator's freeze is thawed"; fi
eq "no action note left" "$(note "$BURST" action)" ""

sleep 1
for c in $QUIET $BURST $SLOW; do
	eq "untouched: $(printf %.4s $c) running" "$(status_field "$c" state)" running
	eq "untouched: $(printf %.4s $c) no spike" "$(status_field "$c" spikes)" 0
	eq "untouched: $(printf %.4s $c) has no action note" "$(note "$c" action)" ""
done
got=$(rd "$PIDS_H/$(ct_path "$SLOW")/pids.current")
check "the slow growth really grew ($got processes)" [ "${got:-0}" -gt 60 ]
check "the daemon is alive" kill -0 "$DAEMON"
finish
