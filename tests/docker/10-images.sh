# End to end with a private dockerd: per-image ceilings, names and images
# in status, a lower --pids-limit kept, docker update lowered back at once
# (from the event stream: the sampling interval is 5 s), and dockerd
# stopped and started again while cgwardend runs.
. "$(dirname "$0")/common.sh" cgw-busybox nginx:1.25 registry.example.com:5000/team/app:2
echo "# private dockerd answered after ${DOCKERD_START_MS} ms"
pidsmax() { cat "$PIDS_H/$P/$(ct_id "$1")/pids.max"; }
field() { status_field "$(ct_id "$1")" "$2"; }

docker run -d --name pre cgw-busybox sleep 1000 >/dev/null
INTERVAL=5s write_conf <<EOF2
[defaults]
pids_max = 100
[image "registry.example.com:5000/team/*"]
pids_max = 128
memory_max = 64M
[image "nginx"]
pids_max = 256
cpus = 0.5
EOF2
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$P/$(ct_id pre)/pids.max)\" = 100 ]"
eq "started before cgwardend: defaults ceiling" "$(pidsmax pre)" 100

docker run -d --name web nginx:1.25 sleep 1000 >/dev/null
docker run -d --name app registry.example.com:5000/team/app:2 sleep 1000 >/dev/null
docker run -d --name low --pids-limit 50 cgw-busybox sleep 1000 >/dev/null
docker run -d --name high --pids-limit 5000 cgw-busybox sleep 1000 >/dev/null
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$P/$(ct_id web)/pids.max)\" = 256 ]"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$P/$(ct_id app)/pids.max)\" = 128 ]"
eq "nginx:1.25 gets the nginx rule" "$(pidsmax web)" 256
eq "nginx cpus" "$(cat "$CPU_H/$P/$(ct_id web)/$CPUFILE" | cut -d' ' -f1)" 50000
eq "registry with a port, glob rule" "$(pidsmax app)" 128
eq "registry rule memory" "$(cat "$MEM_H/$P/$(ct_id app)/$MEMFILE")" 67108864
eq "--pids-limit 50 below the ceiling is kept" "$(pidsmax low)" 50
wait_for 6 sh -c "[ \"\$(cat $PIDS_H/$P/$(ct_id high)/pids.max)\" = 100 ]"
eq "--pids-limit 5000 above the ceiling is lowered" "$(pidsmax high)" 100

sleep 0.3
for n in pre web app low; do
	eq "status name of $n = docker inspect" "$(field $n name)" "$(docker inspect -f '{{.Name}}' $n | sed 's,^/,,')"
	eq "status image of $n = docker inspect" "$(field $n image)" "$(docker inspect -f '{{.Config.Image}}' $n)"
done
eq "status rule of web" "$(field web rule)" nginx
eq "status rule of app" "$(field app rule)" "registry.example.com:5000/team/*"

docker update --pids-limit 1000 web >/dev/null
wait_for 2 sh -c "[ \"\$(cat $PIDS_H/$P/$(ct_id web)/pids.max)\" = 256 ]"
eq "docker update above the ceiling lowered back at once" "$(pidsmax web)" 256
check "the update event was acted on" grep -q "web (.*lowered pids.max from 1000 to 256" "$LOG"

# Docker goes away: enforcement by cgroup goes on.  (Ids first: the CLI
# cannot answer while it is down.)
WEB=$(ct_id web)
dockerd_down
wait_for 5 grep -q "Docker API at .* lost" "$LOG"
check "loss of Docker logged" grep -q "Docker API at .* lost" "$LOG"
echo 4000 > "$PIDS_H/$P/$WEB/pids.max"
wait_for 8 sh -c "[ \"\$(cat $PIDS_H/$P/$WEB/pids.max)\" = 256 ]"
eq "with Docker down, a raised limit is still lowered to the image's ceiling" "$(cat "$PIDS_H/$P/$WEB/pids.max")" 256
check "daemon still running" kill -0 "$DAEMON"
eq "one log line for the loss" "$(grep -c 'Docker API at .* lost' "$LOG")" 1

dockerd_up
wait_for 40 grep -q "Docker API at .* is back" "$LOG"
check "recovery logged" grep -q "Docker API at .* is back" "$LOG"
docker run -d --name web2 nginx:1.25 sleep 1000 >/dev/null
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$P/$(ct_id web2)/pids.max)\" = 256 ]"
eq "after the restart, a new container still gets its image's ceiling" "$(pidsmax web2)" 256
sleep 0.3
eq "its name in status" "$(field web2 name)" web2
finish
