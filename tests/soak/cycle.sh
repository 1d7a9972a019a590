# The runc-style cycle: SOAK_CYCLES (default 1,000) freeze/thaw cycles of
# one container of a private dockerd, by cgwardenctl freeze/thaw and by
# docker pause/unpause, interleaved four ways (each freeze released by
# either side).  After every step the kernel's freezers (the v1 freezer
# Docker pauses with, the unified tree cgwarden freezes with first) and
# Docker's own State.Paused must say what the step asked for: 0 wrong
# states.  The container's process lives through all of it.
. "$(dirname "$0")/../docker/common.sh" cgw-busybox

CYCLES=${SOAK_CYCLES:-1000}
write_conf <<EOF2
[defaults]
pids_max = 100
EOF2
start_daemon || { finish; exit 1; }
docker run -d --network none --name cyc --stop-timeout 1 cgw-busybox sleep 100000 >/dev/null
ID=$(ct_id cyc)
PID0=$(docker inspect -f '{{.State.Pid}}' cyc)
wait_for 10 listed "$ID" || bad "the container was not found"
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$P/$ID/pids.max)\" = 100 ]"
eq "the container has its ceiling" "$(rd "$PIDS_H/$P/$ID/pids.max")" 100

# The kernel's view: v1 freezer.state / the unified tree's frozen flag,
# then Docker's: e.g. FROZEN/0/true once a freeze is Docker's pause.
state() {
	_v1=$(rd "$FRZ_H/$P/$ID/freezer.state")
	_v2=-
	[ -n "$V2" ] && _v2=$(sed -n 's/^frozen //p' "$V2/$P/$ID/cgroup.events")
	echo "$_v1/$_v2/$(docker inspect -f '{{.State.Paused}}' cyc)"
}
if [ -n "$V2" ] && [ "$FRZ_H" != "$V2" ]; then
	FROZEN=FROZEN/0/true THAWED=THAWED/0/false   # hybrid: Docker's v1 pause holds it
elif [ "$FRZ_H" = "$V2" ]; then
	FROZEN=-/1/true THAWED=-/0/false
else
	FROZEN=FROZEN/-/true THAWED=THAWED/-/false
fi
wrong=0 steps=0
# step WANT CMD...: runs CMD, then the state must become WANT (polled).
step() {
	_want=$1; shift
	steps=$((steps + 1))
	if ! "$@" > "$WORK/step.out" 2>&1; then
		wrong=$((wrong + 1)); echo "# cycle $i: '$*' failed: $(head -c 300 "$WORK/step.out")"
		return
	fi
	_n=500
	while [ "$(state)" != "$_want" ]; do
		_n=$((_n - 1))
		if [ $_n -le 0 ]; then
			wrong=$((wrong + 1)); echo "# cycle $i: after '$*': $(state), want $_want"
			return
		fi
		sleep 0.02
	done
}
eq "it starts thawed" "$(state)" "$THAWED"
i=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	case $((i % 4)) in
	1) step "$FROZEN" ctl freeze "$ID"; step "$THAWED" ctl thaw "$ID" ;;
	2) step "$FROZEN" docker pause cyc; step "$THAWED" docker unpause cyc ;;
	3) step "$FROZEN" ctl freeze cyc; step "$THAWED" docker unpause cyc ;;
	0) step "$FROZEN" docker pause cyc; step "$THAWED" ctl thaw cyc ;;
	esac
	[ $wrong -gt 20 ] && { bad "more than 20 wrong states: stopped at cycle $i"; break; }
done
echo "# $i cycles, $steps steps, $wrong wrong states"
eq "$i freeze/thaw cycles ($steps steps): wrong states" "$wrong" 0
eq "the container's process lived through every cycle" "$(docker inspect -f '{{.State.Pid}}' cyc)" "$PID0"
check "... and runs" sh -c "grep -q '^State:.*S (sleeping)' /proc/$PID0/status"
eq "status: running" "$(status_field "$ID" state)" running
eq "its ceiling held" "$(rd "$PIDS_H/$P/$ID/pids.max")" 100
freezes=$(grep -c "freezing container cyc .*cgwardenctl freeze" "$LOG")
eq "every cgwardenctl freeze told once" "$freezes" $(((i + 1) / 2))
check "Docker took every freeze over (no refused pause)" sh -c "! grep -q 'Docker did not pause it' '$LOG'"
check "the daemon is alive" kill -0 "$DAEMON"
stop_daemon; rc=$?
eq "clean stop (exit 0)" "$rc" 0
check "no sanitizer report in the log" sh -c "! grep -q -E 'Sanitizer|runtime error' '$LOG'"
finish
