// vtab/module_impl.hpp — register_table<Impl>(): the sqlite3_module slots.
// Included by module.hpp only.
#pragma once

#include <fmt/format.h>

namespace kstatsql::vtab::detail {

std::string declare_sql(const TableSpec& spec);

template <typename Impl>
struct Slots {
  static int xConnect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out,
                      char** err) noexcept {
    return guard(err, [&] {
      int rc = sqlite3_declare_vtab(db, declare_sql(Impl::spec).c_str());
      if (rc != SQLITE_OK) return rc;
      sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
      auto t = std::make_unique<Table>();
      t->session = *static_cast<std::shared_ptr<engine::Session>*>(aux);
      t->spec = &Impl::spec;
      *out = t.release();
      return SQLITE_OK;
    });
  }

  static int xDisconnect(sqlite3_vtab* vt) noexcept {
    delete static_cast<Table*>(vt);
    return SQLITE_OK;
  }

  static int xBestIndex(sqlite3_vtab* vt, sqlite3_index_info* info) noexcept {
    return guard(&vt->zErrMsg, [&] { return best_index(Impl::spec, info); });
  }

  static int xOpen(sqlite3_vtab* vt, sqlite3_vtab_cursor** out) noexcept {
    return guard(&vt->zErrMsg, [&] {
      auto c = std::make_unique<Cursor>();
      c->gen = static_cast<Table*>(vt)->session->open_cursor();
      c->prev = c->gen->previous();
      *out = c.release();
      return SQLITE_OK;
    });
  }

  static int xClose(sqlite3_vtab_cursor* cur) noexcept {
    auto* c = static_cast<Cursor*>(cur);
    if (c->gen) c->table()->session->close_cursor();
    delete c;
    return SQLITE_OK;
  }

  static int xFilter(sqlite3_vtab_cursor* cur, int idx_num, const char* idx_str, int argc,
                     sqlite3_value** argv) noexcept {
    auto* c = static_cast<Cursor*>(cur);
    return guard(&cur->pVtab->zErrMsg, [&] {
      c->filter = decode_filter(idx_str, argc, argv);
      c->need_data = (idx_num & 1) != 0;
      c->stat_filter = c->filter.has_statistic();
      c->gen->match(c->filter, c->kstats);
      c->k = 0;
      c->s = 0;
      c->data = nullptr;
      c->base_k = static_cast<std::size_t>(-1);
      c->eof = false;
      Impl::first(*c);
      return SQLITE_OK;
    });
  }

  static int xNext(sqlite3_vtab_cursor* cur) noexcept {
    auto* c = static_cast<Cursor*>(cur);
    return guard(&cur->pVtab->zErrMsg, [&] {
      Impl::next(*c);
      return SQLITE_OK;
    });
  }

  static int xEof(sqlite3_vtab_cursor* cur) noexcept { return static_cast<Cursor*>(cur)->eof; }

  static int xColumn(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int col) noexcept {
    auto* c = static_cast<Cursor*>(cur);
    return guard(&cur->pVtab->zErrMsg, [&] {
      if (col == Impl::spec.ncolumns) {
        std::string_view host = c->header().host;
        if (host.empty()) sqlite3_result_null(ctx); else result_text(ctx, host);
      } else {
        Impl::column(*c, ctx, col);
      }
      return SQLITE_OK;
    });
  }

  static int xRowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) noexcept {
    *rowid = Impl::rowid(*static_cast<Cursor*>(cur));
    return SQLITE_OK;
  }

  static int xUpdate(sqlite3_vtab* vt, int, sqlite3_value**, sqlite3_int64*) noexcept {
    set_message(&vt->zErrMsg, fmt::format("table {} is read-only: kstats are published by the "
                                          "kernel and cannot be changed through SQL",
                                          Impl::spec.name));
    return SQLITE_READONLY;
  }

  static sqlite3_module make() noexcept {
    sqlite3_module m{};  // value-initialised: slots this SQLite lacks stay null
    m.iVersion = 1;
    m.xCreate = nullptr;  // eponymous-only
    m.xConnect = xConnect;
    m.xBestIndex = xBestIndex;
    m.xDisconnect = xDisconnect;
    m.xDestroy = xDisconnect;
    m.xOpen = xOpen;
    m.xClose = xClose;
    m.xFilter = xFilter;
    m.xNext = xNext;
    m.xEof = xEof;
    m.xColumn = xColumn;
    m.xRowid = xRowid;
    m.xUpdate = xUpdate;
    return m;
  }

  static inline const sqlite3_module module = make();
};

void destroy_session_box(void* p) noexcept;

}  // namespace kstatsql::vtab::detail

namespace kstatsql::vtab {

template <typename Impl>
int register_table(sqlite3* db, std::shared_ptr<engine::Session> session) {
  auto* box = new std::shared_ptr<engine::Session>(std::move(session));
  return sqlite3_create_module_v2(db, Impl::spec.name, &detail::Slots<Impl>::module, box,
                                  detail::destroy_session_box);
}

}  // namespace kstatsql::vtab
