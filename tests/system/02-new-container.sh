# A container created while the daemon runs gets its ceilings at once,
# from inotify, not at the next tick; a removed one is dropped quietly.
. "$(dirname "$0")/lib.sh"

INTERVAL=10s write_conf <<EOF2
[defaults]
pids_max = 77
memory_max = 32M
EOF2
mkcg "$T"
start_daemon || exit 1

# docker/ itself appears after the daemon started: watched from the parent.
mkparent "$T/docker"
A=$(cid 10)
for h in $HIERS; do [ "$h" = "$PIDS_H" ] || mkdir "$h/$(ct_path "$A")"; done
us=$("$HELPERS/mkwait" "$PIDS_H/$(ct_path "$A")" pids.max)
check "ceiling landed on a new container (interval is 10s)" [ -n "$us" ]
echo "# pids.max in place $((${us:-0} / 1000)).$(printf '%03d' $((${us:-0} % 1000))) ms after mkdir"
eq "pids.max" "$(pids_max "$(ct_path "$A")")" 77
wait_for 2 sh -c "[ \"\$(cat $MEM_H/$(ct_path "$A")/$MEMFILE)\" = 33554432 ]"
eq "memory limit" "$(mem_max "$(ct_path "$A")")" 33554432

# systemd layout too, with a process inside.
S=$(cid 11)
mkparent "$T/system.slice"
us=$("$HELPERS/mkwait" "$PIDS_H/$(ct_path "$S" systemd)" pids.max)
echo "# systemd layout: pids.max in place $((${us:-0} / 1000)).$(printf '%03d' $((${us:-0} % 1000))) ms after mkdir"
eq "systemd layout pids.max" "$(pids_max "$(ct_path "$S" systemd)")" 77

# Removed while sampling: its processes end, its directories go.
B=$(cid 12)
mkct "$B"
runin "$(ct_path "$B")"; pid=$LASTPID
wait_for 2 sh -c "$CGWARDENCTL -s $SOCK status --json | grep -q $B"
check "new container listed" sh -c "$CGWARDENCTL -s $SOCK status --json | grep -q $B"
kill "$pid"; wait "$pid" 2>/dev/null
for h in $HIERS; do rmdir "$h/$(ct_path "$B")"; done
wait_for 2 sh -c "! $CGWARDENCTL -s $SOCK status --json | grep -q $B"
check "removed container dropped" sh -c "! $CGWARDENCTL -s $SOCK status --json | grep -q $B"
check "daemon still running" kill -0 "$DAEMON"
check "no warnings about the removed container" sh -c "! grep -i -E 'warn|cannot|error' $LOG | grep -q ${B%${B#????????????}}"
# No fd leak: the daemon's open files come back down.
check "its files were closed" sh -c "! ls -l /proc/$DAEMON/fd | grep -q $B"
finish
