#!/bin/sh
# Runs every numbered system test against the real kernel; records the
# counts under LABEL (default: system).
build=$1
label=${2:-system}
mkdir -p "$build/results"
pass=0 fail=0
for t in tests/system/[0-9]*.sh; do
	out=$(BUILD=$build sh "$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/'); p=${p:-0}
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/'); f=${f:-1}
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
done
echo "$label $pass $fail" >> "$build/results/counts"
echo "$label: $pass passed, $fail failed"
[ $fail -eq 0 ]
