// vtab/struct_table.hpp — shared by the typed tables over kstat(8)'s raw structs
// (sysinfo, vminfo, var, ncstats, mntinfo, cpu_stat) and over intr kstats.
//
// CONTRACT for a table built with these helpers:
//   * its columns are its entry in the schema (vtab/schema.cpp);
//   * columns 0..3 are the identity (module, instance, name, class); columns
//     named snaptime and crtime are the kstat's times; every other column is
//     a data column whose SQL name IS the statistic name kstat(8) prints
//     (e.g. "freemem");
//   * rows are the kstats, among those the pushed-down key constraints matched,
//     that the table accepts by header alone (e.g. lookup key "unix:vminfo")
//     and whose read succeeded; a failed read (or a raw struct of the wrong
//     size, see engine/raw_decode.hpp) has no row, only kstat.error;
//   * a data column is read BY NAME from KstatData::named. A live raw kstat is
//     decoded into named rows, a replayed `kstat -p` dump only has named rows,
//     so both fill the table the same way. A missing statistic is NULL.
// The lookup tries the column's position in kstat(8)'s order first (which is
// where a decoded struct has it) and scans otherwise: no allocation per row.
#pragma once

#include <string_view>

#include "engine/raw_decode.hpp"
#include "vtab/module.hpp"

namespace kstatsql::vtab::structs {

// Positions the cursor on the first accepted kstat at or after c.k (one row
// per kstat: c.s stays 0).
template <typename Accept>
void settle(Cursor& c, Accept&& accept) {
  vtab::settle(c, accept, [](const engine::KstatHeader&, const engine::KstatData&, std::size_t) {
    return true;
  });
}

// Positions the cursor on the first kstat at or after c.k whose module and
// name, digits removed, equal `key` (kstat(8)'s raw lookup key).
inline void settle_key(Cursor& c, std::string_view key) {
  settle(c, [key](const engine::KstatHeader& h) {
    return engine::raw_key_matches(h.module, h.name, key);
  });
}

// The first data column of a table whose columns start with the four key
// columns (module, instance, name, class).
inline constexpr int kFirstDataColumn = 4;

// The result of column `col` for the current row. `first_stat` is the first
// column that kstat(8) prints in struct order (the hint for the lookup).
inline void column(const Cursor& c, sqlite3_context* ctx, int col, int first_stat,
                   char (&buf)[24]) {
  if (col < 4) {
    result_identity(ctx, c.header(), col);
    return;
  }
  std::string_view name = c.table()->spec->column(col).name;
  if (name == "snaptime") {
    sqlite3_result_int64(ctx, c.data->snaptime);
  } else if (name == "crtime") {
    sqlite3_result_int64(ctx, c.header().crtime);
  } else {
    std::ptrdiff_t i = engine::find_stat(c.data->named, name, col - first_stat);
    if (i < 0) {
      sqlite3_result_null(ctx);
    } else {
      result_value(ctx, c.data->named[static_cast<std::size_t>(i)], buf);
    }
  }
}

}  // namespace kstatsql::vtab::structs

// Defines Type::first, Type::next and Type::column (vtab/tables.hpp) for a
// table over the raw struct of kstat(8) lookup key `key` (e.g. "unix:vminfo"),
// whose data columns start with the statistic of column `first_stat`.
#define KSTATSQL_STRUCT_TABLE(Type, key, first_stat)            \
  void Type::first(Cursor& c) {                                 \
    structs::settle_key(c, key);                                \
  }                                                             \
  void Type::next(Cursor& c) {                                  \
    ++c.k;                                                      \
    structs::settle_key(c, key);                                \
  }                                                             \
  void Type::column(Cursor& c, sqlite3_context* ctx, int col) { \
    structs::column(c, ctx, col, first_stat, c.numbuf);         \
  }
