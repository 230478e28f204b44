#!/bin/sh
# README.md's table reference must equal what the schema data generates.
set -eu
root="$1"; shell="$2"
want=$("$root/scripts/gen-reference.sh" "$shell")
got=$(awk '/<!-- BEGIN TABLES -->/ {on=1; next} /<!-- END TABLES -->/ {on=0} on' "$root/README.md")
if [ "$want" != "$got" ]; then
  echo "README.md table reference is stale; run scripts/update-readme.sh" >&2
  printf '%s\n' "$want" > /tmp/readme_want.$$; printf '%s\n' "$got" > /tmp/readme_got.$$
  diff /tmp/readme_got.$$ /tmp/readme_want.$$ >&2 || true
  rm -f /tmp/readme_want.$$ /tmp/readme_got.$$
  exit 1
fi
echo "readme_reference_test: ok"
