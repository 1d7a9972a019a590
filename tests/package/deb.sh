#!/bin/sh
# The Debian package: `make deb` from the tree into BUILD, lintian without
# an error or a warning, the files where they belong, the config a
# conffile, the unit enabled and started by the maintainer scripts, Depends
# that apt resolves, and the tree left as it was.  Then a copy of the tree
# with a higher version in debian/changelog is built into BUILD/pkgtest for
# the upgrade test in the VM.  Usage: deb.sh BUILD
cd "$(dirname "$0")/../.." || exit 1
build=${1:-build}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
notok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1: got '$2', want '$3'"; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$build/cgwarden_${ver}_${arch}.deb
git=no; git rev-parse --is-inside-work-tree >/dev/null 2>&1 && git=yes
[ $git = yes ] && git status --porcelain --ignored > "$tmp/before"
rm -f "$deb"
if make -s --no-print-directory deb BUILD="$build" > "$tmp/make.log" 2>&1 && [ -f "$deb" ]; then
	ok "make deb: $deb"
else
	notok "make deb did not build $deb"; sed 's/^/# /' "$tmp/make.log" | tail -n 30
	echo "deb: $pass passed, $fail failed"; exit 1
fi
if [ $git = yes ]; then
	git status --porcelain --ignored > "$tmp/after"
	eq "the tree is as make deb found it (git status, ignored files too)" \
	    "$(diff "$tmp/before" "$tmp/after" | grep '^[<>]' | tr '\n' ' ')" ""
fi
check "no debhelper leftovers in debian/" sh -c \
    '! ls -a debian | grep -qE "^(cgwarden|files|\.debhelper|debhelper-build-stamp|.*\.substvars|.*\.log)$"'

if out=$(lintian --fail-on error,warning "$deb" "$build/deb/cgwarden_${ver}_${arch}.changes" 2>&1 |
    grep -v '^running with root privileges'); [ -z "$(printf '%s' "$out" | grep -E '^[EW]: ')" ]; then
	ok "lintian: no error, no warning"
else
	notok "lintian"
fi
printf '%s\n' "$out" | grep . | sed 's/^/# /'
check "lintian exits 0 with --fail-on error,warning" sh -c \
    "lintian --fail-on error,warning '$deb' >/dev/null 2>&1"

dpkg-deb -c "$deb" > "$tmp/list"
awk '$1 !~ /^d/ {sub(/^\.\//, "/", $6); print $6}' "$tmp/list" | sort > "$tmp/files"
cat > "$tmp/want" <<EOW
/etc/cgwarden/cgwarden.conf
/lib/systemd/system/cgwarden.service
/usr/bin/cgwardenctl
/usr/lib/systemd/catalog/cgwarden.catalog
/usr/sbin/cgwardend
/usr/share/bash-completion/completions/cgwardenctl
/usr/share/cgwarden/cgwarden-rules.yml
/usr/share/doc/cgwarden/README.md
/usr/share/doc/cgwarden/changelog.gz
/usr/share/doc/cgwarden/copyright
/usr/share/man/man5/cgwarden.conf.5.gz
/usr/share/man/man8/cgwardenctl.8.gz
/usr/share/man/man8/cgwardend.8.gz
EOW
eq "the files, each where it belongs, nothing else" "$(diff "$tmp/want" "$tmp/files" | grep '^[<>]' | tr '\n' ' ')" ""
check "/etc/cgwarden/conf.d is shipped" grep -q ' \./etc/cgwarden/conf\.d/$' "$tmp/list"
dpkg-deb -e "$deb" "$tmp/ctl"
eq "the config is the one conffile" "$(cat "$tmp/ctl/conffiles")" /etc/cgwarden/cgwarden.conf
dpkg-deb -x "$deb" "$tmp/root"
check "the packaged config is the example config" cmp -s conf/cgwarden.conf "$tmp/root/etc/cgwarden/cgwarden.conf"
check "and it checks" sh -c "'$tmp/root/usr/sbin/cgwardend' -n -c '$tmp/root/etc/cgwarden/cgwarden.conf' | grep -qx 'configuration OK'"
eq "ExecStart" "$(grep '^ExecStart=' "$tmp/root/lib/systemd/system/cgwarden.service")" \
    "ExecStart=/usr/sbin/cgwardend -c /etc/cgwarden/cgwarden.conf"
check "the catalog points at the packaged README" grep -q 'file:///usr/share/doc/cgwarden/README.md' \
    "$tmp/root/usr/lib/systemd/catalog/cgwarden.catalog"
check "postinst enables and starts the unit" sh -c \
    "grep -q \"deb-systemd-helper enable 'cgwarden.service'\" '$tmp/ctl/postinst' && grep -q 'deb-systemd-invoke \$_dh_action' '$tmp/ctl/postinst'"
check "prerm stops it on remove" grep -q "deb-systemd-invoke stop 'cgwarden.service'" "$tmp/ctl/prerm"
check "postrm purge removes the config and the runtime directory" grep -q 'rm -rf "${DPKG_ROOT:-}/etc/cgwarden" "${DPKG_ROOT:-}/run/cgwarden"' "$tmp/ctl/postrm"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libevent-2.1-7 libinih1 libjson-c5 libsystemd0; do
	case ", $depends" in *", $lib "*) ok "Depends: $lib" ;; *) notok "Depends lacks $lib: $depends" ;; esac
done

# apt resolves the Depends: on this host as it is, and on a host without
# libinih1 and libevent (a copy of dpkg's status without them and whatever
# needs them), where apt must plan to install them.  Simulated: the host's
# packages are not touched.
dir=$(cd "$(dirname "$deb")" && pwd); file=./$(basename "$deb")
check "apt-get install --simulate $file" sh -c \
    "cd '$dir' && apt-get install --simulate '$file' 2>&1 | grep -q '^Inst cgwarden '"
python3 tests/package/status-without.py /var/lib/dpkg/status "$tmp/status" libinih1 libevent-2.1-7 >/dev/null
(cd "$dir" && apt-get install --simulate -o Dir::State::status="$tmp/status" "$file") > "$tmp/apt.log" 2>&1
check "without libinih1 and libevent apt installs them for it" sh -c \
    "grep -q '^Inst libinih1 ' '$tmp/apt.log' && grep -q '^Inst libevent-2.1-7 ' '$tmp/apt.log' && grep -q '^Inst cgwarden ' '$tmp/apt.log'"
check "cgwarden is not installed on this host" sh -c \
    "! dpkg-query -W -f='\${Status}' cgwarden 2>/dev/null | grep -q installed"

# The higher version, for the upgrade: the same tree, one changelog entry more.
up=$build/pkgtest/src
rm -rf "$build/pkgtest" && mkdir -p "$up"
tar -cf - --exclude-vcs --exclude-vcs-ignores --exclude=./build . | tar -xf - -C "$up"
{ printf 'cgwarden (%s+upgrade1) unstable; urgency=medium\n\n  * Rebuilt to test upgrades.\n\n' "$ver"
  printf ' -- cgwarden maintainers <cgwarden@example.org>  %s\n\n' "$(date -R)"
  cat debian/changelog; } > "$up/debian/changelog"
if make -s --no-print-directory -C "$up" deb BUILD=build > "$tmp/make2.log" 2>&1 &&
    cp "$up/build/cgwarden_${ver}+upgrade1_${arch}.deb" "$build/pkgtest/"; then
	ok "the higher version $ver+upgrade1 builds"
else
	notok "the higher version did not build"; tail -n 20 "$tmp/make2.log" | sed 's/^/# /'
fi
rm -rf "$up"
echo "deb: $pass passed, $fail failed"
[ $fail -eq 0 ]
