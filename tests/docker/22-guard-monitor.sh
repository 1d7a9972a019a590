# mode = monitor: a fork bomb in a container is reported, with what would
# have been done, and nothing is done: not frozen, not paused, no note.
. "$(dirname "$0")/common.sh" cgw-busybox
static_helper forkbomb || { finish; exit 1; }

insp() { docker inspect -f "$2" "$1" 2>/dev/null; }
logged() { grep -q "$1" "$LOG"; }

INTERVAL=1s write_conf "mode = monitor" <<EOF2
[defaults]
action = freeze
EOF2
start_daemon || exit 1

# It bombs on through the checks below: 10 s on a host, 60 s in the VM,
# where every docker call takes a second or more.
BOMB_S=10
[ -n "${CGWARDEN_VM:-}" ] && BOMB_S=60
docker run -d --network none --name mbomb --pids-limit 100 \
	-v "$WORK/forkbomb:/forkbomb:ro" cgw-busybox /forkbomb "$BOMB_S" >/dev/null
MB=$(ct_id mbomb)
wait_for 5 logged "spike in container mbomb "
check "the spike is reported: monitor mode, nothing done" \
	logged "spike in container mbomb ($(short "$MB")) .*action freeze (monitor mode: nothing done).*top: forkbomb"
sleep 0.5
eq "Docker: not paused" "$(insp mbomb '{{.State.Paused}}')" false
eq "Docker: still running" "$(insp mbomb '{{.State.Running}}')" true
eq "no freezer holds it" "$(pause_freezer "$MB"):$(rd "$V2/$P/$MB/cgroup.freeze")" THAWED:0
eq "status: running" "$(status_field "$MB" state)" running
# One report per 10 s while it bombs on: the checks above can outlast that
# in the VM, so the count is held to the reports the log shows.
n0=$(grep -c "spike in container mbomb " "$LOG")
sp=$(status_field "$MB" spikes)
n1=$(grep -c "spike in container mbomb " "$LOG")
check "status: the spikes counted are the spikes reported ($n0 <= $sp <= $n1)" \
	sh -c '[ "$1" -ge 1 ] && [ "$2" -ge "$1" ] && [ "$2" -le "$3" ]' _ "$n0" "$sp" "$n1"
check "no action note" [ -z "$(getfattr --only-values -n user.cgwarden.action "$PIDS_H/$P/$MB" 2>/dev/null)" ]
check "nothing frozen or killed is logged" sh -c "! grep -q 'froze container mbomb\|killed every process of container mbomb' '$LOG'"
docker rm -f mbomb >/dev/null
check "the daemon is alive" kill -0 "$DAEMON"
finish
