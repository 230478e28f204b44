#!/bin/sh
# The real `kstatsql` binary: -c, positional SQL, stdin scripts, -bail, exit
# statuses, output modes, --interval, and kstat(8) mode over a recorded dump.
# usage: shell_test.sh path/to/kstatsql tests/data [path/to/kstatsql.so]
set -u
bin="$1"; data="$2"; ext="${3:-}"
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

# sqlite3 habits: a database file argument keeps tables made from kstats.
db="$tmp/saved.db"
expect "database argument" 0 "" -- "$bin" --source "$dump" "$db" \
  "CREATE TABLE procs AS SELECT value FROM named WHERE module='unix' AND statistic='nproc'"
expect "database persists" 0 "71" -- "$bin" "$db" "SELECT value FROM procs"
expect "database .dump" 0 "PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE procs(value NUM);
INSERT INTO procs VALUES(71);
COMMIT;" -- "$bin" "$db" ".dump"
"$bin" .help | grep -q '^\.dump ' || fail "kstatsql .help: a dot-command, not a database name"
[ ! -e .help ] || fail "kstatsql .help created a database file .help"
expect "a dump is not a database" 1 "" -- "$bin" "$dump" "SELECT 1"
grep -q "is not an SQLite database.*--source $dump" "$tmp/err" || fail "dump as database: $(cat "$tmp/err")"
expect "EXPLAIN QUERY PLAN tree" 0 'QUERY PLAN
`--SCAN kstat_columns VIRTUAL TABLE INDEX 0:' -- "$bin" "EXPLAIN QUERY PLAN SELECT * FROM kstat_columns"
expect "html mode" 0 "<TR><TD>1</TD>
<TD>&lt;b&gt;</TD>
</TR>" -- "$bin" -html "SELECT 1, '<b>'"
expect "unique prefix" 0 "1,x" -- "$bin" -cmd ".mo csv" "SELECT 1, 'x'"
printf '.he on\n' | "$bin" >/dev/null 2>"$tmp/err"
grep -q 'ambiguous: it may be .headers .help' "$tmp/err" || fail "ambiguous prefix: $(cat "$tmp/err")"
if [ -n "$ext" ] && [ -f "$ext" ]; then
  expect ".load" 0 "1" -- "$bin" --source "$dump" -cmd ".load $ext" "SELECT count(*) > 0 FROM kstat"
else
  echo "SKIP: .load of the extension: ${ext:-no path given} is not built"
fi
expect ".load missing" 1 "1" -- "$bin" -cmd ".load $tmp/nosuch.so" "SELECT 1"
grep -q "Error: .load: .*nosuch" "$tmp/err" || fail ".load error: $(cat "$tmp/err")"
# .exit: 1 after an error unless a code is given, in scripts and (shell_tty_test.py) interactively.
printf 'selec 1;\n.exit\n' | "$bin" >/dev/null 2>&1; rc=$?
[ "$rc" = 1 ] || fail ".exit after an error: status $rc, want 1"
printf 'SELECT 1;\n.exit\nSELECT 2;\n' | "$bin" >"$tmp/out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "1" ] || fail ".exit: status $rc, out $(cat "$tmp/out")"
expect "-echo" 0 "SELECT 1;
1
SELECT 2
2" -- "$bin" -echo "SELECT 1;" "SELECT 2"

# Against the stock sqlite3 CLI: the same .dump, insert/html/ascii output and plan tree.
if command -v sqlite3 >/dev/null 2>&1; then
  rm -f "$tmp/d.db"
  sqlite3 "$tmp/d.db" "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);
    INSERT INTO t VALUES(1,'it''s',2.5),(2,NULL,0.1),(3,'x
y',1e300); CREATE INDEX tb ON t(b); CREATE VIEW v AS SELECT a FROM t;
    CREATE TABLE \"odd name\"(x); INSERT INTO \"odd name\" VALUES(x'00ff');"
  sqlite3 "$tmp/d.db" .dump > "$tmp/want"
  "$bin" "$tmp/d.db" .dump > "$tmp/got"
  cmp -s "$tmp/got" "$tmp/want" || fail ".dump differs from sqlite3's: $(diff "$tmp/want" "$tmp/got")"
  # (Blobs only in insert mode: sqlite3 prints other modes' blobs as C strings, cut at a NUL.)
  for mode in "insert:x'00ff'," "html:" "ascii:"; do
    q="SELECT 'a<b>''c' AS x, 0.1 AS y, 2.0, NULL, ${mode#*:} 'l1
l2' AS z"
    sqlite3 :memory: -cmd ".mode ${mode%%:*}" -header "$q" > "$tmp/want"
    "$bin" -cmd ".mode ${mode%%:*}" -header "$q" > "$tmp/got"
    [ -s "$tmp/got" ] && cmp -s "$tmp/got" "$tmp/want" \
      || fail "${mode%%:*} mode differs from sqlite3's: $(od -c "$tmp/got" | head -5)"
  done
  q="EXPLAIN QUERY PLAN SELECT * FROM (SELECT 1 a) x, (SELECT 2 b) y WHERE a IN (SELECT 1 UNION SELECT 2) ORDER BY 1"
  [ "$("$bin" "$q")" = "$(sqlite3 :memory: "$q")" ] || fail "plan tree differs from sqlite3's: $("$bin" "$q")"
else
  echo "SKIP: no sqlite3 CLI to compare .dump, insert/html/ascii and EXPLAIN QUERY PLAN with"
fi

# Small defects: convert --help, --report nosuch, --interval with kstat mode.
"$bin" convert --help >"$tmp/out" 2>&1 || fail "convert --help: status $?"
grep -q '^usage: kstatsql convert' "$tmp/out" || fail "convert --help: $(cat "$tmp/out")"
"$bin" record --help | grep -q -- '--interval S' || fail "record --help"
expect "--report nosuch" 2 "" -- "$bin" --report nosuch
grep -q 'reports in .*vmstat' "$tmp/err" || fail "--report nosuch lists no reports: $(cat "$tmp/err")"
grep '^unix:0:system_misc:nproc' "$dump" > "$tmp/one"
{ cat "$tmp/one"; echo; cat "$tmp/one"; } > "$tmp/want"
"$bin" --source "$dump" --interval 0.05 --count 2 kstat -p unix:0:system_misc:nproc > "$tmp/got"
cmp -s "$tmp/got" "$tmp/want" || fail "--interval with kstat -p: $(cat "$tmp/got")"
expect "kstat interval twice" 2 "" -- "$bin" --source "$dump" --interval 1 kstat -p unix 1 2
expect "kstat --count alone" 2 "" -- "$bin" --source "$dump" --count 2 kstat -p unix

# record samples what --source / KSTATSQL_SOURCE name; a recording is refused.
want=$("$bin" --source "$dump" "SELECT count(*) FROM kstat")
"$bin" --source "$dump" record -q -o "$tmp/a.kss" || fail "--source X record: status $?"
expect "record --source" 0 "$want" -- "$bin" --source "$tmp/a.kss" "SELECT count(*) FROM kstat"
KSTATSQL_SOURCE="$dump" "$bin" record -q -o "$tmp/b.kss" || fail "KSTATSQL_SOURCE record: status $?"
expect "record KSTATSQL_SOURCE" 0 "$want" -- "$bin" --source "$tmp/b.kss" "SELECT count(*) FROM kstat"
expect "record a recording" 2 "" -- "$bin" --source "$tmp/a.kss" record -q -o "$tmp/c.kss"
grep -q 'is a recording.*convert' "$tmp/err" || fail "record of a .kss: $(cat "$tmp/err")"
[ ! -e "$tmp/c.kss" ] || fail "record of a .kss left $tmp/c.kss"
expect "convert --source" 2 "" -- "$bin" --source "$dump" convert "$dump" "$tmp/x.txt"

# Every numeric option has a range; the extremes are usage errors naming it (status 2).
range() {  # range NAME WANT_TEXT -- command...
  rname="$1"; rwant="$2"; shift 3
  "$@" >/dev/null 2>"$tmp/err"; rrc=$?
  [ "$rrc" = 2 ] || fail "$rname: status $rrc, want 2"
  grep -q -- "$rwant" "$tmp/err" || fail "$rname: stderr $(cat "$tmp/err")"
}
range "record --interval 1e300" "--interval '1e300': expected a number of seconds from 0.001 to 31536000" \
  -- "$bin" record -q -o "$tmp/r.kss" --source "$dump" --interval 1e300 --count 3
[ ! -e "$tmp/r.kss" ] || fail "record --interval 1e300 wrote $tmp/r.kss"
range "record --interval 0.0001" "from 0.001 to" -- "$bin" record -o "$tmp/r.kss" --interval 0.0001
range "record --interval nan" "from 0.001 to" -- "$bin" record -o "$tmp/r.kss" --interval nan
range "record --count 0" "--count '0': expected an integer from 1 to 2147483647" \
  -- "$bin" record -o "$tmp/r.kss" --count 0
range "record --count huge" "--count '99999999999999999999'" \
  -- "$bin" record -o "$tmp/r.kss" --count 99999999999999999999
range "--interval 1e300" "--interval '1e300': expected" -- "$bin" --interval 1e300 "SELECT 1"
range "--interval inf" "--interval 'inf': expected" -- "$bin" --interval inf "SELECT 1"
range "--count 2147483648" "from 1 to 2147483647" -- "$bin" --interval 1 --count 2147483648 "SELECT 1"
range "--report interval" "--report interval '1e300'" -- "$bin" --report vmstat 1e300
range "convert --generation" "--generation '1e3'" -- "$bin" convert "$dump" "$tmp/x.txt" --generation 1e3
expect "--interval 0.001 (the minimum)" 0 "1" -- "$bin" --interval 0.001 --count 1 "SELECT 1"
expect "record --count 2147483647 parses" 2 "" -- "$bin" record --count 2147483647 --bogus

if [ "$fails" -ne 0 ]; then echo "shell_test: $fails failure(s)" >&2; exit 1; fi
echo "shell_test: ok"
