# SIGHUP and `cgwardenctl reload`: a new ceiling is applied to running
# containers; a raised ceiling gives back what a lower one took; a bad
# file is rejected with its errors and the old config stays in force.
. "$(dirname "$0")/lib.sh"

A=$(cid 20); B=$(cid 21)
mkct "$A"; mkct "$B"
echo 150 > "$PIDS_H/$(ct_path "$B")/pids.max"
write_conf <<EOF2
[defaults]
pids_max = 100
EOF2
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 100 ]"
eq "first ceiling" "$(pids_max "$(ct_path "$A")")" 100
eq "B lowered from its own 150" "$(pids_max "$(ct_path "$B")")" 100

sed -i 's/pids_max = 100/pids_max = 60/' "$CONF"
kill -HUP "$DAEMON"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 60 ]"
eq "SIGHUP lowers to the new ceiling" "$(pids_max "$(ct_path "$A")")" 60

sed -i 's/pids_max = 60/pids_max = 500/' "$CONF"
check "cgwardenctl reload succeeds" ctl reload
eq "a raised ceiling gives A back up to it" "$(pids_max "$(ct_path "$A")")" 500
eq "B gets back its own 150, not more" "$(pids_max "$(ct_path "$B")")" 150

cp "$CONF" "$WORK/good.conf"
printf 'spike_rate = fast\nbogus = 1\n' >> "$CONF"
kill -HUP "$DAEMON"
wait_for 5 grep -q "rejected" "$LOG"
check "bad reload logged as rejected" grep -q "reload of .* rejected" "$LOG"
check "every error logged with FILE:LINE" sh -c "grep -q \"cgwarden.conf:[0-9]*: spike_rate: 'fast'\" $LOG && grep -q \"cgwarden.conf:[0-9]*: unknown key 'bogus'\" $LOG"
check "cgwardenctl reload reports the errors, exit 1" sh -c "! $CGWARDENCTL -s $SOCK reload 2>$WORK/err && grep -q 'unknown key' $WORK/err"
check "daemon still running" kill -0 "$DAEMON"
echo 100000 > "$PIDS_H/$(ct_path "$A")/pids.max"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 500 ]"
eq "old config still enforced after a bad reload" "$(pids_max "$(ct_path "$A")")" 500
finish
