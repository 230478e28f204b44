// vtab/guard.hpp — the C boundary: no exception ever unwinds through SQLite.
//
// Every sqlite3_module slot and SQL function body runs inside guard(), which
// maps kstatsql::Error (constraint → SQLITE_CONSTRAINT, else SQLITE_ERROR),
// std::bad_alloc (SQLITE_NOMEM) and any other std::exception (SQLITE_ERROR) to
// a result code, and stores the message where SQLite expects it.
#pragma once

#include <new>
#include <string>

#include "kstatsql/error.hpp"
#include "vtab/sqlite.hpp"

namespace kstatsql::vtab {

// Replaces *slot (an sqlite3_malloc'ed message, possibly NULL) with msg.
inline void set_message(char** slot, const std::string& msg) noexcept {
  if (!slot) return;
  sqlite3_free(*slot);
  *slot = sqlite3_mprintf("%s", msg.c_str());
}

inline int error_code(const Error& e) noexcept {
  return e.code() == Errc::constraint ? SQLITE_CONSTRAINT : SQLITE_ERROR;
}

// Runs fn() (returning an SQLite code) and converts exceptions; messages go to
// *errmsg (a vtab's zErrMsg).
template <typename Fn>
int guard(char** errmsg, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const Error& e) {
    set_message(errmsg, e.what());
    return error_code(e);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    set_message(errmsg, e.what());
    return SQLITE_ERROR;
  } catch (...) {
    set_message(errmsg, "unknown C++ exception");
    return SQLITE_ERROR;
  }
}

// The same for SQL functions: errors go to sqlite3_result_error*.
template <typename Fn>
void guard_fn(sqlite3_context* ctx, Fn&& fn) noexcept {
  try {
    fn();
  } catch (const Error& e) {
    sqlite3_result_error(ctx, e.what(), -1);
    sqlite3_result_error_code(ctx, error_code(e));
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  } catch (const std::exception& e) {
    sqlite3_result_error(ctx, e.what(), -1);
  } catch (...) {
    sqlite3_result_error(ctx, "unknown C++ exception", -1);
  }
}

}  // namespace kstatsql::vtab
