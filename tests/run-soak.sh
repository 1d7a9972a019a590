#!/bin/sh
# The churn soak and the freeze/thaw cycle; records the counts under
# LABEL (soak).  `make soak` runs them at full size; `make soak-short`,
# a stage of `make check` under ASan, with SOAK_CGROUPS=1000 and
# SOAK_CYCLES=100.
build=$1
label=${2:-soak}
. tests/count.sh
mkdir -p "$build/results"
count env BUILD="$build" sh tests/soak/churn.sh
count env BUILD="$build" bash tests/soak/cycle.sh
echo "$label $pass $fail" >> "$build/results/counts"
echo "$label: $pass passed, $fail failed"
[ $fail -eq 0 ]
