# Shared by the test runners: runs one test, shows its output, and adds
# its closing "N passed, N failed" line to $pass and $fail (a test that
# exits non-zero without a failure counts one).  A failing test's name and
# its "not ok" lines go to $build/results/failures, which tests/summary.sh
# repeats at the end.  Set $build and $label, source, then: count CMD...
pass=0 fail=0
count() {
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v 'Killed\|WARNING: IPv4'
	line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/'); p=${p:-0}
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/'); f=${f:-1}
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
	[ "$f" -eq 0 ] && return
	{ echo "$label: $* (exit $rc)"
	  printf '%s\n' "$out" | grep -E '^not ok' | sed 's/^/    /'
	} >> "$build/results/failures"
}
