# Past the open-file limit the daemon keeps enforcing: files it cannot
# hold open are opened at each read, and it says so once.
. "$(dirname "$0")/lib.sh"

N=20
write_conf <<EOF2
[defaults]
pids_max = 100
EOF2
for i in $(seq $N); do mkct "$(cid $((700 + i)))"; done
runin "$(ct_path "$(cid $((700 + N)))")"
# Two held files per container (pids.current, pids.events): 48 fds run
# out after a dozen.
(ulimit -n 48; exec "$CGWARDEND" -d -c "$CONF") >> "$LOG" 2>&1 &
DAEMON=$!
wait_for 10 test -S "$SOCK" || bad "daemon did not start"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$(cid $((700 + N)))")/pids.max)\" = 100 ]"
n=0
for i in $(seq $N); do [ "$(pids_max "$(ct_path "$(cid $((700 + i)))")")" = 100 ] && n=$((n + 1)); done
eq "every container got its ceiling" "$n" "$N"
check "the fd limit was reached and said once" sh -c "[ \$(grep -c 'open file limit reached' $LOG) -eq 1 ]"
sleep 0.3
eq "a container past the limit is still sampled" "$(status_field "$(cid $((700 + N)))" pids_current)" 1
echo 5000 > "$PIDS_H/$(ct_path "$(cid $((700 + N)))")/pids.max"
wait_for 3 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$(cid $((700 + N)))")/pids.max)\" = 100 ]"
eq "and its raised limit is lowered back" "$(pids_max "$(ct_path "$(cid $((700 + N)))")")" 100
finish
