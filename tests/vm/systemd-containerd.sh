# Inside a VM whose PID 1 is systemd (tests/vm/run-v2-systemd): Kubernetes
# pods on containerd under the kubelet's systemd cgroup driver, made as
# its CRI plugin makes them (`ctr -n k8s.io run --runc-systemd-cgroup`
# with a kubepods-<qos>-pod<uid>.slice:cri-containerd:<id> cgroupsPath and
# the CRI annotations), burstable and guaranteed.  cgwardend finds them
# with its built-in container_cgroups, knows them from their bundles
# (runtime, pod, uid from the slice), holds the image's ceiling through
# systemd (TasksMax on the cri-containerd scope, kept over a
# daemon-reload), and leaves the sandbox alone.  The VM is its own
# machine: kubepods.slice is this test's.
. "$(dirname "$0")/../system/lib.sh"
. "$TOP/tests/runtimes/cgroups.sh"
. "$TOP/tests/runtimes/containerd.sh"
[ "$(cat /proc/1/comm)" = systemd ] || skip_all "PID 1 is not systemd"
containerd_available || skip_all "$CTD_SKIP"
trap 'containerd_stop; cleanup' EXIT

containerd_start || { bad "private containerd did not start"; finish; exit 1; }
R=$CTD_DIR/rootfs
ctd_rootfs "$R"
UID_=3c4d5e6f-7a8b-4c9d-8e0f-$(printf '%012x' $$)
UIDU=$(echo "$UID_" | tr - _)
kid() { printf 'e%03x%060x' "$1" "$$"; }
SB=$(kid 1) APP=$(kid 2) GA=$(kid 3)
BURST=kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$UIDU.slice
GUAR=kubepods.slice/kubepods-pod$UIDU.slice
# The default container_cgroups: write_conf's line is dropped.
write_conf "containerd_state = $CTD_STATE" "podman_socket =" "crio_storage =" <<EOF2
[defaults]
pids_max = 100
[image "registry.example.com/team/app"]
pids_max = 64
EOF2
sed -i '/^container_cgroups = /d' "$CONF"
start_daemon || exit 1

ann="io.kubernetes.cri.sandbox-namespace=team-s io.kubernetes.cri.sandbox-name=web-0 io.kubernetes.cri.sandbox-uid=$UID_"
# shellcheck disable=SC2086
CTD_RUN_ARGS=--runc-systemd-cgroup ctd_run "$SB" "kubepods-burstable-pod$UIDU.slice:cri-containerd:$SB" "$R" \
	$ann io.kubernetes.cri.container-type=sandbox -- sleep 1000
# shellcheck disable=SC2086
CTD_RUN_ARGS=--runc-systemd-cgroup ctd_run "$APP" "kubepods-burstable-pod$UIDU.slice:cri-containerd:$APP" "$R" \
	$ann io.kubernetes.cri.container-type=container io.kubernetes.cri.container-name=app \
	io.kubernetes.cri.image-name=registry.example.com/team/app:2 -- sleep 1000
# shellcheck disable=SC2086
CTD_RUN_ARGS=--runc-systemd-cgroup ctd_run "$GA" "kubepods-pod$UIDU.slice:cri-containerd:$GA" "$R" \
	$ann io.kubernetes.cri.container-type=container io.kubernetes.cri.container-name=db \
	io.kubernetes.cri.image-name=busybox:1 -- sleep 1000
SA=$V2/$BURST/cri-containerd-$APP.scope
check "runc made the scope below the pod's slice" wait_for 10 test -f "$SA/pids.max"
wait_for 10 sh -c "[ \"\$(cat $SA/pids.max 2>/dev/null)\" = 64 ]"
eq "the app's image ceiling on its cri-containerd scope" "$(cat "$SA/pids.max")" 64
eq "systemd holds it: TasksMax" "$(systemctl show -P TasksMax "cri-containerd-$APP.scope")" 64
wait_for 5 sh -c "[ \"\$(cat $V2/$GUAR/cri-containerd-$GA.scope/pids.max 2>/dev/null)\" = 100 ]"
eq "a guaranteed pod's container, directly below kubepods.slice" \
	"$(cat "$V2/$GUAR/cri-containerd-$GA.scope/pids.max")" 100
wait_for 5 sh -c "[ \"\$($CGWARDENCTL -s $SOCK status --json | grep -c '\"runtime\": *\"containerd\"')\" -ge 3 ]"
eq "status: runtime" "$(status_field "$APP" runtime)" containerd
eq "status: namespace" "$(status_field "$APP" namespace)" team-s
eq "status: pod uid, from the slice's name" "$(status_field "$APP" pod_uid)" "$UID_"
eq "status: limits through systemd" "$(status_field "$APP" limits_via)" systemd
eq "status: the sandbox" "$(status_field "$SB" sandbox)" True
check "the sandbox's pids.max is not the defaults'" \
	[ "$(cat "$V2/$BURST/cri-containerd-$SB.scope/pids.max")" != 100 ]
systemctl daemon-reload
sleep 0.5
eq "daemon-reload keeps the ceiling" "$(cat "$SA/pids.max")" 64
finish
