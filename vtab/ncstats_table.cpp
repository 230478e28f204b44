/*
** ncstats — one row per unix:0:ncstats kstat (struct ncstats, raw; kstat(8)'s
** unix:ncstats decoder): directory name lookup cache (DNLC) counters.
**
**   SELECT hits, misses, 100.0 * hits / (hits + misses) AS hit_pct FROM ncstats;
**
** Columns: module, instance, name, class (key columns, pushed down), hits,
** misses, enters, dbl_enters, long_enter, long_look, move_to_front, purges
** (int32, as kstat(8) prints them), snaptime, crtime (ns). sys/dnlc.h marks
** the struct deprecated in favour of the named nc_stats statistics.
**
** HOW IT WORKS: only kstats whose module:name with digits removed is
** unix:ncstats are visited (checked on the header). Values are read by name
** from the kstat's statistics (decoded raw struct or replayed dump alike). A
** missing statistic is NULL; a failed read, or a raw size other than 32, gives
** no row (see kstat.error). See docs/raw-kstats.md.
*/
#include "vtab/struct_table.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

KSTATSQL_STRUCT_TABLE(NcstatsTable, "unix:ncstats", structs::kFirstDataColumn)

}  // namespace kstatsql::vtab
