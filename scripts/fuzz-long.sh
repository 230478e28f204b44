#!/bin/bash
# Long fuzzing: every libFuzzer target in turn, for hours, resumable.
#   scripts/fuzz-long.sh [HOURS_PER_TARGET] [TARGET...]      (default 1 hour, every target)
# Builds build-fuzz (clang, -DKSTATSQL_FUZZ=ON) and runs each target with
# tests/fuzz/run-target.sh; the corpora grow in build-fuzz/corpus/<target>/, so
# a second run starts where the first stopped. Findings are left in
# build-fuzz/fuzz-artifacts/; the run goes on with the next target and the
# script exits 1 when any target found something. FUZZ_JOBS=N runs N
# processes per target (libFuzzer -fork=N) instead of one.
set -uo pipefail
cd "$(dirname "$0")/.."
hours=${1:-1}
shift || true
seconds=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DKSTATSQL_FUZZ=ON -DKSTATSQL_BUILD_BENCH=OFF \
  -DKSTATSQL_BUILD_SHELL=OFF > /dev/null || exit 2
if [ $# -gt 0 ]; then
  targets="$*"
else
  targets=$(cd tests/fuzz && ls ./*_fuzz.cpp | sed 's|^\./||; s|\.cpp$||')
fi
# shellcheck disable=SC2086
nice cmake --build build-fuzz -j"${FUZZ_BUILD_JOBS:-2}" --target $targets || exit 2
extra=()
[ -n "${FUZZ_JOBS:-}" ] && extra=(-fork="$FUZZ_JOBS" -ignore_crashes=1)
status=0
for t in $targets; do
  if ! tests/fuzz/run-target.sh build-fuzz "$t" "$seconds" "${extra[@]}"; then
    echo "!! $t: finding(s) in build-fuzz/fuzz-artifacts/$t-*" >&2
    status=1
  fi
done
exit $status
