#!/bin/sh
# Prints the markdown table reference (README.md, between the TABLES markers)
# from kstat_columns, the schema data the virtual tables are declared from.
# usage: scripts/gen-reference.sh [path/to/kstatsql]
set -eu
shell="${1:-build/kstatsql}"
q() { KSTATSQL_SOURCE=live "$shell" "$1"; }
for t in $(q "SELECT DISTINCT table_name FROM kstat_columns"); do
  echo "### \`$t\`"
  echo
  q "SELECT DISTINCT table_doc FROM kstat_columns WHERE table_name = '$t'" | sed 's/^\(.\)/\U\1/; s/$/./'
  echo
  echo "| column | type | key | meaning |"
  echo "|---|---|---|---|"
  q "SELECT '| \`' || column_name || '\` | ' || type || ' | ' || CASE is_key WHEN 1 THEN 'yes' ELSE '' END || ' | ' || doc || ' |' FROM kstat_columns WHERE table_name = '$t' ORDER BY position"
  echo
done
