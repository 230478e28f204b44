/*
** intr — one row per interrupt kstat (KSTAT_TYPE_INTR, kstat_intr_t).
**
**   SELECT module, instance, name, hard, soft FROM intr;
**   SELECT module, sum(hard) FROM intr GROUP BY module;
**
** Columns: module, instance, name, class (key columns, pushed down; class is
** usually 'controller'), hard, soft, watchdog, spurious, multiple_service
** (uint32 counters, kstat(8)'s names; the last one is KSTAT_INTR_MULTSVC),
** snaptime, crtime (ns). Only very old drivers (and vioif) publish these on
** illumos; on Linux they come from /proc/spl/kstat files of that type.
**
** HOW IT WORKS: only kstats whose type is intr are visited (checked on the
** header). Values come from the kstat's kstat_intr_t record, or by name from
** its statistics when a source only has those (a replayed dump). A kstat
** whose read failed has no row (see kstat.error).
*/
#include "vtab/struct_table.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

constexpr int kFirstStat = 4;

static_assert(std::size(engine::kIntrNames) == 5);

bool is_intr(const engine::KstatHeader& h) {
  return h.type == engine::KstatType::intr;
}

}  // namespace

void IntrTable::first(Cursor& c) {
  structs::settle(c, is_intr);
}

void IntrTable::next(Cursor& c) {
  ++c.k;
  structs::settle(c, is_intr);
}

void IntrTable::column(Cursor& c, sqlite3_context* ctx, int col) {
  int i = col - kFirstStat;
  if (c.data->intr && i >= 0 && i < 5) {
    sqlite3_result_int64(ctx, c.data->intr->intrs[i]);
    return;
  }
  structs::column(c, ctx, col, kFirstStat, c.numbuf);
}

}  // namespace kstatsql::vtab
