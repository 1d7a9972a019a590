#!/bin/sh
# Runs the end-to-end tests against a private dockerd; records the counts.
build=$1
label=docker
. tests/count.sh
mkdir -p "$build/results"
for t in tests/docker/[0-9]*.sh; do count env BUILD="$build" bash "$t"; done
echo "docker $pass $fail" >> "$build/results/counts"
echo "docker: $pass passed, $fail failed"
[ $fail -eq 0 ]
