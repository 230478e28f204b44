#!/bin/sh
# Checks that every product and test C/C++ source is formatted by .clang-format
# (Debian 12's clang-format 14): prints each file and line that would change
# and exits 1 when one would.
#   scripts/check-format.sh            check
#   scripts/check-format.sh --fix      format them in place (the same files)
set -eu
cd "$(dirname "$0")/.."
fmt=${CLANG_FORMAT:-}
if [ -z "$fmt" ]; then
  for c in clang-format-14 clang-format; do
    if command -v "$c" >/dev/null 2>&1; then fmt=$c; break; fi
  done
fi
if [ -z "$fmt" ]; then
  echo "check-format: clang-format not found (Debian: apt-get install clang-format)" >&2
  exit 2
fi
# The product (grammar, engine, vtab, shell, include) and its tests, bench and
# fuzz targets; generated files and test data are not sources.
files=$(git ls-files -- 'grammar/*' 'engine/*' 'vtab/*' 'shell/*' 'include/*' 'tests/*' 'bench/*' |
        grep -E '\.(c|cc|cpp|h|hpp)$' | grep -v '^tests/data/' || true)
if [ -z "$files" ]; then
  echo "check-format: no sources found" >&2
  exit 2
fi
if [ "${1:-}" = "--fix" ]; then
  # shellcheck disable=SC2086
  $fmt -i --style=file $files
  echo "check-format: formatted $(echo "$files" | wc -l) files with $($fmt --version)"
  exit 0
fi
# shellcheck disable=SC2086
if $fmt --dry-run -Werror --style=file $files; then
  echo "check-format: $(echo "$files" | wc -l) files formatted ($($fmt --version))"
else
  echo "check-format: files above are not formatted; run scripts/check-format.sh --fix" >&2
  exit 1
fi
