/*
** sysinfo — one row per unix:0:sysinfo kstat (sysinfo_t, raw; kstat(8)'s
** unix:sysinfo decoder).
**
**   SELECT updates, runque, waiting FROM sysinfo;          -- 1 row
**   -- vmstat's kthr columns between two samples:
**   --   r = Δrunque / Δupdates, b = Δwaiting / Δupdates, w = Δswpque / Δupdates
**
** Columns: module, instance, name, class (key columns, pushed down), updates
** (seconds counted), runque, runocc, swpque, swpocc, waiting (running sums,
** added to once a second), snaptime, crtime (ns).
**
** HOW IT WORKS: only kstats whose module:name with digits removed is
** unix:sysinfo are visited (checked on the header, before any read). The
** values are read by name from the kstat's statistics, so a live raw kstat
** (decoded by engine/raw_decode.cpp) and a replayed `kstat -p` dump holding
** unix:0:sysinfo:* lines both fill the table. A missing statistic is NULL; a
** kstat whose read failed, or whose raw size is not 24, has no row (see
** kstat.error). See docs/raw-kstats.md.
*/
#include "vtab/struct_table.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

KSTATSQL_STRUCT_TABLE(SysinfoTable, "unix:sysinfo", structs::kFirstDataColumn)

}  // namespace kstatsql::vtab
