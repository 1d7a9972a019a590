# --dry-run and mode = monitor write nothing; --oneshot prints a line per
# container and exits; SIGTERM stops cleanly and leaves limits in place;
# a bad config or no cgroupfs stops the daemon with the right exit code.
. "$(dirname "$0")/lib.sh"

A=$(cid 40); B=$(cid 41)
mkct "$A"; mkct "$B"
write_conf <<EOF2
[defaults]
pids_max = 100
memory_max = 64M
cpus = 1
EOF2
start_daemon --dry-run || exit 1
wait_for 5 grep -q "would set" "$LOG"
sleep 0.3
eq "dry-run: pids.max untouched" "$(pids_max "$(ct_path "$A")")" max
eq "dry-run: memory untouched" "$(mem_max "$(ct_path "$A")")" max
eq "dry-run: cpu untouched" "$(cpu_quota "$(ct_path "$A")")" max
check "dry-run: no xattr written" sh -c "! getfattr -d -m 'cgwarden\.' $PIDS_H/$(ct_path "$A") 2>/dev/null | grep -q cgwarden"
check "dry-run: decision logged" grep -q "would set pids.max from max to 100" "$LOG"
stop_daemon

write_conf "mode = monitor" <<EOF2
[defaults]
pids_max = 100
EOF2
start_daemon || exit 1
sleep 0.3
eq "mode = monitor: pids.max untouched" "$(pids_max "$(ct_path "$A")")" max
stop_daemon

write_conf <<EOF2
[defaults]
pids_max = 100
EOF2
out=$("$CGWARDEND" -c "$CONF" --oneshot 2>/dev/null); rc=$?
eq "oneshot exits 0" "$rc" 0
eq "oneshot prints one line per container" "$(printf '%s\n' "$out" | grep -c '^[0-9a-f]\{64\} ')" 2
check "oneshot line has the limits" sh -c "printf '%s\n' '$out' | grep -q '^$A .*pids=0/100 '"
eq "oneshot applied the ceiling" "$(pids_max "$(ct_path "$B")")" 100

start_daemon || exit 1
stop_daemon; rc=$?
eq "SIGTERM: exit 0" "$rc" 0
eq "SIGTERM: limits stay in place" "$(pids_max "$(ct_path "$A")")" 100
check "SIGTERM: control socket removed" test ! -e "$SOCK"

printf '[defaults]\npids_max = nope\n' > "$WORK/bad.conf"
"$CGWARDEND" -c "$WORK/bad.conf" 2>"$WORK/err"; rc=$?
eq "bad config: exit 1" "$rc" 1
check "bad config: FILE:LINE on stderr" grep -q "bad.conf:2: pids_max" "$WORK/err"
printf '[global]\ncgroup_root = /nonexistent\ncontrol_socket = %s\n' "$SOCK" > "$WORK/nocg.conf"
"$CGWARDEND" -c "$WORK/nocg.conf" 2>"$WORK/err"; rc=$?
eq "no cgroup filesystem: exit 2" "$rc" 2
check "no cgroup filesystem: said so" grep -q "no cgroup filesystem" "$WORK/err"
"$CGWARDEND" -n -c "$CONF" > "$WORK/out"; rc=$?
eq "-n: exit 0" "$rc" 0
eq "-n: prints configuration OK" "$(cat "$WORK/out")" "configuration OK"
"$CGWARDEND" --bogus 2>/dev/null; rc=$?
eq "bad usage: exit 1" "$rc" 1
finish
