# on_docker_socket: a container of an image whose rule says freeze is
# frozen (and Docker shows it Paused) as soon as it starts with the
# Docker socket mounted; a rule that says alert only reports it; a
# container without the mount is left alone.
. "$(dirname "$0")/common.sh" cgw-sockfreeze cgw-sockalert

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
METRICS_LISTEN=127.0.0.1:$PORT INTERVAL=200ms write_conf <<EOF2
[defaults]
pids_max = 500

[image "cgw-sockfreeze"]
on_docker_socket = freeze

[image "cgw-sockalert"]
on_docker_socket = alert
EOF2
start_daemon || exit 1

paused() { [ "$(docker inspect -f '{{.State.Paused}}' "$1" 2>/dev/null)" = true ]; }
F=$(docker run -d --name sockfreeze -v "$DOCKER_SOCK:/var/run/docker.sock" cgw-sockfreeze sleep 1000)
A=$(docker run -d --name sockalert -v "$DOCKER_SOCK:/var/run/docker.sock" cgw-sockalert sleep 1000)
C=$(docker run -d --name clean cgw-sockfreeze sleep 1000)
wait_for 10 paused sockfreeze
check "on_docker_socket = freeze: Docker shows it Paused" paused sockfreeze
check "the log says why" grep -q "freezing container sockfreeze.*mounts the Docker socket" "$LOG"
eq "status: frozen" "$(status_field "$F" state)" frozen
wait_for 5 grep -q "posture: container sockalert.*docker-socket-mounted" "$LOG"
check "on_docker_socket = alert: reported" grep -q "posture: container sockalert.*docker-socket-mounted" "$LOG"
sleep 0.5
if paused sockalert; then bad "alert: paused"; else ok "alert: not paused"; fi
if paused clean; then bad "no mount: paused"; else ok "no mount: not paused"; fi
curl -fsS "http://127.0.0.1:$PORT/metrics" > "$WORK/metrics.txt"
check "metrics: the finding, by container, check and severity" \
	grep -q "^cgwarden_posture_findings{id=\"$A\",name=\"sockalert\",image=\"cgw-sockalert\",runtime=\"docker\",namespace=\"\",pod=\"\",check=\"docker-socket-mounted\",severity=\"high\"} 1$" "$WORK/metrics.txt"
if command -v promtool >/dev/null; then
	check "promtool accepts the scrape" sh -c "promtool check metrics < $WORK/metrics.txt"
fi
check "cgwardenctl thaw releases it" ctl thaw sockfreeze
if paused sockfreeze; then bad "still paused after thaw"; else ok "Docker shows it running again"; fi
docker rm -f "$F" "$A" "$C" >/dev/null
finish
