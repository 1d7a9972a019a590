#!/bin/sh
# Runs the end-to-end tests against a private dockerd; records the counts.
build=$1
mkdir -p "$build/results"
pass=0 fail=0
for t in tests/docker/[0-9]*.sh; do
	out=$(BUILD=$build bash "$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v '^cgwardend: \|Killed\|WARNING: IPv4'
	line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/'); p=${p:-0}
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/'); f=${f:-1}
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
done
echo "docker $pass $fail" >> "$build/results/counts"
echo "docker: $pass passed, $fail failed"
[ $fail -eq 0 ]
