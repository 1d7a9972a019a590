#!/bin/sh
# The alerting rules: promtool checks conf/cgwarden-rules.yml, then runs
# each tests/rules/*.yml against its synthetic series; every alert has a
# test file that names it, and every cgwarden metric a rule reads is one
# src/8-tell/metrics.c exports.
cd "$(dirname "$0")/../.." || exit 1
rules=conf/cgwarden-rules.yml
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
notok() { fail=$((fail + 1)); echo "not ok - $*"; }

if ! command -v promtool >/dev/null; then
	notok "promtool is missing (Debian package prometheus: make deps)"
	echo "rules: $pass passed, $fail failed"; exit 1
fi
if out=$(promtool check rules "$rules" 2>&1); then ok "promtool check rules $rules"
else notok "promtool check rules $rules"; printf '%s\n' "$out" | sed 's/^/# /'; fi
for t in tests/rules/*.yml; do
	if out=$(promtool test rules "$t" 2>&1); then ok "promtool test rules $t"
	else notok "promtool test rules $t"; printf '%s\n' "$out" | sed 's/^/# /'; fi
done
for a in $(sed -n 's/^ *- alert: *//p' "$rules"); do
	if grep -q "alertname: $a\$" tests/rules/*.yml; then ok "alert $a has a test"
	else notok "alert $a has no test in tests/rules/"; fi
done
for m in $(grep -v '^ *#' "$rules" | grep -o 'cgwarden_[a-z_]*' | grep -v '^cgwarden_$' | sort -u); do
	if grep -q "\"$m[{ \"]" src/8-tell/metrics.c; then ok "metric $m is exported"
	else notok "metric $m is not one src/8-tell/metrics.c exports"; fi
done
echo "rules: $pass passed, $fail failed"
[ $fail -eq 0 ]
