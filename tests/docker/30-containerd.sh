# Kubernetes pods on containerd, without a kubelet: a private containerd
# runs containers the way its CRI plugin does (`ctr -n k8s.io run` with
# the CRI annotations and a kubepods cgroupsPath, cgroupfs driver:
# burstable and guaranteed pods), a pause-like sandbox among them.
# cgwardend knows them from their OCI bundles: image, name, pod and
# namespace; each gets its image's ceiling (a namespace rule first); the
# sandbox is never limited nor acted on, even when it forks 300 at once;
# a C bomb is killed (the Kubernetes default) and one whose rule says
# freeze is frozen.  The audit checks each container's OCI spec: one on
# the host's network with an added capability, /etc and containerd's own
# socket mounted is told, and frozen as its rule's on_docker_socket says.
. "$(dirname "$0")/../system/lib.sh"
. "$TOP/tests/runtimes/cgroups.sh"
. "$TOP/tests/runtimes/containerd.sh"
containerd_available || skip_all "$CTD_SKIP"
trap 'kill_tree; containerd_stop; cleanup; rm_cgroups "$T"' EXIT

cc -static -O2 -o "$WORK/forkbomb" "$TOP/tests/helpers/forkbomb.c" ||
	{ bad "cannot link forkbomb statically"; finish; exit 1; }
containerd_start || { bad "private containerd did not start"; finish; exit 1; }
R=$CTD_DIR/rootfs
ctd_rootfs "$R" && cp "$WORK/forkbomb" "$R/bin/forkbomb"

UA=0b4f5e2a-1c2d-4e5f-8a9b-$(printf '%012x' $$)
UB=7c1e9d3f-2a4b-4c5d-9e6f-$(printf '%012x' $$)
kid() { printf '%02x%062x' "$1" "$$"; }
SB=$(kid 1) APP=$(kid 2) KB=$(kid 3) FB=$(kid 4) APP2=$(kid 5)
PA=$T/kubepods/burstable/pod$UA
PB=$T/kubepods/pod$UB
ann_pod() { # ann_pod NAMESPACE POD UID TYPE
	echo "io.kubernetes.cri.sandbox-namespace=$1 io.kubernetes.cri.sandbox-name=$2" \
	    "io.kubernetes.cri.sandbox-uid=$3 io.kubernetes.cri.container-type=$4"
}
gate() { : > "$R/tmp/go-$1"; }
gated() { echo "while [ ! -e /tmp/go-$1 ]; do sleep 0.05; done; rm -f /tmp/go-$1; $2"; }

PATTERNS="$T/kubepods/*/pod*/* $T/kubepods/pod*/*" INTERVAL=1s write_conf \
    "containerd_state = $CTD_STATE" "podman_socket =" "crio_storage =" \
    "max_actions_per_minute = 30" <<EOF2
[defaults]
pids_max = 100
[image "registry.example.com/team/*"]
namespace = team-b
pids_max = 77
[image "registry.example.com/team/app"]
pids_max = 64
[image "cgw-bomb"]
pids_max = 50
[image "cgw-freezebomb"]
pids_max = 50
action = freeze
[image "cgw-risky"]
on_docker_socket = freeze
EOF2
start_daemon || exit 1
ctl events --json > "$WORK/events.jsonl" 2>&1 &
STARTED="$STARTED $!"
check "the start line names containerd among the runtimes found" \
	grep -q "runtimes found: containerd (absent: docker, podman, crio)" "$LOG"

# Pod web-0 of team-a: its sandbox first, as the kubelet does.
# shellcheck disable=SC2046
ctd_run "$SB" "/$PA/$SB" "$R" $(ann_pod team-a web-0 "$UA" sandbox) -- \
	sh -c "$(gated sb 'for i in $(seq 300); do sleep 1000 & done; wait')"
# shellcheck disable=SC2046
ctd_run "$APP" "/$PA/$APP" "$R" $(ann_pod team-a web-0 "$UA" container) \
	io.kubernetes.cri.container-name=app \
	io.kubernetes.cri.image-name=registry.example.com/team/app:2 -- sleep 1000
# Pod db-0 of team-b, guaranteed: directly below kubepods.
# shellcheck disable=SC2046
ctd_run "$APP2" "/$PB/$APP2" "$R" $(ann_pod team-b db-0 "$UB" container) \
	io.kubernetes.cri.container-name=db \
	io.kubernetes.cri.image-name=registry.example.com/team/app:2 -- sleep 1000
wait_for 10 listed "$APP2"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$PA/$APP/pids.max)\" = 64 ]"
eq "team-a's app: its image's ceiling" "$(pids_max "$PA/$APP")" 64
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$PB/$APP2/pids.max)\" = 77 ]"
eq "the same image in team-b: the namespace rule's ceiling" "$(pids_max "$PB/$APP2")" 77
eq "status: runtime" "$(status_field "$APP" runtime)" containerd
eq "status: namespace" "$(status_field "$APP" namespace)" team-a
eq "status: pod" "$(status_field "$APP" pod)" web-0
eq "status: pod uid, from the cgroup path" "$(status_field "$APP" pod_uid)" "$UA"
eq "status: name, from the bundle" "$(status_field "$APP" name)" app
eq "status: image, from the bundle" "$(status_field "$APP" image)" registry.example.com/team/app:2
eq "status: rule" "$(status_field "$APP" rule)" registry.example.com/team/app
eq "status: a spike would kill it (no action in any file: the Kubernetes default)" \
	"$(status_field "$APP" action)" kill
eq "status of team-b's: rule" "$(status_field "$APP2" rule)" "registry.example.com/team/*"
eq "status of team-b's: namespace" "$(status_field "$APP2" namespace)" team-b

# The sandbox: listed, never limited, never judged.
wait_for 5 listed "$SB"
eq "status: the sandbox is one" "$(status_field "$SB" sandbox)" True
eq "status: no action for the sandbox" "$(status_field "$SB" action)" none
eq "the sandbox's pids.max is left as runc made it" "$(pids_max "$PA/$SB")" max
gate sb
wait_for 10 sh -c "[ \$(cat $PIDS_H/$PA/$SB/pids.current) -ge 301 ]"
check "the sandbox forked 300 at once" [ "$(rd "$PIDS_H/$PA/$SB/pids.current")" -ge 301 ]

# A C bomb, no action in any file: killed, the kubelet would restart it.
# shellcheck disable=SC2046
ctd_run "$KB" "/$PA/$KB" "$R" $(ann_pod team-a web-0 "$UA" container) \
	io.kubernetes.cri.container-name=bomb io.kubernetes.cri.image-name=cgw-bomb:1 -- \
	sh -c "$(gated kb 'exec /bin/forkbomb 20')"
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$PA/$KB/pids.max 2>/dev/null)\" = 50 ]"
eq "the bomb's ceiling is in place before it starts" "$(pids_max "$PA/$KB")" 50
gate kb
wait_for 15 sh -c "ctr -a $CTD_SOCK -n k8s.io task ls | grep '^$KB' | grep -q STOPPED"
check "containerd says the bomb's task stopped" \
	sh -c "ctr -a $CTD_SOCK -n k8s.io task ls | grep '^$KB' | grep -q STOPPED"
check "the log says it was killed, naming its pod" \
	grep -q "killed every process of container bomb ($(short "$KB")) in pod team-a/web-0" "$LOG"
wait_for 5 grep -q "\"kind\": *\"kill\".*\"id\": *\"$KB\"" "$WORK/events.jsonl"
check "the kill event carries runtime, namespace and pod" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("kind") == "kill" and e.get("id") == sys.argv[2]:
        sys.exit(0 if (e["runtime"], e["namespace"], e["pod"]) == ("containerd", "team-a", "web-0") else 1)
sys.exit(1)' "$WORK/events.jsonl" "$KB"

# A C bomb under action = freeze: frozen by cgwarden, pod and all.
# shellcheck disable=SC2046
ctd_run "$FB" "/$PA/$FB" "$R" $(ann_pod team-a web-0 "$UA" container) \
	io.kubernetes.cri.container-name=fbomb io.kubernetes.cri.image-name=cgw-freezebomb:1 -- \
	sh -c "$(gated fb 'exec /bin/forkbomb 20')"
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$PA/$FB/pids.max 2>/dev/null)\" = 50 ]"
eq "the freeze bomb's ceiling is in place before it starts" "$(pids_max "$PA/$FB")" 50
gate fb
wait_for 10 state_is "$FB" frozen
eq "status: the freeze bomb is frozen" "$(status_field "$FB" state)" frozen
check "the kernel says frozen" sh -c "grep -q '^frozen 1' $V2/$PA/$FB/cgroup.events 2>/dev/null ||
	grep -q FROZEN $FRZ_H/$PA/$FB/freezer.state"
n1=$(rd "$PIDS_H/$PA/$FB/pids.current"); sleep 0.3; n2=$(rd "$PIDS_H/$PA/$FB/pids.current")
eq "frozen: its process count holds still ($n1)" "$n2" "$n1"

# After both bombs: the sandbox was never touched.
eq "status: the sandbox still runs" "$(status_field "$SB" state)" running
check "the sandbox still has its 300" [ "$(rd "$PIDS_H/$PA/$SB/pids.current")" -ge 301 ]
check "no spike was told of the sandbox" sh -c "! grep -q '$(short "$SB")' $WORK/events.jsonl"
eq "the sandbox's pids.max is still max" "$(pids_max "$PA/$SB")" max
reply=$(ctl kill "$SB" 2>&1); rc=$?
echo "# cgwardenctl kill of the sandbox: $reply"
case $rc:$reply in 0:*) bad "cgwardenctl kill of the sandbox succeeded" ;;
*sandbox*) ok "cgwardenctl kill refuses the sandbox, saying why" ;;
*) bad "cgwardenctl kill of the sandbox failed for another reason" ;; esac
eq "the app ran on beside them" "$(status_field "$APP" state)" running

# The audit of the OCI specs: ctr's defaults for the app; the sandbox not at all.
check "the app's spec: it runs as root" \
	grep -q "posture: container app ($(short "$APP")).*runs-as-root (medium): process.user.uid is 0" "$LOG"
check "the app's spec: ctr gives it no seccomp profile" \
	grep -q "posture: container app ($(short "$APP")).*seccomp-unconfined (medium): no linux.seccomp" "$LOG"
check "the app's spec: nothing added to its capabilities, no host namespace" \
	sh -c "! grep 'posture: container app ($(short "$APP"))' $LOG | grep -q 'capability-added\|host-namespace'"
check "the sandbox's spec is not audited (the pod's, not a workload)" \
	sh -c "! grep -q 'posture: container .*$(short "$SB")' $LOG"
RK=$(kid 6)
# In the background: a freeze in runc's init would hold ctr run for ever.
# shellcheck disable=SC2046
(CTD_RUN_ARGS="--net-host --cap-add CAP_SYS_PTRACE --mount type=bind,src=/etc,dst=/host-etc,options=rbind:ro --mount type=bind,src=$CTD_SOCK,dst=/run/containerd.sock,options=rbind" \
	ctd_run "$RK" "/$PA/$RK" "$R" $(ann_pod team-a web-0 "$UA" container) \
	io.kubernetes.cri.container-name=risky io.kubernetes.cri.image-name=cgw-risky:1 -- sleep 1000) &
RUN=$!
CTD_IDS="$CTD_IDS $RK"
ran() { ! kill -0 "$RUN" 2>/dev/null; }
wait_for 60 ran
check "ctr run of risky returned: its start was not held by a freeze" ran
kill "$RUN" 2>/dev/null
wait_for 10 listed "$RK"
wait_for 5 grep -q "posture: container risky ($(short "$RK")).*docker-socket-mounted" "$LOG"
check "risky: containerd's socket mounted is told" grep -q \
	"posture: container risky ($(short "$RK")).*docker-socket-mounted (high): bind mount $CTD_SOCK -> /run/containerd.sock is a container runtime's socket" "$LOG"
check "risky: the host's network is told" \
	grep -q "posture: container risky ($(short "$RK")).*host-namespace (medium): no network namespace in linux.namespaces (hostNetwork)" "$LOG"
check "risky: the added capability is told" \
	grep -q "posture: container risky ($(short "$RK")).*capability-added (high): process.capabilities.bounding holds SYS_PTRACE" "$LOG"
check "risky: the host's /etc is told" \
	grep -q "posture: container risky ($(short "$RK")).*host-path-mounted (medium): bind mount of the host's /etc -> /host-etc (read-only)" "$LOG"
check "its task runs" sh -c "ctr -a $CTD_SOCK -n k8s.io task ls | grep '^$RK' | grep -q RUNNING"
wait_for 10 state_is "$RK" frozen
eq "risky: frozen, as its rule's on_docker_socket says" "$(status_field "$RK" state)" frozen
check "risky: the log says why it was frozen" grep -q "mounts its runtime's socket (on_docker_socket)" "$LOG"
# cgwardenctl audit on a node without Docker: the pods' specs, worst first.
out=$(ctl audit --json); rc=$?
eq "audit without Docker: exit 1 (something high)" "$rc" 1
check "audit: risky's socket mount, high, with its name and image" python3 -c '
import json, sys
f = json.loads(sys.argv[1])
sys.exit(0 if any(x["check"] == "docker-socket-mounted" and x["severity"] == "high" and
    x["container"] == sys.argv[2] and x["name"] == "risky" and x["image"] == "cgw-risky:1"
    for x in f) else 1)' "$out" "$RK"
check "audit: worst first, no finding of the sandbox" python3 -c '
import json, sys
f = json.loads(sys.argv[1]); order = ["high", "medium", "low", "info"]
s = [order.index(x["severity"]) for x in f]
sys.exit(0 if s == sorted(s) and f and all(x["container"] != sys.argv[2] for x in f) else 1)' "$out" "$SB"
finish
