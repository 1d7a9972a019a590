# Shared by the end-to-end tests: the system-test helpers, a private
# dockerd (containers survive its restarts) with busybox imported under
# the given image names, and a config pointing cgwardend at it.
# Source with the image names as arguments.
. "$(dirname "$0")/../system/lib.sh"
command -v dockerd >/dev/null || skip_all "docker.io not installed"
. "$TOP/tests/docker/dockerd.sh"
export DOCKER_CGROUP_PARENT=/cgwarden-test-docker-$$
export DOCKERD_LIVE_RESTORE=1
P=${DOCKER_CGROUP_PARENT#/}

# A frozen task takes no SIGKILL until it is thawed, so neither docker rm
# -f (which only resumes what Docker itself paused) nor dockerd_stop can
# end a container a test left frozen.  With cgwardend gone (cleanup), kill
# every container through the unified tree and let go of every freezer.
release_containers() {
	[ -n "$V2" ] && for f in "$V2/$P"/*/cgroup.kill; do
		[ -f "$f" ] && echo 1 > "$f" 2>/dev/null
	done
	[ -n "$V2" ] && for f in "$V2/$P"/*/cgroup.freeze; do
		[ -f "$f" ] && echo 0 > "$f" 2>/dev/null
	done
	[ -n "$FRZ_H" ] && [ "$FRZ_H" != "$V2" ] && for f in "$FRZ_H/$P"/*/freezer.state; do
		[ -f "$f" ] && echo THAWED > "$f" 2>/dev/null
	done
	return 0
}
trap 'cleanup; release_containers; dockerd_stop' EXIT
dockerd_start || { bad "private dockerd did not start"; finish; exit 1; }
dockerd_import_busybox "$@" >/dev/null
PATTERNS="$P/*"
DOCKER_SOCKET_CONF=$DOCKER_SOCK
DATA_ROOT_CONF=$DOCKER_DATA_ROOT

# pause_freezer ID: FROZEN or THAWED, as the freezer that Docker's pause
# writes says it: the v1 freezer where the host has one (hybrid, v1), else
# (pure v2) the container's cgroup.freeze, confirmed by the kernel's
# "frozen" in cgroup.events; anything between is printed as it is.
if [ "$FRZ_H" != "$V2" ]; then PAUSE_FREEZER="the v1 freezer"; else PAUSE_FREEZER="cgroup.freeze"; fi
pause_freezer() {
	if [ "$FRZ_H" != "$V2" ]; then rd "$FRZ_H/$P/$1/freezer.state"; return; fi
	_f=$(rd "$V2/$P/$1/cgroup.freeze")
	_e=$(sed -n 's/^frozen //p' "$V2/$P/$1/cgroup.events" 2>/dev/null)
	case $_f:$_e in 1:1) echo FROZEN ;; 0:0) echo THAWED ;; *) echo "cgroup.freeze $_f, frozen $_e" ;; esac
}

# stopped_in DIR: how many processes of the cgroup DIR are stopped (state
# T): none once a freeze handed over with SIGSTOP has been let go.
stopped_in() {
	for _p in $(cat "$1/cgroup.procs" 2>/dev/null); do
		sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$_p/stat" 2>/dev/null
	done | grep -c '^[Tt]$'
}

# static_helper NAME: tests/helpers/NAME.c linked statically as $WORK/NAME,
# to bind-mount into a busybox container (the copies in build/helpers need
# the host's libc, which the image does not have).
static_helper() {
	cc -static -O2 -pthread -o "$WORK/$1" "$TOP/tests/helpers/$1.c" ||
		{ bad "cannot link $1 statically (libc6-dev's libc.a)"; return 1; }
}
