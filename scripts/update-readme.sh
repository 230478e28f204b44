#!/bin/sh
# Regenerates README.md's table reference from the schema data (kstat_columns).
# usage: scripts/update-readme.sh [path/to/kstatsql]
set -eu
cd "$(dirname "$0")/.."
ref=$(mktemp)
scripts/gen-reference.sh "${1:-build/kstatsql}" > "$ref"
awk -v ref="$ref" '
  /<!-- BEGIN TABLES -->/ { print; while ((getline line < ref) > 0) print line; skip = 1; next }
  /<!-- END TABLES -->/ { skip = 0 }
  !skip { print }' README.md > README.md.new
mv README.md.new README.md
rm -f "$ref"
