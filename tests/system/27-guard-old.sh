# A bomb in an old container (known longer than the guard's young window,
# idle till then) is caught by a kernel event, not by the interval pass:
# a burst of forks counted in the kernel (BPF), or, on a pure cgroup v2
# kernel, the pids.events event.  The same when its pids limit was
# already hit once long before (the kernel logs only a cgroup's first
# refused fork).  Without the capabilities BPF needs, the daemon says so
# and the interval pass still catches the bomb.  The interval here is
# far longer than the waits, so only an event can explain a catch.  So
# too for a bomb in a cgroup that an old container made of its own, as
# systemd inside one does (v1 counts its refused forks there only, and
# BPF names that cgroup, not the container's).
. "$(dirname "$0")/lib.sh"

OLD=$(cid 2701) HIT=$(cid 2702) LATE=$(cid 2703) NEST=$(cid 2704)
for c in $OLD $HIT $LATE $NEST; do mkct "$c"; done
for c in $OLD $HIT $LATE $NEST; do echo 50 > "$PIDS_H/$(ct_path "$c")/pids.max"; done
INTERVAL=60s write_conf <<EOF2
[defaults]
pids_max = 4096
spike_rate = 200
spike_fork_failures = 100
action = freeze
EOF2
# With the capabilities the unit keeps, no more: BPF and the notes work with them.
start_daemon_unit_caps || exit 1
eq "the daemon has the unit's capabilities only" \
	"$(awk '/^CapBnd/ {print $2}' /proc/"$DAEMON"/status)" \
	"$(setpriv --bounding-set "$(unit_caps)" awk '/^CapBnd/ {print $2}' /proc/self/status)"
wait_for 5 listed "$LATE" || bad "containers not found"
# The limit hit once at the start (about 25 forks refused, under the
# spike threshold), then quiet: one process left, sleeping.
runin "$(ct_path "$HIT")" "$HELPERS/forker" 75
runin "$(ct_path "$OLD")" sleep 1000
# NEST makes its own cgroups once found, its tasks only there.
mkcg "$(ct_path "$NEST")/init.scope" && mkcg "$(ct_path "$NEST")/app.slice/bomb.scope" &&
	echo 40 > "$PIDS_H/$(ct_path "$NEST")/app.slice/bomb.scope/pids.max" || bad "NEST's own cgroups"
runin "$(ct_path "$NEST")/init.scope" sleep 1000
refused() { awk '/max/ {print $2}' "$PIDS_H/$(ct_path "$1")/pids.events"; }
hit_once() { [ "$(refused "$HIT")" -gt 0 ]; }
wait_for 5 hit_once
check "the limit was hit once, long before the bomb" hit_once
# Out of the young window (5 s), and quiet long enough to leave the fast set.
sleep 8
eq "the old containers are not sampled fast any more" \
	"$(status_field "$OLD" hot)$(status_field "$HIT" hot)$(status_field "$NEST" hot)" FalseFalseFalse
seen_by() { sed -n "s/^.*spike in container $(short "$1").*; seen by \(.*\)$/\1/p" "$LOG" | head -n 1; }
for c in $OLD $HIT $NEST; do
	if [ "$c" = "$NEST" ]; then
		runin "$(ct_path "$c")/app.slice/bomb.scope" "$HELPERS/forkbomb" 20
	else
		runin "$(ct_path "$c")" "$HELPERS/forkbomb" 20
	fi
	wait_for 3 frozen_kernel "$c"
	check "bomb in an old container ($(short "$c")): frozen within 3 s, the interval 60 s" \
		frozen_kernel "$c"
	by=$(seen_by "$c")
	echo "# seen by: $by"
	case $by in
	"a fork-burst event (bpf)"|"the kernel's pids.events event"|"the fast rate (a fork-burst event (bpf))")
		ok "seen by a kernel event: $by" ;;
	*) bad "seen by a kernel event, not '$by'" ;;
	esac
	case $(note "$c" action) in
	"freeze "*) ok "its freeze is noted on the cgroup (user.cgwarden.action)" ;;
	*) bad "no user.cgwarden.action note: '$(note "$c" action)'" ;;
	esac
done
if grep -q "fork bursts: counted in the kernel (BPF)" "$LOG"; then
	ok "the log says fork bursts are counted in the kernel"
else
	echo "# SKIP: BPF is not available on this kernel: $(grep 'fork bursts:' "$LOG" | head -n 1)"
fi
stop_daemon

# The same daemon without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN: it says
# it counts no fork bursts, and the interval pass catches the bomb.
INTERVAL=1s write_conf <<EOF2
[defaults]
pids_max = 4096
spike_fork_failures = 100
action = freeze
EOF2
: > "$LOG.2"
setpriv --bounding-set -bpf,-perfmon,-sys_admin --inh-caps -bpf,-perfmon,-sys_admin \
	"$CGWARDEND" -d -c "$CONF" >> "$LOG.2" 2>&1 &
DAEMON=$!
wait_for 10 test -S "$SOCK" || bad "daemon without BPF's capabilities did not start"
wait_for 5 listed "$LATE" || bad "containers not found"
check "without the capabilities, the log says fork bursts are not counted, and why" \
	grep -q "fork bursts: not counted (" "$LOG.2"
sleep 6
runin "$(ct_path "$LATE")" "$HELPERS/forkbomb" 20
wait_for 5 frozen_kernel "$LATE"
check "and a bomb in an old container is still frozen" frozen_kernel "$LATE"
by=$(sed -n "s/^.*spike in container $(short "$LATE").*; seen by \(.*\)$/\1/p" "$LOG.2" | head -n 1)
echo "# seen by: $by"
case $by in
"a fork-burst event (bpf)") bad "seen by BPF it had no capability for" ;;
"") bad "no spike line for the bomb" ;;
*) ok "seen by $by" ;;
esac
cat "$LOG.2" >> "$LOG"
finish
