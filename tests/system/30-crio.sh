# CRI-O is not in Debian: its layout and annotations, made by the test.
# Pod cgroups as CRI-O makes them under the kubelet with both drivers
# (systemd: kubepods.slice/.../crio-<id>.scope beside crio-conmon-<id>.scope;
# cgroupfs: kubepods/<qos>/pod<uid>/crio-<id>), and each container's
# config.json in its run storage (<storage>/overlay-containers/<id>/userdata/)
# with CRI-O's annotations.  cgwardend knows each from them: runtime crio,
# image, name, namespace, pod; holds the image's ceiling (a namespace rule
# first); never takes conmon's scope for a container; never limits nor acts
# on the sandbox; and kills a C bomb (no action in any file: the
# Kubernetes default).
. "$(dirname "$0")/lib.sh"

UID_=5e6f7a8b-9c0d-4e1f-a2b3-$(printf '%012x' $$)
UIDU=$(echo "$UID_" | tr - _)
xid() { printf 'c%03x%060x' "$1" "$$"; }
SB=$(xid 1) APP=$(xid 2) BOMB=$(xid 3) OTHER=$(xid 4)
SYS=$T/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$UIDU.slice
FS=$T/kubepods/besteffort/pod$UID_
STORE=$WORK/storage

userdata() { # userdata ID TYPE IMAGE NAME NAMESPACE POD
	mkdir -p "$STORE/overlay-containers/$1/userdata"
	cat > "$STORE/overlay-containers/$1/userdata/config.json" <<EOF2
{"ociVersion":"1.0.2-dev","process":{"args":["/bin/sh"]},"root":{"path":"/x"},
 "annotations":{"io.container.manager":"cri-o","io.kubernetes.cri-o.ContainerType":"$2",
  "io.kubernetes.cri-o.ImageName":"$3","io.kubernetes.container.name":"$4",
  "io.kubernetes.cri-o.ContainerName":"k8s_$4_$6_$5_${UID_}_0",
  "io.kubernetes.cri-o.Namespace":"$5","io.kubernetes.pod.namespace":"$5",
  "io.kubernetes.pod.name":"$6","io.kubernetes.pod.uid":"$UID_",
  "io.kubernetes.cri-o.SandboxName":"k8s_$6_$5_${UID_}_0"},
 "linux":{"cgroupsPath":"kubepods-burstable-pod$UIDU.slice:crio:$1"}}
EOF2
}
# Their config.json first: CRI-O writes it before runc makes the cgroup.
userdata "$SB" sandbox "" POD team-c web-0
userdata "$APP" container docker.io/library/nginx:1.25 app team-c web-0
userdata "$BOMB" container registry.example.com/cgw-bomb:1 bomb team-c web-0
userdata "$OTHER" container docker.io/library/nginx:1.25 other default other-0

PATTERNS="$T/kubepods.slice/kubepods-*.slice/kubepods-*-pod*.slice/*.scope $T/kubepods/*/pod*/*" \
    write_conf "crio_storage = $STORE" "podman_socket =" "containerd_state =" <<EOF2
[defaults]
pids_max = 100
[image "nginx"]
namespace = team-c
pids_max = 64
[image "registry.example.com/cgw-bomb"]
pids_max = 50
EOF2
start_daemon || exit 1
check "the start line names crio among the runtimes found" \
	grep -q "runtimes found: crio (absent: docker, podman, containerd)" "$LOG"

mkparent "$SYS"
mkcg "$SYS/crio-conmon-$SB.scope"
mkcg "$SYS/crio-$SB.scope"
mkcg "$SYS/crio-conmon-$APP.scope"
mkcg "$SYS/crio-$APP.scope"
mkcg "$SYS/crio-$BOMB.scope"
mkparent "$FS"
mkcg "$FS/crio-$OTHER"
wait_for 5 listed "$OTHER"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$SYS/crio-$APP.scope/pids.max)\" = 64 ]"
eq "team-c's nginx: the namespace rule's ceiling" "$(pids_max "$SYS/crio-$APP.scope")" 64
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$FS/crio-$OTHER/pids.max)\" = 100 ]"
eq "nginx in another namespace (cgroupfs driver): the defaults" "$(pids_max "$FS/crio-$OTHER")" 100
eq "status: runtime" "$(status_field "$APP" runtime)" crio
eq "status: image, from CRI-O's annotation" "$(status_field "$APP" image)" docker.io/library/nginx:1.25
eq "status: name, the pod spec's" "$(status_field "$APP" name)" app
eq "status: namespace" "$(status_field "$APP" namespace)" team-c
eq "status: pod" "$(status_field "$APP" pod)" web-0
eq "status: pod uid, from the slice" "$(status_field "$APP" pod_uid)" "$UID_"
eq "status: the other's pod uid, from the cgroupfs path" "$(status_field "$OTHER" pod_uid)" "$UID_"
eq "status: rule" "$(status_field "$APP" rule)" nginx
eq "status: a spike would kill it (the Kubernetes default)" "$(status_field "$APP" action)" kill
n=$(ctl status --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
eq "four containers: conmon's scopes are none" "$n" 4
check "no conmon scope listed" sh -c "! $CGWARDENCTL -s $SOCK status --json | grep -q conmon"
eq "the conmon scope's pids.max is left alone" "$(pids_max "$SYS/crio-conmon-$APP.scope")" max

eq "status: the sandbox is one" "$(status_field "$SB" sandbox)" True
eq "the sandbox's pids.max is left alone" "$(pids_max "$SYS/crio-$SB.scope")" max
runin "$SYS/crio-$SB.scope"
reply=$(ctl kill "$SB" 2>&1); rc=$?
case $rc:$reply in 0:*) bad "cgwardenctl kill of the sandbox succeeded" ;;
*sandbox*) ok "cgwardenctl kill refuses the sandbox, saying why" ;;
*) bad "cgwardenctl kill of the sandbox failed for another reason: $reply" ;; esac
check "the sandbox's process lives on" [ -n "$(rd "$PIDS_H/$SYS/crio-$SB.scope/cgroup.procs")" ]

# A C bomb in the pod: its ceiling, then killed.
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$SYS/crio-$BOMB.scope/pids.max)\" = 50 ]"
eq "the bomb's ceiling before it starts" "$(pids_max "$SYS/crio-$BOMB.scope")" 50
runin "$SYS/crio-$BOMB.scope" "$HELPERS/forkbomb" 20
empty() { [ -z "$(rd "$PIDS_H/$SYS/crio-$BOMB.scope/cgroup.procs")" ]; }
wait_for 10 empty
check "the bomb is dead: no process left" empty
check "the log names its pod" \
	grep -q "killed every process of container bomb ($(short "$BOMB")) in pod team-c/web-0" "$LOG"
eq "status: killed" "$(status_field "$BOMB" state)" killed
check "the sandbox's process still lives" [ -n "$(rd "$PIDS_H/$SYS/crio-$SB.scope/cgroup.procs")" ]
finish
