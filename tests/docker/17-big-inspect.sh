# A container Docker describes in more than the inspect cap (1 MiB, with
# labels: Docker bounds neither their number nor their size) cannot hide
# from the audit: its mounts and privileges are read from its
# hostconfig.json, so the Docker socket mounted there is still found, and
# the finding inspect-too-large says what could not be read.  Its image
# rule cannot be known: [defaults] hold it, and the log says so.
. "$(dirname "$0")/common.sh" cgw-big
command -v python3 >/dev/null || { bad "python3 is needed"; finish; exit 1; }

INTERVAL=200ms write_conf <<EOF2
[defaults]
pids_max = 300
[image "cgw-big"]
pids_max = 77
EOF2
start_daemon || exit 1
# Twenty labels of 60 KB (the CLI reads lines of up to 64 KB): 1.2 MB of inspect reply.
python3 -c '
for i in range(20):
    print("big%d=%s" % (i, "x" * 60000))' > "$WORK/labels"
check "docker run with 1.2 MB of labels and the Docker socket" \
	sh -c "docker run -d --name big --label-file $WORK/labels -v $DOCKER_SOCK:/var/run/docker.sock \
	cgw-big sleep 1000 > $WORK/big.id"
ID=$(cat "$WORK/big.id")
eq "Docker's inspect of it is over 1 MiB" \
	"$(docker inspect "$ID" | wc -c | awk '{print ($1 > 1048576) ? "yes" : "no"}')" yes
wait_for 10 grep -q "container $(short "$ID"): Docker's inspect reply is larger than 1 MiB" "$LOG"
check "the log says its inspect reply is too large" \
	grep -q "container $(short "$ID"): Docker's inspect reply is larger than 1 MiB" "$LOG"
wait_for 10 grep -q "posture: container .*$(short "$ID").*docker-socket-mounted" "$LOG"
check "the Docker socket mount is still found (from hostconfig.json)" \
	grep -q "posture: container .*$(short "$ID").*docker-socket-mounted (high" "$LOG"
check "and the finding inspect-too-large says what was not read" \
	grep -q "posture: container .*$(short "$ID").*inspect-too-large (high).*hostconfig.json" "$LOG"
check "no runs-as-root guessed from a Config it did not read" \
	sh -c "! grep -q 'posture: container .*$(short "$ID").*runs-as-root' $LOG"
wait_for 5 [ "$(rd "$PIDS_H/$P/$ID/pids.max")" = 300 ]
eq "its image rule cannot be known: [defaults] hold it" "$(rd "$PIDS_H/$P/$ID/pids.max")" 300
ctl audit --json > "$WORK/audit.json" 2>/dev/null
check "cgwardenctl audit lists both findings" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
items = d if isinstance(d, list) else d.get("findings", d.get("containers", []))
text = json.dumps(d)
sys.exit(0 if "inspect-too-large" in text and "docker-socket-mounted" in text else 1)' "$WORK/audit.json"
check "the daemon still answers" sh -c "$CGWARDENCTL -s $SOCK status --json > /dev/null"
docker rm -f big > /dev/null 2>&1
finish
