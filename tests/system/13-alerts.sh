# Alerts against a real Alertmanager (Debian's prometheus-alertmanager on
# loopback): the sink fires, resolves on thaw and on the container's end,
# re-sends what fires to an Alertmanager that lost it, waits out one that
# is down, and counts what a full queue drops; first through alertdrive
# (the sink alone in a loop), then through cgwardend on a real fork bomb
# once the spike detector emits.  Also `cgwardenctl events` and the one
# readable line per event on stderr.
. "$(dirname "$0")/lib.sh"
AMBIN=$(command -v prometheus-alertmanager) || skip_all "prometheus-alertmanager is not installed (make deps)"
DRIVE=$BUILD/drivers/alertdrive
[ -x "$DRIVE" ] || skip_all "$DRIVE is not built (make system builds it)"

AM_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
AM_URL=http://127.0.0.1:$AM_PORT
HOST=$(python3 -c 'import socket; print(socket.gethostname())')
AM=""
cat > "$WORK/am.yml" <<EOF2
route:
  receiver: "null"
receivers:
  - name: "null"
EOF2

# start_am: Alertmanager on $AM_PORT, without gossip; waits for /-/ready.
start_am() {
	"$AMBIN" --config.file="$WORK/am.yml" --storage.path="$WORK/am-data" \
	    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= \
	    >> "$WORK/am.log" 2>&1 &
	AM=$!
	STARTED="$STARTED $AM"
	python3 - "$AM_URL" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1] + "/-/ready", timeout=1)
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)
PY
}
stop_am() { [ -z "$AM" ] || { kill "$AM"; wait "$AM" 2>/dev/null; AM=""; }; }

# am_find [@ANNOTATION~TEXT]... LABEL=VALUE...: Alertmanager lists an
# alert (firing: resolved ones are not listed) with those labels.
am_find() {
	python3 - "$AM_URL" "$@" <<'PY'
import json, sys, urllib.request
want = [a.split("=", 1) for a in sys.argv[2:] if not a.startswith("@")]
ann = [a[1:].split("~", 1) for a in sys.argv[2:] if a.startswith("@")]
try:
    alerts = json.load(urllib.request.urlopen(sys.argv[1] + "/api/v2/alerts", timeout=2))
except Exception:
    sys.exit(2)
for a in alerts:
    if all(a["labels"].get(k) == v for k, v in want) and \
       all(t in a["annotations"].get(k, "") for k, t in ann):
        sys.exit(0)
sys.exit(1)
PY
}
am_gone() { am_find "$@"; [ $? -eq 1 ]; }
am_count() { # am_count LABEL=VALUE: how many alerts Alertmanager lists with it
	python3 - "$AM_URL" "$1" <<'PY'
import json, sys, urllib.request
k, v = sys.argv[2].split("=", 1)
alerts = json.load(urllib.request.urlopen(sys.argv[1] + "/api/v2/alerts", timeout=2))
print(sum(1 for a in alerts if a["labels"].get(k) == v))
PY
}
# json_of KEY: the value of KEY in the JSON object on stdin
json_of() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# retry_for SECONDS CMD...: wait_for at 0.1 s, for commands that use wait_for themselves
retry_for() {
	_t=$(($1 * 10)); shift
	while [ $_t -gt 0 ]; do "$@" && return 0; sleep 0.1; _t=$((_t - 1)); done
	return 1
}

start_am || { bad "alertmanager did not become ready"; cat "$WORK/am.log"; finish; exit 1; }
ok "alertmanager ready on $AM_URL"

# --- the sink alone, driven by alertdrive -------------------------------
mkfifo "$WORK/drive.in"
CGWARDEN_ALERT_RESEND_MS=1000 "$DRIVE" < "$WORK/drive.in" > "$WORK/drive.out" 2>> "$LOG" &
DRV=$!
STARTED="$STARTED $DRV"
exec 3> "$WORK/drive.in"
drive() { echo "$*" >&3; }
# drive_sync WORD: sends the command, waits for its answer line
drive_sync() {
	_n=$(grep -c "^$1" "$WORK/drive.out")
	drive "$@"
	wait_for 60 sh -c "[ \$(grep -c '^$1' '$WORK/drive.out') -gt $_n ]"
}

drive_stat() { drive_sync stats; grep '^stats' "$WORK/drive.out" | tail -n 1 | cut -d' ' -f2 | json_of "$1"; }

F=$(cid 1301); S=$(cid 1302); D=$(cid 1303)
drive target "$AM_URL/"
drive emit freeze "$F" web freeze
drive_sync idle
check "a freeze fires CgwardenForkBomb with every label" am_find alertname=CgwardenForkBomb \
    container=web image=busybox:1.36 "host=$HOST" action=freeze severity=critical "id=$F"
check "its annotations carry the evidence and the way out" am_find "id=$F" \
    "@summary~container web" "@description~sh 97, sleep 3" "@pids_history~3/100" \
    "@runbook~cgwardenctl thaw web"
# Sent at least once (a slow machine may pass the 1 s re-send first), never failed.
sent=$(drive_stat sent)
check "sent ($sent), nothing failed, one firing" [ "${sent:-0}" -ge 1 -a "$(drive_stat failed) $(drive_stat firing)" = "0 1" ]
drive emit thaw "$F" web thaw
drive_sync idle
check "a thaw resolves it (same labels, endsAt now)" am_gone "id=$F"
eq "nothing firing after the thaw" "$(drive_stat firing)" 0

drive emit spike "$S" - alert
drive_sync idle
check "an alert-only spike: severity warning, container is the short id" am_find \
    alertname=CgwardenForkBomb "container=$(echo "$S" | cut -c1-12)" action=alert severity=warning "id=$S"
drive gone "$S"
drive_sync idle
check "the container's end resolves it" am_gone "id=$S"

drive emit posture - - -
drive_sync idle
check "a high finding fires CgwardenPosture" am_find alertname=CgwardenPosture severity=high \
    check=privileged "host=$HOST"

stop_am
start_am || bad "alertmanager did not restart"
wait_for 10 am_find alertname=CgwardenPosture
check "firing alerts are re-sent to an Alertmanager that lost them" am_find alertname=CgwardenPosture

drive_sync idle
stop_am
said=$(grep -c 'retrying, back-off' "$LOG")
failed=$(drive_stat failed)
drive emit freeze "$D" db freeze
drive_failed() { [ "$(drive_stat failed)" -ge $((failed + 3)) ]; }
retry_for 10 drive_failed
check "Alertmanager down: attempts fail and back off, the alert stays queued" sh -c \
    "[ $(drive_stat failed) -ge $((failed + 3)) ] && [ $(drive_stat queued) -ge 1 ]"
eq "the outage is logged once, not per attempt" "$(grep -c 'retrying, back-off' "$LOG")" $((said + 1))
start_am || bad "alertmanager did not come back"
# The back-off is capped at 30 s: an attempt comes within that of its return.
wait_for 40 am_find "id=$D"
check "delivered once Alertmanager is up (retry with back-off)" am_find "id=$D" container=db action=freeze
check "the recovery is logged" grep -q "delivering again" "$LOG"

drive_sync idle
stop_am
sent=$(drive_stat sent)
drive flood 300
# 44 dropped, or 45 when a re-send of what fires was waiting already.
check "queue full at 256: the rest dropped, counted" sh -c \
    "[ $(drive_stat queued) = 256 ] && [ $(drive_stat dropped) -ge 44 ] && [ $(drive_stat dropped) -le 45 ]"
start_am || bad "alertmanager did not come back"
drive_sync idle
check "the backlog drains in order" sh -c "[ $(drive_stat sent) -ge $((sent + 256)) ]"
all_back() { [ "$(am_count alertname=CgwardenForkBomb)" -ge 301 ]; }
wait_for 20 all_back
eq "what was dropped comes back with the re-send: the 300 and db" "$(am_count alertname=CgwardenForkBomb)" 301
drive target https://127.0.0.1:1
wait_for 5 grep -q "^error https is not supported" "$WORK/drive.out"
check "https is refused, saying why" grep -q "^error https is not supported" "$WORK/drive.out"
drive quit
exec 3>&-
wait "$DRV"; eq "alertdrive exits cleanly" $? 0

# --- cgwardend: config, stats, the event stream, the readable line ------
printf '[global]\nalert_webhook = https://am.example:9093\n' > "$WORK/bad.conf"
check "cgwardend -n rejects an https alert_webhook, saying why" sh -c \
    "'$CGWARDEND' -n -c '$WORK/bad.conf' 2>&1 | grep -q 'bad.conf:2: alert_webhook: https is not supported'"
"$CGWARDEND" -n -c "$WORK/bad.conf" > /dev/null 2>&1
eq "... and exits 1" $? 1

A=$(cid 1304)
write_conf "alert_webhook = $AM_URL" <<EOF2
[defaults]
pids_max = 20
spike_fork_failures = 5
action = alert
EOF2
CGWARDEN_ALERT_QUEUE=1 CGWARDEN_ALERT_RESEND_MS=1000 start_daemon || { finish; exit 1; }
check "stats show the alert counters" sh -c "'$CGWARDENCTL' -s '$SOCK' stats | grep -q '\"alerts_queued\":0,\"alerts_sent\":0,\"alerts_failed\":0,\"alerts_dropped\":0'"
"$CGWARDENCTL" -s "$SOCK" events --json > "$WORK/ev.json" 2> "$WORK/ev.err" &
EVJ=$!
"$CGWARDENCTL" -s "$SOCK" events > "$WORK/ev.txt" 2>&1 &
EVT=$!
STARTED="$STARTED $EVJ $EVT"
stat() { ctl stats | json_of "$1"; }
streams() { stat event_streams; }
streams_are() { [ "$(streams)" = "$1" ]; }
wait_for 5 streams_are 2
eq "two stream readers" "$(streams)" 2
mkct "$A"
wait_for 5 grep -q '"kind":"limit"' "$WORK/ev.json"
ctl reload > /dev/null
wait_for 5 grep -q '"kind":"reload"' "$WORK/ev.json"
check "events --json: the lowered limit, with its facts" python3 - "$WORK/ev.json" "$A" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if any(e["kind"] == "limit" and e["id"] == sys.argv[2] and e["action"] == "lower"
    and e["pids_max"] == 20 and e["rule"] == "defaults" and e["cgroup"].endswith(sys.argv[2])
    and "lowered pids.max from max to 20" in e["message"] for e in evs) else 1)
PY
check "events --json: the reload" python3 - "$WORK/ev.json" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if any(e["kind"] == "reload" and e["id"] is None and
    e["message"].startswith("configuration reloaded from") for e in evs) else 1)
PY
check "every --json line is one JSON object" python3 -c '
import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$WORK/ev.json"
wait_for 5 grep -q ' reload ' "$WORK/ev.txt"
check "events: readable lines (time, kind, container, action, reason)" sh -c \
    "grep -Eq '^[0-9-]+ [0-9:]+  limit +$(echo "$A" | cut -c1-12) +lower +pids.max was max' '$WORK/ev.txt' && grep -q '  reload ' '$WORK/ev.txt'"
eq "stderr: the lowering told once, as one line" "$(grep -c "container $(echo "$A" | cut -c1-12): lowered pids.max from max to 20 (pids_max ceiling 20 of rule defaults)" "$LOG")" 1
eq "stderr: the reload told once" "$(grep -c 'configuration reloaded from' "$LOG")" 1
kill "$EVJ"; wait "$EVJ" 2>/dev/null
wait_for 5 streams_are 1
eq "a reader that goes is forgotten" "$(streams)" 1
kill "$EVT"; wait "$EVT" 2>/dev/null
check "the daemon carries on" sh -c "kill -0 $DAEMON && '$CGWARDENCTL' -s '$SOCK' stats > /dev/null"

# --- a real fork bomb, once the spike detector emits --------------------
G=$(cid 1305)
"$CGWARDENCTL" -s "$SOCK" events --json > "$WORK/ev2.json" 2>/dev/null &
STARTED="$STARTED $!"
wait_for 5 streams_are 1
mkct "$G"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$G")/pids.max)\" = 20 ]"
sleep 0.5 # a few samples of the calm container first, as a started one has
runin "$(ct_path "$G")" "$HELPERS/forker" 60
wait_for 10 grep -q '"kind":"spike"' "$WORK/ev2.json"
if ! grep -q '"kind":"spike"' "$WORK/ev2.json"; then
	if grep -l 'GEV_SPIKE' "$TOP"/src/*/*.c | grep -qv -e events.c -e alertmgr.c -e journal.c; then
		bad "no spike event from a fork bomb (60 forks against pids.max 20)"
	else
		echo "# SKIP: no spike detector in this build yet: the fork-bomb alert path is not tested"
	fi
else
	check "the fork bomb is a spike event with action alert" grep -q "\"kind\":\"spike\",[^}]*\"id\":\"$G\"[^}]*\"action\":\"alert\"" "$WORK/ev2.json"
	wait_for 10 am_find "id=$G"
	check "... and an alert in Alertmanager: action alert, severity warning" am_find \
	    alertname=CgwardenForkBomb "id=$G" action=alert severity=warning
	kill -KILL "$LASTPID"
	# The forker's children live 3 s more: the cgroup goes once they have.
	rm_g() { for h in $HIERS; do [ ! -d "$h/$(ct_path "$G")" ] || rmdir "$h/$(ct_path "$G")" 2>/dev/null || return 1; done; }
	wait_for 10 rm_g
	wait_for 10 am_gone "id=$G"
	check "the container's end resolves it" am_gone "id=$G"
	# action freeze: the spike and the freeze are one alert, critical; a thaw resolves it.
	sed -i 's/^action = alert/action = freeze/' "$CONF"
	ctl reload > /dev/null
	Z=$(cid 1308)
	mkct "$Z"
	wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$Z")/pids.max)\" = 20 ]"
	sleep 0.5
	runin "$(ct_path "$Z")" "$HELPERS/forker" 60
	wait_for 10 grep -q "\"kind\":\"freeze\",[^}]*\"id\":\"$Z\"" "$WORK/ev2.json"
	check "a frozen fork bomb: spike and freeze events" sh -c \
	    "grep -q '\"kind\":\"spike\",[^}]*\"id\":\"$Z\"[^}]*\"action\":\"freeze\"' '$WORK/ev2.json' &&
	     grep -q '\"kind\":\"freeze\",[^}]*\"id\":\"$Z\"' '$WORK/ev2.json'"
	wait_for 10 am_find "id=$Z"
	check "... one critical alert in Alertmanager, with the thaw command" am_find \
	    alertname=CgwardenForkBomb "id=$Z" action=freeze severity=critical \
	    "@runbook~cgwardenctl thaw $(echo "$Z" | cut -c1-12)"
	eq "... one, not two" "$(am_count "id=$Z")" 1
	# Its processes are ended first: a forker frozen mid-loop would fork again, and spike again.
	for p in $(cat "$PIDS_H/$(ct_path "$Z")/cgroup.procs"); do kill -KILL "$p" 2>/dev/null; done
	ctl thaw "$Z" > /dev/null
	wait_for 10 am_gone "id=$Z"
	check "cgwardenctl thaw resolves it" am_gone "id=$Z"
	# Alertmanager down, queue of 1: two more bombs, one POST waits, the next is dropped.
	stop_am
	H=$(cid 1306); K=$(cid 1307)
	mkct "$H"; mkct "$K"
	wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$K")/pids.max)\" = 20 ]"
	sleep 0.5
	runin "$(ct_path "$H")" "$HELPERS/forker" 60
	runin "$(ct_path "$K")" "$HELPERS/forker" 60
	dropped() { [ "$(stat alerts_dropped)" -ge 1 ]; }
	wait_for 10 dropped
	check "a full queue drops, counted in cgwardenctl stats" dropped
	start_am || bad "alertmanager did not come back"
	both() { am_find "id=$H" && am_find "id=$K"; }
	wait_for 20 both
	check "both alerts reach Alertmanager once it is back (the dropped one re-sent)" both
fi
check "the daemon still answers" sh -c "'$CGWARDENCTL' -s '$SOCK' stats > /dev/null"
stop_daemon; eq "clean stop" $? 0
stop_am
finish
