# A bomb as a container's command under --restart=always, action = kill:
# the first spike is killed, Docker starts it again, and the spike of the
# new life is frozen, not killed again ("looping"), so there is no storm
# of kills and restarts.  The guard knows it by its id across the restart
# (the cgroup directories are removed and made again), and it is judged
# by its image's rule from its first millisecond: a restart has no create
# event to name it.
. "$(dirname "$0")/common.sh" cgw-busybox
static_helper forkbomb || { finish; exit 1; }

insp() { docker inspect -f "$2" "$1" 2>/dev/null; }
paused() { [ "$(insp "$1" '{{.State.Paused}}')" = true ]; }
logged() { grep -q "$1" "$LOG"; }
kills() { grep -c "killed every process of container loop " "$LOG"; }
restarts() { insp loop '{{.RestartCount}}'; }

INTERVAL=1s write_conf "max_actions_per_minute = 30" <<EOF2
[defaults]
action = freeze
[image "cgw-busybox"]
action = kill
EOF2
start_daemon || exit 1

docker run -d --network none --name loop --restart=always --pids-limit 100 \
	-v "$WORK/forkbomb:/forkbomb:ro" cgw-busybox /forkbomb 15 >/dev/null
LOOP=$(ct_id loop)
wait_for 8 logged "killed every process of container loop "
check "first spike: killed" logged "spike in container loop ($(short "$LOOP")) .*action kill;.*top: forkbomb"
check "the kill is logged" logged "killed every process of container loop ($(short "$LOOP")) (cgroup.kill)"
wait_for 8 paused loop
check "Docker restarted it, and its new spike is frozen (paused)" paused loop
check "the second spike is frozen, not killed: looping" \
	logged "spike in container loop ($(short "$LOOP")) image cgw-busybox rule cgw-busybox: .*action freeze (killed before and spiking again after a restart: frozen, not killed again).*\[looping\]"
wait_for 3 state_is "$LOOP" frozen
eq "status: frozen" "$(status_field "$LOOP" state)" frozen
case $(getfattr --only-values -n user.cgwarden.action "$PIDS_H/$P/$LOOP" 2>/dev/null) in
"freeze "*) ok "its action note says freeze" ;; *) bad "action note: not freeze" ;; esac
eq "its --pids-limit 100 holds in the new life" "$(rd "$PIDS_H/$P/$LOOP/pids.max")" 100
sleep 5
eq "no kill storm: one kill in 5 s" "$(kills)" 1
r=$(restarts)
check "Docker restarted it only once (RestartCount $r)" [ "${r:-9}" -le 1 ]
check "still paused, not restarting" paused loop
eq "status: still frozen" "$(status_field "$LOOP" state)" frozen
check "the daemon is alive" kill -0 "$DAEMON"
finish
