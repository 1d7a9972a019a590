#!/bin/sh
# Runs the runtime suites that need no dockerd (containerd, Podman): in
# the pure cgroup v2 VM, after the system tests (tests/run-v2.sh).
# Records the counts under LABEL (default: runtimes).
build=$1
label=${2:-runtimes}
. tests/count.sh
mkdir -p "$build/results"
for t in tests/docker/30-containerd.sh tests/docker/31-podman.sh; do
	count env BUILD="$build" bash "$t"
done
echo "$label $pass $fail" >> "$build/results/counts"
echo "$label: $pass passed, $fail failed"
[ $fail -eq 0 ]
