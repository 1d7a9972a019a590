# action = kill: every process of the bombing container dies (cgroup.kill
# where a v2 tree holds it; on pure v1, and on a hybrid host told to
# ignore its unified tree, freeze + SIGKILL each task + thaw).  A thread
# bomb is caught the same way.  kill_after escalates a freeze; cgwardenctl
# kill kills on demand (root only).
. "$(dirname "$0")/lib.sh"

K1=$(cid 2101) TB=$(cid 2102) KA=$(cid 2103) CK=$(cid 2104) K2=$(cid 2105)
N1=$(cid 2106) N2=$(cid 2107)
for c in $K1 $TB $KA $CK $K2 $N1 $N2; do mkct "$c"; done
for c in $K1 $TB $KA $CK $K2 $N1 $N2; do echo 40 > "$PIDS_H/$(ct_path "$c")/pids.max"; done
# The nested ones make cgroups of their own once the daemon has found
# them, as systemd inside a container does, two deep, and have their
# tasks only there (on v2 a cgroup that hands controllers down holds no
# task itself).
nest() {
	mkcg "$(ct_path "$1")/init.scope" && mkcg "$(ct_path "$1")/app.slice/bomb.scope" &&
		echo 40 > "$PIDS_H/$(ct_path "$1")/app.slice/bomb.scope/pids.max"
}

# Every task of the container's tree, its own cgroups' included.
procs() { find "$PIDS_H/$(ct_path "$1")" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l; }
empty() { [ "$(procs "$1")" -eq 0 ]; }

# run_kill_case CONTAINER UNIFIED_TREE WANT_HOW [nested]: a bomb killed;
# nested, in a cgroup two below the container's, beside a task in another.
run_kill_case() {
	KB=$1 NESTED=${4:-} T_=$2${4:+ nested}
	: > "$LOG"
	write_conf "unified_tree = $2" <<EOF2
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = kill
EOF2
	start_daemon || return 1
	wait_for 5 listed "$KB"
	if [ -n "$NESTED" ]; then
		check "[$T_] it makes cgroups of its own" nest "$KB"
		check "[$T_] its own cgroups are not containers" \
			[ "$(ctl status --json | grep -o "$(short $KB)[^\"]*" | sort -u | wc -l)" -eq 1 ]
		runin "$(ct_path "$KB")/init.scope" sleep 1000
		runin "$(ct_path "$KB")/app.slice/bomb.scope" "$HELPERS/forkbomb" 20
	else
		runin "$(ct_path "$KB")" "$HELPERS/forkbomb" 20
	fi
	wait_for 5 empty "$KB"
	check "[$T_] the fork bomb is dead: no process left" empty "$KB"
	check "[$T_] killed through $3" grep -q "killed every process of container $(short $KB) ($3)" "$LOG"
	check "[$T_] the evidence names the bomb" grep -q "spike in container $(short $KB).*top: .*forkbomb" "$LOG"
	sleep 0.3
	check "[$T_] and it stays dead" empty "$KB"
	stop_daemon
}
if [ -n "$V2" ]; then
	run_kill_case "$K1" use cgroup.kill
	run_kill_case "$N1" use cgroup.kill nested
fi
if [ -n "$V1" ] && [ "$PIDS_H" != "$V2" ]; then
	run_kill_case "$K2" ignore "freeze, SIGKILL each task, thaw"
	run_kill_case "$N2" ignore "freeze, SIGKILL each task, thaw" nested
fi

write_conf <<EOF2
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = kill

[image "never-matches"]
pids_max = 10
EOF2
start_daemon || exit 1
wait_for 5 listed "$TB"
runin "$(ct_path "$TB")" "$HELPERS/threadbomb" 20
wait_for 5 empty "$TB"
check "the thread bomb is dead" empty "$TB"
check "its spike was logged with the bomb's name" grep -q "spike in container $(short $TB).*top: threadbomb" "$LOG"

# cgwardenctl kill: root only, then on demand.
runin "$(ct_path "$CK")" sleep 1000
runin "$(ct_path "$CK")" sleep 1000
if command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$CGWARDENCTL" -s "$SOCK" kill "$CK" 2>&1); rc=$?
	# The socket is 0600: a non-root peer cannot even connect (exit 2).
	case $rc in 1|2) ok "a non-root peer cannot kill (exit $rc)" ;; *) bad "non-root kill: rc $rc: $out" ;; esac
	check "its processes still run" [ "$(procs "$CK")" -ge 2 ]
fi
check "cgwardenctl kill answers" ctl kill "$(short $CK)"
wait_for 3 empty "$CK"
check "cgwardenctl kill killed every process" empty "$CK"
eq "status: killed" "$(status_field "$CK" state)" killed
stop_daemon

# kill_after: frozen first, killed when still frozen 1 s later.
: > "$LOG"
write_conf <<EOF2
[defaults]
pids_max = 4096
spike_fork_failures = 20
action = freeze
kill_after = 1s
EOF2
start_daemon || exit 1
wait_for 5 listed "$KA"
runin "$(ct_path "$KA")" "$HELPERS/forkbomb" 20
wait_for 5 frozen_kernel "$KA"
check "kill_after: frozen first" frozen_kernel "$KA"
wait_for 5 empty "$KA"
check "kill_after: killed when still frozen after 1 s" empty "$KA"
check "kill_after: the log says why" grep -q "killed every process of container $(short $KA).*still frozen after kill_after" "$LOG"
check "the daemon is alive" kill -0 "$DAEMON"
finish
