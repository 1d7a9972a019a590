#!/bin/sh
# replay.sh BINARY NAME: each corpus file and crasher of NAME through
# BINARY; a harness without seeds fails.
bin=$1 name=$2
pass=0 fail=0
for f in tests/fuzz/corpus/"$name"/* tests/fuzz/crashers/"$name"/*; do
	[ -f "$f" ] || continue
	if out=$("$bin" "$f" 2>&1); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "not ok - $name: $f"
		printf '%s\n' "$out" | grep -m 3 -E 'ERROR|runtime error|SUMMARY' | sed 's/^/    /'
	fi
done
[ $((pass + fail)) -gt 0 ] || { fail=1; echo "not ok - $name: no seeds in tests/fuzz/corpus/$name"; }
echo "replay $name: $pass passed, $fail failed"
[ $fail -eq 0 ]
