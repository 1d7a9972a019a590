#!/bin/sh
# Adds up the counts every runner recorded and prints the closing line.
pass=0 fail=0
for d in "$@"; do
	[ -f "$d/counts" ] || { echo "missing results in $d"; fail=$((fail + 1)); continue; }
	while read -r _ p f; do pass=$((pass + p)); fail=$((fail + f)); done < "$d/counts"
done
for d in "$@"; do
	[ -s "$d/failures" ] || continue
	echo "failures recorded in $d:"
	cat "$d/failures"
done
echo "check: $pass passed, $fail failed"
[ $fail -eq 0 ]
