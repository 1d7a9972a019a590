# A Docker API that answers badly: truncated JSON, a body over the cap,
# wrong types, a reply that never comes, garbage and over-long event
# lines.  Each is rejected with a log line, the loop never blocks, and
# enforcement goes on (with [defaults] where the image is unknown).
. "$(dirname "$0")/../system/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"

A=$(cid 1201); B=$(cid 1202); C=$(cid 1203); D=$(cid 1204); E=$(cid 1205)
for x in $A $B $C $D $E; do mkct "$x"; done
FAKE=$WORK/docker.sock
python3 - "$FAKE" "$A" "$B" "$C" "$D" "$E" > "$WORK/fake.log" 2>&1 <<'PY' &
import os, socketserver, sys, time
from http.server import BaseHTTPRequestHandler
path, A, B, C, D, E = sys.argv[1:7]
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path == "/_ping":
            return self.reply(b"OK")
        if self.path.startswith("/events"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()   # no length: the stream runs until closed
            self.wfile.write(b"this is not json\n")
            self.wfile.write(b"{" + b"x" * 100000 + b"}\n")
            self.wfile.flush()
            while not os.path.exists(path + ".go"):  # the test says when
                time.sleep(0.05)
            ev = ('{"Type":"container","Action":"update","Actor":{"ID":"%s"}}\n' % D).encode()
            self.wfile.write(ev)
            self.wfile.flush()
            time.sleep(60)
            return
        cid = self.path.split("/")[2] if self.path.startswith("/containers/") else ""
        if cid == A:
            return self.reply(b'{"Name":"/a","Config":{"Ima')
        if cid == B:
            return self.reply(b" " * (5 << 20) + b'{"Name":"/b","Config":{"Image":"nginx"}}')
        if cid == C:
            return self.reply(b'{"Name":5,"Config":{"Image":["nginx"]},"HostConfig":"x"}')
        if cid == D:
            return self.reply(b'{"Name":"/good","Config":{"Image":"nginx:1.25"}}')
        if cid == E:
            time.sleep(60)
            return
        self.reply(b'{"message":"no such container"}', 404)
class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
S(path, H).serve_forever()
PY
STARTED="$STARTED $!"
wait_for 5 test -S "$FAKE"
INTERVAL=30s DOCKER_SOCKET_CONF=$FAKE write_conf <<EOF2
[defaults]
pids_max = 100
[image "nginx"]
pids_max = 256
EOF2
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$D")/pids.max)\" = 256 ]"
eq "the good reply gives its image rule" "$(pids_max "$(ct_path "$D")")" 256
for x in $A $B $C $E; do
	eq "${x%${x#????}}: unknown image, [defaults] enforced" "$(pids_max "$(ct_path "$x")")" 100
done
wait_for 8 grep -q "${B%${B#????????????}}: Docker's inspect reply is larger than 1 MiB" "$LOG"
check "truncated JSON rejected with a log line" grep -q "${A%${A#????????????}}: Docker's inspect reply rejected" "$LOG"
check "body over the cap rejected with a log line" grep -q "${B%${B#????????????}}: Docker's inspect reply is larger than 1 MiB" "$LOG"
check "wrong types rejected with a log line" grep -q "${C%${C#????????????}}: Docker's inspect reply rejected" "$LOG"
check "over-long event line dropped with a log line" grep -q "Docker event longer than" "$LOG"
check "the loop answers while an inspect hangs" ctl status --json
# The update event that follows the bad lines is still acted on.
echo 9999 > "$PIDS_H/$(ct_path "$D")/pids.max"
touch "$FAKE.go"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$D")/pids.max)\" = 256 ]"
wait_for 5 grep -q "good (.*lowered pids.max from 9999" "$LOG"
check "an event after garbage and over-long lines is handled" grep -q "good (.*lowered pids.max from 9999 to 256" "$LOG"
wait_for 8 grep -q "${E%${E#????????????}}: Docker inspect failed" "$LOG"
check "a reply that never comes times out" grep -q "${E%${E#????????????}}: Docker inspect failed" "$LOG"
check "daemon still running" kill -0 "$DAEMON"
finish
