// vtab/simple_module.hpp — module_of<Impl>(): an sqlite3_module built from an
// Impl's static functions, for every kstatsql virtual table.
//
// Each slot is a noexcept trampoline; those that can fail run inside guard()
// (vtab/guard.hpp), so no exception unwinds through SQLite. The module is
// eponymous-only (no xCreate: the table exists under its module name and
// cannot be made with CREATE VIRTUAL TABLE).
//
// Impl supplies:
//   using VTab = ...;   // derived from sqlite3_vtab, default-constructible
//   using Cur = ...;    // derived from sqlite3_vtab_cursor, default-constructible
//   static constexpr int kConfig;              // SQLITE_VTAB_DIRECTONLY or _INNOCUOUS
//   static std::string schema();               // the CREATE TABLE for sqlite3_declare_vtab
//   static void connect(VTab&, void* aux);     // fills the table from the module's aux
//   static int best_index(VTab&, sqlite3_index_info*);
//   static void filter(Cur&, int idx_num, const char* idx_str, int argc, sqlite3_value** argv);
//   static void next(Cur&);
//   static bool eof(const Cur&) noexcept;
//   static void column(Cur&, sqlite3_context*, int col);
//   static sqlite3_int64 rowid(const Cur&);
// and optionally:
//   static void open(VTab&, Cur&);             // after the cursor is allocated
//   static void close(Cur&) noexcept;          // before the cursor is deleted
//   static std::string update_error(const VTab&);  // with it, xUpdate fails with
//                                              // SQLITE_READONLY and that message;
//                                              // without it SQLite's own
//                                              // "may not be modified" applies
// Tables and cursors are allocated with new and freed with delete.
#pragma once

#include <memory>
#include <string>

#include "vtab/guard.hpp"

namespace kstatsql::vtab {

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
      int rc = sqlite3_declare_vtab(db, Impl::schema().c_str());
      if (rc != SQLITE_OK) return rc;
      sqlite3_vtab_config(db, Impl::kConfig);
      auto t = std::make_unique<VTab>();
      Impl::connect(*t, aux);
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
      if constexpr (requires(VTab& t, Cur& k) { Impl::open(t, k); }) Impl::open(vtab(vt), *c);
      *out = c.release();
      return SQLITE_OK;
    });
  }

  static int xClose(sqlite3_vtab_cursor* cur) noexcept {
    if constexpr (requires(Cur& k) { Impl::close(k); }) Impl::close(cursor(cur));
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

}  // namespace detail

// The module of Impl (see the top of this file); one static instance per Impl.
template <typename Impl>
const sqlite3_module& module_of() noexcept {
  return detail::SimpleSlots<Impl>::module;
}

}  // namespace kstatsql::vtab
