# Docker absent when cgwardend starts: images come from Docker's on-disk
# config and the right rules apply at once; when Docker comes up, the
# link is made and new containers are handled.
. "$(dirname "$0")/common.sh" cgw-busybox nginx:1.25
docker run -d --name web nginx:1.25 sleep 1000 >/dev/null
WEB=$(ct_id web)
dockerd_down

INTERVAL=200ms write_conf <<EOF2
[defaults]
pids_max = 100
[image "nginx"]
pids_max = 256
EOF2
start_daemon || exit 1
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$P/$WEB/pids.max)\" = 256 ]"
eq "Docker down at start: image rule from the on-disk config" "$(cat "$PIDS_H/$P/$WEB/pids.max")" 256
eq "status name from disk" "$(status_field "$WEB" name)" web
eq "status image from disk" "$(status_field "$WEB" image)" nginx:1.25
check "unreachable Docker logged once" sh -c "[ \$(grep -c 'Docker API at .* unreachable' $LOG) -eq 1 ]"

dockerd_up
wait_for 40 grep -q "Docker API at .* connected\|is back" "$LOG"
check "link made when Docker comes up" grep -q "Docker API at .* \(connected\|is back\)" "$LOG"
docker run -d --name web2 nginx:1.25 sleep 1000 >/dev/null
W2=$(ct_id web2)
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$P/$W2/pids.max)\" = 256 ]"
eq "a new container then gets its image's ceiling" "$(cat "$PIDS_H/$P/$W2/pids.max")" 256
finish
