#!/bin/sh
# The real `kstatsql` binary: -c, positional SQL, stdin scripts, -bail, exit
# statuses, output modes, --interval, and kstat(8) mode over a recorded dump.
# usage: shell_test.sh path/to/kstatsql tests/data
set -u
bin="$1"; data="$2"
dump="$data/dumps/illumos-kstat-p.txt"
tmp="${TMPDIR:-/tmp}/kstatsql-shell-test.$$"
mkdir -p "$tmp"; trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect NAME WANT_STATUS WANT_STDOUT -- command...
expect() {
  name="$1"; want_rc="$2"; want_out="$3"; shift 4
  out=$("$@" 2>"$tmp/err"); rc=$?
  [ "$rc" = "$want_rc" ] || fail "$name: exit status $rc, want $want_rc ($(cat "$tmp/err"))"
  [ "$out" = "$want_out" ] || fail "$name: stdout
$out
want
$want_out"
}

expect "-c" 0 "2" -- "$bin" --source "$dump" -c "SELECT 1 + 1"
expect "positional" 0 "1
2" -- "$bin" --source "$dump" "SELECT 1" "SELECT 2"
expect "header" 0 "a|b
1|x" -- "$bin" -header "SELECT 1 AS a, 'x' AS b"
expect "json" 0 '[{"v":71,"n":null}]' -- "$bin" --source "$dump" -json \
  "SELECT value AS v, NULL AS n FROM named WHERE module='unix' AND name='system_misc' AND statistic='nproc'"
expect "csv" 0 '"a b",1' -- "$bin" -csv "SELECT 'a b', 1"
expect "kstat mode" 0 "unix:0:system_misc:nproc	71" -- "$bin" --source "$dump" -kstat \
  "SELECT module, instance, name, statistic, value FROM named WHERE module='unix' AND statistic='nproc'"

# stdin script: an error does not stop later statements, but sets status 1.
printf 'SELECT 1;\nSELEC 2;\nSELECT 3;\n' | "$bin" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] || fail "stdin: exit status $rc, want 1"
[ "$(cat "$tmp/out")" = "1
3" ] || fail "stdin: stdout $(cat "$tmp/out")"
grep -q 'Parse error near line 2: near "SELEC": syntax error' "$tmp/err" || fail "stdin: stderr $(cat "$tmp/err")"
grep -q '\^--- error here' "$tmp/err" || fail "stdin: no caret"
# -bail stops at the first error.
printf 'SELECT 1;\nSELEC 2;\nSELECT 3;\n' | "$bin" -bail >"$tmp/out" 2>/dev/null; rc=$?
[ "$rc" = 1 ] && [ "$(cat "$tmp/out")" = "1" ] || fail "-bail: status $rc, stdout $(cat "$tmp/out")"
# Dot-commands from stdin, multi-line statements.
printf '.mode line\nSELECT\n  42\n  AS answer;\n' | "$bin" >"$tmp/out"
[ "$(cat "$tmp/out")" = "answer = 42" ] || fail "line mode: $(cat "$tmp/out")"
# Usage errors are status 2; --help and --version status 0.
expect "bad option" 2 "" -- "$bin" --bogus
expect "interval without SQL" 2 "" -- "$bin" --interval 1
"$bin" --help | grep -q '^usage: kstatsql' || fail "--help"
"$bin" --version | grep -q '^kstatsql ' || fail "--version"
expect "bad source" 1 "" -- "$bin" --source /nonexistent/dump.txt "SELECT 1"

# --interval: fresh generations, a blank line between iterations.
expect "interval" 0 "1

2

3" -- "$bin" --interval 0.05 --count 3 "SELECT kstat_reads('generation') FROM kstat LIMIT 1"

# kstat(8) mode over the dump: the same lines as the dump for one kstat.
grep '^unix:0:system_misc:' "$dump" > "$tmp/want"
"$bin" --source "$dump" kstat -p unix:0:system_misc > "$tmp/got"; rc=$?
[ "$rc" = 0 ] || fail "kstat -p: status $rc"
cmp -s "$tmp/got" "$tmp/want" || fail "kstat -p unix:0:system_misc differs from the dump"
KSTATSQL_SOURCE="$dump" "$bin" kstat -p > "$tmp/all"
sort "$tmp/all" > "$tmp/all.sorted"; sort "$dump" > "$tmp/dump.sorted"
cmp -s "$tmp/all.sorted" "$tmp/dump.sorted" || fail "kstat -p does not reproduce the dump's lines"
expect "kstat nothing matched" 1 "" -- "$bin" --source "$dump" kstat -p nosuch:::
expect "kstat -q -p" 2 "" -- "$bin" --source "$dump" kstat -q -p
expect "kstat -q" 0 "" -- "$bin" --source "$dump" kstat -q unix
expect "kstat bad source" 3 "" -- "$bin" --source /nonexistent kstat -p
grep -q 'mutually exclusive' "$tmp/err" || true
"$bin" --source "$dump" kstat -j unix:0:system_misc > "$tmp/json"
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["data"]["nproc"] == 71' "$tmp/json" \
    || fail "kstat -j is not the expected JSON"
fi

# KQL: -k, a `kql ` line, .kql mode with a continued pipeline, .explain; same rows as SQL.
want=$("$bin" --source "$dump" "SELECT statistic, value FROM named WHERE module='unix' AND name='system_misc' AND statistic GLOB 'avenrun*' ORDER BY statistic")
got=$("$bin" --source "$dump" -k "unix:0:system_misc:avenrun* | select statistic, value | sort statistic")
[ "$want" = "$got" ] || fail "KQL -k differs from SQL: [$got] vs [$want]"
got=$(printf 'kql unix:0:system_misc:avenrun* | select statistic, value | sort statistic\n' | "$bin" --source "$dump")
[ "$want" = "$got" ] || fail "KQL line differs from SQL: [$got]"
got=$(printf '.kql on\nunix:0:system_misc:avenrun* |\n  select statistic, value |\n  sort statistic\n' | "$bin" --source "$dump")
[ "$want" = "$got" ] || fail "KQL mode with continuation differs: [$got]"
printf '.explain named module=unix | count\n' | "$bin" --source "$dump" | grep -q "FROM named WHERE module = 'unix'" \
  || fail ".explain does not show the SQL"
expect "KQL error" 1 "" -- "$bin" --source "$dump" -k "named | bogus"

if [ "$fails" -ne 0 ]; then echo "shell_test: $fails failure(s)" >&2; exit 1; fi
echo "shell_test: ok"
