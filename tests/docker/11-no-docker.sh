# Docker absent when cgwardend starts: images come from Docker's on-disk
# config and the right rules apply at once; when Docker comes up, the
# link is made and new containers are handled.
. "$(dirname "$0")/../system/lib.sh"
command -v dockerd >/dev/null || skip_all "docker.io not installed"
. "$TOP/tests/docker/dockerd.sh"
export DOCKER_CGROUP_PARENT=/cgwarden-test-docker-$$
export DOCKERD_LIVE_RESTORE=1
trap 'cleanup; dockerd_stop' EXIT
dockerd_start || { bad "private dockerd did not start"; finish; exit 1; }
dockerd_import_busybox cgw-busybox nginx:1.25 >/dev/null
P=${DOCKER_CGROUP_PARENT#/}
docker run -d --name web nginx:1.25 sleep 1000 >/dev/null
WEB=$(ct_id web)
_dk_stop_pid "$DOCKERD_PID" 60

{
	echo "[global]"
	echo "cgroup_root = $CGROUP_ROOT"
	echo "container_cgroups = $P/*"
	echo "interval = 200ms"
	echo "docker_socket = $DOCKER_SOCK"
	echo "docker_data_root = $DOCKER_DATA_ROOT"
	echo "metrics_listen ="
	echo "control_socket = $SOCK"
	echo "[defaults]"
	echo "pids_max = 100"
	echo "[image \"nginx\"]"
	echo "pids_max = 256"
} > "$CONF"
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$P/$WEB/pids.max)\" = 256 ]"
eq "Docker down at start: image rule from the on-disk config" "$(cat "$PIDS_H/$P/$WEB/pids.max")" 256
eq "status name from disk" "$(status_field "$WEB" name)" web
eq "status image from disk" "$(status_field "$WEB" image)" nginx:1.25
check "unreachable Docker logged once" sh -c "[ \$(grep -c 'Docker API at .* unreachable' $LOG) -eq 1 ]"

_dk_launch_dockerd && _dk_wait_dockerd
wait_for 40 grep -q "Docker API at .* connected\|is back" "$LOG"
check "link made when Docker comes up" grep -q "Docker API at .* \(connected\|is back\)" "$LOG"
docker run -d --name web2 nginx:1.25 sleep 1000 >/dev/null
W2=$(ct_id web2)
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$P/$W2/pids.max)\" = 256 ]"
eq "a new container then gets its image's ceiling" "$(cat "$PIDS_H/$P/$W2/pids.max")" 256
finish
