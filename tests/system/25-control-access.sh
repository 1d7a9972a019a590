# Who may do what on the control socket: root everything; members of
# control_admin_group also thaw, kill and reload; members of
# control_group only read (status, stats, events); anyone else cannot
# even connect (the socket is 0660, group control_group).
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || skip_all "no setpriv"

A=$(cid 2501)
mkct "$A"
write_conf "control_group = 4242" "control_admin_group = 4243" <<EOF2
[defaults]
pids_max = 100
EOF2
start_daemon || exit 1
wait_for 5 listed "$A"
chmod 711 "$WORK"
as() { # as GROUPS CMD...: run cgwardenctl as nobody with these groups
	g=$1; shift
	setpriv --reuid=65534 --regid=65534 --groups="$g" "$CGWARDENCTL" -s "$SOCK" "$@" 2>&1
}
eq "the socket: group 4242, mode 0660" "$(stat -c '%g %a' "$SOCK")" "4242 660"
out=$(as 65534 status); rc=$?
eq "a stranger cannot connect (exit 2)" "$rc" 2
out=$(as 4242 status --json); rc=$?
eq "control_group: status works" "$rc" 0
case $out in *"$A"*) ok "control_group: status lists the container" ;; *) bad "status: $out" ;; esac
out=$(as 4242 kill "$A"); rc=$?
case "$rc:$out" in 1:*"permission denied"*"control_admin_group"*) ok "control_group: kill refused, and says who may" ;; *) bad "kill as reader: $rc $out" ;; esac
out=$(as 4242 reload); rc=$?
case "$rc:$out" in 1:*"permission denied"*) ok "control_group: reload refused" ;; *) bad "reload as reader: $rc $out" ;; esac
out=$(as 4242,4243 reload); rc=$?
eq "control_admin_group: reload works" "$rc" 0
runin "$(ct_path "$A")" sleep 1000
out=$(as 4242,4243 kill "$A"); rc=$?
eq "control_admin_group: kill works" "$rc" 0
check "the log names no refusal for the admin" kill -0 "$DAEMON"
finish
