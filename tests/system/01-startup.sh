# Containers that exist before the daemon starts get their ceilings; a
# lower limit of their own is kept; status --json agrees with the kernel.
. "$(dirname "$0")/lib.sh"

A=$(cid 1); B=$(cid 2); S=$(cid 3)
mkct "$A"; mkct "$B"; mkct "$S" systemd
mkcg "$T/docker/not-a-container"
echo 50 > "$PIDS_H/$(ct_path "$B")/pids.max"
runin "$(ct_path "$A")"; runin "$(ct_path "$A")"; runin "$(ct_path "$A")"

write_conf <<EOF2
[defaults]
pids_max = 100
memory_max = 64M
cpus = 0.5
EOF2
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 100 ]"

eq "pids.max lowered to the ceiling" "$(pids_max "$(ct_path "$A")")" 100
eq "memory limit lowered to the ceiling" "$(mem_max "$(ct_path "$A")")" 67108864
eq "cpu quota is 0.5 of the period" "$(cpu_quota "$(ct_path "$A")")" 50000
eq "a lower pids limit of its own is kept" "$(pids_max "$(ct_path "$B")")" 50
eq "systemd-driver layout found" "$(pids_max "$(ct_path "$S" systemd)")" 100
eq "a directory without a 64-hex id is left alone" "$(pids_max "$T/docker/not-a-container")" max
eq "the parent is never written" "$(pids_max "$T")" max

sleep 0.3
eq "status lists every container" "$(ctl status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 3
eq "status pids_current = pids.current" "$(status_field "$A" pids_current)" "$(rd "$PIDS_H/$(ct_path "$A")/pids.current")"
eq "status pids_current counts the 3 processes" "$(status_field "$A" pids_current)" 3
eq "status pids_max = pids.max" "$(status_field "$B" pids_max)" 50
eq "status memory_max = the kernel's" "$(status_field "$A" memory_max)" "$(mem_max "$(ct_path "$A")")"
eq "status cpus" "$(status_field "$A" cpus)" 0.5
eq "status rule" "$(status_field "$A" rule)" defaults
eq "status state" "$(status_field "$A" state)" running
# No systemd on the bus here: a systemd-driver scope is written through cgroupfs.
eq "status says how limits were set" "$(status_field "$S" limits_via)" cgroupfs
eq "status fork_failures = pids.events max" "$(status_field "$A" fork_failures)" "$(awk '$1 == "max" {print $2}' "$PIDS_H/$(ct_path "$A")/pids.events")"
check "status table has a row per container" sh -c "[ \$($CGWARDENCTL -s $SOCK status | wc -l) -eq 4 ]"
check "control socket is mode 0600" sh -c "[ \"\$(stat -c %a $SOCK)\" = 600 ]"
check "hierarchy layout logged" grep -qE '(hybrid|cgroup v1|cgroup v2)' "$LOG"
finish
