# The churn soak: SOAK_CGROUPS container cgroups (default 10,000) made
# and removed in waves of SOAK_WAVE (500) on the real kernel, while the
# daemon runs with the guard on, /metrics is scraped and an event stream
# is open.  In each wave some containers hold processes, some of those
# are frozen by hand, and some run a C fork bomb under their pids.max
# (written before the bomb starts), which the guard freezes.  The
# daemon's open files, RSS, inotify watches and container table are
# printed before, at the peak and after, and must come back to where
# they were; its log holds nothing but the lines expected here; a
# sentinel container's ceiling holds throughout.
. "$(dirname "$0")/../system/lib.sh"
command -v curl >/dev/null || skip_all "curl not installed"

N=${SOAK_CGROUPS:-10000}
W=${SOAK_WAVE:-500}
BUSY=${SOAK_BUSY:-20}     # containers of a wave with a process
FROZEN=${SOAK_FROZEN:-5}  # of those, frozen by hand
BOMBS=${SOAK_BOMBS:-3}    # containers of a wave with a fork bomb
WAVES=$(((N + W - 1) / W))

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
INTERVAL=200ms METRICS_LISTEN=127.0.0.1:$PORT write_conf "max_actions_per_minute = 100000" <<EOF2
[defaults]
pids_max = 64
spike_rate = 0
spike_fork_failures = 20
action = freeze
EOF2
mkparent "$T/docker"
SENT=$(cid 65000)
mkct "$SENT"
echo 1000 > "$PIDS_H/$(ct_path "$SENT")/pids.max"
# Not -d: the log is what an operator reads, every line of it judged below.
"$CGWARDEND" -c "$CONF" >> "$LOG" 2>&1 &
DAEMON=$!
wait_for 10 test -S "$SOCK" || { bad "daemon did not start"; finish; exit 1; }
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$SENT")/pids.max)\" = 64 ]"
eq "the sentinel has its ceiling" "$(pids_max "$(ct_path "$SENT")")" 64
runin "$(ct_path "$SENT")" sleep 100000

# One number of `cgwardenctl stats` (a flat JSON object of numbers).
stat_of() { ctl stats | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
fds() { ls "/proc/$DAEMON/fd" | wc -l; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON/status"; }
inotify() { cat "/proc/$DAEMON/fdinfo/"* 2>/dev/null | grep -c '^inotify wd:'; }
table() { stat_of containers; }
measure() { # measure LABEL: one row of the table, and its figures in M_*
	M_FDS=$(fds) M_RSS=$(rss) M_INO=$(inotify) M_TAB=$(table)
	printf '%-28s %8s %10s %16s %16s\n' "$1" "$M_FDS" "$M_RSS" "$M_INO" "$M_TAB" >> "$WORK/table"
}
printf '%-28s %8s %10s %16s %16s\n' "" "open fds" "RSS (KiB)" "inotify watches" "container table" > "$WORK/table"

# The event stream and the scraper, for the whole run.
ctl events --json > "$WORK/events.json" 2>&1 &
EVPID=$!
STARTED="$STARTED $EVPID"
( while :; do
	if curl -sf -m 10 "http://127.0.0.1:$PORT/metrics" > "$WORK/scrape.new" 2>/dev/null; then
		mv "$WORK/scrape.new" "$WORK/scrape"
		echo ok
	else
		echo fail
	fi
	sleep 0.2
done ) > "$WORK/scrapes" 2>&1 &
SCRAPER=$!
STARTED="$STARTED $SCRAPER"
wait_for 10 sh -c "[ \"\$(grep -c ok '$WORK/scrapes')\" -ge 1 ]"
stable() { [ "$(table)" = "$1" ]; }
wait_for 10 stable 1
sleep 1
measure "before (1 container)"
B_FDS=$M_FDS B_RSS=$M_RSS B_INO=$M_INO B_TAB=$M_TAB

P_FDS=0 P_RSS=0 P_INO=0 P_TAB=0
made=0 wave=0 badwave=0 frozen_total=0 bombs_total=0 caught=0 held=1
while [ $made -lt $N ]; do
	wave=$((wave + 1))
	n=$W; [ $((made + n)) -gt $N ] && n=$((N - made))
	: > "$WORK/ids"
	for i in $(seq $((made + 1)) $((made + n))); do cid "$i"; echo; done > "$WORK/ids"
	for h in $HIERS; do (cd "$h/$T/docker" && xargs mkdir < "$WORK/ids"); done
	# pids.max before any bomb: the bombs' containers get 30 before they run.
	head -n "$BOMBS" "$WORK/ids" > "$WORK/bombs"
	while read -r id; do echo 30 > "$PIDS_H/$T/docker/$id/pids.max"; done < "$WORK/bombs"
	wavepids=""
	sed -n "$((BOMBS + 1)),$((BOMBS + BUSY))p" "$WORK/ids" > "$WORK/busy"
	while read -r id; do runin "$T/docker/$id" sleep 100000; wavepids="$wavepids $LASTPID"; done < "$WORK/busy"
	head -n "$FROZEN" "$WORK/busy" > "$WORK/frozen"
	while read -r id; do echo FROZEN > "$FRZ_H/$T/docker/$id/freezer.state"; done < "$WORK/frozen"
	while read -r id; do runin "$T/docker/$id" "$HELPERS/forkbomb" 3; wavepids="$wavepids $LASTPID"; done < "$WORK/bombs"
	frozen_total=$((frozen_total + FROZEN)) bombs_total=$((bombs_total + BOMBS))
	wait_for 60 stable $((n + 1)) || { bad "wave $wave: the table did not reach $((n + 1)) (at $(table))"; badwave=1; }
	# Every container of the wave has its ceiling: the kernel says so.
	all_capped() {
		while read -r id; do
			[ "$(cat "$PIDS_H/$T/docker/$id/pids.max")" = 64 ] || return 1
		done < "$WORK/ids.rest"
	}
	sed -n "$((BOMBS + 1)),\$p" "$WORK/ids" > "$WORK/ids.rest"
	wait_for 60 all_capped || { bad "wave $wave: not every container got pids.max 64"; badwave=1; }
	bomb_frozen() {
		while read -r id; do frozen_kernel "$id" || return 1; done < "$WORK/bombs"
	}
	if wait_for 30 bomb_frozen; then caught=$((caught + BOMBS)); else bad "wave $wave: a bomb was not frozen"; fi
	measure "wave $wave, $((n + 1)) containers"
	[ "$M_FDS" -gt "$P_FDS" ] && P_FDS=$M_FDS
	[ "$M_RSS" -gt "$P_RSS" ] && P_RSS=$M_RSS
	[ "$M_INO" -gt "$P_INO" ] && P_INO=$M_INO
	[ "$M_TAB" -gt "$P_TAB" ] && P_TAB=$M_TAB
	[ "$(pids_max "$(ct_path "$SENT")")" = 64 ] || held=0

	# Remove the wave: every process killed, every freezer let go, every dir gone.
	cat "$WORK/busy" "$WORK/bombs" > "$WORK/procs"
	while read -r id; do
		[ -n "$V2" ] && echo 1 > "$V2/$T/docker/$id/cgroup.kill" 2>/dev/null
		echo THAWED > "$FRZ_H/$T/docker/$id/freezer.state" 2>/dev/null
		[ -n "$V2" ] && echo 0 > "$V2/$T/docker/$id/cgroup.freeze" 2>/dev/null
	done < "$WORK/procs"
	for p in $wavepids; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	STARTED="$EVPID $SCRAPER"
	emptied() {
		while read -r id; do [ -z "$(cat "$PIDS_H/$T/docker/$id/cgroup.procs" 2>/dev/null)" ] || return 1; done < "$WORK/procs"
	}
	wait_for 30 emptied || { bad "wave $wave: processes left"; badwave=1; }
	gone() {
		for h in $HIERS; do (cd "$h/$T/docker" && xargs rmdir 2>/dev/null < "$WORK/ids"); done
		for h in $HIERS; do
			[ -z "$(cd "$h/$T/docker" && xargs ls -d 2>/dev/null < "$WORK/ids")" ] || return 1
		done
	}
	wait_for 30 gone || { bad "wave $wave: cgroup dirs left"; badwave=1; }
	wait_for 60 stable 1 || { bad "wave $wave: the table did not drop back to 1 (at $(table))"; badwave=1; }
	made=$((made + n))
	if [ $wave = 1 ]; then sleep 1; A1_RSS=$(rss); fi
done
# Idle a moment: anything still to be let go is let go.
sleep 2
printf '%-28s %8s %10s %16s %16s\n' "peak" "$P_FDS" "$P_RSS" "$P_INO" "$P_TAB" >> "$WORK/table"
measure "after ($N created, removed)"
cat "$WORK/table"

eq "$wave waves, every one clean" "$badwave" 0
eq "every bomb frozen by the guard ($bombs_total)" "$caught" "$bombs_total"
eq "open fds back to baseline" "$M_FDS" "$B_FDS"
eq "inotify watches back to baseline" "$M_INO" "$B_INO"
eq "container table back to baseline" "$M_TAB" "$B_TAB"
check "open fds grew at the peak ($P_FDS > $B_FDS)" [ "$P_FDS" -gt "$B_FDS" ]
# RSS: what the allocator keeps after the first wave is its working set;
# 1 MiB of slack over that for the rest of the run, whatever its length.
# Under ASan freed memory waits in its quarantine: there LeakSanitizer,
# at the stop below, is the judge.
if grep -q libasan "/proc/$DAEMON/maps"; then
	echo "# ASan build: RSS not compared (LeakSanitizer checks at the stop)"
else
	check "RSS after the last wave ($M_RSS KiB) within 1 MiB of after the first ($A1_RSS KiB)" \
		[ "$M_RSS" -le $((A1_RSS + 1024)) ]
	# Once a wave is gone the pages its containers held go back (the
	# daemon unlocks them for the trim): what stays is code first run.
	check "RSS back near its baseline: $M_RSS KiB, within 1 MiB of $B_RSS KiB before" \
		[ "$M_RSS" -le $((B_RSS + 1024)) ]
fi
eq "the sentinel's ceiling held in every wave" "$held" 1
echo 5000 > "$PIDS_H/$(ct_path "$SENT")/pids.max"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$SENT")/pids.max)\" = 64 ]"
eq "the sentinel's raised limit is lowered back" "$(pids_max "$(ct_path "$SENT")")" 64
okscrapes=$(grep -c ok "$WORK/scrapes"); failscrapes=$(grep -c fail "$WORK/scrapes")
check "metrics scraped all along ($okscrapes scrapes, $failscrapes failed)" \
	[ "$okscrapes" -ge 10 -a "$failscrapes" = 0 ]
check "the last scrape is Prometheus text with the containers gauge" grep -q '^cgwarden_containers 1$' "$WORK/scrape"
check "the event stream is still open" kill -0 "$EVPID"
freezes=$(grep -c '"kind":"freeze"' "$WORK/events.json")
check "the event stream carried every freeze ($freezes >= $bombs_total)" [ "$freezes" -ge "$bombs_total" ]
check "every event line is one JSON object" python3 -c '
import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$WORK/events.json"
# The log: every line one of the kinds this run causes, nothing else.
# The run's own: a hybrid host, no Docker to hand a freeze to, the
# freezers let go by hand at removal; this machine's: no CAP_SYS_RESOURCE.
grep -v -E '^cgwardend: (hybrid |container [0-9a-f]{12}: (lowered pids.max|Docker did not pause it \(Docker is not reachable\))|container [0-9a-f]{12} was thawed outside cgwarden|spike in container |froze container |metrics: serving |watching |fork bursts: counted|signal 15: stopping|cannot protect cgwardend from the OOM killer)' "$LOG" > "$WORK/unexpected"
if [ -s "$WORK/unexpected" ]; then
	bad "$(wc -l < "$WORK/unexpected") unexpected log lines:"; head -n 20 "$WORK/unexpected"
else
	ok "no log line but the expected kinds ($(wc -l < "$LOG") lines)"
fi
check "the daemon is alive" kill -0 "$DAEMON"
kill "$SCRAPER" "$EVPID" 2>/dev/null
stop_daemon; rc=$?
eq "clean stop (exit 0)" "$rc" 0
check "no sanitizer report in the log" sh -c "! grep -q -E 'Sanitizer|runtime error' '$LOG'"
finish
