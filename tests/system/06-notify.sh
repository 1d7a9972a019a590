# The systemd protocol: READY, STATUS, RELOADING on SIGHUP, STOPPING on
# SIGTERM, and WATCHDOG pings when $WATCHDOG_USEC is set, received on a
# real notify socket the test listens on.
. "$(dirname "$0")/lib.sh"

A=$(cid 60)
mkct "$A"
write_conf <<EOF2
[defaults]
pids_max = 100
EOF2
python3 - "$WORK/notify.sock" > "$WORK/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
try:
    while True:
        msg = s.recv(4096).decode()
        for line in msg.split("\n"):
            print(line, flush=True)
        if "STOPPING=1" in msg:
            break
except socket.timeout:
    pass
PY
LISTENER=$!
STARTED="$STARTED $LISTENER"
wait_for 5 test -S "$WORK/notify.sock"
NOTIFY_SOCKET=$WORK/notify.sock WATCHDOG_USEC=200000 start_daemon || exit 1
wait_for 5 grep -q '^READY=1' "$WORK/notify.log"
check "READY=1 sent" grep -q '^READY=1' "$WORK/notify.log"
check "STATUS says what it watches" grep -q '^STATUS=watching 1 containers' "$WORK/notify.log"
wait_for 5 grep -q '^WATCHDOG=1' "$WORK/notify.log"
sleep 0.5
check "watchdog pings at half of WATCHDOG_USEC" sh -c "[ \$(grep -c '^WATCHDOG=1' $WORK/notify.log) -ge 3 ]"
kill -HUP "$DAEMON"
wait_for 5 grep -q '^RELOADING=1' "$WORK/notify.log"
check "RELOADING=1 on SIGHUP" grep -q '^RELOADING=1' "$WORK/notify.log"
wait_for 5 sh -c "[ \$(grep -c '^READY=1' $WORK/notify.log) -ge 2 ]"
check "READY=1 again after the reload" sh -c "[ \$(grep -c '^READY=1' $WORK/notify.log) -ge 2 ]"
stop_daemon
wait "$LISTENER" 2>/dev/null
check "STOPPING=1 on SIGTERM" grep -q '^STOPPING=1' "$WORK/notify.log"
finish
