#!/bin/sh
# Runs every numbered system test against the real kernel; records the
# counts under LABEL (default: system).
build=$1
label=${2:-system}
. tests/count.sh
mkdir -p "$build/results"
for t in tests/system/[0-9]*.sh; do count env BUILD="$build" sh "$t"; done
echo "$label $pass $fail" >> "$build/results/counts"
echo "$label: $pass passed, $fail failed"
[ $fail -eq 0 ]
