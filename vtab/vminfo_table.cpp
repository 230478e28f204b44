/*
** vminfo — one row per unix:0:vminfo kstat (vminfo_t, raw; kstat(8)'s
** unix:vminfo decoder).
**
**   SELECT freemem, swap_avail, updates FROM vminfo;       -- 1 row
**   -- vmstat's memory columns between two samples (values are in pages):
**   --   free = Δfreemem / Δupdates, swap = Δswap_avail / Δupdates
**
** Columns: module, instance, name, class (key columns, pushed down), freemem,
** swap_resv, swap_alloc, swap_avail, swap_free (running sums of pages, added
** once a second), updates (seconds counted), snaptime, crtime (ns). The
** values are running sums: divide a difference by the difference of updates.
**
** HOW IT WORKS: only kstats whose module:name with digits removed is
** unix:vminfo are visited (checked on the header, before any read). Values are
** read by name from the kstat's statistics, so a live raw kstat and a replayed
** `kstat -p` dump both fill the table. A missing statistic is NULL; a failed
** read, or a raw size other than 48, gives no row (see kstat.error).
** See docs/raw-kstats.md.
*/
#include "vtab/struct_table.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

KSTATSQL_STRUCT_TABLE(VminfoTable, "unix:vminfo", structs::kFirstDataColumn)

}  // namespace kstatsql::vtab
