#!/bin/sh
# Replays every seed (tests/fuzz/corpus/NAME/) and every past crasher
# (tests/fuzz/crashers/NAME/) through each harness built as a plain
# program, one process per file: a bug the fuzzer found stays fixed.
# Records the counts under fuzz-replay.
build=$1; shift
label=fuzz-replay
. tests/count.sh
mkdir -p "$build/results"
for name in "$@"; do count tests/fuzz/replay.sh "$build/fuzz/replay-$name" "$name"; done
echo "fuzz-replay $pass $fail" >> "$build/results/counts"
echo "fuzz-replay: $pass passed, $fail failed"
[ $fail -eq 0 ]
