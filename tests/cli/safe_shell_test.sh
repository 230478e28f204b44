#!/bin/sh
# `kstatsql --safe`: SQL cannot switch the source and the dot-commands that open
# files are refused; --source and plain queries work as usual (docs/security.md).
# usage: safe_shell_test.sh path/to/kstatsql tests/data
set -u
bin="$1"; data="$2"
dump="$data/dumps/illumos-kstat-p.txt"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

n=$("$bin" --safe --source "$dump" "SELECT count(*) > 0 FROM kstat WHERE module = 'unix'" 2>&1)
[ "$n" = "1" ] || fail "--safe --source: a query gave '$n'"
if "$bin" --safe -c "SELECT kstat_source('$dump')" >"$tmp/out" 2>"$tmp/err"; then
  fail "--safe: kstat_source('x') succeeded"
fi
grep -q "switching sources is disabled" "$tmp/err" || fail "--safe kstat_source: $(cat "$tmp/err")"
for cmd in ".source $dump" ".read $tmp/x.sql" ".once $tmp/out.txt" ".output $tmp/out.txt" \
  ".open $tmp/out.txt" ".import $tmp/x.sql t" ".load $tmp/out.txt"; do
  echo "SELECT 1;" >"$tmp/x.sql"
  "$bin" --safe -cmd "$cmd" -c "SELECT 2" >"$tmp/out" 2>"$tmp/err"
  grep -q "refused: --safe forbids dot-commands that open files" "$tmp/err" ||
    fail "--safe $cmd: $(cat "$tmp/err")"
  [ ! -e "$tmp/out.txt" ] || fail "--safe $cmd: wrote a file"
done
out=$("$bin" --safe -cmd ".output" -cmd ".source" -c "SELECT 3" 2>&1)
echo "$out" | grep -qx 3 || fail "--safe: .output / .source without a file: $out"
if "$bin" --safe -c "ATTACH '$tmp/out.txt' AS a" >"$tmp/out" 2>"$tmp/err"; then
  fail "--safe: ATTACH succeeded"
fi
[ ! -e "$tmp/out.txt" ] || fail "--safe ATTACH: created a file"
# Without --safe, the same switch works.
out=$("$bin" -c "SELECT kstat_source('$dump')" 2>&1) || fail "kstat_source without --safe: $out"
"$bin" --help | grep -q -- "--safe" || fail "--help does not list --safe"
[ "$fails" = 0 ] && echo "safe_shell_test: ok"
[ "$fails" = 0 ]
