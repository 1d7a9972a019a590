# make install DESTDIR=... PREFIX=...: every file where it belongs with
# its mode, @SBINDIR@ substituted, an existing config kept, the journal
# catalog when there is one, man pages that render without a warning,
# and installed binaries that run.
. "$(dirname "$0")/lib.sh"

inst() { make -s -C "$TOP" install BUILD="$BUILD" "$@" > "$WORK/install.log" 2>&1; }
R=$WORK/root
check "make install DESTDIR=\$WORK/root PREFIX=/usr" inst DESTDIR="$R" PREFIX=/usr
# mode FILE: octal mode, or "missing"
mode() { stat -c %a "$1" 2>/dev/null || echo missing; }
eq "sbin/cgwardend" "$(mode "$R/usr/sbin/cgwardend")" 755
eq "bin/cgwardenctl" "$(mode "$R/usr/bin/cgwardenctl")" 755
eq "/etc/cgwarden/cgwarden.conf" "$(mode "$R/etc/cgwarden/cgwarden.conf")" 644
eq "/lib/systemd/system/cgwarden.service" "$(mode "$R/lib/systemd/system/cgwarden.service")" 644
eq "man8/cgwardend.8" "$(mode "$R/usr/share/man/man8/cgwardend.8")" 644
eq "man8/cgwardenctl.8" "$(mode "$R/usr/share/man/man8/cgwardenctl.8")" 644
eq "man5/cgwarden.conf.5" "$(mode "$R/usr/share/man/man5/cgwarden.conf.5")" 644
check "the example config, unchanged" cmp -s "$TOP/conf/cgwarden.conf" "$R/etc/cgwarden/cgwarden.conf"
eq "ExecStart is PREFIX/sbin" "$(grep '^ExecStart=' "$R/lib/systemd/system/cgwarden.service")" \
    "ExecStart=/usr/sbin/cgwardend -c /etc/cgwarden/cgwarden.conf"
check "no @VAR@ left in the unit" sh -c "! grep -q '@[A-Z_]*@' $R/lib/systemd/system/cgwarden.service"
if [ -f "$TOP/conf/cgwarden.catalog" ]; then
	eq "journal catalog" "$(mode "$R/usr/lib/systemd/catalog/cgwarden.catalog")" 644
	check "the catalog points at the installed README" grep -q "/usr/share/doc/cgwarden/README.md" "$R/usr/lib/systemd/catalog/cgwarden.catalog"
	check "no @DOCDIR@ left in the catalog" sh -c "! grep -q '@DOCDIR@' $R/usr/lib/systemd/catalog/cgwarden.catalog"
else
	check "no catalog in the tree, none installed" test ! -e "$R/usr/lib/systemd/catalog"
fi
eq "bash completion" "$(mode "$R/usr/share/bash-completion/completions/cgwardenctl")" 644
check "the completion is the tree's" cmp -s "$TOP/conf/cgwardenctl.bash-completion" "$R/usr/share/bash-completion/completions/cgwardenctl"
eq "alerting rules" "$(mode "$R/usr/share/cgwarden/cgwarden-rules.yml")" 644
check "the drop-in directory" test -d "$R/etc/cgwarden/conf.d"
eq "nothing else installed" "$(cd "$R" && find . -type f | grep -v catalog | sort | tr '\n' ' ')" \
    "./etc/cgwarden/cgwarden.conf ./lib/systemd/system/cgwarden.service ./usr/bin/cgwardenctl ./usr/sbin/cgwardend ./usr/share/bash-completion/completions/cgwardenctl ./usr/share/cgwarden/cgwarden-rules.yml ./usr/share/doc/cgwarden/README.md ./usr/share/man/man5/cgwarden.conf.5 ./usr/share/man/man8/cgwardenctl.8 ./usr/share/man/man8/cgwardend.8 "

echo "# edited by the operator" >> "$R/etc/cgwarden/cgwarden.conf"
check "a second install succeeds" inst DESTDIR="$R" PREFIX=/usr
check "and keeps the operator's config" grep -q "edited by the operator" "$R/etc/cgwarden/cgwarden.conf"

check "the installed daemon checks the installed config" sh -c \
    "$R/usr/sbin/cgwardend -n -c $R/etc/cgwarden/cgwarden.conf 2>&1 | grep -qx 'configuration OK'"
check "the installed CLI runs" sh -c "$R/usr/bin/cgwardenctl 2>&1 | grep -q 'usage: cgwardenctl'"
for p in man8/cgwardend.8 man8/cgwardenctl.8 man5/cgwarden.conf.5; do
	eq "$p renders without a warning" "$(groff -ww -z -mandoc "$R/usr/share/man/$p" 2>&1)" ""
done
check "man finds the pages by name" sh -c "MANPATH=$R/usr/share/man man -w cgwardenctl | grep -q man8/cgwardenctl.8"

L=$WORK/local
check "PREFIX=/usr/local" inst DESTDIR="$L" PREFIX=/usr/local
check "completion under PREFIX, where bash-completion looks" test -f "$L/usr/local/share/bash-completion/completions/cgwardenctl"
eq "ExecStart follows PREFIX" "$(grep '^ExecStart=' "$L/lib/systemd/system/cgwarden.service")" \
    "ExecStart=/usr/local/sbin/cgwardend -c /etc/cgwarden/cgwarden.conf"
check "man pages under PREFIX/share/man" test -f "$L/usr/local/share/man/man8/cgwardend.8"
check "config still in /etc" test -f "$L/etc/cgwarden/cgwarden.conf"
finish
