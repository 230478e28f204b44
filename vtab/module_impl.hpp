// vtab/module_impl.hpp — register_table<Impl>(): a table over kstats as a
// module built by module_of<> (vtab/simple_module.hpp). Included by module.hpp only.
#pragma once

#include <fmt/format.h>

#include "vtab/simple_module.hpp"

namespace kstatsql::vtab::detail {

// The part of a module_of<> Impl shared by every table over a Session: the
// table holds the session and its schema entry, and each cursor holds the
// generation it reads (opened in xOpen, released in xClose).
//
// INNOCUOUS: a table only reads the connection's current source, which SQL
// in a schema cannot choose (kstat_source(x) stays DIRECTONLY), so saved views
// over named, kstat, io ... work in database files even with
// trusted_schema=OFF. What that allows and what it does not: docs/security.md.
struct SessionTable {
  using VTab = Table;
  static constexpr int kConfig = SQLITE_VTAB_INNOCUOUS;

  static void connect(Table& t, const ModuleAux& aux) {
    t.session = aux.session;
    t.spec = aux.spec;
  }

  static void open(Table& t, Cursor& c) {
    c.gen = t.session->open_cursor();
    c.prev = c.gen->previous();
  }

  static void close(Cursor& c) noexcept {
    if (c.gen) c.table()->session->close_cursor();
  }

  static bool eof(const Cursor& c) noexcept { return c.eof; }
};

// A register_table Impl (module.hpp) as a module_of<> Impl: key-column
// pushdown, the hidden host column, read-only with a message.
template <typename Impl>
struct KstatModule : SessionTable {
  using Cur = Cursor;

  static int best_index(Table& t, sqlite3_index_info* info) {
    return vtab::best_index(*t.spec, info);
  }

  static void filter(Cursor& c, int idx_num, const char* idx_str, int argc, sqlite3_value** argv) {
    c.filter = decode_filter(idx_str, argc, argv);
    // A table of one kstat type: parts of a partitioned source that never
    // have it are not listed.
    if constexpr (requires { Impl::kOnlyType; }) c.filter.type = Impl::kOnlyType;
    c.need_data = (idx_num & 1) != 0;
    c.stat_filter = c.filter.has_statistic();
    c.gen->match(c.filter, c.kstats);
    c.rewind();
    Impl::first(c);
  }

  // Both check the generation is intact after producing, so a value read
  // from bytes lost under the statement (a .kss truncated while mapped reads
  // zeros there) fails the statement instead of reaching a result.
  static void next(Cursor& c) {
    Impl::next(c);
    c.gen->check_intact();
  }

  static void column(Cursor& c, sqlite3_context* ctx, int col) {
    if (col == c.table()->spec->ncolumns()) {
      result_host(ctx, c.header());
    } else {
      Impl::column(c, ctx, col);
    }
    c.gen->check_intact();
  }

  static sqlite3_int64 rowid(const Cursor& c) { return Impl::rowid(c); }

  static std::string update_error(const Table& t) {
    return fmt::format(
        "table {} is read-only: kstats are published by the kernel and cannot be "
        "changed through SQL",
        t.spec->name);
  }
};

}  // namespace kstatsql::vtab::detail

namespace kstatsql::vtab {

template <typename Impl>
int register_table(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                   const TableSpec& spec) {
  return register_module<detail::KstatModule<Impl>>(db, session, spec);
}

}  // namespace kstatsql::vtab
