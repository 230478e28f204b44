#!/bin/sh
# The loadable extension from the stock sqlite3 CLI (SQLITE3, EXT and DATA set by CTest).
set -eu
fail() { echo "sqlite3_cli_test: $*" >&2; exit 1; }
ext="${EXT%.so}"

# Modules on the live system.
mods=$("$SQLITE3" :memory: -cmd ".load $ext" "SELECT DISTINCT module FROM named ORDER BY 1")
for m in cpu unix link linux; do
  echo "$mods" | grep -qx "$m" || fail "module $m missing from named (got: $mods)"
done

# nproc comes from exactly one kstat read.
out=$("$SQLITE3" :memory: -cmd ".load $ext" \
  "SELECT count(*) FROM named WHERE module='unix' AND instance=0 AND name='system_misc' AND statistic='nproc'; SELECT kstat_reads();")
[ "$out" = "1
1" ] || fail "point query: expected 1 row from 1 read, got: $out"

# io lists the disks of /proc/diskstats.
want=$(awk '{print $3}' /proc/diskstats | sort)
got=$("$SQLITE3" :memory: -cmd ".load $ext" "SELECT name FROM io" | sort)
[ "$want" = "$got" ] || fail "io names differ from /proc/diskstats: want [$want] got [$got]"

# KSTATSQL_SOURCE selects a dump at load time.
dump="$DATA/dumps/illumos-kstat-p.txt"
if [ -f "$dump" ]; then
  n=$(KSTATSQL_SOURCE="$dump" "$SQLITE3" :memory: -cmd ".load $ext" "SELECT count(*) FROM kstat WHERE module='unix'")
  [ "$n" -ge 1 ] || fail "KSTATSQL_SOURCE dump gave no unix kstats"
fi

# Writes fail with a read-only message; exit status is non-zero.
if "$SQLITE3" :memory: -cmd ".load $ext" "DELETE FROM kstat" 2>/tmp/kstatsql_cli_err.$$; then
  fail "DELETE succeeded"
fi
grep -q "read-only" /tmp/kstatsql_cli_err.$$ || fail "no read-only message: $(cat /tmp/kstatsql_cli_err.$$)"
rm -f /tmp/kstatsql_cli_err.$$

# Security (docs/security.md). A database file's CHECK constraint cannot switch the
# source (SQLite 3.40 runs it without the DIRECTONLY test), with trusted_schema ON or OFF.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
victim="$DATA/dumps/illumos-kstat-p.txt"
"$SQLITE3" "$tmp/check.db" -cmd ".load $ext" \
  "CREATE TABLE t(x CHECK (kstat_source('$victim') IS NOT NULL))" || fail "cannot create check.db"
for trusted in ON OFF; do
  if "$SQLITE3" "$tmp/check.db" -cmd ".load $ext" -cmd "PRAGMA trusted_schema=$trusted" \
    "INSERT INTO t VALUES(1)" 2>"$tmp/err"; then
    fail "CHECK (kstat_source(...)) ran with trusted_schema=$trusted"
  fi
  grep -q "refused inside a statement that writes" "$tmp/err" || fail "CHECK: $(cat "$tmp/err")"
done
# PRAGMA integrity_check evaluates CHECK constraints in a read-only statement: refused too.
"$SQLITE3" "$tmp/ic.db" "CREATE TABLE t(x CHECK (abs(1) IS NOT NULL)); INSERT INTO t VALUES(1);
  PRAGMA writable_schema=ON;
  UPDATE sqlite_schema SET sql = replace(sql, 'abs(1)', 'kstat_source(''$victim'')')"
src=$(printf 'PRAGMA integrity_check;\nSELECT kstat_source();\n' |
  "$SQLITE3" "$tmp/ic.db" -cmd ".load $ext" 2>/dev/null | tail -1)
[ "$src" = "live" ] || fail "PRAGMA integrity_check switched the source to '$src'"
# Saved views over the tables work with trusted_schema=OFF; a view calling
# kstat_source() is refused.
"$SQLITE3" "$tmp/views.db" "CREATE VIEW mods AS SELECT count(DISTINCT module) AS n FROM named;
  CREATE VIEW src AS SELECT kstat_source('$victim')"
n=$("$SQLITE3" "$tmp/views.db" -cmd ".load $ext" -cmd "PRAGMA trusted_schema=OFF" "SELECT n FROM mods")
[ "$n" -ge 3 ] || fail "saved view over named gave '$n'"
if "$SQLITE3" "$tmp/views.db" -cmd ".load $ext" "SELECT * FROM src" 2>"$tmp/err"; then
  fail "a view switched the source"
fi
grep -q "unsafe use of kstat_source" "$tmp/err" || fail "view: $(cat "$tmp/err")"
# The safe entry point: file access off.
if "$SQLITE3" :memory: -cmd ".load $ext sqlite3_kstatsqlsafe_init" \
  "SELECT kstat_source('$victim')" 2>"$tmp/err"; then
  fail "sqlite3_kstatsqlsafe_init: kstat_source switched"
fi
grep -q "switching sources is disabled" "$tmp/err" || fail "safe init: $(cat "$tmp/err")"
n=$("$SQLITE3" :memory: -cmd ".load $ext sqlite3_kstatsqlsafe_init" "SELECT count(*) FROM kstat")
[ "$n" -ge 1 ] || fail "safe init: no kstats"
# A file that is not a dump is not echoed; a long argument gives a short message.
printf 'localhost:5432:db:user:secretpw\n' >"$tmp/pgpass"
"$SQLITE3" :memory: -cmd ".load $ext" "SELECT kstat_source('$tmp/pgpass')" 2>"$tmp/err" || true
grep -q "unknown format" "$tmp/err" || fail "pgpass: $(cat "$tmp/err")"
if grep -q secretpw "$tmp/err"; then fail "pgpass: the file's content was echoed"; fi
"$SQLITE3" :memory: -cmd ".load $ext" \
  "SELECT kstat_reads(char(27) || '[31m' || replace(hex(zeroblob(5000000)), '0', 'x'))" 2>"$tmp/err" || true
len=$(wc -c <"$tmp/err")
[ "$len" -gt 10 ] && [ "$len" -le 1100 ] || fail "10 MB argument: a $len-byte message"
if grep -q "$(printf '\033')" "$tmp/err"; then fail "an escape sequence reached the terminal"; fi
echo "sqlite3_cli_test: ok"
