#!/bin/sh
# kstatsql.so exports its entry points only: at most MAX dynamic symbols
# defined by the library itself (nm -D --defined-only).
#   check_exports.sh path/to/kstatsql.so [MAX]
# Exit 77 (ctest's SKIP_RETURN_CODE) when nm is missing.
so=$1
max=${2:-5}
if ! command -v nm >/dev/null 2>&1; then
  echo "so_exports: SKIPPED: nm not found (binutils), cannot list the symbols of $so"
  exit 77
fi
if [ ! -f "$so" ]; then
  echo "so_exports: $so not found"
  exit 1
fi
symbols=$(nm -D --defined-only "$so") || exit 1
count=$(printf '%s\n' "$symbols" | grep -c .)
printf '%s\n' "$symbols"
if [ "$count" -gt "$max" ]; then
  echo "so_exports: $so exports $count symbols, more than $max"
  exit 1
fi
if ! printf '%s\n' "$symbols" | grep -q ' T sqlite3_kstatsql_init$'; then
  echo "so_exports: $so does not export sqlite3_kstatsql_init"
  exit 1
fi
echo "so_exports: $count symbol(s), at most $max"
