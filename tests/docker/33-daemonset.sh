# cgwarden as the DaemonSet of deploy/kubernetes/cgwarden.yaml, tested
# without a cluster: the manifest's conventions are checked, then
# cgwardend runs *inside a container* of a private dockerd with the pod's
# very settings (its capabilities and nothing more, the host PID
# namespace, a read-only root, no privilege escalation, the ConfigMap's
# config) and its hostPath mounts, each mapped to this test's private
# equivalent (the host's /sys/fs/cgroup; a private containerd's state for
# /run/containerd, read-only).  From there it guards the other containers:
# the ConfigMap's ceilings on Docker's, its namespace and image rules on
# pods known from containerd's bundles through the read-only mount, and a
# C bomb in a neighbour is frozen.
. "$(dirname "$0")/common.sh" cgw-busybox
. "$TOP/tests/runtimes/cgroups.sh"
. "$TOP/tests/runtimes/containerd.sh"
containerd_available || skip_all "$CTD_SKIP"
python3 -c 'import yaml' 2>/dev/null || skip_all "no python3-yaml"
trap 'cleanup; release_containers; containerd_stop; dockerd_stop; rm_cgroups "$T"' EXIT
static_helper forkbomb || { finish; exit 1; }
M=$TOP/deploy/kubernetes/cgwarden.yaml

# The manifest: what a node agent's pod should say.
eval "$(python3 "$TOP/tests/runtimes/manifest.py" "$M" shell)" ||
	{ bad "cannot read $M"; finish; exit 1; }
eq "priorityClassName" "$PRIORITY" system-node-critical
eq "every taint tolerated" "$TOLERATES_ALL" true
eq "resource requests" "$REQUESTS" "cpu memory"
eq "not privileged" "$PRIVILEGED" false
eq "every capability dropped first" "$DROP" ALL
eq "the capabilities added: bpf()'s, kill's and mlockall's" "$CAPS" "SYS_ADMIN KILL IPC_LOCK"
eq "read-only root filesystem" "$RO_ROOT" true
eq "no privilege escalation" "$NO_ESCALATION" true
case " $MOUNTS " in *" /run/containerd:/run/containerd:ro "*) ok "/run/containerd mounted read-only" ;;
*) bad "/run/containerd is not mounted read-only: $MOUNTS" ;; esac
case " $MOUNTS " in *" /sys/fs/cgroup:/sys/fs/cgroup:rw "*) ok "/sys/fs/cgroup mounted (written: ceilings)" ;;
*) bad "/sys/fs/cgroup is not mounted: $MOUNTS" ;; esac
case " $MOUNTS " in *" /dev/kmsg:"*) bad "/dev/kmsg mounted, and cgwardend does not read it" ;;
*) ok "no /dev/kmsg (cgwardend does not read it)" ;; esac

# The image: cgwardend, cgwardenctl and the libraries they link.
IMG=$WORK/img
mkdir -p "$IMG/usr/sbin" "$IMG/usr/bin" "$IMG/etc/cgwarden" "$IMG/run/cgwarden" "$IMG/tmp" \
	"$IMG/proc" "$IMG/sys" "$IMG/dev"
cp "$CGWARDEND" "$IMG/usr/sbin/cgwardend" && cp "$CGWARDENCTL" "$IMG/usr/bin/cgwardenctl"
for lib in $(ldd "$CGWARDEND" "$CGWARDENCTL" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u); do
	mkdir -p "$IMG$(dirname "$lib")" && cp -L "$lib" "$IMG$lib"
done
tar -C "$IMG" --numeric-owner -cf "$WORK/img.tar" . &&
	docker import "$WORK/img.tar" cgw-cgwarden >/dev/null || { bad "cannot build the image"; finish; exit 1; }

# Pods on a private containerd: known only from its bundles.
containerd_start || { bad "private containerd did not start"; finish; exit 1; }
R=$CTD_DIR/rootfs
ctd_rootfs "$R"
UID_=9a8b7c6d-5e4f-4a3b-8c2d-$(printf '%012x' $$)
kid() { printf 'd%03x%060x' "$1" "$$"; }
CI=$(kid 1) KS=$(kid 2)
ctd_run "$CI" "/$T/kubepods/burstable/pod$UID_/$CI" "$R" \
	io.kubernetes.cri.container-type=container io.kubernetes.cri.image-name=registry.example.com/ci/runner:3 \
	io.kubernetes.cri.container-name=runner io.kubernetes.cri.sandbox-name=runner-0 \
	io.kubernetes.cri.sandbox-namespace=ci -- sleep 1000
ctd_run "$KS" "/$T/kubepods/burstable/pod$UID_/$KS" "$R" \
	io.kubernetes.cri.container-type=container io.kubernetes.cri.image-name=registry.k8s.io/coredns/coredns:v1.11.1 \
	io.kubernetes.cri.container-name=coredns io.kubernetes.cri.sandbox-name=coredns-0 \
	io.kubernetes.cri.sandbox-namespace=kube-system -- sleep 1000

# The ConfigMap's config, and a drop-in for this test's own cgroup parents.
mkdir -p "$WORK/etc/conf.d" "$WORK/run" "$WORK/crio"
python3 "$TOP/tests/runtimes/manifest.py" "$M" conf "$WORK/etc/cgwarden.conf"
cat > "$WORK/etc/conf.d/10-test.conf" <<EOF2
[global]
container_cgroups = $P/* $T/kubepods/*/pod*/*
interval = 1s
metrics_listen =
EOF2
# The pod's hostPath mounts, each on this test's own.
VOLS=""
for m in $MOUNTS; do
	src=${m%%:/*}; rest=${m#*:}; dst=${rest%:*}; mode=${rest##*:}
	case $src in
	/sys/fs/cgroup) host=/sys/fs/cgroup ;;
	/run/containerd) host=$CTD_STATE ;;
	/run/containers/storage) host=$WORK/crio ;;
	/run/cgwarden) host=$WORK/run ;;
	configMap=*) host=$WORK/etc ;;
	*) bad "no stand-in for the hostPath $src"; continue ;;
	esac
	VOLS="$VOLS -v $host:$dst:$mode"
done
CAPARGS="--cap-drop $DROP"
for c in $CAPS; do CAPARGS="$CAPARGS --cap-add $c"; done
PIDARG=""; [ "$HOSTPID" = true ] && PIDARG="--pid host"
ROARG=""; [ "$RO_ROOT" = true ] && ROARG="--read-only"
NNP=""; [ "$NO_ESCALATION" = true ] && NNP="--security-opt no-new-privileges"
# shellcheck disable=SC2086
# In its own cgroup namespace, as a pod on a cgroup v2 node (CGROUPNS=host:
# as on a v1 node), where /proc/self/cgroup says "/".
CG=$(docker run -d --name cgwardend --network none --cgroupns "${CGROUPNS:-private}" \
	$CAPARGS $PIDARG $ROARG $NNP $VOLS \
	cgw-cgwarden $COMMAND -d) || { bad "the cgwardend container did not start"; finish; exit 1; }
SOCK=$WORK/run/cgwarden.sock
wait_for 15 test -S "$SOCK"
check "cgwardend answers on the control socket of its hostPath" test -S "$SOCK"
LOGS() { docker logs cgwardend 2>&1; }
check "it runs inside its container (its cgroup is the container's)" \
	sh -c "grep -q '$CG' /proc/\$(docker inspect -f '{{.State.Pid}}' cgwardend)/cgroup"
check "the start line names containerd, through the read-only mount" \
	sh -c "docker logs cgwardend 2>&1 | grep -q 'runtimes found: containerd (absent: docker, podman, crio)'"
check "with the ConfigMap's config and the test's drop-in" \
	sh -c "docker logs cgwardend 2>&1 | grep -q 'image rules'"

# A neighbour under the ConfigMap's defaults.
docker run -d --network none --name web cgw-busybox sleep 1000 >/dev/null
WEB=$(ct_id web)
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$P/$WEB/pids.max 2>/dev/null)\" = 1024 ]"
eq "a Docker neighbour: the ConfigMap's pids_max" "$(rd "$PIDS_H/$P/$WEB/pids.max")" 1024
eq "status: its runtime" "$(status_field "$WEB" runtime)" docker

# Pods, from containerd's bundles through the read-only mount.
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$T/kubepods/burstable/pod$UID_/$CI/pids.max 2>/dev/null)\" = 8192 ]"
eq "a CI pod: the ConfigMap's image rule" "$(rd "$PIDS_H/$T/kubepods/burstable/pod$UID_/$CI/pids.max")" 8192
eq "status: its namespace" "$(status_field "$CI" namespace)" ci
eq "status: its image" "$(status_field "$CI" image)" registry.example.com/ci/runner:3
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$T/kubepods/burstable/pod$UID_/$KS/pids.max 2>/dev/null)\" = 4096 ]"
eq "a kube-system pod: the ConfigMap's namespace rule" \
	"$(rd "$PIDS_H/$T/kubepods/burstable/pod$UID_/$KS/pids.max")" 4096
eq "status: its pod" "$(status_field "$KS" pod)" coredns-0
eq "status: a spike would kill it (the Kubernetes default)" "$(status_field "$KS" action)" kill

# A C bomb in a neighbour: frozen from inside the DaemonSet's container.
docker run -d --network none --name bomb --pids-limit 100 -v "$WORK/forkbomb:/forkbomb:ro" \
	cgw-busybox /forkbomb 20 >/dev/null
BOMB=$(ct_id bomb)
wait_for 10 state_is "$BOMB" frozen
eq "status: the bomb is frozen" "$(status_field "$BOMB" state)" frozen
check "the kernel says frozen" sh -c "grep -q FROZEN $FRZ_H/$P/$BOMB/freezer.state ||
	grep -q '^frozen 1' $V2/$P/$BOMB/cgroup.events"
n1=$(rd "$PIDS_H/$P/$BOMB/pids.current"); sleep 0.3; n2=$(rd "$PIDS_H/$P/$BOMB/pids.current")
eq "frozen: its process count holds still ($n1)" "$n2" "$n1"
check "the spike is in cgwardend's log" sh -c "docker logs cgwardend 2>&1 | grep -q 'spike in container $(short "$BOMB")'"
check "its own container was never a target" \
	sh -c "! docker logs cgwardend 2>&1 | grep -q 'spike in container $(short "$CG")'"
reply=$(ctl kill "$CG" 2>&1); rc=$?
case $rc:$reply in 0:*) bad "cgwardenctl kill of cgwardend's own container succeeded" ;;
*"holds cgwardend"*) ok "cgwardenctl kill of its own container is refused" ;;
*) bad "cgwardenctl kill of its own container failed for another reason: $reply" ;; esac
eq "the DaemonSet's container runs on" "$(docker inspect -f '{{.State.Running}}' cgwardend)" true
docker logs cgwardend > "$LOG" 2>&1
check "fork bursts are counted in the kernel from the container" grep -q 'fork bursts: counted in the kernel' "$LOG"
grep -E 'mlockall|OOM killer' "$LOG" | sed 's/^/# in the container: /' 
docker rm -f cgwardend >/dev/null 2>&1
finish
