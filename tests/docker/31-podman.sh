# Podman, rootful, from Debian: a private storage and run root, the
# cgroupfs manager, the file events backend, and its Docker-compatible API
# service on a private socket.  cgwardend learns names and images through
# that API (the Engine API client it has for Docker), holds each container
# to its image's ceiling, follows its event stream (a rename), leaves
# conmon's cgroup alone, freezes a C bomb, and cgwardenctl kill ends it.
. "$(dirname "$0")/../system/lib.sh"
. "$TOP/tests/runtimes/cgroups.sh"
. "$TOP/tests/runtimes/podman.sh"
podman_available || skip_all "$PM_SKIP"
trap 'kill_tree; podman_stop; cleanup; rm_cgroups "$T"' EXIT

cc -static -O2 -o "$WORK/forkbomb" "$TOP/tests/helpers/forkbomb.c" ||
	{ bad "cannot link forkbomb statically"; finish; exit 1; }
podman_start || { bad "podman system service did not start"; finish; exit 1; }
pm_import cgw-web && pm_import cgw-bomb || { bad "podman import failed"; finish; exit 1; }

METRICS_LISTEN=127.0.0.1:$(free_port 127.0.0.1) PATTERNS="$T/libpod_parent/libpod-*" INTERVAL=1s write_conf \
    "podman_socket = $PM_SOCK" "containerd_state =" "crio_storage =" <<EOF2
[defaults]
pids_max = 100
[image "localhost/cgw-web"]
pids_max = 64
[image "localhost/cgw-bomb"]
pids_max = 50
EOF2
start_daemon || exit 1
check "the start line names podman among the runtimes found" \
	grep -q "runtimes found: podman (absent: docker, containerd, crio)" "$LOG"
wait_for 10 grep -q "Podman API at $PM_SOCK connected" "$LOG"
check "the Podman API is connected" grep -q "Podman API at $PM_SOCK connected" "$LOG"

# Full names: a short one makes Podman write its alias cache in /var/cache.
WEB=$(pm_run --name web localhost/cgw-web sleep 1000) && [ -n "$WEB" ] ||
	{ bad "podman run failed"; finish; exit 1; }
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$T/libpod_parent/libpod-$WEB/pids.max 2>/dev/null)\" = 64 ]"
eq "web: its image's ceiling" "$(pids_max "$T/libpod_parent/libpod-$WEB")" 64
eq "status: runtime" "$(status_field "$WEB" runtime)" podman
eq "status: name, from Podman's API" "$(status_field "$WEB" name)" web
eq "status: image, from Podman's API" "$(status_field "$WEB" image)" localhost/cgw-web:latest
eq "status: rule" "$(status_field "$WEB" rule)" localhost/cgw-web
eq "status: no namespace" "$(status_field "$WEB" namespace)" null
eq "status: no pod" "$(status_field "$WEB" pod)" null
eq "status: a spike would freeze it" "$(status_field "$WEB" action)" freeze
check "conmon's cgroup is no container" sh -c "[ -d $PIDS_H/$T/libpod_parent/conmon ] &&
	! $CGWARDENCTL -s $SOCK status --json | grep -q '/conmon'"

# Its event stream: a rename is asked about again.
pm rename web web-renamed
wait_for 10 sh -c "[ \"\$(BUILD=$BUILD; $CGWARDENCTL -s $SOCK status --json | python3 -c '
import json, sys
print([c[\"name\"] for c in json.load(sys.stdin) if c[\"id\"] == sys.argv[1]][0])' $WEB)\" = web-renamed ]"
eq "a rename, from Podman's event stream" "$(status_field "$WEB" name)" web-renamed
check "the debug log has Podman's rename event" grep -q "Podman event rename $(short "$WEB")" "$LOG"

# The posture checks of each start, on Podman's inspect too.
PRIV=$(pm_run --name priv --privileged localhost/cgw-web sleep 1000) && [ -n "$PRIV" ] ||
	bad "podman run --privileged failed"
wait_for 10 grep -q "container priv ($(short "$PRIV")).*privileged" "$LOG"
check "a privileged Podman container is a posture finding" \
	grep -q "container priv ($(short "$PRIV")).*privileged" "$LOG"

# A C bomb: its ceiling before it starts, then frozen.
BOMB=$(pm_run --name bomb -v "$WORK:/w" localhost/cgw-bomb \
	sh -c 'while [ ! -e /w/go ]; do sleep 0.05; done; exec /w/forkbomb 20') && [ -n "$BOMB" ] ||
	{ bad "podman run of the bomb failed"; finish; exit 1; }
B=$T/libpod_parent/libpod-$BOMB
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$B/pids.max 2>/dev/null)\" = 50 ]"
eq "the bomb's ceiling is in place before it starts" "$(pids_max "$B")" 50
: > "$WORK/go"
wait_for 10 state_is "$BOMB" frozen
eq "status: the bomb is frozen" "$(status_field "$BOMB" state)" frozen
check "the kernel says frozen" sh -c "grep -q '^frozen 1' $V2/$B/cgroup.events 2>/dev/null ||
	grep -q FROZEN $FRZ_H/$B/freezer.state"
n1=$(rd "$PIDS_H/$B/pids.current"); sleep 0.3; n2=$(rd "$PIDS_H/$B/pids.current")
eq "frozen: its process count holds still ($n1)" "$n2" "$n1"
check "the spike line names the bomb and its image" \
	grep -q "spike in container bomb ($(short "$BOMB")) image localhost/cgw-bomb:latest rule localhost/cgw-bomb" "$LOG"

# cgwardenctl kill: Podman sees it exit, and says so on its stream.
check "cgwardenctl kill bomb" ctl kill bomb
not_running() { [ "$(pm inspect -f '{{.State.Running}}' bomb 2>/dev/null)" = false ]; }
wait_for 15 not_running
eq "Podman says the bomb is no longer running" "$(pm inspect -f '{{.State.Running}}' bomb 2>/dev/null)" false
wait_for 5 grep -q "Podman event die $(short "$BOMB")" "$LOG"
check "its die event came on Podman's stream" grep -q "Podman event die $(short "$BOMB")" "$LOG"
eq "web ran on beside it" "$(status_field "$WEB" state)" running
curl -s "http://$(sed -n 's/^metrics_listen = //p' "$CONF")/metrics" > "$WORK/m.txt"
check "metrics: cgwarden_podman_up 1" grep -qx 'cgwarden_podman_up 1' "$WORK/m.txt"
check "metrics: web's series with runtime podman" \
	grep -q "^cgwarden_container_pids{id=\"$WEB\",name=\"web-renamed\",image=\"localhost/cgw-web:latest\",runtime=\"podman\",namespace=\"\",pod=\"\"} " "$WORK/m.txt"
finish
