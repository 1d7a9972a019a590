# Faults on the control socket: 1,000 clients at once, clients that
# connect and never write or never read, a command line of 1 MiB, and a
# peer outside control_admin_group trying every mutating command
# (refused, logged, nothing done).  Through all of it the daemon answers
# and a sentinel container's ceiling holds.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"
command -v setpriv >/dev/null || skip_all "no setpriv"

S=$(cid 3001) V=$(cid 3002)
mkct "$S"; mkct "$V"
write_conf "control_group = 4242" "control_admin_group = 4243" <<EOF2
[defaults]
pids_max = 100
EOF2
start_daemon || exit 1
wait_for 5 listed "$V"
runin "$(ct_path "$V")" sleep 1000
chmod 711 "$WORK"
sentinel_held() { [ "$(pids_max "$(ct_path "$S")")" = 100 ]; }

# clients.py MODE N: N connections, all open at once before any writes;
# connect blocks while the backlog is full, as cgwardenctl's does.
cat > "$WORK/clients.py" <<'PY'
import socket, sys, time
path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
socks = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(60)
    socks.append(s)
if mode == "many":
    for s in socks:
        s.sendall(b"stats\n")
    good = 0
    for s in socks:
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        good += data.startswith(b'{"containers":')
    print(good)
elif mode == "idle":          # connect, never write: closed by the daemon
    t0 = time.time()
    closed = 0
    for s in socks:
        closed += s.recv(1) == b""
    print(closed, int(time.time() - t0))
elif mode == "huge":          # a 1 MiB line, then its newline
    s = socks[0]
    try:
        s.sendall(b"a" * (1 << 20) + b"\n")
        print("reply", s.recv(100))
    except (BrokenPipeError, ConnectionResetError):
        print("closed")
PY
py() { python3 "$WORK/clients.py" "$SOCK" "$@"; }

# 1,000 at once.
eq "1,000 clients at once: every one answered" "$(py many 1000)" 1000
check "the sentinel's ceiling held" sentinel_held

# Never writes: dropped after the request timeout, and the others go on.
py idle 20 > "$WORK/idle.out" &
IDLE=$!
STARTED="$STARTED $IDLE"
sleep 0.5
check "while 20 clients say nothing, status answers" ctl status --json
wait "$IDLE"
read -r closed secs < "$WORK/idle.out"
eq "clients that never write are closed by the daemon" "$closed" 20

# Never reads: a status request, and the reply never read; then an
# event stream that is never read while events pile up.
python3 - "$SOCK" > "$WORK/noread.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
s.connect(sys.argv[1])
s.sendall(b"status\n")
e = socket.socket(socket.AF_UNIX)
e.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
e.connect(sys.argv[1])
e.sendall(b"events\n")
time.sleep(30)
PY
NOREAD=$!
STARTED="$STARTED $NOREAD"
streams() { ctl stats | sed -n 's/.*"event_streams":\([0-9]*\).*/\1/p'; }
wait_for 5 sh -c "[ \"\$($CGWARDENCTL -s $SOCK stats | sed -n 's/.*\"event_streams\":\([0-9]*\).*/\1/p')\" = 1 ]"
eq "a stream reader that never reads is counted" "$(streams)" 1
# Events: lowered limits, many of them, each a line to the stream.
n=0 held=0
while [ $n -lt 200 ]; do
	echo 5000 > "$PIDS_H/$(ct_path "$S")/pids.max"
	wait_for 5 sentinel_held && held=$((held + 1))
	n=$((n + 1))
done
eq "the ceiling is held at each of $n raises while the reader stalls" "$held" "$n"
check "status answers while a reader stalls" ctl status --json
kill "$NOREAD" 2>/dev/null; wait "$NOREAD" 2>/dev/null
zero_streams() { [ "$(streams)" = 0 ]; }
wait_for 10 zero_streams
eq "the stalled reader is forgotten once it goes" "$(streams)" 0

# 1 MiB on one line.
out=$(py huge 1)
case $out in closed|"reply b''") ok "a 1 MiB command line: the connection is closed ($out)" ;;
*) bad "1 MiB line: $out" ;; esac
check "... and the daemon answers the next one" ctl status --json

# A reader (control_group) but not an admin: every mutating command refused.
as_reader() { setpriv --reuid=65534 --regid=65534 --groups=4242 "$CGWARDENCTL" -s "$SOCK" "$@" 2>&1; }
sed -i 's/^pids_max = 100/pids_max = 90/' "$CONF"   # a reload would lower it
for cmd in "freeze $V" "thaw $V" "kill $V" "reload"; do
	# shellcheck disable=SC2086
	out=$(as_reader $cmd); rc=$?
	case "$rc:$out" in 1:*"permission denied"*) ok "reader: '${cmd%% *}' refused" ;;
	*) bad "reader: '$cmd': rc $rc: $out" ;; esac
	check "reader: '${cmd%% *}' refusal logged" grep -q "control: ${cmd%% *}: permission denied (uid 65534)" "$LOG"
done
sleep 0.5
if frozen_kernel "$V"; then bad "refused freeze: it is frozen"; else ok "refused freeze: not frozen"; fi
eq "refused kill: its process lives" "$(rd "$PIDS_H/$(ct_path "$V")/cgroup.procs")" "$LASTPID"
eq "refused reload: the old ceiling holds" "$(pids_max "$(ct_path "$S")")" 100
eq "refused: no action note on it" "$(note "$V" action)" ""
out=$(as_reader status --json); rc=$?
eq "the reader may still read" "$rc" 0
check "the daemon is alive" kill -0 "$DAEMON"
stop_daemon; eq "clean stop" $? 0
check "no sanitizer report in the log" sh -c "! grep -q -E 'Sanitizer|runtime error' '$LOG'"
finish
