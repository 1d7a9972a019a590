# A limit raised by hand above the ceiling is lowered back at the next
# sample; one lowered by hand is respected; a memory ceiling below usage
# is refused by the kernel, logged once, and retried.
. "$(dirname "$0")/lib.sh"

A=$(cid 30); M=$(cid 31)
mkct "$A"; mkct "$M"
write_conf <<EOF2
[defaults]
pids_max = 100
cpus = 1.5
EOF2
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 100 ]"
eq "cpu quota 1.5 cores" "$(cpu_quota "$(ct_path "$A")")" 150000

echo 5000 > "$PIDS_H/$(ct_path "$A")/pids.max"
wait_for 3 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 100 ]"
eq "pids.max raised by hand is lowered back" "$(pids_max "$(ct_path "$A")")" 100
echo max > "$PIDS_H/$(ct_path "$A")/pids.max"
wait_for 3 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 100 ]"
eq "pids.max set to max by hand is lowered back" "$(pids_max "$(ct_path "$A")")" 100
if [ "$CPUFILE" = cpu.max ]; then echo "max 100000" > "$CPU_H/$(ct_path "$A")/cpu.max"; else echo -1 > "$CPU_H/$(ct_path "$A")/cpu.cfs_quota_us"; fi
wait_for 3 sh -c "[ \"\$(cat $CPU_H/$(ct_path "$A")/$CPUFILE | cut -d' ' -f1)\" = 150000 ]"
eq "cpu quota removed by hand is put back" "$(cpu_quota "$(ct_path "$A")")" 150000
echo 30 > "$PIDS_H/$(ct_path "$A")/pids.max"
sleep 0.5
eq "pids.max lowered by hand is respected" "$(pids_max "$(ct_path "$A")")" 30

# Memory: a process holding 48 MiB, then a 16 MiB ceiling by reload.
# Charged where it is touched: start it, move it, then let it allocate.
runin "$(ct_path "$M")" sh -c "sleep 0.3; exec $HELPERS/memhog 48"; hog=$LASTPID
wait_for 5 sh -c "[ \$(cat $MEM_H/$(ct_path "$M")/$( [ "$MEMFILE" = memory.max ] && echo memory.current || echo memory.usage_in_bytes)) -gt 40000000 ]"
cat >> "$CONF" <<EOF2
memory_max = 16M
EOF2
kill -HUP "$DAEMON"
if [ "$MEMFILE" = memory.limit_in_bytes ]; then
	wait_for 5 grep -q "cannot set .*memory.limit_in_bytes" "$LOG"
	check "refused memory ceiling logged" grep -q "cannot set .*$M.*memory.limit_in_bytes.*retrying" "$LOG"
	sleep 1
	eq "logged once, not per sample" "$(grep -c "cannot set .*memory.limit_in_bytes" "$LOG")" 1
	check "daemon still running" kill -0 "$DAEMON"
	eq "pids still enforced meanwhile" "$(pids_max "$(ct_path "$M")")" 100
	kill "$hog"; wait "$hog" 2>/dev/null
	wait_for 10 sh -c "[ \"\$(cat $MEM_H/$(ct_path "$M")/$MEMFILE)\" = 16777216 ]"
	eq "memory ceiling applied once usage fell" "$(mem_max "$(ct_path "$M")")" 16777216
	check "the late success is logged" grep -q "memory.limit_in_bytes .*after earlier refusals" "$LOG"
else
	# cgroup v2 does not refuse: it reclaims, then OOM-kills.
	wait_for 5 sh -c "[ \"\$(cat $MEM_H/$(ct_path "$M")/memory.max)\" = 16777216 ]"
	eq "v2 memory.max written below usage" "$(mem_max "$(ct_path "$M")")" 16777216
	check "daemon still running" kill -0 "$DAEMON"
fi
finish
