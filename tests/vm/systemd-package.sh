# Inside a VM whose PID 1 is systemd (tests/vm/run-v2-systemd): the Debian
# package as a node installs it.  dpkg -i starts the service enabled with
# the packaged config, which holds a container to its default ceiling; a
# drop-in and `systemctl reload` change it; stop keeps it; an upgrade to a
# higher version keeps an edited conffile and restarts the service; remove
# stops it and keeps the config; purge removes the config and the runtime
# directory and nothing else (the limit stays); apt-get installs the file
# too.  CGW_DEB and CGW_DEB2 are the two packages, the second the higher
# version.  (/ is an overlay: nothing of this outlives the VM.)
. "$(dirname "$0")/../system/lib.sh"
[ "$(cat /proc/1/comm)" = systemd ] || skip_all "PID 1 is not systemd"
[ "${CGWARDEN_VM:-}" = 1 ] || skip_all "installs to /: only inside the VM"

# Starting the packaged unit pulls in sysinit.target (DefaultDependencies),
# whose systemd-tmpfiles-setup empties /tmp: keep the work files elsewhere.
rm -rf "$WORK"; WORK=$(mktemp -d "/var/tmp/cgw-$NAME.XXXXXX"); LOG=$WORK/daemon.log
trap 'systemctl stop cgwarden 2>/dev/null; cleanup' EXIT
finish_now() { bad "$1: the rest cannot run"; finish; exit 1; }
[ -f "${CGW_DEB:-}" ] && [ -f "${CGW_DEB2:-}" ] || finish_now "CGW_DEB and CGW_DEB2 are not packages"
VER1=$(dpkg-deb -f "$CGW_DEB" Version) VER2=$(dpkg-deb -f "$CGW_DEB2" Version)
check "the second package is the higher version ($VER2 > $VER1)" dpkg --compare-versions "$VER2" gt "$VER1"
# dpkg writes /var/lib/dpkg, /etc, /usr: the overlay root must take it.
check "the VM's root is writable (overlay)" sh -c ': > /var/lib/dpkg/cgw-probe && rm /var/lib/dpkg/cgw-probe' ||
	finish_now "the root is read-only (no overlay.ko?)"
# The host is a container image whose policy-rc.d forbids starting
# services (exit 101); a node has none.
rm -f /usr/sbin/policy-rc.d
# The unit wants docker.service; no dockerd in this VM.
systemctl mask --runtime --quiet docker.service docker.socket
check "no cgwarden installed before" sh -c '! dpkg-query -W -f="\${Status}" cgwarden 2>/dev/null | grep -q installed'

# A container where the packaged config looks: docker/<id>.
A=$(cid 960)
mkcg "docker/$A"
CG=$PIDS_H/docker/$A
dpkg_q() { dpkg-query -W -f="\${$1}" cgwarden 2>/dev/null; }
active() { systemctl show -P ActiveState cgwarden; }

check "dpkg -i $(basename "$CGW_DEB")" sh -c "dpkg -i '$CGW_DEB' > $WORK/dpkg.log 2>&1 < /dev/null"
eq "installed" "$(dpkg_q Status)" "install ok installed"
eq "version" "$(dpkg_q Version)" "$VER1"
eq "the service is enabled" "$(systemctl is-enabled cgwarden 2>&1)" enabled
wait_for 10 sh -c '[ "$(systemctl show -P ActiveState cgwarden)" = active ]'
eq "and started by the package (Type=notify: READY reached)" "$(active)" active
eq "the config is a conffile" "$(dpkg_q Conffiles | awk 'NF {print $1}')" /etc/cgwarden/cgwarden.conf
check "conf.d exists, empty" sh -c '[ -d /etc/cgwarden/conf.d ] && [ -z "$(ls -A /etc/cgwarden/conf.d)" ]'
wait_for 10 sh -c "[ \"\$(cat $CG/pids.max)\" = 4096 ]" || { ls -la "$CG" | head -5; systemctl status cgwarden --no-pager | tail -8; }
eq "the packaged config holds the container to its default ceiling" "$(rd "$CG/pids.max")" 4096
check "the installed cgwardenctl sees it" sh -c "cgwardenctl status --json | grep -q $A"
got=$(bash -c '. /usr/share/bash-completion/completions/cgwardenctl
	COMP_WORDS=(cgwardenctl thaw ""); COMP_CWORD=2; _cgwardenctl; printf "%s\n" "${COMPREPLY[@]}"')
check "the installed completion offers its id, from the running daemon" sh -c "printf '%s\n' '$got' | grep -qx $A"

PID=$(systemctl show -P MainPID cgwarden)
printf '[defaults]\npids_max = 77\n' > /etc/cgwarden/conf.d/50-test.conf
check "systemctl reload" systemctl reload cgwarden
wait_for 10 sh -c "[ \"\$(cat $CG/pids.max)\" = 77 ]"
eq "the reload read the new drop-in" "$(rd "$CG/pids.max")" 77
eq "same process after reload" "$(systemctl show -P MainPID cgwarden)" "$PID"
printf '[defaults]\npids_max = none\n' > /etc/cgwarden/conf.d/60-bad.conf
check "a bad drop-in: the reload is refused with its FILE:LINE" sh -c \
    "! cgwardenctl reload > $WORK/reload.out 2>&1 && grep -q '/etc/cgwarden/conf.d/60-bad.conf:2: pids_max' $WORK/reload.out"
rm /etc/cgwarden/conf.d/60-bad.conf
eq "and the running config stays" "$(rd "$CG/pids.max")" 77
eq "in the same process" "$(systemctl show -P MainPID cgwarden)" "$PID"
check "systemctl stop" systemctl stop cgwarden
eq "stopped" "$(active)" inactive
eq "clean stop" "$(systemctl show -P Result cgwarden)" success
eq "the limit stays after stop" "$(rd "$CG/pids.max")" 77
check "the runtime directory goes with the service" test ! -e /run/cgwarden
check "systemctl start" systemctl start cgwarden

# The operator edits the conffile; the upgrade must keep it.
sed -i 's/^max_actions_per_minute = 10 /max_actions_per_minute = 5  /' /etc/cgwarden/cgwarden.conf
echo "# edited by the operator" >> /etc/cgwarden/cgwarden.conf
cp /etc/cgwarden/cgwarden.conf "$WORK/edited.conf"
PID=$(systemctl show -P MainPID cgwarden)
check "dpkg -i $(basename "$CGW_DEB2") (upgrade)" sh -c "dpkg -i '$CGW_DEB2' > $WORK/dpkg2.log 2>&1 < /dev/null"
eq "upgraded" "$(dpkg_q Version)" "$VER2"
check "the edited conffile is kept, byte for byte" cmp -s "$WORK/edited.conf" /etc/cgwarden/cgwarden.conf
check "and the drop-in" test -f /etc/cgwarden/conf.d/50-test.conf
check "no .dpkg-dist or .dpkg-new left" sh -c '! ls /etc/cgwarden | grep -q dpkg'
eq "still enabled" "$(systemctl is-enabled cgwarden 2>&1)" enabled
wait_for 10 sh -c '[ "$(systemctl show -P ActiveState cgwarden)" = active ]'
eq "active after the upgrade" "$(active)" active
check "restarted into the new binary" sh -c "[ \"\$(systemctl show -P MainPID cgwarden)\" != $PID ]"
check "the edited config is the one cgwardend reads" sh -c \
    "/usr/sbin/cgwardend -n -v | grep -qE '^max_actions_per_minute = 5( |$)'"

check "dpkg -r cgwarden" sh -c "dpkg -r cgwarden > $WORK/dpkg3.log 2>&1 < /dev/null"
eq "remove stops the service" "$(active)" inactive
eq "removed, config left" "$(dpkg_q Status)" "deinstall ok config-files"
check "the binaries are gone" sh -c '[ ! -e /usr/sbin/cgwardend ] && [ ! -e /usr/bin/cgwardenctl ]'
check "the unit is gone" test ! -e /lib/systemd/system/cgwarden.service
check "the config stays, with the edit" cmp -s "$WORK/edited.conf" /etc/cgwarden/cgwarden.conf
check "the drop-in stays" test -f /etc/cgwarden/conf.d/50-test.conf
eq "the limit stays after remove" "$(rd "$CG/pids.max")" 77

# What purge must leave: everything but /etc/cgwarden, /run/cgwarden and
# the unit's enablement state (the container's limit and its xattrs too).
mkdir -p /run/cgwarden && : > /run/cgwarden/leftover
snap() { find /etc /var/lib/systemd /run -xdev 2>/dev/null | grep -v -e '^/var/lib/dpkg/' -e '^/etc/cgwarden' -e '^/run/cgwarden' -e 'cgwarden.service' -e '^/run/systemd/' | sort; }
snap > "$WORK/before"
xattrs_before=$(getfattr -d -m 'cgwarden\.' "$CG" 2>/dev/null)
check "the ceiling's note is on the cgroup before the purge" [ -n "$xattrs_before" ]
check "dpkg -P cgwarden" sh -c "dpkg -P cgwarden > $WORK/dpkg4.log 2>&1 < /dev/null"
eq "purged" "$(dpkg_q Status)" ""
check "purge removes /etc/cgwarden, drop-ins and all" test ! -e /etc/cgwarden
check "and the runtime directory" test ! -e /run/cgwarden
check "and the enablement" sh -c '! ls /etc/systemd/system/*.wants/ 2>/dev/null | grep -q cgwarden'
snap > "$WORK/after"
eq "and nothing else" "$(diff "$WORK/before" "$WORK/after" | grep '^[<>]' | head -5 | tr '\n' ' ')" ""
eq "the limit stays after purge" "$(rd "$CG/pids.max")" 77
eq "and the xattrs that remember it" "$(getfattr -d -m 'cgwarden\.' "$CG" 2>/dev/null)" "$xattrs_before"

check "apt-get install $(basename "$CGW_DEB") (Depends met from the system)" sh -c \
    "DEBIAN_FRONTEND=noninteractive apt-get install -y '$CGW_DEB' > $WORK/apt.log 2>&1 < /dev/null"
eq "installed by apt" "$(dpkg_q Status)" "install ok installed"
wait_for 10 sh -c '[ "$(systemctl show -P ActiveState cgwarden)" = active ]'
eq "and running" "$(active)" active
check "dpkg -P once more" sh -c "dpkg -P cgwarden > $WORK/apt2.log 2>&1 < /dev/null"
check "gone again" test ! -e /etc/cgwarden
[ $FAIL -gt 0 ] && for l in dpkg dpkg2 dpkg3 dpkg4 apt apt2; do
	[ -f "$WORK/$l.log" ] && { echo "--- $l.log"; tail -n 15 "$WORK/$l.log"; }
done
finish
