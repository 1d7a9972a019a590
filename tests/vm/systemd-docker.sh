# Inside a VM whose PID 1 is systemd (tests/vm/run-v2-systemd): Debian's own
# Docker, started by systemctl, with its default cgroup driver on cgroup v2
# (systemd), so that every container is system.slice/docker-<id>.scope and
# its limits are the scope's unit properties.  The production host:
#  - per-image ceilings land as TasksMax, MemoryMax, CPUQuotaPerSecUSec and
#    in the cgroup files, for a container started before cgwardend too;
#    they survive systemctl daemon-reload; a lower --pids-limit is kept; a
#    docker update above the ceiling is lowered back through systemd;
#  - the guard: a C bomb that starts in an old container is frozen from the
#    kernel's pids.events event; docker ps says Paused (Docker's pause
#    writes the very cgroup.freeze, so the handoff holds it with SIGSTOP);
#    docker unpause and cgwardenctl thaw release it; a thawed bomb is
#    frozen again;
#  - kill through cgroup.kill: Docker sees exit 137, and the
#    --restart=always container's next spike is frozen as looping;
#  - on_docker_socket, and the audit's word on the host;
#  - cgwardend restarted with a frozen container, and systemctl restart
#    docker with containers running: state rebuilt, no action twice,
#    limits kept.
. "$(dirname "$0")/../system/lib.sh"
. "$TOP/tests/vm/sysd-docker.sh"
sysd_docker_available || skip_all "$SYSD_DOCKER_SKIP"
command -v python3 >/dev/null || skip_all "python3 is needed"

release() {
	for f in "$V2"/system.slice/docker-*.scope/cgroup.kill; do
		[ -f "$f" ] && echo 1 > "$f" 2>/dev/null
	done
	return 0
}
trap 'cleanup; release; sysd_docker_stop' EXIT
S=$V2/system.slice
scope() { echo "docker-$1.scope"; }
prop() { systemctl show -P "$2" "$(scope "$1")"; }
file() { rd "$S/$(scope "$1")/$2"; }
prop_is() { [ "$(prop "$1" "$2")" = "$3" ]; }
insp() { docker inspect -f "$2" "$1" 2>/dev/null; }
paused() { [ "$(insp "$1" '{{.State.Paused}}')" = true ]; }
unpaused() { [ "$(insp "$1" '{{.State.Paused}}')" = false ]; }
logged() { grep -q "$1" "$LOG"; }
nlogged() { grep -c "$1" "$LOG"; }
docker_status() { docker ps -a --filter "name=^$1\$" --format '{{.Status}}'; }
now_ms() { t=$(date +%s%N); echo $((t / 1000000)); }
field_is() { [ "$(status_field "$1" "$2")" = "$3" ]; }

cc -static -O2 -o "$WORK/forkbomb" "$TOP/tests/helpers/forkbomb.c" ||
	{ bad "cannot link forkbomb statically"; finish; exit 1; }
FB="-v $WORK/forkbomb:/forkbomb:ro"

sysd_docker_start || { bad "docker.service did not start"; finish; exit 1; }
echo "# systemctl start docker.service -> docker version answers: $SYSD_DOCKER_START_MS ms"
eq "docker info: cgroup v2, driver systemd" \
	"$(docker info --format '{{.CgroupVersion}} {{.CgroupDriver}}')" "2 systemd"
sysd_docker_import cgw-web cgw-busybox cgw-kill cgw-sock || { bad "docker import"; finish; exit 1; }

# Started before cgwardend.
PRE=$(docker run -d --name pre cgw-web sleep 1000)
check "a container is the scope system.slice/docker-<id>.scope" test -f "$S/$(scope "$PRE")/pids.max"

PATTERNS="system.slice/docker-*.scope" DOCKER_SOCKET_CONF=/run/docker.sock \
DATA_ROOT_CONF=$SYSD_DOCKER_ROOT/data INTERVAL=1s write_conf "max_actions_per_minute = 30" <<EOF2
[defaults]
pids_max = 300
action = freeze
[image "cgw-web"]
pids_max = 77
memory_max = 64M
cpus = 0.5
[image "cgw-kill"]
action = kill
[image "cgw-sock"]
on_docker_socket = freeze
EOF2
start_daemon || exit 1

# 1. Ceilings, through systemd.
wait_for 20 prop_is "$PRE" TasksMax 77
eq "started before cgwardend: TasksMax" "$(prop "$PRE" TasksMax)" 77
wait_for 10 prop_is "$PRE" MemoryMax 67108864
eq "MemoryMax" "$(prop "$PRE" MemoryMax)" 67108864
wait_for 10 prop_is "$PRE" CPUQuotaPerSecUSec 500ms
eq "CPUQuotaPerSecUSec" "$(prop "$PRE" CPUQuotaPerSecUSec)" 500ms
eq "pids.max" "$(file "$PRE" pids.max)" 77
eq "memory.max" "$(file "$PRE" memory.max)" 67108864
eq "cpu.max" "$(file "$PRE" cpu.max)" "50000 100000"
wait_for 5 field_is "$PRE" limits_via systemd
eq "status: limits via systemd" "$(status_field "$PRE" limits_via)" systemd
eq "status: its name and image" "$(status_field "$PRE" name) $(status_field "$PRE" image)" "pre cgw-web"
check "the log says through systemd" logged "container pre ($(short "$PRE")): lowered pids.max from [0-9a-z]* to 77 .*through systemd"

LOW=$(docker run -d --name low --pids-limit 50 cgw-web sleep 1000)
wait_for 10 prop_is "$LOW" MemoryMax 67108864
eq "--pids-limit 50 below the ceiling is kept" "$(prop "$LOW" TasksMax):$(file "$LOW" pids.max)" 50:50

docker update --pids-limit 500 pre >/dev/null
wait_for 10 prop_is "$PRE" TasksMax 77
eq "docker update above the ceiling: TasksMax lowered back" "$(prop "$PRE" TasksMax)" 77
eq "and pids.max" "$(file "$PRE" pids.max)" 77
check "lowered back through systemd" \
	sh -c "[ \$(grep -c 'container pre ($(short "$PRE")): lowered pids.max from 500 to 77 .*through systemd' '$LOG') -ge 1 ]"

n0=$(nlogged "container pre ($(short "$PRE")): lowered")
systemctl daemon-reload
sleep 1
eq "daemon-reload: pre keeps its ceilings" \
	"$(file "$PRE" pids.max) $(file "$PRE" memory.max) $(file "$PRE" cpu.max)" "77 67108864 50000 100000"
eq "daemon-reload: low keeps its own limit" "$(file "$LOW" pids.max)" 50
eq "daemon-reload: nothing had to be written again" "$(nlogged "container pre ($(short "$PRE")): lowered")" "$n0"

# 2. The guard.  The bomb starts when its container is 7 s old: no young
# container's fast rate, the kernel's event tells.  It bombs for 60 s
# (frozen time included), through every release below.
docker run -d --name bomb --init --pids-limit 100 $FB cgw-busybox \
	sh -c 'sleep 7; /forkbomb 60; exec sleep 1000' >/dev/null
BOMB=$(insp bomb '{{.Id}}')
wait_for 25 paused bomb
check "C fork bomb: docker inspect says Paused" paused bomb
case $(docker_status bomb) in *"(Paused)") ok "docker ps: $(docker_status bomb)" ;;
*) bad "docker ps status: '$(docker_status bomb)'" ;; esac
check "the spike is logged, its top process named" \
	logged "spike in container bomb ($(short "$BOMB")) image cgw-busybox rule defaults: .*action freeze.*top: forkbomb"
line=$(grep "spike in container bomb " "$LOG" | head -n 1)
case $line in *"seen by the kernel's pids.events event"|*"seen by a fork-burst event (bpf)")
	ok "seen by a kernel event: ${line##*seen by }" ;;
*) bad "seen by: '${line##*seen by }'" ;; esac
check "the freeze is confirmed by the kernel" logged "froze container bomb ($(short "$BOMB")): frozen [0-9]* ms after"
eq "the kernel: cgroup.freeze 1 (Docker's pause)" "$(file "$BOMB" cgroup.freeze)" 1
check "the kernel: cgroup.events frozen 1" grep -qx "frozen 1" "$S/$(scope "$BOMB")/cgroup.events"
wait_for 3 state_is "$BOMB" frozen
eq "status: frozen" "$(status_field "$BOMB" state)" frozen
wait_for 3 logged "container bomb ($(short "$BOMB")): Docker paused it too"
gap=$(grep "container bomb ($(short "$BOMB")): Docker paused it too" "$LOG" | head -n 1 | grep -o "held by SIGSTOP [0-9]* ms between the two[^;]*")
check "handed over to Docker's pause, SIGSTOP holding it (${gap:-no such line})" [ -n "$gap" ]
echo "# handoff (systemd driver): $gap"
eq "status: docker_paused" "$(status_field "$BOMB" docker_paused)" True

docker unpause bomb >/dev/null
wait_for 5 logged "container bomb ($(short "$BOMB")) was thawed outside cgwarden"
check "docker unpause: the thaw is seen" logged "container bomb ($(short "$BOMB")) was thawed outside cgwarden"
wait_for 10 sh -c "[ \$(grep -c 'froze container bomb ' '$LOG') -ge 2 ]"
eq "still bombing: frozen again" "$(nlogged "froze container bomb ")" 2
wait_for 10 paused bomb
check "and paused by Docker again" paused bomb
wait_for 10 sh -c "[ \$(grep -c 'container bomb ($(short "$BOMB")): Docker paused it too' '$LOG') -ge 2 ]"
eq "cgwardenctl thaw bomb" "$(ctl thaw bomb 2>&1)" "bomb: thawed"
check "released through Docker" logged "thawed container bomb ($(short "$BOMB")) (cgwardenctl thaw, docker unpause)"
wait_for 10 sh -c "[ \$(grep -c 'froze container bomb ' '$LOG') -ge 3 ]"
eq "still bombing: frozen a third time" "$(nlogged "froze container bomb ")" 3
wait_for 10 paused bomb
check "and paused by Docker again" paused bomb

# 3. Kill through cgroup.kill; Docker restarts it; frozen as looping.
t0=$(date +%s)
docker run -d --name kbomb --restart=always --pids-limit 100 $FB cgw-kill /forkbomb 15 >/dev/null
KB=$(insp kbomb '{{.Id}}')
wait_for 20 logged "killed every process of container kbomb "
check "kill: through cgroup.kill" logged "killed every process of container kbomb ($(short "$KB")) (cgroup.kill)"
wait_for 20 paused kbomb
check "restarted by Docker, its new spike is frozen: paused" paused kbomb
check "frozen as looping, not killed again" \
	logged "spike in container kbomb ($(short "$KB")) .*action freeze (killed before and spiking again after a restart: frozen, not killed again).*\[looping\]"
eq "Docker saw exit 137" \
	"$(docker events --since "$t0" --until "$(date +%s)" --filter container="$KB" --filter event=die --format '{{.Actor.Attributes.exitCode}}' | head -n 1)" 137
eq "one kill" "$(nlogged "killed every process of container kbomb ")" 1

# 4. on_docker_socket, and what the audit says of this host.
SK=$(docker run -d --name sock -v /run/docker.sock:/var/run/docker.sock cgw-sock sleep 1000)
wait_for 10 paused sock
check "on_docker_socket = freeze: Docker shows it Paused" paused sock
check "the log says why" logged "freezing container sock.*mounts the Docker socket"
ctl audit --json > "$WORK/audit.json"; arc=$?
eq "audit: exit 1 (something high)" "$arc" 1
has() { python3 - "$WORK/audit.json" "$@" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1])):
    if f["check"] == sys.argv[2] and f["container"] == (None if sys.argv[3] == "host" else sys.argv[3]) \
            and sys.argv[4] in f["evidence"]:
        sys.exit(0)
sys.exit(1)
PY
}
check "audit: docker-socket-mounted" has docker-socket-mounted "$SK" ""
check "audit: the kernel and its cgroup layout" has kernel-version host "Linux $(uname -r)"
check "audit: the host is cgroup v2, Docker's systemd driver" has kernel-version host "cgroup v2, systemd driver"

# 5. cgwardend restarted with frozen containers: rebuilt, nothing twice.
docker rm -f sock >/dev/null
stop_daemon
start_daemon || exit 1
wait_for 10 state_is "$KB" frozen
eq "restart: the looping bomb is still frozen" "$(status_field "$KB" state)" frozen
eq "restart: frozen by cgwarden" "$(status_field "$KB" frozen_by_cgwarden)" True
sleep 2
eq "restart: no freeze or kill again" \
	"$(nlogged "froze container kbomb "):$(nlogged "killed every process of container kbomb ")" 1:1
check "restart: still paused" paused kbomb
eq "restart: limits kept" "$(prop "$PRE" TasksMax):$(file "$PRE" pids.max):$(file "$LOW" pids.max)" 77:77:50
docker rm -f kbomb bomb >/dev/null

# 6. systemctl restart docker with containers running.
WEB=$(docker run -d --name web --restart=always --stop-timeout 1 cgw-web sleep 1000)
wait_for 10 prop_is "$WEB" TasksMax 77
n0=$(nlogged "lowered pids.max")
systemctl restart docker.service || bad "systemctl restart docker"
wait_for 60 sh -c "[ \"\$(docker inspect -f '{{.State.Running}}' web 2>/dev/null)\" = true ]"
check "docker restarted: web runs again (restart=always)" [ "$(insp web '{{.State.Running}}')" = true ]
wait_for 20 prop_is "$WEB" TasksMax 77
eq "docker restarted: web's TasksMax" "$(prop "$WEB" TasksMax)" 77
eq "docker restarted: web's pids.max" "$(file "$WEB" pids.max)" 77
named_once() { [ "$(ctl status --json | grep -o "\"name\":\"$1\"" | wc -l)" = 1 ]; }
wait_for 10 named_once web
eq "docker restarted: web in status once, by name" "$(ctl status --json | grep -o '"name":"web"' | wc -l)" 1
check "docker restarted: the loss is logged" logged "Docker API at /run/docker.sock lost"
# (cgwardend asks again with a capped back-off: up to 30 s after Docker's return)
wait_for 40 logged "Docker API at /run/docker.sock is back"
check "docker restarted: the return is logged" logged "Docker API at /run/docker.sock is back"
check "no action on a quiet container" sh -c "! grep -q 'froze container web\|killed every process of container web\|spike in container web' '$LOG'"
check "the daemon is alive" kill -0 "$DAEMON"
echo "# lowered lines before/after the docker restart: $n0/$(nlogged "lowered pids.max")"
finish
