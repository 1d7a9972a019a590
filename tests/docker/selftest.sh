#!/bin/bash
# Self-test of tests/docker/dockerd.sh: a private dockerd, busybox images,
# real containers; checks their cgroups in the v1 hierarchies and cgroup2,
# pids.max, the freezer, docker update, inspect, events, the raw API,
# dockerd_restart, and that dockerd_stop leaves nothing behind.
# Prints what it finds (paths, JSON) as "# " lines, `N passed, N failed` last.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/dockerd.sh"

PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
note() { echo "# $*"; }
q() { "$@" >/dev/null; } # quiet: docker pause/update/rm print names
finish() {
	echo "selftest: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
wait_for() { # wait_for SECONDS CMD...
	local n=$(($1 * 20)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.05; n=$((n - 1)); done
	return 1
}

if ! dockerd_available; then
	echo "SKIP: selftest: $DOCKERD_SKIP_REASON" >&2
	echo "selftest: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
trap 'dockerd_stop' EXIT
trap 'exit 130' INT TERM

dockerd_start || { bad "dockerd_start"; finish; exit 1; }
ok "dockerd_start"
note "dockerd up in ${DOCKERD_START_MS} ms (containerd ${CONTAINERD_START_MS} ms); dir $DOCKERD_DIR"
note "DOCKER_HOST=$DOCKER_HOST DOCKER_CGROUP_PARENT=$DOCKER_CGROUP_PARENT CLI=$DOCKER"
eq "docker is Debian's CLI" "$(command -v docker)" "$DOCKERD_DIR/bin/docker"
note "server: $(docker version -f '{{.Server.Version}} API {{.Server.APIVersion}}, containerd {{range .Server.Components}}{{if eq .Name "containerd"}}{{.Version}}{{end}}{{end}}')"
eq "storage driver" "$(docker info -f '{{.Driver}}')" vfs
eq "cgroup driver" "$(docker info -f '{{.CgroupDriver}}')" cgroupfs
check "no key.json written to /etc/docker" [ ! -e /etc/docker/key.json ]

SAVED_DIR=$DOCKERD_DIR SAVED_PARENT=$DOCKER_CGROUP_PARENT

# Images.
IMG2=registry.example.com:5000/team/app:2
t0=$(_dk_now_ms)
check "import busybox as cgw-busybox and $IMG2" dockerd_import_busybox cgw-busybox "$IMG2"
note "import of 2 names: $(($(_dk_now_ms) - t0)) ms"
check "image cgw-busybox" q docker image inspect cgw-busybox -f '{{.Id}}'
check "image $IMG2" q docker image inspect "$IMG2" -f '{{.Id}}'
check "the two names are two image ids" [ "$(docker image inspect -f '{{.Id}}' cgw-busybox)" != "$(docker image inspect -f '{{.Id}}' "$IMG2")" ]

# Containers.
t0=$(_dk_now_ms)
docker run -d --name t1 cgw-busybox sleep 1000 >/dev/null 2>"$DOCKERD_DIR/run.err"
rc=$?; RUN_MS=$(($(_dk_now_ms) - t0))
eq "docker run -d t1" $rc 0
note "docker run -d busybox: $RUN_MS ms"
[ -s "$DOCKERD_DIR/run.err" ] && note "docker run stderr: $(cat "$DOCKERD_DIR/run.err")"
t0=$(_dk_now_ms)
docker run -d --pids-limit 50 --name t2 "$IMG2" sleep 1000 >/dev/null
eq "docker run -d --pids-limit 50 t2" $? 0
note "docker run -d busybox (2nd): $(($(_dk_now_ms) - t0)) ms"
ID1=$(ct_id t1) ID2=$(ct_id t2)
check "ct_id t1 is 64 hex" sh -c "echo '$ID1' | grep -qE '^[0-9a-f]{64}$'"
check "ct_id t2 is 64 hex" sh -c "echo '$ID2' | grep -qE '^[0-9a-f]{64}$'"

note "cgroup dirs of t1 (ct_cgroup_dirs):"
ct_cgroup_dirs "$ID1" | sed 's/^/#   /'
for c in pids memory freezer cpu unified; do
	d=$(ct_cgroup_dir "$c" "$ID1")
	rel=${d#*"$DOCKER_CGROUP_PARENT"/}
	check "t1 has a $c cgroup under the parent" [ -d "${d:-/nonexistent}" ]
	eq "t1 $c cgroup layout is <parent>/<id>" "$rel" "$ID1"
done
eq "t1 in every hierarchy" "$(ct_cgroup_dirs "$ID1" | wc -l)" "$(_dk_hierarchies | wc -l)"
pid1=$(docker inspect -f '{{.State.Pid}}' t1)
note "/proc/<t1 pid>/cgroup:"; sed 's/^/#   /' "/proc/$pid1/cgroup"
check "t1's process is in its pids cgroup" grep -qx "$pid1" "$(ct_cgroup_dir pids "$ID1")/cgroup.procs"
check "t1's process is in its cgroup2 dir" grep -qx "$pid1" "$(ct_cgroup_dir unified "$ID1")/cgroup.procs"
P2=$(ct_cgroup_dir pids "$ID2")
eq "t1 pids.max" "$(cat "$(ct_cgroup_dir pids "$ID1")/pids.max")" max
eq "t2 pids.max" "$(cat "$P2/pids.max")" 50
M1=$(ct_cgroup_dir memory "$ID1")
note "t1 memory.limit_in_bytes: $(cat "$M1/memory.limit_in_bytes")"

# Freezer.
F1=$(ct_cgroup_dir freezer "$ID1")
eq "t1 freezer.state before pause" "$(cat "$F1/freezer.state")" THAWED
check "docker pause t1" q docker pause t1
eq "t1 freezer.state after pause" "$(cat "$F1/freezer.state")" FROZEN
eq "t1 State.Status" "$(docker inspect -f '{{.State.Status}}' t1)" paused
check "docker unpause t1" q docker unpause t1
eq "t1 freezer.state after unpause" "$(cat "$F1/freezer.state")" THAWED

# docker update.
check "docker update --pids-limit 80 t2" q docker update --pids-limit 80 t2
eq "t2 pids.max after update" "$(cat "$P2/pids.max")" 80
check "docker update --memory 64m t2" q docker update --memory 64m --memory-swap 64m t2
eq "t2 memory.limit_in_bytes after update" "$(cat "$(ct_cgroup_dir memory "$ID2")/memory.limit_in_bytes")" 67108864

# Inspect.
eq "inspect HostConfig.PidsLimit" "$(docker inspect -f '{{.HostConfig.PidsLimit}}' t2)" 80
eq "inspect Config.Image" "$(docker inspect -f '{{.Config.Image}}' t2)" "$IMG2"
eq "inspect Name" "$(docker inspect -f '{{.Name}}' t2)" /t2
eq "inspect .Image is the image id" "$(docker inspect -f '{{.Image}}' t2)" "$(docker image inspect -f '{{.Id}}' "$IMG2")"
note "inspect t2: $(docker inspect -f 'Id={{.Id}} Name={{.Name}} Config.Image={{.Config.Image}} Image={{.Image}} State.Pid={{.State.Pid}} State.Status={{.State.Status}} HostConfig.PidsLimit={{.HostConfig.PidsLimit}} HostConfig.Memory={{.HostConfig.Memory}} HostConfig.NanoCpus={{.HostConfig.NanoCpus}} HostConfig.CpuQuota={{.HostConfig.CpuQuota}} HostConfig.CgroupParent="{{.HostConfig.CgroupParent}}" HostConfig.CgroupnsMode={{.HostConfig.CgroupnsMode}} Config.Labels={{json .Config.Labels}}' t2)"

# A container's whole life for the events: create, start, kill, die, destroy.
docker run -d --name t3 cgw-busybox sleep 1000 >/dev/null
ID3=$(ct_id t3)
D3=$(ct_cgroup_dirs "$ID3")
check "t3 has cgroups" [ -n "$D3" ]
check "docker rm -f t3" q docker rm -f t3
gone3() { [ -z "$(ct_cgroup_dirs "$ID3")" ]; }
check "t3's cgroups are gone after rm -f" wait_for 5 gone3

# docker events. No CLI takes "--until now" ("failed to parse value as time
# or duration"); "--until 0s" and "--until $(date +%s)" are truncated to the
# second and miss this second's events; a unix time WITH nanoseconds is exact
# and returns at once.
docker events --since 0 --until "$(date +%s.%N)" --format '{{json .}}' > "$DOCKERD_DIR/events.json" 2>&1
eq "docker events --since 0 --until \$(date +%s.%N)" $? 0
for a in create start pause unpause update kill die destroy; do
	line=$(grep -F "\"Action\":\"$a\"" "$DOCKERD_DIR/events.json" | grep -F '"Type":"container"' | head -n 1)
	check "an event with Action $a" [ -n "$line" ]
	note "event $a: $line"
done
note "event (image import): $(grep -F '"Type":"image"' "$DOCKERD_DIR/events.json" | head -n 1)"
note "event actions seen: $(sed -n 's/.*"Action":"\([^"]*\)".*/\1/p' "$DOCKERD_DIR/events.json" | sort | uniq -c | tr -s ' \n' ' ')"

# The raw Engine API, as a client without the CLI sees it.
if command -v curl >/dev/null 2>&1; then
	json=$(curl -s --unix-socket "$DOCKER_SOCK" "http://localhost/containers/$ID2/json")
	has_id() { printf '%s' "$json" | grep -qF "\"Id\":\"$ID2\""; }
	check "curl GET /containers/<id>/json" has_id
	note "raw /containers/<id>/json (first 2000 bytes):"
	printf '%s' "$json" | head -c 2000; echo
	note "raw /version: $(curl -s --unix-socket "$DOCKER_SOCK" http://localhost/version | head -c 600)"
else
	note "curl not installed: raw API dump skipped"
fi

# dockerd_restart: live-restore off. Test containers get --stop-timeout 1:
# `sleep` as PID 1 ignores SIGTERM and the default is 10 s.
check "docker rm -f t1 t2" q docker rm -f t1 t2
docker run -d --stop-timeout 1 --restart always --name r1 cgw-busybox sleep 1000 >/dev/null
docker run -d --stop-timeout 1 --name r2 cgw-busybox sleep 1000 >/dev/null
R1=$(ct_id r1); pidr1=$(docker inspect -f '{{.State.Pid}}' r1)
t0=$(_dk_now_ms)
check "dockerd_restart" dockerd_restart
note "dockerd_restart (SIGTERM, 2 running containers): $(($(_dk_now_ms) - t0)) ms in all, new dockerd answering in $DOCKERD_RESTART_MS ms"
eq "same DOCKER_HOST after restart" "$DOCKER_HOST" "unix://$SAVED_DIR/docker.sock"
wait_for 10 sh -c '[ "$(docker inspect -f "{{.State.Running}}" r1)" = true ]'
eq "r1 (--restart always) running after restart" "$(docker inspect -f '{{.State.Running}}' r1)" true
check "r1 got a new pid" [ "$(docker inspect -f '{{.State.Pid}}' r1)" != "$pidr1" ]
note "r2 (no restart policy) after restart: $(docker inspect -f '{{.State.Status}} exit {{.State.ExitCode}}' r2)"
eq "r2 (no restart policy) exited" "$(docker inspect -f '{{.State.Running}}' r2)" false
check "r1 back in its cgroup <parent>/<id>" [ "$(ct_cgroup_dir pids "$R1")" = "$(_dk_hierarchies | grep '/pids$')$DOCKER_CGROUP_PARENT/$R1" ]

pidr1=$(docker inspect -f '{{.State.Pid}}' r1)
t0=$(_dk_now_ms)
check "dockerd_restart --kill" dockerd_restart --kill
note "dockerd_restart --kill: $(($(_dk_now_ms) - t0)) ms in all, new dockerd answering in $DOCKERD_RESTART_MS ms"
wait_for 10 sh -c '[ "$(docker inspect -f "{{.State.Running}}" r1)" = true ]'
eq "r1 running after a dockerd crash + start" "$(docker inspect -f '{{.State.Running}}' r1)" true
note "r1 pid before crash $pidr1, after $(docker inspect -f '{{.State.Pid}}' r1) (live-restore off: stopped and restarted)"

# Leave a running container for dockerd_stop to remove.
docker run -d --name t9 cgw-busybox sleep 1000 >/dev/null
t0=$(_dk_now_ms)
check "dockerd_stop" dockerd_stop
note "dockerd_stop: $(($(_dk_now_ms) - t0)) ms"
check "dockerd_stop twice" dockerd_stop
check "temp dir removed" [ ! -e "$SAVED_DIR" ]
left=$(for h in $(_dk_hierarchies); do [ -e "$h$SAVED_PARENT" ] && echo "$h$SAVED_PARENT"; done)
eq "no cgroup parent left in any hierarchy" "$left" ""
procs_with() { # the pids (not ours) whose command line has $1
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = $$ ] && continue
		tr '\0' ' ' 2>/dev/null < "$p/cmdline" | grep -qF -- "$1" && echo "${p#/proc/}"
	done
}
left=$(procs_with "$SAVED_DIR")
eq "no process left with the temp dir on its command line" "$left" ""
eq "no mount left under the temp dir" "$(grep -cF "$SAVED_DIR" /proc/self/mountinfo)" 0
eq "DOCKER_HOST unset" "${DOCKER_HOST:-}" ""
finish
