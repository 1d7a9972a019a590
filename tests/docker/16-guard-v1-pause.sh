# Where Docker reads the very freezer cgwarden writes (a pure v1 host, or
# a hybrid one told to ignore its unified tree; a pure v2 host, where
# both write cgroup.freeze), Docker's runtime
# refuses to pause a cgroup already frozen: cgwarden freezes, waits for
# the kernel's word, lets go and has Docker pause it, so docker ps
# shows it Paused and docker unpause releases it.
. "$(dirname "$0")/common.sh" cgw-v1
static_helper forkbomb || { finish; exit 1; }
FB=$WORK/forkbomb

write_conf "unified_tree = ignore" <<EOF2
[defaults]
pids_max = 500
spike_fork_failures = 20
action = freeze
EOF2
start_daemon || exit 1
paused() { [ "$(docker inspect -f '{{.State.Paused}}' "$1" 2>/dev/null)" = true ]; }
ID=$(docker run -d --name v1bomb --pids-limit 60 -v "$FB:/forkbomb:ro" cgw-v1 /forkbomb 12)
wait_for 10 paused v1bomb
check "frozen, then paused by Docker: docker ps says Paused" paused v1bomb
check "the log: frozen, then Docker paused it" grep -q "container v1bomb.*Docker paused it too" "$LOG"
eq "$PAUSE_FREEZER holds it" "$(pause_freezer "$ID")" FROZEN
eq "status: frozen" "$(status_field "$ID" state)" frozen
# A restart finds it as it was left: frozen by cgwarden, Docker's pause
# holding it (with one freezer for both, only Docker's State.Paused says so).
stop_daemon
start_daemon || { finish; exit 1; }
dpaused() { [ "$(status_field "$ID" docker_paused)" = True ]; }
wait_for 15 dpaused
eq "after a restart: frozen, by cgwarden, Docker's pause holding it" \
	"$(status_field "$ID" state)/$(status_field "$ID" frozen_by_cgwarden)/$(status_field "$ID" docker_paused)" \
	frozen/True/True
check "cgwardenctl thaw goes through Docker" ctl thaw v1bomb
wait_for 5 sh -c "[ \"\$(docker inspect -f '{{.State.Paused}}' v1bomb)\" = false ] || grep -q 'thawed container v1bomb' '$LOG'"
check "the thaw is logged as Docker's" grep -q "thawed container v1bomb.*docker unpause" "$LOG"
gap=$(grep -o "held by SIGSTOP [0-9]* ms between the two[^;]*" "$LOG" | head -1); echo "# $gap"
check "handed over: SIGSTOP held it until Docker's pause froze it again" [ -n "$gap" ]
docker rm -f v1bomb >/dev/null 2>&1
finish
