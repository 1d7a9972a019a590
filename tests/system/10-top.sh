# cgwardenctl top in a real 80x24 terminal (tmux): a row per container,
# the one nearest its pids.max first and marked, a frozen one marked and
# shown in reverse video, nothing wider than the terminal, a resize
# redrawn, q and ^C quit and give the terminal back; -n N and --json for
# scripts; CPU% from the daemon's own samples.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || skip_all "no tmux (make deps)"
TS=$WORK/tmux.sock
tm() { tmux -S "$TS" "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT

NEAR=$(cid 100); MID=$(cid 101); LOW=$(cid 102); FRZ=$(cid 103); BUSY=$(cid 104)
for c in $NEAR $MID $LOW $FRZ $BUSY; do mkct "$c"; done
for i in 1 2 3 4 5 6 7 8; do runin "$(ct_path "$NEAR")"; done
for i in 1 2 3; do runin "$(ct_path "$MID")"; done
runin "$(ct_path "$LOW")"
runin "$(ct_path "$BUSY")" sh -c 'while :; do :; done'
BUSYPID=$LASTPID
# The guard stays out of it: these containers are filled faster than a
# spike_rate, and this test is about the view.
write_conf <<EOF2
[defaults]
pids_max = 100
spike_rate = 0
spike_fork_failures = 0
action = none
EOF2
start_daemon || exit 1
if [ "$FRZ_H" = "$V2" ]; then echo 1 > "$V2/$(ct_path "$FRZ")/cgroup.freeze"
else echo FROZEN > "$FRZ_H/$(ct_path "$FRZ")/freezer.state"; fi
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$MID")/pids.max)\" = 100 ]"
cur() { cat "$PIDS_H/$(ct_path "$1")/pids.current"; }
settled() { [ "$(cur "$NEAR")" = 8 ] && [ "$(cur "$MID")" = 3 ] && [ "$(cur "$LOW")" = 1 ]; }
wait_for 5 settled
# 8 of 10 once they are in (a start needs a spare pid for a moment); a
# limit of its own below the ceiling is kept.
echo 10 > "$PIDS_H/$(ct_path "$NEAR")/pids.max"
wait_for 5 sh -c "$CGWARDENCTL -s $SOCK status --json | grep -q '\"pids_max\":10,'"
sleep 0.3
short() { echo "$1" | cut -c1-12; }

# For scripts: -n frames without a terminal, no escape sequences.
ctl top -n 2 -d 0.3 > "$WORK/plain" 2>&1
check "-n 2 prints two frames and exits 0" sh -c "[ \$(grep -c '^cgwarden top' $WORK/plain) -eq 2 ]"
check "no escape sequences when stdout is not a terminal" sh -c "! grep -q \"\$(printf '\\033')\" $WORK/plain"
check "the near-limit row is marked in the marker column" grep -q "^!$(short "$NEAR") .* 8/10  80% " "$WORK/plain"
check "the frozen row is marked" grep -q "^!$(short "$FRZ") .* frozen\$" "$WORK/plain"
check "a row far from its limit is not" grep -q "^ $(short "$LOW") " "$WORK/plain"
ctl top -n 3 -d 0.5 --json > "$WORK/json" 2>&1
eq "--json: one array per frame" "$(python3 -c '
import json, sys
print(sum(isinstance(json.loads(l), list) for l in open(sys.argv[1])))' "$WORK/json")" 3
eq "--json: sorted by pids pressure, cpu_percent and pids_percent" "$(python3 -c '
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])][-1]
print(f[0]["id"] == sys.argv[2], f[0]["pids_percent"] == 80.0,
      all(c["cpu_percent"] is not None for c in f))' "$WORK/json" "$NEAR")" "True True True"
check "--json: CPU% of a busy container is a share of one core (> 30)" python3 -c '
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])][-1]
b = [c for c in f if c["id"] == sys.argv[2]][0]
sys.exit(not 30 < b["cpu_percent"] <= 110)' "$WORK/json" "$BUSY"
kill "$BUSYPID"

# The live view in an 80x24 terminal.
tm new-session -d -s top -x 80 -y 24 "$CGWARDENCTL -s $SOCK top -d 0.3; stty -a > $WORK/stty; sleep 30"
wait_for 5 sh -c "tmux -S $TS capture-pane -p -t top 2>/dev/null | grep -q '^ CONTAINER'"
sleep 0.7
tm capture-pane -p -t top > "$WORK/screen"
tm capture-pane -e -p -t top > "$WORK/screen-e"
check "header with the counts" grep -q "^cgwarden top .*: 5 containers, 1 frozen, 1 near pids.max" "$WORK/screen"
check "column headings" grep -q "^ CONTAINER  *NAME  *IMAGE  *PIDS  *%  *FORKS  *MEM  *CPU%  *STATE" "$WORK/screen"
eq "a row per container" "$(grep -c '^[ !][0-9a-f]\{12\} ' "$WORK/screen")" 5
# The busy one is stopped by now: two empty containers, in id order.
eq "sorted by pids use: near limit, 3/100, 1/100, then the empty ones" \
    "$(grep '^[ !][0-9a-f]\{12\} ' "$WORK/screen" | cut -c2-13 | tr '\n' ' ')" \
    "$(short "$NEAR") $(short "$MID") $(short "$LOW") $(short "$FRZ") $(short "$BUSY") "
check "the near-limit row is marked" grep -q "^!$(short "$NEAR") .*8/10  80% " "$WORK/screen"
widest() { awk '{ if (length > m) m = length } END { print m + 0 }' "$1"; }
check "no line is wider than 80 columns" [ "$(widest "$WORK/screen")" -le 80 ]
# sgr_before FILE ID ATTR: the SGR sequences that open ID's row set ATTR.
sgr_before() {
	python3 -c '
import re, sys
m = re.search(r"((?:\x1b\[[0-9;]*m)+)!" + sys.argv[2], open(sys.argv[1]).read())
attrs = re.findall(r"[0-9]+", m.group(1)) if m else []
sys.exit(sys.argv[3] not in attrs)' "$@"
}
check "the near-limit row is bold" sgr_before "$WORK/screen-e" "$(short "$NEAR")" 1
check "the frozen row is in reverse video" sgr_before "$WORK/screen-e" "$(short "$FRZ")" 7
check "an ordinary row is not highlighted" sh -c "grep -q '^ $(short "$LOW")' $WORK/screen-e"

tm resize-window -t top -x 120 -y 24
# Redrawn at the next refresh (or at once on SIGWINCH): a slow VM may take a while.
redrawn_wide() {
	tm capture-pane -p -t top > "$WORK/wide"
	[ "$(grep '^ CONTAINER' "$WORK/wide" | awk '{print length}')" -gt 80 ] 2>/dev/null &&
		[ "$(widest "$WORK/wide")" -le 120 ]
}
wait_for 5 redrawn_wide
check "a resized terminal is redrawn to its width" redrawn_wide

tm send-keys -t top q
wait_for 5 test -s "$WORK/stty"
check "q quits" test -s "$WORK/stty"
check "the terminal is given back (icanon, echo)" sh -c "grep -qw icanon $WORK/stty && grep -qw echo $WORK/stty"

tm new-session -d -s top2 -x 80 -y 24 "$CGWARDENCTL -s $SOCK top; echo rc=\$? > $WORK/rc2; stty -a > $WORK/stty2; sleep 30"
wait_for 5 sh -c "tmux -S $TS capture-pane -p -t top2 2>/dev/null | grep -q '^ CONTAINER'"
tm send-keys -t top2 C-c
wait_for 5 test -s "$WORK/stty2"
eq "^C quits with status 0" "$(cat "$WORK/rc2" 2>/dev/null)" rc=0
check "and gives the terminal back" sh -c "grep -qw icanon $WORK/stty2 && grep -qw echo $WORK/stty2"
tm kill-server 2>/dev/null

stop_daemon
ctl top -n 1 > "$WORK/nodaemon" 2>&1; rc=$?
eq "no daemon: exit 2" "$rc" 2
check "no daemon: says where it looked and what to do" sh -c "grep -q 'cannot reach cgwardend at $SOCK' $WORK/nodaemon && grep -q 'is the daemon running' $WORK/nodaemon"
finish
