# The notes that remember what a ceiling replaced are user.cgwarden.*
# xattrs on a directory root owns (no capability needed to write them).
# On one root does not own (a delegated cgroup, whose owner could write
# user.* notes itself) they are trusted.cgwarden.*, and a user.* note
# there is not believed.  A trusted.* note of an older cgwarden is read.
. "$(dirname "$0")/lib.sh"

A=$(cid 3001) D=$(cid 3002) F=$(cid 3003) O=$(cid 3004)
for c in $A $D $F $O; do mkct "$c"; done
dir() { echo "$PIDS_H/$(ct_path "$1")"; }
xa() { getfattr --only-values -n "$2.cgwarden.pids_max" "$(dir "$1")" 2>/dev/null; }
# D and F are delegated to someone else.  F's owner wrote a note that
# says cgwarden lowered F's max to 100: believed, the next ceiling would
# give F more than it had.
chown 65534 "$(dir "$D")" "$(dir "$F")"
echo 100 > "$(dir "$F")/pids.max"
setfattr -n user.cgwarden.pids_max -v "100 max" "$(dir "$F")"
# O: what an older cgwarden noted: it wrote 100 over max.
echo 100 > "$(dir "$O")/pids.max"
setfattr -n trusted.cgwarden.pids_max -v "100 max" "$(dir "$O")"
write_conf <<EOF2
[defaults]
pids_max = 200
EOF2
start_daemon || exit 1
wait_for 5 [ "$(pids_max "$(ct_path "$A")")" = 200 ]
eq "root's directory: the ceiling" "$(pids_max "$(ct_path "$A")")" 200
eq "and its note is user.cgwarden.pids_max" "$(xa "$A" user)" "200 max"
eq "and no trusted.* note" "$(xa "$A" trusted)" ""
wait_for 5 [ "$(pids_max "$(ct_path "$D")")" = 200 ]
eq "a delegated directory: the ceiling" "$(pids_max "$(ct_path "$D")")" 200
eq "and its note is trusted.cgwarden.pids_max" "$(xa "$D" trusted)" "200 max"
eq "and no user.* note" "$(xa "$D" user)" ""
wait_for 5 [ "$(pids_max "$(ct_path "$O")")" = 200 ]
eq "an older cgwarden's trusted.* note is read: what it took is given back up to the ceiling" \
	"$(pids_max "$(ct_path "$O")")" 200
wait_for 5 listed "$F"
sleep 1 # passes at the interval: none may give F more
eq "a user.* note on a delegated directory is not believed: its own 100 stays" \
	"$(pids_max "$(ct_path "$F")")" 100
finish
