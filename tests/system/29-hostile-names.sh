# Names and images from outside cannot forge a log line or drive a
# terminal: a container whose Docker record (config.v2.json, read when no
# Docker API answers) names it with a newline, ANSI escapes and BEL.
# Bytes that are not UTF-8 in a name leave JSON and /metrics valid.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"

A=$(cid 2901)
mkct "$A"
mkdir -p "$WORK/docker/containers/$A"
# JSON escapes: the file itself is plain text; the parsed name is not.
cat > "$WORK/docker/containers/$A/config.v2.json" <<EOF2
{"ID":"$A","Name":"/web\ncgwardend: FORGED name\u001b[2J\u001b]0;owned\u0007",
 "Config":{"Image":"evil:1\ncgwardend: FORGED image\r\u001b[31m\u009b1m"},
 "HostConfig":{"PidsLimit":0}}
EOF2
# Bytes that are not UTF-8: a lone continuation byte, 0xff, a cut sequence.
U=$(cid 2903)
mkct "$U"
mkdir -p "$WORK/docker/containers/$U"
printf '{"ID":"%s","Name":"/u\200x\377y\342\202","Config":{"Image":"img:\376"},"HostConfig":{}}' "$U" \
	> "$WORK/docker/containers/$U/config.v2.json"
# A cgroup directory name is from outside too: the id is its 64-hex run
# (the kernel refuses a newline in one, not the rest).
B=$(cid 2902)
BDIR=$(printf '%s\r\033[2J\a' "$B")
for h in $HIERS; do mkdir "$h/$T/docker/$BDIR"; done
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("'$1'", 0)); print(s.getsockname()[1])'; }
# A socket path where nothing listens: lookups go to the on-disk record.
INTERVAL=200ms DOCKER_SOCKET_CONF=$WORK/no-docker.sock DATA_ROOT_CONF=$WORK/docker \
	METRICS_LISTEN=127.0.0.1:$(free_port 127.0.0.1) write_conf <<EOF2
[defaults]
pids_max = 50
EOF2
start_daemon || exit 1
wait_for 5 sh -c "$CGWARDENCTL -s $SOCK status --json | grep -q FORGED"
check "name learned from config.v2.json" sh -c "ctl() { $CGWARDENCTL -s $SOCK \"\$@\"; }; ctl status --json | grep -q 'FORGED name'"
sleep 0.3

check "the log names the odd cgroup" grep -q "found .*/$B\\\\r\\\\033\\[2J\\\\a$" "$LOG"
check "the log names the container" grep -q 'web\\ncgwardend: FORGED name' "$LOG"
check "no log line starts with a forged prefix" sh -c "! grep -q '^cgwardend: FORGED' $LOG"
check "every log line starts with cgwardend:" sh -c "! grep -qv '^cgwardend: ' $LOG"
check "the image is logged on one line" grep -q 'evil:1\\ncgwardend: FORGED image\\r\\033\[31m\\302\\2331m' "$LOG"
has_raw() { python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
bad = [b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f]
bad += [1 for i in range(len(data) - 1) if data[i] == 0xc2 and 0x80 <= data[i + 1] < 0xa0]
sys.exit(0 if bad else 1)' "$1"; }
check "no ESC, BEL, CR or C1 in the log" eval '! has_raw "$LOG"'

ctl status > "$WORK/status.txt" 2>&1
check "status table names the container" grep -q 'web\\ncgwarden' "$WORK/status.txt"
check "status table has no raw control byte" eval '! has_raw "$WORK/status.txt"'
check "status table: a header and a row a container" [ "$(wc -l < "$WORK/status.txt")" -eq 4 ]
ctl top -n 1 > "$WORK/top.txt" 2>&1
check "top has no raw control byte" eval '! has_raw "$WORK/top.txt"'
check "top shows the row" grep -q "$(short "$A")" "$WORK/top.txt"
"$CGWARDEND" -c "$CONF" --oneshot 2>/dev/null | grep -v '^cgwardend: ' > "$WORK/oneshot.txt"
check "--oneshot has no raw control byte" eval '! has_raw "$WORK/oneshot.txt"'
check "--oneshot: one line a container" [ "$(wc -l < "$WORK/oneshot.txt")" -eq 3 ]
check "--oneshot: the odd cgroup escaped" grep -q "^$B .*/$B\\\\r\\\\033\\[2J\\\\a$" "$WORK/oneshot.txt"

# An event about it, as `events` prints it for people.
ctl events > "$WORK/events.txt" 2>&1 &
EVPID=$!
STARTED="$STARTED $EVPID"
sleep 0.3
ctl kill "$A" > /dev/null 2>&1
wait_for 5 grep -q kill "$WORK/events.txt"
kill "$EVPID" 2>/dev/null
check "events names the container" grep -q 'kill .*web\\ncgwardend: FORGED' "$WORK/events.txt"
check "events has no raw control byte" eval '! has_raw "$WORK/events.txt"'
check "events: one line" [ "$(wc -l < "$WORK/events.txt")" -eq 1 ]

# JSON keeps the name as it is, and stays valid.
eq "status --json: the name as Docker has it" "$(status_field "$A" name | od -An -c | tr -s ' ' | head -c 40)" \
	"$(printf 'web\ncgwardend: FORGED name\033[2J' | od -An -c | tr -s ' ' | head -c 40)"
check "status --json is valid JSON, strictly UTF-8" sh -c "$CGWARDENCTL -s $SOCK status --json | $(command -v python3) -c 'import json,sys; json.loads(sys.stdin.buffer.read().decode(\"utf-8\"))'"
wait_for 5 sh -c "[ \"\$($CGWARDENCTL -s $SOCK status --json | grep -c img:)\" -gt 0 ]"
eq "a byte that is not UTF-8 becomes U+FFFD in JSON, the rest kept" "$(status_field "$U" name)" \
	"$(printf 'u\357\277\275x\357\277\275y\357\277\275\357\277\275')"
eq "and in the image" "$(status_field "$U" image)" "$(printf 'img:\357\277\275')"
METRICS_ADDR=$(sed -n 's/^metrics_listen = //p' "$CONF")
curl -sf --max-time 5 "http://$METRICS_ADDR/metrics" > "$WORK/m.txt"
check "/metrics names it, in UTF-8" grep -q "name=\"u$(printf '\357\277\275')x" "$WORK/m.txt"
check "/metrics is UTF-8 throughout" python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$WORK/m.txt"
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts it" sh -c "promtool check metrics < $WORK/m.txt"
fi
finish
