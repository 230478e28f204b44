// vtab/module.hpp — shared machinery of kstatsql's virtual tables.
//
// QUERY-PLAN CONTRACT (encoded by best_index, decoded by decode_filter):
//   idxStr  two characters per xFilter argument, in argv order:
//             [0] the key column: 'm' module, 'i' instance, 'n' name,
//                 'c' class, 's' statistic
//             [1] the operator: '=' equality with one value, '[' IN list
//                 processed all at once (sqlite3_vtab_in_first/next),
//                 'g' GLOB, 'l' LIKE
//   idxNum  bit 0: some column that needs the kstat's data is used
//                  (colUsed), so xFilter/xColumn may read it; without it the
//                  kstat table never reads data.
// Every constraint is left for SQLite to double-check (omit = 0) except IN
// lists taken all at once, which SQLite requires to be omitted: those are
// matched exactly (byte equality, instance as an integer).
//
// Tables are eponymous-only (no CREATE VIRTUAL TABLE), read-only (xUpdate
// fails with a clear message) and SQLITE_VTAB_DIRECTONLY: they read host
// state, so a hostile schema must not reach them through a view or trigger.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/rates.hpp"
#include "engine/session.hpp"
#include "vtab/guard.hpp"

namespace kstatsql::vtab {

// One column of a table: schema as data (also published by kstat_columns).
struct Column {
  const char* name;
  const char* sql_type;  // INTEGER, TEXT, REAL, ANY
  const char* doc;
  int key;     // engine::KeyCol value, or -1 when the column is not a key
  bool data;   // reading the column needs the kstat's data
};

struct TableSpec {
  const char* name;
  const char* doc;
  const Column* columns;
  int ncolumns;
  double rows_per_kstat;  // planner estimate
};

// Columns 0..3 of every kstat table (module, instance, name, class): key
// columns pushed down, documented by `doc`.
constexpr Column key_column(engine::KeyCol key, const char* doc) {
  constexpr const char* kNames[] = {"module", "instance", "name", "class"};
  return {kNames[static_cast<int>(key)], key == engine::KeyCol::instance ? "INTEGER" : "TEXT", doc,
          static_cast<int>(key), false};
}

// The snaptime and crtime columns of the typed tables.
inline constexpr Column kSnaptimeColumn = {"snaptime", "INTEGER", "time of the read, ns", -1, true};
inline constexpr Column kCrtimeColumn = {"crtime", "INTEGER", "kstat creation time, ns", -1, false};

// Every kstat table also has this hidden last column (index ncolumns): the
// host a multi-host source tagged the kstat with (NULL for a single source).
extern const Column kHostColumn;

// All tables registered by kstatsql, for kstat_columns and the docs.
const std::vector<const TableSpec*>& all_tables();

struct Table : sqlite3_vtab {
  std::shared_ptr<engine::Session> session;
  const TableSpec* spec = nullptr;
};

struct Cursor : sqlite3_vtab_cursor {
  std::shared_ptr<const engine::Generation> gen;
  std::shared_ptr<const engine::Generation> prev;  // for deltas; may be null
  engine::Baseline base;                           // of kstats[base_k]
  std::size_t base_k = static_cast<std::size_t>(-1);
  engine::Filter filter;
  std::vector<std::uint32_t> kstats;  // matching kstat indexes, in kstat(8) order
  std::size_t k = 0;                  // position in kstats
  std::size_t s = 0;                  // position inside the kstat (named rows)
  const engine::KstatData* data = nullptr;
  bool need_data = false;
  bool stat_filter = false;  // the filter constrains `statistic`
  bool eof = true;
  char numbuf[24];  // scratch for uint64 values above INT64_MAX

  Table* table() const noexcept { return static_cast<Table*>(pVtab); }
  std::uint32_t index() const noexcept { return kstats[k]; }
  const engine::KstatHeader& header() const noexcept { return gen->header(kstats[k]); }
  // The previous sample of the current kstat (computed once per kstat).
  const engine::Baseline& baseline() {
    if (base_k != k) {
      base = engine::baseline(*gen, index(), *data, prev.get());
      base_k = k;
    }
    return base;
  }
  // Back to the first of `kstats` (after xFilter matched them), no row read yet.
  void rewind() noexcept {
    k = 0;
    s = 0;
    data = nullptr;
    base_k = static_cast<std::size_t>(-1);
    eof = false;
  }
};

// Moves c to the first row at or after (c.k, c.s) and sets c.eof. A kstat is
// visited when accept(header) holds and its read succeeded; inside it,
// seek(header, data, s) advances s to the kstat's first row at or after s and
// returns whether there is one (else the walk goes on at the next kstat, s = 0).
template <typename Accept, typename Seek>
void settle(Cursor& c, Accept&& accept, Seek&& seek) {
  while (c.k < c.kstats.size()) {
    const engine::KstatHeader& h = c.header();
    if (accept(h)) {
      const engine::KstatData& d = c.gen->data(c.index());
      if (d.ok() && seek(h, d, c.s)) {
        c.data = &d;
        c.eof = false;
        return;
      }
    }
    ++c.k;
    c.s = 0;
  }
  c.eof = true;
}

// A seek for settle(): the first named statistic at or after s whose name
// satisfies pred(name).
template <typename Pred>
bool seek_named(const engine::KstatData& d, std::size_t& s, Pred&& pred) {
  for (; s < d.named.size(); ++s) {
    if (pred(d.named[s].name_view())) return true;
  }
  return false;
}

// Row ids: one row per kstat (its index), or rows inside a kstat (index, s).
struct RowPerKstat {
  static sqlite3_int64 rowid(const Cursor& c) { return c.index(); }
};
struct RowsPerKstat {
  static sqlite3_int64 rowid(const Cursor& c) {
    return (static_cast<sqlite3_int64>(c.index()) << 32) | static_cast<sqlite3_int64>(c.s);
  }
};

// xBestIndex for key-column pushdown; shared by all kstat tables.
int best_index(const TableSpec& spec, sqlite3_index_info* info);

// Rebuilds the Filter the plan promised, from xFilter's arguments.
engine::Filter decode_filter(const char* idx_str, int argc, sqlite3_value** argv);

// Result helpers: text/blob handed over as SQLITE_STATIC (arena-backed).
inline void result_text(sqlite3_context* ctx, std::string_view s) noexcept {
  sqlite3_result_text(ctx, s.data() ? s.data() : "", static_cast<int>(s.size()), SQLITE_STATIC);
}
void result_value(sqlite3_context* ctx, const engine::NamedStat& st, char (&buf)[24]) noexcept;
// The hidden host column: the kstat's host, NULL when it has none.
inline void result_host(sqlite3_context* ctx, const engine::KstatHeader& h) noexcept {
  if (h.host.empty()) sqlite3_result_null(ctx); else result_text(ctx, h.host);
}
// The identity columns shared by every table: 0 module, 1 instance, 2 name, 3 class.
void result_identity(sqlite3_context* ctx, const engine::KstatHeader& h, int col) noexcept;

// Registers one eponymous-only module. Impl supplies:
//   static const TableSpec spec;
//   static void first(Cursor&)      position on the first row at or after (k, s)
//   static void next(Cursor&)       advance one row
//   static void column(Cursor&, sqlite3_context*, int col)
//   static sqlite3_int64 rowid(const Cursor&)
// first/next set cur.eof; they may read data through cur.gen->data().
// (RowPerKstat / RowsPerKstat, as a base, supply rowid.)
template <typename Impl>
int register_table(sqlite3* db, std::shared_ptr<engine::Session> session);

// Registers module_of<Impl>() (vtab/simple_module.hpp) under `name`, with a
// copy of `session` as its aux (a std::shared_ptr<engine::Session>*, freed
// with the module).
template <typename Impl>
int register_session_module(sqlite3* db, const char* name, std::shared_ptr<engine::Session> session);

}  // namespace kstatsql::vtab

#include "vtab/module_impl.hpp"
