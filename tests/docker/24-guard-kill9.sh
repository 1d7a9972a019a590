# cgwardend SIGKILLed in the middle of its actions, then started again.
# dockerd is stopped (SIGSTOP) before each bomb starts, so the daemon's
# request to Docker waits, and the daemon is killed once its log says it
# acted: no timing, the step is exact.
#  - A freeze, between cgwarden's own freeze and Docker's pause taking it
#    over: the new daemon finds it frozen, knows it froze it (the note),
#    does not act again, and cgwardenctl thaw releases it everywhere.
#  - A kill, between the kill and Docker's confirmation (its die event):
#    the new daemon does not kill again, nothing is left frozen, and
#    Docker, once it runs again, says the container exited.
. "$(dirname "$0")/common.sh" cgw-busybox cgw-kill
static_helper forkbomb || { finish; exit 1; }

insp() { docker inspect -f "$2" "$1" 2>/dev/null; }
xnote() { getfattr --only-values -n "user.cgwarden.$2" "$PIDS_H/$P/$1" 2>/dev/null; }
kstate() { # v1 freezer / unified frozen flag
	echo "$(rd "$FRZ_H/$P/$1/freezer.state")/$(sed -n 's/^frozen //p' "$V2/$P/$1/cgroup.events" 2>/dev/null)"
}
anyfrozen() { case $(kstate "$1") in FROZEN/*|*/1) return 0 ;; esac; return 1; }
INTERVAL=1s write_conf "max_actions_per_minute = 30" <<EOF2
[defaults]
pids_max = 100
spike_fork_failures = 20
action = freeze
[image "cgw-kill"]
action = kill
EOF2
start_daemon || { finish; exit 1; }
docker run -d --network none --name sent --stop-timeout 1 cgw-busybox sleep 100000 >/dev/null
SENT=$(ct_id sent)
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$P/$SENT/pids.max 2>/dev/null)\" = 100 ]"
sentinel_raise_held() {
	echo 5000 > "$PIDS_H/$P/$SENT/pids.max"
	wait_for 8 sh -c "[ \"\$(cat $PIDS_H/$P/$SENT/pids.max)\" = 100 ]"
}
# bomb NAME IMAGE: a container that starts its bomb once $WORK/go.NAME exists.
bomb() {
	docker run -d --network none --name "$1" --pids-limit 30 --stop-timeout 1 -v "$WORK:/w" "$2" \
		sh -c "while [ ! -e /w/go.$1 ]; do sleep 0.05; done; exec /w/forkbomb 60" >/dev/null
	wait_for 10 listed "$(ct_id "$1")"
}
restart_cgwardend() {
	kill -KILL "$DAEMON"; wait "$DAEMON" 2>/dev/null; DAEMON=""
	_nlog=$((${_nlog:-0} + 1))
	mv "$LOG" "$WORK/daemon.$_nlog.log"
	start_daemon || bad "the daemon did not start again"
}

# --- freeze: killed before Docker's pause takes over -----------------------
bomb fz cgw-busybox
FZ=$(ct_id fz)
kill -STOP "$DOCKERD_PID"
touch "$WORK/go.fz"
wait_for 15 grep -q "spike in container fz .*action freeze" "$LOG"
check "the spike is told: frozen, the pause asked of a stopped dockerd" grep -q "spike in container fz .*action freeze" "$LOG"
restart_cgwardend
check "the old daemon never heard Docker's answer" sh -c "! grep -q 'container fz .*Docker paused it' '$WORK/daemon.1.log'"
kill -CONT "$DOCKERD_PID"
check "the container is frozen with no daemon between" anyfrozen "$FZ"
wait_for 10 listed "$FZ"
case $(xnote "$FZ" action) in "freeze "*) ok "its record is on the cgroup: $(xnote "$FZ" action | cut -c1-40)" ;;
*) bad "no freeze record on the frozen container" ;; esac
wait_for 5 state_is "$FZ" frozen
eq "the new daemon: frozen" "$(status_field "$FZ" state)" frozen
eq "the new daemon: frozen by cgwarden" "$(status_field "$FZ" frozen_by_cgwarden)" True
sleep 2
check "the new daemon did not act again" sh -c "! grep -q -E 'spike in container fz|froze container fz|freezing container fz' '$LOG'"
check "sentinel held" sentinel_raise_held
# The bomb still bombs: ended while frozen (it dies at the thaw), or
# the guard would rightly freeze it again.
for p in $(rd "$PIDS_H/$P/$FZ/cgroup.procs"); do kill -KILL "$p" 2>/dev/null; done
check "cgwardenctl thaw releases it" ctl thaw fz
check "through Docker" grep -q "thawed container fz .*(cgwardenctl thaw, docker unpause)" "$LOG"
wait_for 10 sh -c "[ \"\$(docker inspect -f '{{.State.Paused}}' fz)\" = false ]"
eq "Docker: not paused" "$(insp fz '{{.State.Paused}}')" false
if [ -d "$FRZ_H/$P/$FZ" ]; then
	if anyfrozen "$FZ"; then bad "a freezer still holds it: $(kstate "$FZ")"; else ok "the kernel's freezers let go ($(kstate "$FZ"))"; fi
else
	ok "the kernel's freezers let go (it exited: its cgroup is gone)"
fi
docker rm -f fz >/dev/null 2>&1

# --- kill: killed before Docker's die event ---------------------------------
bomb kl cgw-kill
KL=$(ct_id kl)
kill -STOP "$DOCKERD_PID"
touch "$WORK/go.kl"
wait_for 15 grep -q "killed every process of container kl" "$LOG"
check "the kill is told" grep -q "killed every process of container kl" "$LOG"
restart_cgwardend
empty() { [ -z "$(rd "$PIDS_H/$P/$KL/cgroup.procs")" ]; }
wait_for 10 empty
check "its processes are gone" empty
if [ -d "$PIDS_H/$P/$KL" ]; then
	if anyfrozen "$KL"; then bad "left frozen: $(kstate "$KL")"; else ok "nothing left frozen ($(kstate "$KL"))"; fi
else
	ok "nothing left frozen (its cgroup is gone)"
fi
kill -CONT "$DOCKERD_PID"
wait_for 20 sh -c "[ \"\$(docker inspect -f '{{.State.Running}}' kl)\" = false ]"
eq "Docker, running again, says it exited" "$(insp kl '{{.State.Running}}')" false
eq "... killed (137)" "$(insp kl '{{.State.ExitCode}}')" 137
sleep 1
check "the new daemon did not act on it again" sh -c "! grep -q -E 'spike in container kl|killed every process of container kl' '$LOG'"
check "sentinel held" sentinel_raise_held
eq "the sentinel was never touched" "$(insp sent '{{.State.Running}}'),$(insp sent '{{.State.Paused}}')" true,false
check "the daemon is alive" kill -0 "$DAEMON"
stop_daemon; eq "clean stop" $? 0
check "no sanitizer report in the log" sh -c "! grep -q -E 'Sanitizer|runtime error' '$LOG' $WORK/daemon.*.log"
finish
