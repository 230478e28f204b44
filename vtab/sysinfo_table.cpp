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

namespace {

constexpr std::string_view kKey = "unix:sysinfo";
constexpr int kFirstStat = 4;

const Column kColumns[] = {
    key_column(engine::KeyCol::module, "kstat module (unix)"),
    key_column(engine::KeyCol::instance, "kstat instance (0)"),
    key_column(engine::KeyCol::name, "kstat name (sysinfo)"),
    key_column(engine::KeyCol::klass, "kstat class (misc)"),
    {"updates", "INTEGER", "seconds counted: +1 each second", -1, true},
    {"runque", "INTEGER", "running sum of runnable threads, added each second", -1, true},
    {"runocc", "INTEGER", "seconds in which some thread was runnable", -1, true},
    {"swpque", "INTEGER", "running sum of swapped-out threads, added each second", -1, true},
    {"swpocc", "INTEGER", "seconds in which some thread was swapped out", -1, true},
    {"waiting", "INTEGER", "running sum of threads waiting for I/O, added each second", -1, true},
    kSnaptimeColumn,
    kCrtimeColumn,
};

}  // namespace

const TableSpec SysinfoTable::spec = {"sysinfo",
                                      "run and swap queue sums (unix:0:sysinfo, sysinfo_t)",
                                      kColumns, static_cast<int>(std::size(kColumns)), 0.001};

KSTATSQL_STRUCT_TABLE(SysinfoTable, kKey, kFirstStat)

}  // namespace kstatsql::vtab
