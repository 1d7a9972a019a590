# The journal path for real: a private systemd-journald in a mount
# namespace of its own (its sockets and files bound from the test's
# directory, nothing of the host's touched), cgwardend logging to it as
# under systemd, and every event one structured entry, read back with
# journalctl.  The message catalog parses, has an entry per event kind,
# and `journalctl -x` explains a real entry with it.
. "$(dirname "$0")/lib.sh"
JOURNALD=/lib/systemd/systemd-journald
command -v journalctl > /dev/null || skip_all "journalctl is not installed"
command -v unshare > /dev/null || skip_all "unshare (util-linux) is not installed"
[ -x "$JOURNALD" ] || skip_all "systemd-journald is not installed"
[ -d /run/systemd ] && [ -d /run/log ] && [ -d /var/lib/systemd/catalog ] ||
	skip_all "no /run/systemd, /run/log or /var/lib/systemd/catalog to bind over"

ROOT=$WORK/root
mkdir -p "$ROOT/run/systemd" "$ROOT/run/log" "$ROOT/usr/lib/systemd/catalog"
sed 's,@DOCDIR@,/usr/local/share/doc/cgwarden,g' "$TOP/conf/cgwarden.catalog" \
    > "$ROOT/usr/lib/systemd/catalog/cgwarden.catalog"

# --- the catalog ---------------------------------------------------------
journalctl --root="$ROOT" --update-catalog > "$WORK/catalog.out" 2>&1
eq "journalctl --update-catalog takes it, silently" "$? $(cat "$WORK/catalog.out")" "0 "
journalctl --root="$ROOT" --list-catalog > "$WORK/catalog.list" 2>&1
IDS=$(sed -n '/message_ids\[GEV_COUNT\]/,/^};/p' "$(find "$TOP/src" -name events.c)" | grep -o '"[0-9a-f]\{32\}"' | tr -d '"')
eq "one id per event kind in events.c" "$(echo "$IDS" | wc -l)" 7
missing=""
for id in $IDS; do grep -q "^$id cgwarden: " "$WORK/catalog.list" || missing="$missing $id"; done
eq "every MESSAGE_ID has a catalog entry" "$missing" ""
eq "no entry more, none lost to a bad header" "$(wc -l < "$WORK/catalog.list")" \
    "$(grep -c '^-- ' "$TOP/conf/cgwarden.catalog")"
check "each entry says what to do" sh -c "[ \$(grep -c '^What to do' '$TOP/conf/cgwarden.catalog') -ge 5 ]"

# --- a private journald, and cgwardend logging to it ----------------------
A=$(cid 1401)
mkct "$A"
write_conf <<EOF2
[defaults]
pids_max = 20
EOF2
cat > "$WORK/ns.sh" <<EOF2
mount --make-rprivate / || exit 1
mount --bind "$ROOT/run/systemd" /run/systemd || exit 1
mount --bind "$ROOT/run/log" /run/log || exit 1
[ -d /var/log/journal ] && { mount -t tmpfs tmpfs /var/log/journal || exit 1; }
"$JOURNALD" > "$WORK/journald.log" 2>&1 &
echo \$! > "$WORK/journald.pid"
n=0
while [ ! -S /run/systemd/journal/socket ] && [ \$n -lt 200 ]; do sleep 0.05; n=\$((n + 1)); done
JOURNAL_STREAM=0:0 "$CGWARDEND" -c "$CONF" &
echo \$! > "$WORK/daemon.pid"
wait \$!
rc=\$?
sleep 0.2
kill \$(cat "$WORK/journald.pid")
exit \$rc
EOF2
unshare -m sh "$WORK/ns.sh" >> "$LOG" 2>&1 &
NS=$!
STARTED="$STARTED $NS"
wait_for 10 test -S "$SOCK" || { bad "cgwardend did not start under the private journald"; cat "$WORK/journald.log"; finish; exit 1; }
STARTED="$STARTED $(cat "$WORK/journald.pid") $(cat "$WORK/daemon.pid")"
wait_for 5 sh -c "[ \"\$(cat $PIDS_H/$(ct_path "$A")/pids.max)\" = 20 ]"
kill -HUP "$(cat "$WORK/daemon.pid")"
JQ() { journalctl --directory="$ROOT/run/log/journal" -o json --no-pager "$@"; }
has_reload() { JQ CGWARDEN_EVENT=reload | grep -q reloaded; }
wait_for 5 has_reload
kill -TERM "$(cat "$WORK/daemon.pid")"
wait "$NS"; eq "cgwardend stopped cleanly" $? 0

JQ > "$WORK/journal.json" 2>&1
check "the lowered limit is one structured entry" python3 - "$WORK/journal.json" "$A" <<'PY'
import json, sys
es = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
want = {"MESSAGE_ID": "307fa499c210432683a0be49f34e6d0d", "CGWARDEN_EVENT": "limit",
        "PRIORITY": "6", "SYSLOG_IDENTIFIER": "cgwardend", "CONTAINER_ID": sys.argv[2],
        "CONTAINER_ID_FULL": sys.argv[2], "RULE": "defaults", "PIDS_MAX": "20",
        "ACTION": "lower", "DRY_RUN": "0", "LOOPING": "0",
        "REASON": "pids.max was max, above the pids_max ceiling 20 of rule defaults"}
for e in es:
    if all(e.get(k) == v for k, v in want.items()) and e["CGROUP"].endswith(sys.argv[2]) \
       and e["MESSAGE"].endswith("lowered pids.max from max to 20 (pids_max ceiling 20 of rule defaults)"):
        sys.exit(0)
print([e for e in es if e.get("CGWARDEN_EVENT")], file=sys.stderr)
sys.exit(1)
PY
eq "told once: no plain line beside the entry" "$(grep -c 'lowered pids.max from max to 20' "$WORK/journal.json")" 1
check "the reload is an entry with its MESSAGE_ID" sh -c \
    "grep '\"CGWARDEN_EVENT\":\"reload\"' '$WORK/journal.json' | grep -q '\"MESSAGE_ID\":\"885ead77d28b42b2ba37560e7ac4ba9e\"'"
check "plain log lines still reach the journal" grep -q 'watching [0-9]* containers' "$WORK/journal.json"
eq "nothing of it on stderr" "$(grep -c 'lowered pids.max\|configuration reloaded' "$LOG")" 0

# journalctl -x reads the catalog database at its fixed path: bind ours there.
unshare -m sh -c "mount --make-rprivate / && mount --bind '$ROOT/var/lib/systemd/catalog' /var/lib/systemd/catalog &&
    journalctl --directory='$ROOT/run/log/journal' -x --no-pager MESSAGE_ID=307fa499c210432683a0be49f34e6d0d" \
    > "$WORK/explained.txt" 2>&1
check "journalctl -x explains the entry from the catalog, with its fields" sh -c \
    "grep -q 'Subject: Limit of container .* lowered to its ceiling' '$WORK/explained.txt' &&
     grep -q 'A limit of container' '$WORK/explained.txt' && grep -q 'ceiling 20 of rule defaults' '$WORK/explained.txt'"
finish
