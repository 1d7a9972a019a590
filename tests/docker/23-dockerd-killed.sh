# dockerd SIGKILLed in the middle of the event stream (containers being
# created) and in the middle of an inspect (dockerd stopped with the
# request in flight, then killed): the loss is said once, every ceiling
# stays enforced (images from Docker's disk), a raised limit is lowered
# back while Docker is away, and when dockerd is back the stream works
# again (a docker update above the ceiling is lowered at once).
. "$(dirname "$0")/common.sh" cgw-busybox

INTERVAL=200ms write_conf <<EOF2
[defaults]
pids_max = 100
[image "cgw-busybox"]
pids_max = 77
EOF2
start_daemon || { finish; exit 1; }
docker run -d --network none --name sent --stop-timeout 1 cgw-busybox sleep 100000 >/dev/null
SENT=$(ct_id sent)
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$P/$SENT/pids.max 2>/dev/null)\" = 77 ]"
eq "the sentinel has its image's ceiling" "$(rd "$PIDS_H/$P/$SENT/pids.max")" 77
sentinel_raise_held() {
	echo 5000 > "$PIDS_H/$P/$SENT/pids.max"
	wait_for 8 sh -c "[ \"\$(cat $PIDS_H/$P/$SENT/pids.max)\" = 77 ]"
}
kill_dockerd() { kill -KILL "$DOCKERD_PID"; _dk_wait_gone "$DOCKERD_PID" 10; }

# --- mid event stream: containers being created ---------------------------
( for n in 1 2 3 4 5 6; do
	docker run -d --network none --name "ev$n" --stop-timeout 1 cgw-busybox sleep 100000 >/dev/null 2>&1
done ) &
RUNS=$!
two() { [ "$(docker ps -q 2>/dev/null | wc -l)" -ge 3 ]; }
wait_for 60 two
kill_dockerd
wait "$RUNS" 2>/dev/null
wait_for 10 grep -q "Docker API at .* lost" "$LOG"
eq "the loss is said once" "$(grep -c "Docker API at .* lost" "$LOG")" 1
ids=$(for d in "$PIDS_H/$P"/*/; do basename "$d"; done | grep -E '^[0-9a-f]{64}$')
n=0 good=0
capped() { for i in $ids; do [ "$(rd "$PIDS_H/$P/$i/pids.max")" = 77 ] || return 1; done; }
wait_for 10 capped
for i in $ids; do
	n=$((n + 1))
	[ "$(rd "$PIDS_H/$P/$i/pids.max")" = 77 ] && good=$((good + 1))
done
check "containers created before the kill: $n" [ "$n" -ge 3 ]
eq "every one holds its image's ceiling with Docker dead" "$good" "$n"
check "Docker dead: a raised limit is lowered back" sentinel_raise_held
check "Docker dead: status answers" ctl status --json

# --- back, then mid-inspect: dockerd stopped with a request in flight -------
dockerd_up || bad "dockerd did not come back"
wait_for 20 grep -q "Docker API at .* is back" "$LOG"
check "the return is said" grep -q "Docker API at .* is back" "$LOG"
docker update --pids-limit 5000 sent >/dev/null
wait_for 8 sh -c "[ \"\$(cat $PIDS_H/$P/$SENT/pids.max)\" = 77 ]"
eq "the stream works again: a docker update is lowered back" "$(rd "$PIDS_H/$P/$SENT/pids.max")" 77

kill -STOP "$DOCKERD_PID"
# A container cgroup that Docker has never heard of: its inspect waits.
GHOST=$(printf 'feed%060x' "$$")
for h in $HIERS; do mkdir "$h/$P/$GHOST"; done
wait_for 10 listed "$GHOST"
check "found while dockerd is stopped (its inspect in flight)" listed "$GHOST"
kill_dockerd
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$P/$GHOST/pids.max)\" = 100 ]"
eq "the inspect cut off: [defaults] enforced" "$(rd "$PIDS_H/$P/$GHOST/pids.max")" 100
wait_for 10 grep -q "$(short "$GHOST").*Docker inspect failed" "$LOG"
check "the failed inspect is said" grep -q "$(short "$GHOST").*Docker inspect failed" "$LOG"
check "sentinel held" sentinel_raise_held
check "the daemon is alive" kill -0 "$DAEMON"
for h in $HIERS; do rmdir "$h/$P/$GHOST"; done
dockerd_up || bad "dockerd did not come back the second time"
wait_for 20 sh -c "[ \$(grep -c 'Docker API at .* is back' '$LOG') -ge 2 ]"
check "and back again" sh -c "[ \$(grep -c 'Docker API at .* is back' '$LOG') -ge 2 ]"
stop_daemon; eq "clean stop" $? 0
check "no sanitizer report in the log" sh -c "! grep -q -E 'Sanitizer|runtime error' '$LOG'"
finish
