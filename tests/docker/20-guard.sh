# The fork-bomb guard end to end: real containers of a private dockerd,
# real bombs, cgwardend sampling every second so that it is the hot set
# (young or growing containers, every 10 ms) that catches them.
#  - A C fork bomb is frozen; Docker's pause takes the freeze over (docker
#    ps says Paused; on a hybrid host the v1 freezer holds it and the
#    unified cgroup.freeze is back to 0; on pure v2 cgwarden lets go and
#    Docker's pause writes the same cgroup.freeze).  docker unpause releases it, the
#    guard freezes it again while it still bombs; cgwardenctl thaw (by
#    name) releases it through Docker; cgwardenctl kill ends it (137).
#  - A busybox shell bomb, which fills its limit in its first ~50 ms, is
#    frozen too.
#  - A C thread bomb under action = kill dies.
#  - Legit neighbours (30 processes at once; one more every 50 ms) are
#    never touched.
. "$(dirname "$0")/common.sh" cgw-busybox cgw-kill
static_helper forkbomb && static_helper threadbomb || { finish; exit 1; }

insp() { docker inspect -f "$2" "$1" 2>/dev/null; }
paused() { [ "$(insp "$1" '{{.State.Paused}}')" = true ]; }
unpaused() { [ "$(insp "$1" '{{.State.Paused}}')" = false ]; }
exited() { [ "$(insp "$1" '{{.State.Running}}')" = false ]; }
docker_status() { docker ps -a --filter "name=^$1\$" --format '{{.Status}}'; }
xnote() { getfattr --only-values -n "user.cgwarden.$2" "$PIDS_H/$P/$1" 2>/dev/null; }
logged() { grep -q "$1" "$LOG"; }
# The guard's events for one container, as "kind/action" words, in order.
events_of() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("name") == sys.argv[2] and e["kind"] in ("spike", "freeze", "thaw", "kill"):
        print("%s/%s" % (e["kind"], e.get("action")), end=" ")' "$WORK/events.jsonl" "$1"
}
# frozen_ms NAME: the last "frozen N ms after the spike was seen" of NAME.
frozen_ms() { grep "froze container $1 " "$LOG" | tail -n 1 | sed -n 's/.*frozen \([0-9]*\) ms after.*/\1/p'; }
field_is() { [ "$(status_field "$1" "$2")" = "$3" ]; }
now_ms() { t=$(date +%s%N); echo $((t / 1000000)); }

INTERVAL=1s write_conf "max_actions_per_minute = 30" <<EOF2
[defaults]
action = freeze
[image "cgw-kill"]
action = kill
EOF2
start_daemon || exit 1
ctl events --json > "$WORK/events.jsonl" 2>&1 &
STARTED="$STARTED $!"

# The neighbours run through every bomb below (their sleeps outlast the
# test even in the VM, where it takes minutes).
docker run -d --network none --name burst --pids-limit 200 cgw-busybox \
	sh -c 'for i in $(seq 30); do sleep 1000 & done; wait' >/dev/null
docker run -d --network none --name slow --pids-limit 200 cgw-busybox \
	sh -c 'for i in $(seq 100); do sleep 1000 & sleep 0.05; done; wait' >/dev/null

# 1. The C fork bomb, under tini so that the shell left when the bomb
# ends (BOMB_S s) outlives it: thawed later, the container runs on.  It
# must still bomb when docker unpause releases it below: 10 s on a host,
# 60 s in the VM, where every docker call takes a second or more.
BOMB_S=10
[ -n "${CGWARDEN_VM:-}" ] && BOMB_S=60
t0=$(now_ms)
docker run -d --network none --name bomb --init --pids-limit 100 -v "$WORK/forkbomb:/forkbomb:ro" \
	cgw-busybox sh -c "/forkbomb $BOMB_S; exec sleep 1000" >/dev/null
t1=$(now_ms) # docker run -d returns once the container has started
BOMB=$(ct_id bomb)
wait_for 5 paused bomb
check "C fork bomb: docker inspect says Paused" paused bomb
echo "# fork bomb: docker run started -> Docker reports it paused: $(($(now_ms) - t0)) ms"
case $(docker_status bomb) in *"(Paused)") ok "docker ps: $(docker_status bomb)" ;;
*) bad "docker ps status: '$(docker_status bomb)'" ;; esac
eq "$PAUSE_FREEZER holds it (Docker's pause)" "$(pause_freezer "$BOMB")" FROZEN
if [ "$FRZ_H" != "$V2" ]; then
	eq "the unified freeze was handed over (cgroup.freeze back to 0)" "$(rd "$V2/$P/$BOMB/cgroup.freeze")" 0
else
	# One freezer: cgwarden let go, a SIGSTOP holding every process, and
	# Docker's pause froze it again.
	wait_for 3 logged "container bomb ($(short "$BOMB")): Docker paused it too.*held by SIGSTOP [0-9]* ms between the two"
	check "the freeze was handed over to Docker's pause, SIGSTOP holding it ($(grep -o "held by SIGSTOP [0-9]* ms between the two[^;]*" "$LOG" | head -n 1))" \
		logged "container bomb ($(short "$BOMB")): Docker paused it too.*held by SIGSTOP [0-9]* ms between the two"
fi
wait_for 3 state_is "$BOMB" frozen
eq "status: frozen" "$(status_field "$BOMB" state)" frozen
wait_for 3 field_is "$BOMB" docker_paused True
eq "status: docker_paused" "$(status_field "$BOMB" docker_paused)" True
eq "status: frozen by cgwarden" "$(status_field "$BOMB" frozen_by_cgwarden)" True
n1=$(rd "$PIDS_H/$P/$BOMB/pids.current"); sleep 0.5; n2=$(rd "$PIDS_H/$P/$BOMB/pids.current")
eq "frozen: its process count holds still ($n1)" "$n2" "$n1"
check "the log has the spike, named by its top process" \
	logged "spike in container bomb ($(short "$BOMB")) image cgw-busybox rule defaults: .*action freeze.*top: forkbomb"
check "the spike line has the container's own limit (pids 100/100)" \
	logged "spike in container bomb ($(short "$BOMB")) .*; pids 100/100; action freeze"
check "the log confirms the freeze from the kernel" logged "froze container bomb ($(short "$BOMB")): frozen [0-9]* ms after the spike"
check "the log says Docker paused it too" logged "container bomb ($(short "$BOMB")): Docker paused it too"
echo "# fork bomb: frozen $(frozen_ms bomb) ms after the spike was seen"
case $(xnote "$BOMB" action) in "freeze "*) ok "user.cgwarden.action: $(xnote "$BOMB" action)" ;;
*) bad "user.cgwarden.action: '$(xnote "$BOMB" action)'" ;; esac
case $(xnote "$BOMB" evidence) in *" 100/100 "*"top: forkbomb "*) ok "user.cgwarden.evidence names the bomb" ;;
*) bad "user.cgwarden.evidence: '$(xnote "$BOMB" evidence)'" ;; esac

# 2. docker unpause: cgwardend sees Docker's event, and the bomb, still
# bombing, is frozen again.
docker unpause bomb >/dev/null
wait_for 3 logged "container bomb ($(short "$BOMB")) was thawed outside cgwarden"
check "docker unpause: the thaw is logged" logged "container bomb ($(short "$BOMB")) was thawed outside cgwarden"
wait_for 5 sh -c "grep -c 'froze container bomb ' '$LOG' | grep -qx 2"
eq "still bombing: frozen a second time" "$(grep -c "froze container bomb " "$LOG")" 2
wait_for 5 paused bomb
check "and Docker paused it again" paused bomb
echo "# fork bomb, second time: frozen $(frozen_ms bomb) ms after the spike was seen"
eq "events: freeze, thaw by Docker (status running), freeze again" "$(events_of bomb)" \
	"spike/freeze freeze/freeze thaw/thaw spike/freeze freeze/freeze "

# 3. Meanwhile, a busybox shell bomb under a PID 1 that does not reap:
# it fills its limit and stalls on zombies within ~50 ms.
docker run -d --network none --name shbomb --pids-limit 50 cgw-busybox sh -c '(f(){ f|f& }; f); sleep 1000' >/dev/null
SHB=$(ct_id shbomb)
wait_for 5 paused shbomb
check "shell bomb: paused" paused shbomb
wait_for 3 state_is "$SHB" frozen
eq "shell bomb: status frozen" "$(status_field "$SHB" state)" frozen
# (Its top names the one live process: pids.current counts the zombies,
# cgroup.procs does not list them.)
check "shell bomb: the spike is logged" logged "spike in container shbomb ($(short "$SHB")) .*forks refused.*action freeze"
check "shell bomb: freeze confirmed" logged "froze container shbomb ($(short "$SHB")): frozen"
echo "# shell bomb: frozen $(frozen_ms shbomb) ms after the spike was seen"

# 4. A C thread bomb where the rule says kill.
docker run -d --network none --name tbomb --pids-limit 100 -v "$WORK/threadbomb:/threadbomb:ro" \
	cgw-kill /threadbomb 15 >/dev/null
TB=$(ct_id tbomb)
wait_for 8 exited tbomb
check "thread bomb, action kill: the container is dead" exited tbomb
eq "thread bomb: exit code 137 (SIGKILL)" "$(insp tbomb '{{.State.ExitCode}}')" 137
check "thread bomb: the spike is logged, top: threadbomb" \
	logged "spike in container tbomb ($(short "$TB")) image cgw-kill rule cgw-kill: .*action kill.*top: threadbomb"
check "thread bomb: the kill is logged" logged "killed every process of container tbomb ($(short "$TB")) (cgroup.kill)"
case $(xnote "$TB" action) in "kill "*|"") ok "thread bomb: kill note (or its cgroup is gone)" ;;
*) bad "thread bomb: user.cgwarden.action '$(xnote "$TB" action)'" ;; esac

# 2, continued: once the fork bomb's BOMB_S s are over, cgwardenctl thaw
# by name releases it through Docker; its bomb processes end, the
# container runs on; then cgwardenctl kill ends it.
# (BOMB_S s from the bomb's own start, which is before docker run
# returned; time(2) truncates, so it never ends later.)
while [ $(($(now_ms) - t1)) -lt $((BOMB_S * 1000 + 1000)) ]; do sleep 0.2; done
eq "cgwardenctl thaw bomb" "$(ctl thaw bomb 2>&1)" "bomb: thawed"
check "released through Docker: docker inspect Paused false" unpaused bomb
check "the thaw is logged as Docker's unpause" \
	logged "thawed container bomb ($(short "$BOMB")) (cgwardenctl thaw, docker unpause)"
eq "no freezer holds it" "$(pause_freezer "$BOMB"):$(rd "$V2/$P/$BOMB/cgroup.freeze")" THAWED:0
eq "status: running" "$(status_field "$BOMB" state)" running
eq "none of its processes is left stopped" "$(stopped_in "$PIDS_H/$P/$BOMB")" 0
case $(docker_status bomb) in Up*Paused*) bad "docker ps still: $(docker_status bomb)" ;;
Up*) ok "docker ps: $(docker_status bomb)" ;; *) bad "docker ps: $(docker_status bomb)" ;; esac
check "the action note is gone" [ -z "$(xnote "$BOMB" action)" ]
eq "cgwardenctl kill bomb" "$(ctl kill bomb 2>&1)" "bomb: killed"
wait_for 5 exited bomb
check "cgwardenctl kill: the container exited" exited bomb
eq "cgwardenctl kill: exit code 137" "$(insp bomb '{{.State.ExitCode}}')" 137
check "the kill is logged" logged "killed every process of container bomb ($(short "$BOMB")) (cgroup.kill): cgwardenctl kill"

# 6. The neighbours were never touched.
for n in burst slow; do
	id=$(ct_id $n)
	eq "legit $n: running" "$(status_field "$id" state)" running
	eq "legit $n: no spike" "$(status_field "$id" spikes)" 0
	eq "legit $n: not paused" "$(insp $n '{{.State.Paused}}')" false
	eq "legit $n: no action note" "$(xnote "$id" action)" ""
done
got=$(rd "$PIDS_H/$P/$(ct_id burst)/pids.current")
check "burst really started 30 at once ($got processes)" [ "${got:-0}" -ge 31 ]
got=$(rd "$PIDS_H/$P/$(ct_id slow)/pids.current")
check "slow really grew ($got processes)" [ "${got:-0}" -ge 60 ]
check "the daemon is alive" kill -0 "$DAEMON"
finish
