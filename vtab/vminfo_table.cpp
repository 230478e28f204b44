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

namespace {

constexpr std::string_view kKey = "unix:vminfo";
constexpr int kFirstStat = 4;

const Column kColumns[] = {
    {"module", "TEXT", "kstat module (unix)", static_cast<int>(engine::KeyCol::module), false},
    {"instance", "INTEGER", "kstat instance (0)", static_cast<int>(engine::KeyCol::instance),
     false},
    {"name", "TEXT", "kstat name (vminfo)", static_cast<int>(engine::KeyCol::name), false},
    {"class", "TEXT", "kstat class (vm)", static_cast<int>(engine::KeyCol::klass), false},
    {"freemem", "INTEGER", "running sum of free memory, pages, added each second", -1, true},
    {"swap_resv", "INTEGER", "running sum of reserved swap, pages", -1, true},
    {"swap_alloc", "INTEGER", "running sum of allocated swap, pages", -1, true},
    {"swap_avail", "INTEGER", "running sum of unreserved swap, pages", -1, true},
    {"swap_free", "INTEGER", "running sum of unallocated swap, pages", -1, true},
    {"updates", "INTEGER", "seconds counted: +1 each second", -1, true},
    {"snaptime", "INTEGER", "time of the read, ns", -1, true},
    {"crtime", "INTEGER", "kstat creation time, ns", -1, false},
};

}  // namespace

const TableSpec VminfoTable::spec = {"vminfo",
                                     "free memory and swap sums (unix:0:vminfo, vminfo_t)",
                                     kColumns, static_cast<int>(std::size(kColumns)), 0.001};

void VminfoTable::first(Cursor& c) {
  structs::settle_key(c, kKey);
}

void VminfoTable::next(Cursor& c) {
  ++c.k;
  structs::settle_key(c, kKey);
}

void VminfoTable::column(Cursor& c, sqlite3_context* ctx, int col) {
  structs::column(c, spec, ctx, col, kFirstStat, c.numbuf);
}

}  // namespace kstatsql::vtab
