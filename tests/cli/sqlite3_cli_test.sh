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
echo "sqlite3_cli_test: ok"
