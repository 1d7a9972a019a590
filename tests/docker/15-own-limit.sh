# A container's own limit as Docker was asked for it (--pids-limit) is
# kept below the ceiling even when the ceiling's write went in after it:
# the runtime writes pids.max just after the cgroup appears, and a
# ceiling written at mkdir can land on top of it.  That end state is
# made here by hand (pids.max = the ceiling, with the note saying
# cgwarden wrote it over "max"); the next pass gives the container its
# own limit back.  A docker update within the ceiling is followed.
. "$(dirname "$0")/common.sh" cgw-own

INTERVAL=200ms write_conf <<EOF2
[defaults]
pids_max = 200
EOF2
start_daemon || exit 1
ID=$(docker run -d --name own --pids-limit 100 cgw-own sleep 1000)
D=$PIDS_H/$P/$ID
wait_for 5 [ "$(rd "$D/pids.max")" = 100 ]
eq "the container's own --pids-limit 100 stays under the ceiling 200" "$(rd "$D/pids.max")" 100
wait_for 5 [ "$(status_field "$ID" name)" = own ]
# The race's end state: the ceiling written over "max" after the runtime's 100.
setfattr -n user.cgwarden.pids_max -v "200 max" "$D"
echo 200 > "$D/pids.max"
wait_for 5 [ "$(rd "$D/pids.max")" = 100 ]
eq "the next pass gives back Docker's 100" "$(rd "$D/pids.max")" 100
docker update --pids-limit 150 own >/dev/null
wait_for 5 [ "$(rd "$D/pids.max")" = 150 ]
eq "docker update --pids-limit 150 is followed" "$(rd "$D/pids.max")" 150
docker update --pids-limit 500 own >/dev/null
wait_for 5 [ "$(rd "$D/pids.max")" = 200 ]
eq "docker update above the ceiling is lowered to it" "$(rd "$D/pids.max")" 200
docker rm -f own >/dev/null
finish
