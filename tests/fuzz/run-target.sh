#!/bin/bash
# Runs one libFuzzer target with the project's limits:
#   tests/fuzz/run-target.sh BUILD_DIR TARGET SECONDS [extra libFuzzer flags...]
# New inputs go to BUILD_DIR/corpus/TARGET (writable, kept between runs); the
# seeds in tests/fuzz/corpus/TARGET are read only. A crash, a timeout (an input
# taking over 10 s: a hang) or an RSS over 2 GB (a blow-up) fails the run and
# leaves the input in BUILD_DIR/fuzz-artifacts/ (re-run it: BUILD_DIR/TARGET FILE).
# -max_len is large enough for nesting bombs where the input is text.
set -euo pipefail
build=$1 target=$2 seconds=$3
shift 3
src=$(cd "$(dirname "$0")" && pwd)
case "$target" in
  raw_decode_fuzz | shell_args_fuzz) max_len=4096 ;;
  kstat_time_fuzz) max_len=256 ;;
  *) max_len=65536 ;;
esac
work="$build/corpus/$target"
mkdir -p "$work" "$build/fuzz-artifacts"
seeds=()
[ -d "$src/corpus/$target" ] && seeds=("$src/corpus/$target")
echo "== fuzz $target (${seconds} s, -max_len=$max_len)"
exec "$build/$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$target-" \
  "$@" "$work" "${seeds[@]}"
