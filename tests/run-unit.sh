#!/bin/sh
# Runs the unit-test binaries and the config golden files; records the counts.
build=$1; shift
label=unit
. tests/count.sh
mkdir -p "$build/results"
for t in "$@"; do count "$t"; done
count tests/config/run.sh "$build/cgwardend"
echo "unit $pass $fail" >> "$build/results/counts"
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
