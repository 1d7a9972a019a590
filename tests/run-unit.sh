#!/bin/sh
# Runs the unit-test binaries and the config golden files; records the counts.
build=$1; shift
mkdir -p "$build/results"
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/'); p=${p:-0}
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/'); f=${f:-1}
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
done
tests/config/run.sh "$build/cgwardend" > "$build/results/config.log" 2>&1; rc=$?
cat "$build/results/config.log"
line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$build/results/config.log" | tail -n 1)
p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/'); f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))
echo "unit $pass $fail" >> "$build/results/counts"
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
