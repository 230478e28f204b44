// vtab/module.hpp — the module header of kstatsql's virtual tables: the slot
// contract, the cursor over a generation, and the helpers every table shares.
//
// SLOT CONTRACT. Every table is an sqlite3_module built by module_of<Impl>()
// (vtab/simple_module.hpp) from an Impl's static functions; every slot is a
// noexcept trampoline, and those marked "may throw" run inside guard()
// (vtab/guard.hpp), which turns kstatsql::Error, std::bad_alloc and any other
// exception into an SQLite code and message: nothing unwinds through SQLite.
// A table's columns come from its entry in the schema (vtab/schema.hpp).
//
//   xCreate     null: tables are eponymous-only, they exist under their module
//               name and CREATE VIRTUAL TABLE cannot make them.
//   xConnect    when a statement first names the table on a connection.
//               Declares the schema's CREATE TABLE, sets the config
//               (Impl::kConfig: SQLITE_VTAB_INNOCUOUS, since every table
//               only reads the current source, which no schema can switch —
//               the functions that switch or read files are DIRECTONLY; see
//               docs/security.md), builds the VTab and calls
//               Impl::connect(vtab, aux). Reads no kstat. May throw.
//   xBestIndex  while SQLite plans a statement, possibly several times per
//               statement with different constraint sets. Impl::best_index
//               encodes the plan (QUERY-PLAN CONTRACT below) and estimates
//               costs; no kstat is read. May throw; SQLITE_CONSTRAINT rejects
//               a plan with an unusable required argument.
//   xDisconnect / xDestroy  when the connection drops the table: deletes the
//               VTab. Cannot fail.
//   xOpen       when a statement starts a scan. Impl::open (optional) takes the
//               generation the statement reads (Session::open_cursor), so
//               every cursor of one statement sees the same generation.
//               May throw.
//   xClose      when the scan ends (also on error). Impl::close (optional,
//               noexcept) releases the generation; then the cursor is deleted.
//   xFilter     at the start of each scan, with the arguments the plan asked
//               for. Impl::filter decodes the plan, matches kstats by header
//               (no data read) and positions the cursor on the first row. All
//               fallible work (selectors, reads that may fail) happens here or
//               in xNext. May throw.
//   xNext       to advance; Impl::next may read the next kstat's data (once per
//               generation). May throw, though reads record failures as data.
//   xEof        after xFilter and each xNext; Impl::eof is noexcept.
//   xColumn     for each column the statement reads from the current row.
//               Impl::column only reads the in-memory generation: text and
//               blobs are handed over as SQLITE_STATIC (arena-backed). Runs in
//               guard() for safety.
//   xRowid      for rowid or when SQLite needs a row identity (OR, IN plans):
//               RowPerKstat / RowsPerKstat supply it.
//   xUpdate     only when Impl::update_error exists: every INSERT, UPDATE or
//               DELETE fails with SQLITE_READONLY and that message.
//   others      (xBegin, xRename, xShadowName, ...) null: the module struct is
//               value-initialised, so slots this SQLite lacks stay null.
//
// Impl supplies:
//   using VTab = ...;   // derived from sqlite3_vtab, default-constructible
//   using Cur = ...;    // derived from sqlite3_vtab_cursor, default-constructible
//   static constexpr int kConfig;
//   static void connect(VTab&, const ModuleAux&);
//   static int best_index(VTab&, sqlite3_index_info*);
//   static void filter(Cur&, int idx_num, const char* idx_str, int argc, sqlite3_value** argv);
//   static void next(Cur&);
//   static bool eof(const Cur&) noexcept;
//   static void column(Cur&, sqlite3_context*, int col);
//   static sqlite3_int64 rowid(const Cur&);
// and optionally open(VTab&, Cur&), close(Cur&) noexcept, update_error(const VTab&).
// The tables over kstats write less: a struct in vtab/tables.hpp with
// first/next/column, turned into an Impl by register_table<>().
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
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/rates.hpp"
#include "engine/session.hpp"
#include "vtab/guard.hpp"
#include "vtab/schema.hpp"

namespace kstatsql::vtab {

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
  if (h.host.empty())
    sqlite3_result_null(ctx);
  else
    result_text(ctx, h.host);
}
// The identity columns shared by every table: 0 module, 1 instance, 2 name, 3 class.
void result_identity(sqlite3_context* ctx, const engine::KstatHeader& h, int col) noexcept;

// Registers a table over kstats: Impl is a struct of vtab/tables.hpp with
//   static void first(Cursor&)      position on the first row at or after (k, s)
//   static void next(Cursor&)       advance one row
//   static void column(Cursor&, sqlite3_context*, int col)   col < spec.ncolumns()
//   static sqlite3_int64 rowid(const Cursor&)   (RowPerKstat / RowsPerKstat)
// first/next set cur.eof; they may read data through cur.gen->data(). The
// table gets key-column pushdown, the hidden host column and a read-only
// message. A Registrar (vtab/schema.hpp).
template <typename Impl>
int register_table(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                   const TableSpec& spec);

}  // namespace kstatsql::vtab

#include "vtab/module_impl.hpp"
