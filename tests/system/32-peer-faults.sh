# Faults of the peers: a Docker socket that accepts and never answers,
# one that answers a gigabyte to everything, and an Alertmanager address
# that accepts and never replies, then a real Alertmanager there.  The
# daemon stays responsive and small, a fork bomb is still frozen, and a
# sentinel container's ceiling holds.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"

SENT=$(cid 3200)
mkct "$SENT"
sentinel_raise_held() {
	echo 5000 > "$PIDS_H/$(ct_path "$SENT")/pids.max"
	wait_for 8 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$SENT")/pids.max)\" = 100 ]"
}
end_ct() {
	_r=$(ct_path "$1")
	[ -n "$V2" ] && [ -f "$V2/$_r/cgroup.kill" ] && echo 1 > "$V2/$_r/cgroup.kill"
	[ -f "$FRZ_H/$_r/freezer.state" ] && echo THAWED > "$FRZ_H/$_r/freezer.state"
	[ -n "$V2" ] && [ -f "$V2/$_r/cgroup.freeze" ] && echo 0 > "$V2/$_r/cgroup.freeze"
	wait_for 10 sh -c "[ -z \"\$(cat $PIDS_H/$_r/cgroup.procs)\" ]"
}
cputime() { awk '{ print $14 + $15 }' "/proc/$DAEMON/stat"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON/status"; }

# peer.py MODE ADDRESS: silent (accept, never read nor answer) on a unix
# socket or host:port; gigabyte (HTTP: /_ping is OK, anything else is
# answered 1 GiB of body, or an endless /events line) on a unix socket.
cat > "$WORK/peer.py" <<'PY'
import os, socket, sys, threading
mode, addr = sys.argv[1], sys.argv[2]
if ":" in addr:
    host, port = addr.rsplit(":", 1)
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, int(port)))
else:
    srv = socket.socket(socket.AF_UNIX); srv.bind(addr)
srv.listen(128)
held = []
GIB = 1 << 30
def giga(c):
    try:
        req = b""
        while b"\r\n\r\n" not in req:
            b = c.recv(4096)
            if not b:
                return
            req += b
        path = req.split(b" ")[1]
        if path == b"/_ping":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")
            return
        if path.startswith(b"/events"):
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        else:
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % GIB)
        chunk = b"{" + b"x" * (1 << 20)
        sent = 0
        while sent < GIB:
            c.sendall(chunk); sent += len(chunk)
        print("sent a gigabyte to", path.decode(), flush=True)
    except OSError:
        print("closed by the daemon", flush=True)
    finally:
        c.close()
while True:
    c, _ = srv.accept()
    if mode == "silent":
        held.append(c)
        print("accepted", len(held), flush=True)
    else:
        threading.Thread(target=giga, args=(c,), daemon=True).start()
PY
# start_peer MODE ADDRESS: the peer, in $PEER, once it listens.
start_peer() {
	python3 "$WORK/peer.py" "$1" "$2" >> "$WORK/peer.$1.log" 2>&1 &
	PEER=$!
	STARTED="$STARTED $PEER"
	case $2 in
	*:*) wait_for 10 python3 -c "import socket,sys; socket.create_connection(('${2%:*}', ${2##*:}), 1).close()" ;;
	*) wait_for 10 test -S "$2" ;;
	esac
}
stop_peer() { kill "$PEER" 2>/dev/null; wait "$PEER" 2>/dev/null; }

for mode in silent gigabyte; do
	: > "$LOG"
	DSOCK=$WORK/docker-$mode.sock
	start_peer "$mode" "$DSOCK"
	A=$(cid $((3210 + ${#mode}))) B=$(cid $((3220 + ${#mode})))
	mkct "$A"; mkct "$B"
	echo 30 > "$PIDS_H/$(ct_path "$B")/pids.max"
	DOCKER_SOCKET_CONF=$DSOCK write_conf <<EOF2
[defaults]
pids_max = 100
spike_fork_failures = 20
action = freeze
EOF2
	start_daemon || { finish; exit 1; }
	r0=$(rss)
	wait_for 8 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 100 ]"
	eq "$mode Docker: [defaults] enforced on a container it cannot name" "$(pids_max "$(ct_path "$A")")" 100
	check "$mode Docker: status answers" ctl status --json
	runin "$(ct_path "$B")" "$HELPERS/forkbomb" 20
	wait_for 10 frozen_kernel "$B"
	check "$mode Docker: a fork bomb is frozen" frozen_kernel "$B"
	# The pause asked of this Docker fails or times out (5 s): cgwarden's
	# freeze holds throughout, and is said.
	wait_for 15 grep -q "Docker did not pause it" "$LOG"
	check "$mode Docker: the failed pause is said" grep -q "Docker did not pause it" "$LOG"
	check "$mode Docker: still frozen after the pause failed" frozen_kernel "$B"
	c0=$(cputime); sleep 2; c1=$(cputime)
	check "$mode Docker: the daemon does not spin ($((c1 - c0)) ticks in 2 s)" [ $((c1 - c0)) -lt 50 ]
	check "$mode Docker: sentinel held" sentinel_raise_held
	r1=$(rss)
	# Under ASan freed memory waits in its quarantine: not a measure.
	if grep -q libasan "/proc/$DAEMON/maps"; then
		echo "# ASan build: RSS not compared ($r0 -> $r1 KiB)"
	else
		check "$mode Docker: RSS bounded ($r0 -> $r1 KiB)" [ "$r1" -lt $((r0 + 32768)) ]
	fi
	check "$mode Docker: thaw releases the bomb" ctl thaw "$B"
	end_ct "$B"
	check "$mode Docker: alive" kill -0 "$DAEMON"
	stop_daemon; eq "$mode Docker: clean stop" $? 0
	stop_peer
	case $mode in
	silent) check "silent Docker: the daemon did connect" grep -q accepted "$WORK/peer.silent.log" ;;
	gigabyte)
		check "gigabyte Docker: the replies were cut off by the daemon" sh -c \
			"grep -q 'closed by the daemon' '$WORK/peer.gigabyte.log' && grep -q -e 'larger than the cap' -e 'inspect reply is larger than' '$LOG'"
		eq "gigabyte Docker: the endless event line dropped the stream, said once" \
			"$(grep -c "Docker's event stream: a line longer than" "$LOG")" 1 ;;
	esac
done

# --- an Alertmanager address that accepts and never replies ---------------
: > "$LOG"
AM_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_peer silent "127.0.0.1:$AM_PORT"
G=$(cid 3231)
mkct "$G"; echo 30 > "$PIDS_H/$(ct_path "$G")/pids.max"
write_conf "alert_webhook = http://127.0.0.1:$AM_PORT" <<EOF2
[defaults]
pids_max = 100
spike_fork_failures = 20
action = freeze
EOF2
CGWARDEN_ALERT_RESEND_MS=1000 start_daemon || { finish; exit 1; }
runin "$(ct_path "$G")" "$HELPERS/forkbomb" 20
wait_for 10 frozen_kernel "$G"
check "silent Alertmanager: the bomb is frozen" frozen_kernel "$G"
failed() { [ "$(ctl stats | sed -n 's/.*"alerts_failed":\([0-9]*\).*/\1/p')" -ge 1 ]; }
wait_for 20 failed
check "silent Alertmanager: the POST times out, counted as failed" failed
check "silent Alertmanager: the daemon answers meanwhile" ctl status --json
check "silent Alertmanager: sentinel held" sentinel_raise_held
check "silent Alertmanager: said once, not per attempt" sh -c "[ \$(grep -c 'retrying, back-off' '$LOG') = 1 ]"
stop_peer
if AMBIN=$(command -v prometheus-alertmanager); then
	printf 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n' > "$WORK/am.yml"
	"$AMBIN" --config.file="$WORK/am.yml" --storage.path="$WORK/am-data" \
		--web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= >> "$WORK/am.log" 2>&1 &
	STARTED="$STARTED $!"
	am_has() { python3 - "http://127.0.0.1:$AM_PORT" "$G" <<'PY'
import json, sys, urllib.request
try:
    alerts = json.load(urllib.request.urlopen(sys.argv[1] + "/api/v2/alerts", timeout=2))
except Exception:
    sys.exit(1)
sys.exit(0 if any(a["labels"].get("id") == sys.argv[2] for a in alerts) else 1)
PY
	}
	wait_for 60 am_has
	check "a real Alertmanager in its place gets the alert" am_has
	check "the recovery is logged" grep -q "delivering again" "$LOG"
else
	echo "# SKIP: no prometheus-alertmanager: the recovery is not tested"
fi
check "alive" kill -0 "$DAEMON"
end_ct "$G"
stop_daemon; eq "clean stop" $? 0
check "no sanitizer report in the log" sh -c "! grep -q -E 'Sanitizer|runtime error' '$LOG'"
finish
