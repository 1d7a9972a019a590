# Inside a VM whose PID 1 is systemd (tests/vm/run-v2-systemd): `make
# install` to the VM's own root, then the hardened cgwarden.service runs
# as the unit file says: READY reached, its own slice, OOM-proof, only
# the capabilities it keeps, and still able to write ceilings and their
# xattrs to cgroupfs, answer on the control socket and serve metrics.
# A reload and a stop keep the limits.  (/ is an overlay: nothing of the
# install outlives the VM.)
. "$(dirname "$0")/../system/lib.sh"
[ "$(cat /proc/1/comm)" = systemd ] || skip_all "PID 1 is not systemd"
[ "${CGWARDEN_VM:-}" = 1 ] || skip_all "installs to /: only inside the VM"

trap 'systemctl stop cgwarden 2>/dev/null; cleanup' EXIT
BUILD_REL=${BUILD#"$TOP"/}
make -s -C "$TOP" install BUILD="$BUILD_REL" PREFIX=/usr/local > "$WORK/install.log" 2>&1
check "make install into the VM's root" test -x /usr/local/sbin/cgwardend
A=$(cid 950)
mkct "$A"
SOCK=/run/cgwarden/cgwarden.sock
METRICS_LISTEN=127.0.0.1:9447 write_conf <<EOF2
[defaults]
pids_max = 77
EOF2
cp "$CONF" /etc/cgwarden/cgwarden.conf
# The unit wants docker.service; no dockerd in this VM.
systemctl mask --runtime --quiet docker.service docker.socket
systemctl daemon-reload
check "systemctl start (Type=notify: READY=1 reached)" systemctl start cgwarden
eq "active" "$(systemctl show -P ActiveState cgwarden)" active
PID=$(systemctl show -P MainPID cgwarden)
eq "in its own slice, outside the containers'" "$(cat /proc/"$PID"/cgroup)" "0::/cgwarden.slice/cgwarden.service"
eq "OOMScoreAdjust=-1000" "$(cat /proc/"$PID"/oom_score_adj)" -1000
# CAP_KILL (5), CAP_PERFMON (38), CAP_BPF (39), nothing else.
eq "effective capabilities: exactly the three it keeps" \
    "$(awk '/^CapEff/ {print $2}' /proc/"$PID"/status)" 000000c000000020
check "mlockall without CAP_IPC_LOCK (LimitMEMLOCK=infinity)" \
    sh -c "[ \"\$(awk '/^VmLck/ {print \$2}' /proc/$PID/status)\" -gt 0 ]"
eq "NoNewPrivileges" "$(awk '/^NoNewPrivs/ {print $2}' /proc/"$PID"/status)" 1
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 77 ]"
eq "writes a ceiling to cgroupfs under ProtectSystem=strict" "$(pids_max "$(ct_path "$A")")" 77
check "and its user.* xattr note, without CAP_SYS_ADMIN" \
    sh -c "getfattr -n user.cgwarden.pids_max $PIDS_H/$(ct_path "$A") 2>/dev/null | grep -q user.cgwarden"
check "control socket in RuntimeDirectory" sh -c "$CGWARDENCTL status --json | grep -q $A"
eq "control socket mode" "$(stat -c %a "$SOCK")" 600
check "metrics on 127.0.0.1:9447" sh -c "curl -sf --max-time 5 http://127.0.0.1:9447/metrics | grep -q 'cgwarden_container_pids_max{id=\"$A\".*} 77'"
check "systemctl reload" systemctl reload cgwarden
sleep 0.5
eq "same process after reload" "$(systemctl show -P MainPID cgwarden)" "$PID"
check "systemctl stop" systemctl stop cgwarden
eq "the limit stays after stop" "$(pids_max "$(ct_path "$A")")" 77
eq "clean stop, no failure" "$(systemctl show -P Result cgwarden)" success
finish
