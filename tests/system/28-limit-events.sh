# A limit file written by hand (or by docker update, or the runtime) is
# held to its ceiling at once: the write raises inotify's IN_MODIFY, and
# the pass never reads limit files.  The interval here is a minute and
# the safety re-read comes every 30 to 60 s, so only the event explains
# a quick correction.  status reads the kernel's files when asked, so it
# agrees with them between two passes.
. "$(dirname "$0")/lib.sh"

C=$(cid 2801)
mkct "$C"
INTERVAL=60s write_conf <<EOF2
[defaults]
pids_max = 100
memory_max = 64M
EOF2
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$C")/pids.max)\" = 100 ]"
eq "the ceiling went in at discovery" "$(pids_max "$(ct_path "$C")")" 100
echo 5000 > "$PIDS_H/$(ct_path "$C")/pids.max"
wait_for 2 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$C")/pids.max)\" = 100 ]"
eq "pids.max raised by hand: lowered back within 2 s, the interval a minute" \
	"$(pids_max "$(ct_path "$C")")" 100
check "the log says so" grep -q "container $(short "$C"): lowered pids.max from 5000 to 100" "$LOG"
MEM_H=$(v1_of memory); MEM_H=${MEM_H:-$V2}
MF=memory.limit_in_bytes; [ "$MEM_H" = "$V2" ] && MF=memory.max
echo 1073741824 > "$MEM_H/$(ct_path "$C")/$MF"
wait_for 2 sh -c "[ \"\$(cat $MEM_H/$(ct_path "$C")/$MF)\" = 67108864 ]"
eq "the memory limit raised by hand: lowered back at once too" \
	"$(rd "$MEM_H/$(ct_path "$C")/$MF")" 67108864
runin "$(ct_path "$C")" sleep 1000; P1=$LASTPID
runin "$(ct_path "$C")" sleep 1000; P2=$LASTPID
# Both have left their start gate (a shell that polls with sleep 0.01):
# from then on the count holds still.
sleeping() { [ "$(rd /proc/$P1/comm)$(rd /proc/$P2/comm)" = sleepsleep ]; }
wait_for 5 sleeping
wait_for 3 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$C")/pids.current)\" = 2 ]"
eq "status: pids_current as pids.current says it now, between two passes" \
	"$(status_field "$C" pids_current)" "$(rd "$PIDS_H/$(ct_path "$C")/pids.current")"
passes=$(ctl stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["passes"])')
eq "no interval pass has run yet: the events did it all" "$passes" 0
finish
