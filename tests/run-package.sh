#!/bin/sh
# The package stage: the Debian package built and checked on this host,
# then installed, reloaded, upgraded, removed and purged in a VM whose
# PID 1 is systemd; the alerting rules; the shell completion.  Records the
# counts under "package".
build=$1
label=package
. tests/count.sh
mkdir -p "$build/results"
abs=$(cd "$build" && pwd)
count sh tests/package/deb.sh "$build"
# In the VM, through tests/vm/run-v2-systemd: its output carries the script's own counts.
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
count env VM_ENV="BUILD CGW_DEB CGW_DEB2" BUILD="$abs" CGW_DEB="$abs/cgwarden_${ver}_${arch}.deb" \
    CGW_DEB2="$abs/pkgtest/cgwarden_${ver}+upgrade1_${arch}.deb" \
    tests/vm/run-v2-systemd -t 600 -- sh tests/vm/systemd-package.sh
count sh tests/rules/run.sh
count bash tests/completion/run.sh "$build"
echo "package $pass $fail" >> "$build/results/counts"
echo "package: $pass passed, $fail failed"
[ $fail -eq 0 ]
