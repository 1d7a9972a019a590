# GET /metrics: a series per live container with the kernel's values, the
# host counters from the start, a histogram that grows, promtool's
# approval; series of a removed container go; a reload rebinds, and an
# address that cannot be bound is logged while the old one keeps serving.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || skip_all "no curl (make deps)"
A=$(cid 90); B=$(cid 91)
mkct "$A"; mkct "$B"
echo 50 > "$PIDS_H/$(ct_path "$B")/pids.max"
runin "$(ct_path "$A")"; runin "$(ct_path "$A")"; runin "$(ct_path "$A")"

# A port free now (another test may hold others); the log says where it serves.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("'$1'", 0)); print(s.getsockname()[1])'; }
METRICS_LISTEN=127.0.0.1:$(free_port 127.0.0.1) DOCKER_SOCKET_CONF=$WORK/no-docker.sock write_conf <<EOF2
[defaults]
pids_max = 100
memory_max = 64M
EOF2
start_daemon || exit 1
# url N: the Nth address the log said it serves on.
url() { grep -o 'metrics: serving http://[^ ]*' "$LOG" | sed -n "${1}p" | cut -d' ' -f3; }
wait_for 5 sh -c "grep -q 'metrics: serving' $LOG"
U=$(url 1)
check "the log says where metrics are served" [ -n "$U" ]
scrape() { curl -sf --max-time 5 "$U" > "$WORK/m.txt"; }
# val NAME ID: the value of NAME for container ID
val() { grep "^$1{id=\"$2\"" "$WORK/m.txt" | awk '{print $NF}'; }
host() { grep "^$1 " "$WORK/m.txt" | awk '{print $NF}'; }

wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.current)\" = 3 ]"
sleep 0.3
check "GET /metrics answers 200" scrape
eq "cgwarden_containers" "$(host cgwarden_containers)" 2
eq "pids of A = its 3 processes" "$(val cgwarden_container_pids "$A")" 3
eq "pids_max of A = the ceiling" "$(val cgwarden_container_pids_max "$A")" 100
eq "pids_max of B = its own lower limit" "$(val cgwarden_container_pids_max "$B")" 50
eq "fork failures = pids.events max" "$(val cgwarden_container_fork_failures_total "$A")" \
    "$(awk '$1 == "max" {print $2}' "$PIDS_H/$(ct_path "$A")/pids.events")"
eq "memory_max_bytes = the ceiling" "$(val cgwarden_container_memory_max_bytes "$A")" 67108864
eq "spikes start at 0" "$(val cgwarden_spikes_total "$A")" 0
eq "labels: full id, name, image, runtime, namespace, pod (unknown: empty)" \
    "$(grep -c "^cgwarden_container_pids{id=\"$A\",name=\"\",image=\"\",runtime=\"docker\",namespace=\"\",pod=\"\"} " "$WORK/m.txt")" 1
eq "not frozen" "$(val cgwarden_container_frozen "$B")" 0
for a in freeze kill alert; do
	eq "actions_total{action=$a} present at 0" \
	    "$(grep "^cgwarden_actions_total{action=\"$a\"}" "$WORK/m.txt" | awk '{print $2}')" 0
done
eq "docker_up is 0 while the Docker socket is absent" "$(host cgwarden_docker_up)" 0
check "docker errors are counted" sh -c "[ \$(grep '^cgwarden_errors_total{kind=\"docker\"}' $WORK/m.txt | awk '{print \$2}') -ge 1 ]"
check "every family has HELP and TYPE" sh -c "[ \$(grep -c '^# HELP' $WORK/m.txt) -eq \$(grep -c '^# TYPE' $WORK/m.txt) ] && [ \$(grep -c '^# TYPE' $WORK/m.txt) -ge 15 ]"
N1=$(host cgwarden_sample_seconds_count)
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts the live scrape" sh -c "promtool check metrics < $WORK/m.txt"
else
	bad "promtool missing (make deps installs Debian's prometheus package)"
fi
check "Content-Type is the text format 0.0.4" sh -c \
    "curl -sf -o /dev/null -D - $U | grep -qi '^Content-Type: text/plain; version=0.0.4'"
eq "other paths: 404" "$(curl -s -o /dev/null -w '%{http_code}' "${U%/metrics}/nothing")" 404
# libevent answers a method it was not allowed with 501.
check "POST is refused" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -d x $U) = 501 ]"

# Frozen by hand (docker pause): the gauge follows the kernel.
if [ "$FRZ_H" = "$V2" ]; then echo 1 > "$V2/$(ct_path "$B")/cgroup.freeze"
else echo FROZEN > "$FRZ_H/$(ct_path "$B")/freezer.state"; fi
sleep 0.2
scrape
eq "frozen = 1 after a freeze" "$(val cgwarden_container_frozen "$B")" 1
if [ "$FRZ_H" = "$V2" ]; then echo 0 > "$V2/$(ct_path "$B")/cgroup.freeze"
else echo THAWED > "$FRZ_H/$(ct_path "$B")/freezer.state"; fi

sleep 0.5
scrape
check "the sampling histogram grows" [ "$(host cgwarden_sample_seconds_count)" -gt "$N1" ]

for h in $HIERS; do rmdir "$h/$(ct_path "$B")" 2>/dev/null; done
wait_for 5 sh -c "curl -sf $U | grep -q '^cgwarden_containers 1\$'"
scrape
eq "a removed container leaves cgwarden_containers" "$(host cgwarden_containers)" 1
eq "and every series of it is gone" "$(grep -c "id=\"$B\"" "$WORK/m.txt")" 0
eq "the others stay" "$(val cgwarden_container_pids "$A")" 3

# The guard freezes a fork bomb (the default rule): counted as it happens.
BOMB=$(cid 92)
mkct "$BOMB"
echo 50 > "$PIDS_H/$(ct_path "$BOMB")/pids.max"
wait_for 5 sh -c "curl -sf $U | grep -q '^cgwarden_containers 2\$'"
runin "$(ct_path "$BOMB")" "$HELPERS/forkbomb" 20
wait_for 10 sh -c "curl -sf $U | grep -q '^cgwarden_container_frozen{id=\"$BOMB\".* 1\$'"
scrape
eq "a guard freeze: frozen = 1" "$(val cgwarden_container_frozen "$BOMB")" 1
eq "cgwarden_actions_total{action=freeze} = 1" \
    "$(grep '^cgwarden_actions_total{action="freeze"}' "$WORK/m.txt" | awk '{print $2}')" 1
check "cgwarden_spikes_total of the bomb >= 1" [ "$(val cgwarden_spikes_total "$BOMB")" -ge 1 ]
check "its refused forks are counted" [ "$(val cgwarden_container_fork_failures_total "$BOMB")" -ge 1 ]
eq "the quiet container has no spike" "$(val cgwarden_spikes_total "$A")" 0

# A reload that moves the endpoint rebinds.
P2=$(free_port 127.0.0.2)
sed -i "s/^metrics_listen = .*/metrics_listen = 127.0.0.2:$P2/" "$CONF"
check "reload with a new metrics_listen" ctl reload
OLD=$U; U=$(url 2)
check "serves on the new address" sh -c "[ -n '$U' ] && curl -sf $U | grep -q '^cgwarden_containers 2\$'"
check "not on the old one" sh -c "! curl -sf --max-time 2 $OLD >/dev/null"

# An address already taken: logged, the daemon goes on, the old endpoint stays.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(30)' > "$WORK/busy" &
STARTED="$STARTED $!"
wait_for 5 test -s "$WORK/busy"
BUSY=$(cat "$WORK/busy")
sed -i "s/^metrics_listen = .*/metrics_listen = 127.0.0.1:$BUSY/" "$CONF"
kill -HUP "$DAEMON"
wait_for 5 grep -q "metrics: cannot listen on 127.0.0.1:$BUSY" "$LOG"
check "a busy port is logged with the address and the reason" \
    grep -q "metrics: cannot listen on 127.0.0.1:$BUSY: Address already in use; still serving on 127.0.0.2:$P2" "$LOG"
check "the daemon keeps running" kill -0 "$DAEMON"
check "the old endpoint keeps serving" sh -c "curl -sf $U | grep -q '^cgwarden_containers 2\$'"
cp "$CONF" "$WORK/good.conf"
echo "bogus = 1" >> "$CONF"
kill -HUP "$DAEMON"
wait_for 5 grep -q "rejected" "$LOG"
scrape
eq "a rejected reload is counted" "$(grep '^cgwarden_errors_total{kind="reload"}' "$WORK/m.txt" | awk '{print $2}')" 1
cp "$WORK/good.conf" "$CONF"
sed -i 's/^metrics_listen = .*/metrics_listen =/' "$CONF"
kill -HUP "$DAEMON"
wait_for 5 grep -q "metrics: no longer serving" "$LOG"
check "an empty metrics_listen turns the endpoint off" sh -c "! curl -sf --max-time 2 $U >/dev/null"
stop_daemon
check "clean stop" [ $? -eq 0 ]
finish
