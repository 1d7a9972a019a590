# Faults from the kernel's side: cgroups removed between the daemon's
# open and its read, the open-file limit reached on the control socket's
# accept, the xattr notes refused (no CAP_SYS_ADMIN), and a reload storm
# (100 SIGHUPs in a second) during a fork bomb.  Through each, a
# sentinel container's ceiling holds and nothing outside the test's own
# cgroups is written.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"
command -v setpriv >/dev/null || skip_all "no setpriv"

SENT=$(cid 3100)
mkct "$SENT"
write_conf <<EOF2
[defaults]
pids_max = 100
spike_fork_failures = 20
action = freeze
EOF2
sentinel_raise_held() {
	echo 5000 > "$PIDS_H/$(ct_path "$SENT")/pids.max"
	wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$SENT")/pids.max)\" = 100 ]"
}
rmct() { for _h in $HIERS; do rmdir "$_h/$(ct_path "$1")" 2>/dev/null; done; }
# end_ct ID: every process of one container ended, through its own files only.
end_ct() {
	_r=$(ct_path "$1")
	[ -n "$V2" ] && [ -f "$V2/$_r/cgroup.kill" ] && echo 1 > "$V2/$_r/cgroup.kill"
	[ -f "$FRZ_H/$_r/freezer.state" ] && echo THAWED > "$FRZ_H/$_r/freezer.state"
	[ -n "$V2" ] && [ -f "$V2/$_r/cgroup.freeze" ] && echo 0 > "$V2/$_r/cgroup.freeze"
	wait_for 10 sh -c "[ -z \"\$(cat $PIDS_H/$_r/cgroup.procs)\" ]"
}
# Writes to a cgroup file raise IN_MODIFY: every file of the parents above
# the containers ($T, $T/docker) and of each hierarchy's root is watched
# for the whole test; the daemon may write none of them.
mkparent "$T/docker"
python3 - "$WORK/outside" "$T" $HIERS <<'PY' &
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(0)
out, T, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
names = {}
for r in roots:
    for d in (r, r + "/" + T, r + "/" + T + "/docker"):
        for f in os.listdir(d):
            p = d + "/" + f
            if os.path.isfile(p):
                wd = libc.inotify_add_watch(fd, p.encode(), 2)   # IN_MODIFY
                if wd >= 0:
                    names[wd] = p
with open(out + ".ready", "w") as f:
    f.write("%d\n" % len(names))
with open(out, "w", buffering=1) as f:
    while True:
        buf = os.read(fd, 65536)
        i = 0
        while i < len(buf):
            wd, mask, cookie, ln = struct.unpack_from("iIII", buf, i)
            i += 16 + ln
            if mask & 2:
                f.write(names.get(wd, "?") + "\n")
PY
WATCHER=$!
STARTED="$STARTED $WATCHER"
wait_for 10 test -s "$WORK/outside.ready"
check "watching $(cat "$WORK/outside.ready") cgroup files outside the containers" [ -s "$WORK/outside.ready" ]

# --- removed between open and read ---------------------------------------
start_daemon || exit 1
for i in $(seq 1 20); do mkct "$(cid $((3110 + i)))"; done
all_listed() { [ "$(ctl status --json | grep -o '"id"' | wc -l)" = 21 ]; }
wait_for 10 all_listed
eq "21 containers found, their files open" "$(ctl status --json | grep -o '"id"' | wc -l)" 21
kill -STOP "$DAEMON"
for i in $(seq 1 10); do rmct "$(cid $((3110 + i)))"; done        # gone everywhere
for i in $(seq 11 15); do rmdir "$PIDS_H/$(ct_path "$(cid $((3110 + i)))")"; done  # from pids only
kill -CONT "$DAEMON"
# On a pure v2 host the pids tree is the only tree: those five are gone too.
KEPT=11; [ "$PIDS_H" = "$V2" ] && KEPT=6
some_gone() { [ "$(ctl status --json | grep -o '"id"' | wc -l)" -le $KEPT ]; }
wait_for 10 some_gone
eq "the removed ones are dropped, the rest kept" "$(ctl status --json | grep -o '"id"' | wc -l)" $KEPT
check "sentinel: a raised limit is lowered back" sentinel_raise_held
check "alive after reads on removed cgroups" kill -0 "$DAEMON"
for i in $(seq 11 20); do rmct "$(cid $((3110 + i)))"; done
stop_daemon; eq "clean stop" $? 0

# --- EMFILE at accept ------------------------------------------------------
: > "$LOG"
(ulimit -n 40; exec "$CGWARDEND" -d -c "$CONF") >> "$LOG" 2>&1 &
DAEMON=$!
wait_for 10 test -S "$SOCK" || bad "daemon did not start under ulimit -n 40"
cputime() { awk '{ print $14 + $15 }' "/proc/$DAEMON/stat"; }
# 60 clients that say nothing hold every free fd for their 5 s timeout.
python3 - "$SOCK" > "$WORK/hold.out" 2>&1 <<'PY' &
import socket, sys, time
socks = []
for _ in range(60):
    s = socket.socket(socket.AF_UNIX); s.setblocking(False)
    try:
        s.connect(sys.argv[1])
    except BlockingIOError:
        pass
    socks.append(s)
time.sleep(8)
PY
HOLD=$!
STARTED="$STARTED $HOLD"
sleep 1
c0=$(cputime); sleep 2; c1=$(cputime)
# A listener that spins on EMFILE burns the 2 s at 100 % (200 ticks).
check "60 silent clients on a 40-fd limit: the daemon does not spin ($((c1 - c0)) ticks of CPU in 2 s)" [ $((c1 - c0)) -lt 50 ]
check "sentinel held while the clients hold the fds" sentinel_raise_held
check "the pause is said once" sh -c "[ \$(grep -c 'control: .*not accepting for a moment' '$LOG') = 1 ]"
check "no accept error flood" sh -c "[ \$(grep -c 'accept' '$LOG') -le 1 ]"
wait "$HOLD"
served() { ctl stats > /dev/null 2>&1; }
wait_for 15 served
check "once the fds are back, the control socket serves again" served
stop_daemon

# --- xattr notes refused -----------------------------------------------------
: > "$LOG"
B=$(cid 3131)
mkct "$B"; echo 30 > "$PIDS_H/$(ct_path "$B")/pids.max"
# A directory root does not own (delegated) takes trusted.* notes, which
# need the CAP_SYS_ADMIN this daemon lacks.
chown 65534 "$PIDS_H/$(ct_path "$B")"
setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$CGWARDEND" -d -c "$CONF" >> "$LOG" 2>&1 &
DAEMON=$!
wait_for 10 test -S "$SOCK" || bad "daemon did not start without CAP_SYS_ADMIN"
wait_for 5 listed "$B"
check "no CAP_SYS_ADMIN in the daemon" sh -c "! grep -q '^CapEff:.*' /proc/$DAEMON/status || [ \$(( 0x\$(awk '/^CapEff/ {print \$2}' /proc/$DAEMON/status) >> 21 & 1 )) = 0 ]"
runin "$(ct_path "$B")" "$HELPERS/forkbomb" 20
wait_for 10 frozen_kernel "$B"
check "the bomb is frozen though its note is refused" frozen_kernel "$B"
eq "no note on it" "$(note "$B" action)" ""
check "the refused note is said, once" sh -c "[ \$(grep -c 'cannot record trusted.cgwarden' '$LOG') = 1 ]"
cp "$LOG" "$WORK/xattr.log"
check "sentinel held" sentinel_raise_held
check "cgwardenctl thaw still releases it" ctl thaw "$B"
end_ct "$B"
stop_daemon

# --- a reload storm during a bomb ---------------------------------------------
: > "$LOG"
R=$(cid 3141)
mkct "$R"; echo 30 > "$PIDS_H/$(ct_path "$R")/pids.max"
start_daemon || exit 1
wait_for 5 listed "$R"
runin "$(ct_path "$R")" "$HELPERS/forkbomb" 20
for i in $(seq 100); do kill -HUP "$DAEMON"; sleep 0.01; done
wait_for 10 frozen_kernel "$R"
check "the bomb is frozen through 100 SIGHUPs" frozen_kernel "$R"
check "alive after the storm" kill -0 "$DAEMON"
n=$(grep -c 'configuration reloaded' "$LOG")
check "the reloads were taken ($n logged)" [ "$n" -ge 1 ]
check "sentinel held after the storm" sentinel_raise_held
eq "status still answers, with every container" "$(ctl status --json | grep -o '"id"' | wc -l)" 3
end_ct "$R"
stop_daemon; eq "clean stop after the storm" $? 0

# Of the root cgroup's files, only limits and freezers: others on this
# host move processes and such there.
# cgroup.events is the kernel's own (populated, frozen), not a write.
outside=$(grep -v '/cgroup\.events$' "$WORK/outside" | grep -E "/$T(/docker)?/[^/]*\$|/(pids\.max|memory\.limit_in_bytes|memory\.max|cpu\.cfs_quota_us|cpu\.max|freezer\.state|cgroup\.freeze|cgroup\.kill)\$" | \
	sort -u | head -n 5)
eq "no file of a parent of the containers was written" "$outside" ""
kill "$WATCHER" 2>/dev/null
check "no sanitizer report in the log" sh -c "! grep -q -E 'Sanitizer|runtime error' '$LOG'"
finish
