/*
** kstat — the catalog: one row per kstat visible from the current source.
**
**   SELECT module, instance, name, class, type FROM kstat WHERE class = 'disk';
**   -- one row per disk: sd|0|sd0|disk|io ...
**   SELECT count(*) FROM kstat;            -- never reads any kstat's data
**   SELECT module, instance, name, error FROM kstat WHERE error IS NOT NULL;
**
** Columns: module, instance, name, class (key columns: =, IN, GLOB, LIKE are
** pushed down), type ('raw', 'named', 'intr', 'io', 'timer'), id (ks_kid or
** a synthetic id), crtime (creation time, ns), snaptime (time of this
** generation's read, ns), ndata, data_size (as read), error (NULL, or why
** the kstat could not be read in this generation).
**
** HOW IT WORKS: rows come from the generation's header list, which is built
** without reading data. The last four columns read the kstat (once per
** generation); a query that does not use them reads nothing.
** The hidden column raw holds a raw kstat's bytes, decoded or not:
**   SELECT name, hex(raw) FROM kstat WHERE type = 'raw';
*/
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

enum class Col : int {
  module,
  instance,
  name,
  klass,
  type,
  id,
  crtime,
  snaptime,
  ndata,
  data_size,
  error,
  raw
};

}  // namespace

void KstatTable::first(Cursor& c) {
  c.eof = c.k >= c.kstats.size();
}

void KstatTable::next(Cursor& c) {
  ++c.k;
  c.eof = c.k >= c.kstats.size();
}

void KstatTable::column(Cursor& c, sqlite3_context* ctx, int col) {
  const engine::KstatHeader& h = c.header();
  switch (static_cast<Col>(col)) {
    case Col::type:
      sqlite3_result_text(ctx, engine::type_name(h.type), -1, SQLITE_STATIC);
      return;
    case Col::id:
      sqlite3_result_int64(ctx, h.id);
      return;
    case Col::crtime:  // NULL when a filtered dump gave none
      if (h.absent & engine::kAbsentCrtime) {
        sqlite3_result_null(ctx);
      } else {
        sqlite3_result_int64(ctx, h.crtime);
      }
      return;
    case Col::snaptime:
    case Col::ndata:
    case Col::data_size:
    case Col::error:
    case Col::raw: {
      const engine::KstatData& d = c.gen->data(c.index());
      if (static_cast<Col>(col) == Col::raw) {
        if (d.raw.empty() && h.type != engine::KstatType::raw) {
          sqlite3_result_null(ctx);
        } else {
          sqlite3_result_blob(ctx, d.raw.empty() ? "" : static_cast<const void*>(d.raw.data()),
                              static_cast<int>(d.raw.size()), SQLITE_STATIC);
        }
      } else if (static_cast<Col>(col) == Col::error) {
        if (d.ok())
          sqlite3_result_null(ctx);
        else
          result_text(ctx, d.error);
      } else if (!d.ok() ||
                 (static_cast<Col>(col) == Col::snaptime && (h.absent & engine::kAbsentSnaptime))) {
        sqlite3_result_null(ctx);
      } else if (static_cast<Col>(col) == Col::snaptime) {
        sqlite3_result_int64(ctx, d.snaptime);
      } else if (static_cast<Col>(col) == Col::ndata) {
        sqlite3_result_int64(ctx, d.ndata);
      } else {
        sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(d.data_size));
      }
      return;
    }
    default:
      result_identity(ctx, h, col);
  }
}

}  // namespace kstatsql::vtab
