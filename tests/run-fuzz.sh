#!/bin/sh
# run-fuzz.sh BUILD SECONDS NAME...: each harness under libFuzzer for
# SECONDS, from its seeds (tests/fuzz/corpus/NAME, and what earlier runs
# found in BUILD/fuzz/work/NAME) with its dictionary if it has one.  A
# crash is kept in BUILD/fuzz/crashes/NAME/ and the run goes on for the
# time left.  One line per harness, "fuzz NAME: N executions, C crashes",
# then the sum; exit 1 if anything crashed.
build=$1 secs=$2; shift 2
total=0 crashes=0 n=0
for name in "$@"; do
	bin=$build/fuzz/fuzz-$name work=$build/fuzz/work/$name art=$build/fuzz/crashes/$name
	mkdir -p "$work" "$art"
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
	execs=0 c=0 runs=0 start=$(date +%s)
	left=$secs
	# A crash stops libFuzzer: start it again for the time left, a few times.
	while [ "$left" -gt 0 ] && [ $runs -lt 5 ]; do
		before=$(ls "$art" | wc -l)
		"$bin" -max_total_time="$left" -timeout=10 -print_final_stats=1 \
			-artifact_prefix="$art/" $dict "$work" "tests/fuzz/corpus/$name" \
			> "$build/fuzz/$name.log" 2>&1
		rc=$?
		e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz/$name.log" | tail -n 1)
		execs=$((execs + ${e:-0}))
		after=$(ls "$art" | wc -l)
		[ "$rc" -ne 0 ] && [ "$after" -eq "$before" ] && after=$((after + 1)) # died, no artifact
		c=$((c + after - before))
		runs=$((runs + 1))
		[ "$rc" -eq 0 ] && break
		cp "$build/fuzz/$name.log" "$art/run$runs.log"
		left=$((secs - ($(date +%s) - start)))
	done
	echo "fuzz $name: $execs executions, $c crashes"
	total=$((total + execs)) crashes=$((crashes + c)) n=$((n + 1))
done
echo "fuzz: $n harnesses, $total executions, $crashes crashes (FUZZ_S=$secs)"
[ $crashes -eq 0 ]
