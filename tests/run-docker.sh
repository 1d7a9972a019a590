#!/bin/sh
# Runs the end-to-end tests against a private dockerd; records the counts
# under LABEL (default docker).  Usage: tests/run-docker.sh BUILD [LABEL]
# DOCKER_TESTS: the tests to run (default every tests/docker/[0-9]*.sh).
build=$1
label=${2:-docker}
. tests/count.sh
mkdir -p "$build/results"
for t in ${DOCKER_TESTS:-tests/docker/[0-9]*.sh}; do count env BUILD="$build" bash "$t"; done
echo "$label $pass $fail" >> "$build/results/counts"
echo "$label: $pass passed, $fail failed"
[ $fail -eq 0 ]
