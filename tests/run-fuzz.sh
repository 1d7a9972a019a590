#!/bin/sh
# run-fuzz.sh BUILD SECONDS NAME...: each harness under libFuzzer for
# SECONDS, from its seeds (tests/fuzz/corpus/NAME, and what earlier runs
# found in BUILD/fuzz/work/NAME) with its dictionary if it has one, in
# libFuzzer's fork mode with FUZZ_JOBS workers (default: one a CPU).  A
# crash, leak, timeout or out-of-memory input is kept in
# BUILD/fuzz/crashes/NAME/ and the run goes on for the time left.  One
# line per harness, "fuzz NAME: N executions, C crashes", then the sum;
# exit 1 if anything crashed.
build=$1 secs=$2; shift 2
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
total=0 crashes=0 n=0
for name in "$@"; do
	bin=$build/fuzz/fuzz-$name work=$build/fuzz/work/$name art=$build/fuzz/crashes/$name
	log=$build/fuzz/$name.log
	mkdir -p "$work" "$art"
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
	before=$(ls "$art" | wc -l)
	"$bin" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$secs" -timeout=10 -artifact_prefix="$art/" $dict \
		"$work" "tests/fuzz/corpus/$name" > "$log" 2>&1
	rc=$?
	# The parent's progress lines, "#N: cov: ...", count every worker's runs.
	execs=$(sed -n 's/^#\([0-9][0-9]*\): cov:.*/\1/p' "$log" | tail -n 1)
	c=$(( $(ls "$art" | wc -l) - before ))
	[ "$rc" -ne 0 ] && [ "$c" -eq 0 ] && c=1 # it died and kept nothing
	[ "$c" -gt 0 ] && cp "$log" "$art/$(date +%s).log"
	echo "fuzz $name: ${execs:-0} executions, $c crashes"
	total=$((total + ${execs:-0})) crashes=$((crashes + c)) n=$((n + 1))
done
echo "fuzz: $n harnesses, $total executions, $crashes crashes (FUZZ_S=$secs, FUZZ_JOBS=$jobs)"
[ $crashes -eq 0 ]
