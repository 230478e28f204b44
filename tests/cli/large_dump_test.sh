#!/bin/sh
# A replayed 100,000-kstat kstat -p dump: the keyed point query reads exactly
# one kstat, and the catalog counts every kstat without reading any.
set -eu
gen="$1"; shell="$2"; dir="$3"
dump="$dir/large-100k.kstat-p.txt"
[ -s "$dump" ] || "$gen" --kstats 100000 "$dump" > /dev/null
out=$("$shell" --source "$dump" \
  "SELECT count(*) FROM kstat; SELECT kstat_reads();
   SELECT count(*) FROM named WHERE module='unix' AND instance=0 AND name='system_misc' AND statistic='nproc';
   SELECT kstat_reads(); SELECT kstat_reads('matched');")
want="100000
0
1
1
1"
if [ "$out" != "$want" ]; then
  echo "large_dump_test: expected [$want] got [$out]" >&2
  exit 1
fi
echo "large_dump_test: ok"
