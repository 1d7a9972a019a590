# Security posture against a private dockerd: `cgwardenctl audit` through
# the daemon finds the Docker socket mounted (by its path, through a
# symlink, and through its directory), an added capability, pids limits
# as enforced (with and without cgwarden's ceiling), a host namespace and
# seccomp off, each by check id and container id; a clean container has
# nothing high; exit 1 with highs, 0 without; the socket-mounting
# container is told once, at its start, as an event.  Then a second
# dockerd serving TCP without TLS is flagged, and the errors exit 2.
. "$(dirname "$0")/common.sh" cgw-busybox cgw-capped
command -v python3 >/dev/null || { bad "python3 is needed"; finish; exit 1; }

INTERVAL=200ms write_conf <<EOF2
[defaults]
pids_max = max
[image "cgw-capped"]
pids_max = 100
EOF2
start_daemon || exit 1

ln -s "$DOCKER_SOCK" "$WORK/docker.sock.link"
run() { name=$1; shift; docker run -d --name "$name" "$@" sleep 1000 >/dev/null; }
run sock -v "$DOCKER_SOCK:/var/run/docker.sock" cgw-busybox
run socklink -v "$WORK/docker.sock.link:/var/run/docker.sock" cgw-busybox
run sockdir -v "$DOCKERD_DIR:/host" cgw-busybox
run capadd --cap-add SYS_ADMIN cgw-busybox
run nopids --pids-limit -1 cgw-busybox
run nopidsceil --pids-limit -1 cgw-capped
run hostpid --pid host cgw-busybox
run seccomp --security-opt seccomp=unconfined cgw-busybox
run clean --read-only --user 1000 --cap-drop ALL --pids-limit 50 --memory 64m --cpus 0.5 cgw-busybox
for n in sock socklink sockdir capadd nopids nopidsceil hostpid seccomp clean; do
	eval "ID_$n=$(ct_id $n)"
done
wait_for 10 sh -c "[ \"\$(cat $PIDS_H/$P/$ID_nopidsceil/pids.max)\" = 100 ]"

# has CHECK CONTAINER [SEVERITY [EVIDENCE_PART]]: the finding is in $OUT.
has() {
	python3 - "$OUT" "$@" <<'PY'
import json, sys
out, check, ctr = sys.argv[1], sys.argv[2], sys.argv[3]
sev = sys.argv[4] if len(sys.argv) > 4 else None
part = sys.argv[5] if len(sys.argv) > 5 else None
for f in json.load(open(out)):
    if f["check"] != check or f["container"] != (None if ctr == "host" else ctr):
        continue
    if sev and f["severity"] != sev:
        continue
    if part and part not in f["evidence"]:
        continue
    sys.exit(0)
sys.exit(1)
PY
}
hasnt() { ! has "$@"; }
no_caps_findings() { hasnt capability-added "$ID_clean" && hasnt capabilities-default "$ID_clean"; }
no_user_rootfs_findings() { hasnt runs-as-root "$ID_clean" && hasnt rootfs-writable "$ID_clean"; }
# worst CONTAINER: its worst severity, or "none".
worst() {
	python3 - "$OUT" "$1" <<'PY'
import json, sys
order = ["high", "medium", "low", "info"]
s = [f["severity"] for f in json.load(open(sys.argv[1]))
     if f["container"] == (None if sys.argv[2] == "host" else sys.argv[2])]
print(min(s, key=order.index) if s else "none")
PY
}

OUT=$WORK/audit.json
ctl audit --json > "$OUT"; rc=$?
eq "audit exits 1 when something is high" "$rc" 1
check "the reply is one JSON array with the contract's fields" python3 -c '
import json, re, sys
a = json.load(open(sys.argv[1]))
assert isinstance(a, list) and a
for f in a:
    assert f["severity"] in ("high", "medium", "low", "info"), f
    assert f["container"] is None or re.fullmatch("[0-9a-f]{64}", f["container"]), f
    assert f["cis"] is None or re.fullmatch(r"\d+\.\d+", f["cis"]), f
    assert f["check"] and f["evidence"] and f["fix"], f
    if f["container"]:
        assert "name" in f and "image" in f, f
' "$OUT"
check "socket mounted by its path" has docker-socket-mounted "$ID_sock" high "$DOCKER_SOCK"
check "socket mounted through a symlink" has docker-socket-mounted "$ID_socklink" high "resolves to the Docker socket $DOCKER_SOCK"
check "socket mounted through its directory" has docker-socket-mounted "$ID_sockdir" high "holds the Docker socket"
check "CIS 5.32 on the socket finding" python3 -c '
import json, sys
assert any(f["check"] == "docker-socket-mounted" and f["cis"] == "5.32" for f in json.load(open(sys.argv[1])))' "$OUT"
check "--cap-add SYS_ADMIN" has capability-added "$ID_capadd" high SYS_ADMIN
check "no pids limit at all: medium, both values" has no-pids-limit "$ID_nopids" medium "pids.max is max"
check "no pids limit from Docker, cgwarden's ceiling: low, both values" has no-pids-limit "$ID_nopidsceil" low "pids.max = 100"
check "--pid host" has host-namespace "$ID_hostpid" "" "--pid host"
check "seccomp=unconfined" has seccomp-unconfined "$ID_seccomp"
check "no socket finding on a container without the mount" hasnt docker-socket-mounted $ID_capadd
check "the clean container has a pids limit" hasnt no-pids-limit $ID_clean
check "the clean container has no memory finding" hasnt no-memory-limit $ID_clean
check "the clean container has no capability finding" no_caps_findings
check "the clean container runs as a user, read-only" no_user_rootfs_findings
eq "the clean container: nothing high" "$(worst "$ID_clean")" low
check "the socket is root:docker 0660: no permission finding" hasnt docker-socket-permissions host
check "no TCP: no daemon-tcp-without-tls" hasnt daemon-tcp-without-tls host
check "Docker version reported as info" has docker-version host info "20."
check "kernel version reported as info" has kernel-version host info "$(uname -r)"
check "findings sorted worst first" python3 -c '
import json, sys
o = ["high", "medium", "low", "info"]
s = [o.index(f["severity"]) for f in json.load(open(sys.argv[1]))]
assert s == sorted(s)' "$OUT"

ctl audit > "$WORK/audit.txt"; rc=$?
eq "human audit exits 1 too" "$rc" 1
check "human output groups by severity, high first" sh -c "grep -n '^High\$\|^Medium\$\|^Low\$\|^Info\$' $WORK/audit.txt | cut -d: -f2 | tr '\n' ' ' | grep -qx 'High Medium Low Info '"
check "human output names the container and the fix" sh -c "grep -A3 '^  docker-socket-mounted, CIS 5.32: container sock (' $WORK/audit.txt | grep -q 'fix: '"
check "human output fits 100 columns" sh -c "[ \$(awk '{ if (length > m) m = length } END { print m }' $WORK/audit.txt) -le 100 ]"

# Continuous: the start of the socket-mounting container was told once.
check "posture event for sock at its start" grep -q "posture: container sock (${ID_sock:0:12}) .*docker-socket-mounted (high, CIS 5.32)" "$LOG"
eq "told once, not per inspect or audit" "$(grep -c "posture: container sock (${ID_sock:0:12}) .*docker-socket-mounted" "$LOG")" 1
check "the symlinked one too" grep -q "posture: container socklink (${ID_socklink:0:12}) .*docker-socket-mounted" "$LOG"
check "no high posture event for the clean container" sh -c "! grep -q 'posture: container clean (.*(high' $LOG"

# Only the clean container left: exit 0.
docker rm -f sock socklink sockdir capadd nopids nopidsceil hostpid seccomp >/dev/null
ctl audit --json > "$OUT"; rc=$?
eq "only the clean container: exit 0" "$rc" 0
check "and it is still audited" has no-new-privileges "$ID_clean" low
stop_daemon

# A second dockerd, on TCP without TLS: the daemon under audit is that one.
dockerd_stop
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DOCKERD_EXTRA_ARGS="-H tcp://127.0.0.1:$PORT" dockerd_start || { bad "TCP dockerd did not start"; finish; exit 1; }
DOCKER_SOCKET_CONF=$DOCKER_SOCK DATA_ROOT_CONF=$DOCKER_DATA_ROOT INTERVAL=200ms write_conf </dev/null
start_daemon || exit 1
ctl audit --json > "$OUT"; rc=$?
eq "TCP without TLS: exit 1" "$rc" 1
check "daemon-tcp-without-tls, a host finding, high" has daemon-tcp-without-tls host high "tcp://127.0.0.1:$PORT"
check "its evidence has the listening socket" has daemon-tcp-without-tls host high "listening on 127.0.0.1:$PORT"
check "CIS 2.7" python3 -c '
import json, sys
assert [f["cis"] for f in json.load(open(sys.argv[1])) if f["check"] == "daemon-tcp-without-tls"] == ["2.7"]' "$OUT"

# Errors exit 2 with a message.
DOCKER_SOCKET_CONF=$WORK/nothing.sock INTERVAL=200ms write_conf </dev/null
ctl reload >/dev/null
ctl audit > "$WORK/err.txt" 2>&1; rc=$?
eq "Docker unreachable: exit 2" "$rc" 2
check "and says so" grep -q "Docker API at $WORK/nothing.sock unreachable" "$WORK/err.txt"
DOCKER_SOCKET_CONF= INTERVAL=200ms write_conf </dev/null
ctl reload >/dev/null
ctl audit > "$WORK/err.txt" 2>&1; rc=$?
eq "Docker not configured: exit 2" "$rc" 2
check "and says so" grep -q "not configured" "$WORK/err.txt"
stop_daemon
ctl audit > "$WORK/err.txt" 2>&1; rc=$?
eq "no daemon: exit 2" "$rc" 2
check "and says so" grep -q "cannot reach cgwardend" "$WORK/err.txt"
finish
