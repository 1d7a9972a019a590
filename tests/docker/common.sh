# Shared by the end-to-end tests: the system-test helpers, a private
# dockerd (containers survive its restarts) with busybox imported under
# the given image names, and a config pointing cgwardend at it.
# Source with the image names as arguments.
. "$(dirname "$0")/../system/lib.sh"
command -v dockerd >/dev/null || skip_all "docker.io not installed"
. "$TOP/tests/docker/dockerd.sh"
export DOCKER_CGROUP_PARENT=/cgwarden-test-docker-$$
export DOCKERD_LIVE_RESTORE=1
trap 'cleanup; dockerd_stop' EXIT
dockerd_start || { bad "private dockerd did not start"; finish; exit 1; }
dockerd_import_busybox "$@" >/dev/null
P=${DOCKER_CGROUP_PARENT#/}
PATTERNS="$P/*"
DOCKER_SOCKET_CONF=$DOCKER_SOCK
DATA_ROOT_CONF=$DOCKER_DATA_ROOT
