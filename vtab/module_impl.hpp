// vtab/module_impl.hpp — register_table<Impl>() and register_session_module<Impl>():
// the kstat tables as modules built by module_of<> (vtab/simple_module.hpp).
// Included by module.hpp only.
#pragma once

#include <fmt/format.h>

#include "vtab/simple_module.hpp"

namespace kstatsql::vtab::detail {

std::string declare_sql(const TableSpec& spec);

void destroy_session_box(void* p) noexcept;

// The part of a module_of<> Impl shared by every table over a Session: the
// schema comes from Spec::spec, the table holds the session, and each cursor
// holds the generation it reads (opened in xOpen, released in xClose).
template <typename Spec>
struct SessionTable {
  using VTab = Table;
  static constexpr int kConfig = SQLITE_VTAB_DIRECTONLY;

  static std::string schema() { return declare_sql(Spec::spec); }

  static void connect(Table& t, void* aux) {
    t.session = *static_cast<std::shared_ptr<engine::Session>*>(aux);
    t.spec = &Spec::spec;
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
struct KstatModule : SessionTable<Impl> {
  using Cur = Cursor;

  static int best_index(Table&, sqlite3_index_info* info) {
    return vtab::best_index(Impl::spec, info);
  }

  static void filter(Cursor& c, int idx_num, const char* idx_str, int argc, sqlite3_value** argv) {
    c.filter = decode_filter(idx_str, argc, argv);
    c.need_data = (idx_num & 1) != 0;
    c.stat_filter = c.filter.has_statistic();
    c.gen->match(c.filter, c.kstats);
    c.rewind();
    Impl::first(c);
  }

  static void next(Cursor& c) { Impl::next(c); }

  static void column(Cursor& c, sqlite3_context* ctx, int col) {
    if (col == Impl::spec.ncolumns) {
      result_host(ctx, c.header());
    } else {
      Impl::column(c, ctx, col);
    }
  }

  static sqlite3_int64 rowid(const Cursor& c) { return Impl::rowid(c); }

  static std::string update_error(const Table&) {
    return fmt::format("table {} is read-only: kstats are published by the kernel and cannot be "
                       "changed through SQL",
                       Impl::spec.name);
  }
};

}  // namespace kstatsql::vtab::detail

namespace kstatsql::vtab {

template <typename Impl>
int register_session_module(sqlite3* db, const char* name, std::shared_ptr<engine::Session> session) {
  auto* box = new std::shared_ptr<engine::Session>(std::move(session));
  return sqlite3_create_module_v2(db, name, &module_of<Impl>(), box, detail::destroy_session_box);
}

template <typename Impl>
int register_table(sqlite3* db, std::shared_ptr<engine::Session> session) {
  return register_session_module<detail::KstatModule<Impl>>(db, Impl::spec.name, std::move(session));
}

}  // namespace kstatsql::vtab
