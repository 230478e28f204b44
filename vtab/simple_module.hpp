// vtab/simple_module.hpp — module_of<Impl>(): an sqlite3_module built from an
// Impl's static functions, for every kstatsql virtual table.
//
// The slot contract and what an Impl supplies are at the top of
// vtab/module.hpp.
#pragma once

#include <memory>
#include <string>

#include "vtab/guard.hpp"
#include "vtab/schema.hpp"

namespace kstatsql::vtab {

// What every module's aux holds: the connection's session (null for tables
// that need none) and the table's schema entry. Freed with the module.
struct ModuleAux {
  std::shared_ptr<engine::Session> session;
  const TableSpec* spec;
};

namespace detail {

template <typename Impl>
struct SimpleSlots {
  using VTab = typename Impl::VTab;
  using Cur = typename Impl::Cur;

  static VTab& vtab(sqlite3_vtab* vt) noexcept { return *static_cast<VTab*>(vt); }
  static Cur& cursor(sqlite3_vtab_cursor* cur) noexcept { return *static_cast<Cur*>(cur); }

  static int xConnect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out,
                      char** err) noexcept {
    return guard(err, [&] {
      const auto& a = *static_cast<const ModuleAux*>(aux);
      int rc = sqlite3_declare_vtab(db, declare_sql(*a.spec).c_str());
      if (rc != SQLITE_OK) return rc;
      sqlite3_vtab_config(db, Impl::kConfig);
      auto t = std::make_unique<VTab>();
      Impl::connect(*t, a);
      *out = t.release();
      return SQLITE_OK;
    });
  }

  static int xDisconnect(sqlite3_vtab* vt) noexcept {
    delete static_cast<VTab*>(vt);
    return SQLITE_OK;
  }

  static int xBestIndex(sqlite3_vtab* vt, sqlite3_index_info* info) noexcept {
    return guard(&vt->zErrMsg, [&] { return Impl::best_index(vtab(vt), info); });
  }

  static int xOpen(sqlite3_vtab* vt, sqlite3_vtab_cursor** out) noexcept {
    return guard(&vt->zErrMsg, [&] {
      auto c = std::make_unique<Cur>();
      if constexpr (requires(VTab & t, Cur & k) { Impl::open(t, k); }) Impl::open(vtab(vt), *c);
      *out = c.release();
      return SQLITE_OK;
    });
  }

  static int xClose(sqlite3_vtab_cursor* cur) noexcept {
    if constexpr (requires(Cur & k) { Impl::close(k); }) Impl::close(cursor(cur));
    delete static_cast<Cur*>(cur);
    return SQLITE_OK;
  }

  static int xFilter(sqlite3_vtab_cursor* cur, int idx_num, const char* idx_str, int argc,
                     sqlite3_value** argv) noexcept {
    return guard(&cur->pVtab->zErrMsg, [&] {
      Impl::filter(cursor(cur), idx_num, idx_str, argc, argv);
      return SQLITE_OK;
    });
  }

  static int xNext(sqlite3_vtab_cursor* cur) noexcept {
    return guard(&cur->pVtab->zErrMsg, [&] {
      Impl::next(cursor(cur));
      return SQLITE_OK;
    });
  }

  static int xEof(sqlite3_vtab_cursor* cur) noexcept { return Impl::eof(cursor(cur)); }

  static int xColumn(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int col) noexcept {
    return guard(&cur->pVtab->zErrMsg, [&] {
      Impl::column(cursor(cur), ctx, col);
      return SQLITE_OK;
    });
  }

  static int xRowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) noexcept {
    return guard(&cur->pVtab->zErrMsg, [&] {
      *rowid = Impl::rowid(cursor(cur));
      return SQLITE_OK;
    });
  }

  static int xUpdate(sqlite3_vtab* vt, int, sqlite3_value**, sqlite3_int64*) noexcept {
    int rc = guard(&vt->zErrMsg, [&] {
      set_message(&vt->zErrMsg, Impl::update_error(vtab(vt)));
      return SQLITE_OK;
    });
    return rc == SQLITE_OK ? SQLITE_READONLY : rc;
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
    if constexpr (requires(const VTab& t) { Impl::update_error(t); }) m.xUpdate = xUpdate;
    return m;
  }

  static inline const sqlite3_module module = make();
};

inline void destroy_aux(void* p) noexcept {
  delete static_cast<ModuleAux*>(p);
}

}  // namespace detail

// The module of Impl (see the top of vtab/module.hpp); one static instance per Impl.
template <typename Impl>
const sqlite3_module& module_of() noexcept {
  return detail::SimpleSlots<Impl>::module;
}

// Registers module_of<Impl>() under spec.name, with a ModuleAux as its aux.
template <typename Impl>
int register_module(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                    const TableSpec& spec) {
  auto* aux = new ModuleAux{session, &spec};
  return sqlite3_create_module_v2(db, spec.name, &module_of<Impl>(), aux, detail::destroy_aux);
}

}  // namespace kstatsql::vtab
