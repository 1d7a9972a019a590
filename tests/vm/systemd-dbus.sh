# Inside a VM whose PID 1 is systemd (tests/vm/run-v2-systemd): a container
# that is a transient scope, as with Docker's systemd cgroup driver, gets
# its ceilings through systemd's SetUnitProperties, and a daemon-reload
# does not undo them.  Without the D-Bus path (forced off), the cgroupfs
# write is undone by daemon-reload and cgwardend writes it back.
. "$(dirname "$0")/../system/lib.sh"
[ "$(cat /proc/1/comm)" = systemd ] || skip_all "PID 1 is not systemd"

A=$(cid 901); B=$(cid 902)
trap 'systemctl stop docker-$A.scope docker-$B.scope 2>/dev/null; cleanup' EXIT
systemd-run --quiet --scope --unit="docker-$A.scope" --slice=system.slice sleep 1000 &
systemd-run --quiet --scope --unit="docker-$B.scope" --slice=system.slice sleep 1000 &
SA=$V2/system.slice/docker-$A.scope
SB=$V2/system.slice/docker-$B.scope
wait_for 10 test -f "$SA/pids.max" && wait_for 10 test -f "$SB/pids.max"
write_conf <<EOF2
[defaults]
pids_max = 77
memory_max = 64M
cpus = 0.5
EOF2
sed -i "s|^container_cgroups = .*|container_cgroups = system.slice/docker-$A.scope|" "$CONF"
start_daemon || exit 1
wait_for 10 sh -c "[ \"\$(cat $SA/pids.max)\" = 77 ]"
eq "pids.max set" "$(cat "$SA/pids.max")" 77
wait_for 5 sh -c "[ \"\$(cat $SA/memory.max)\" = 67108864 ]"
eq "memory.max set" "$(cat "$SA/memory.max")" 67108864
wait_for 5 sh -c "[ \"\$(cut -d' ' -f1 $SA/cpu.max)\" = 50000 ]"
eq "cpu.max set" "$(cut -d' ' -f1 "$SA/cpu.max")" 50000
eq "systemd holds TasksMax" "$(systemctl show -P TasksMax "docker-$A.scope")" 77
eq "systemd holds MemoryMax" "$(systemctl show -P MemoryMax "docker-$A.scope")" 67108864
check "logged as set through systemd" grep -q "pids.max from .* to 77 .*through systemd" "$LOG"
sleep 0.3
eq "status says systemd" "$(status_field "$A" limits_via)" systemd
systemctl daemon-reload
sleep 0.5
eq "daemon-reload keeps the ceiling" "$(cat "$SA/pids.max")" 77
stop_daemon

# The same scope kind through cgroupfs: systemd undoes it, cgwarden redoes it.
sed -i "s|^container_cgroups = .*|container_cgroups = system.slice/docker-$B.scope|" "$CONF"
CGWARDEN_NO_SYSTEMD=1 start_daemon || exit 1
wait_for 10 sh -c "[ \"\$(cat $SB/pids.max)\" = 77 ]"
eq "fallback: written through cgroupfs" "$(status_field "$B" limits_via)" cgroupfs
short=$(echo "$B" | cut -c1-12)
systemctl daemon-reload
# Within a sample of the reload: seen as a second write in the log.
wait_for 5 sh -c "[ \$(grep -c \"$short.*lowered pids.max from .* to 77\" $LOG) -ge 2 ]"
check "daemon-reload undid the cgroupfs write and cgwarden wrote it again" \
	sh -c "[ \$(grep -c \"$short.*lowered pids.max from .* to 77\" $LOG) -ge 2 ]"
eq "pids.max back at the ceiling" "$(cat "$SB/pids.max")" 77
finish
