// vtab/guard.hpp — the C boundary: no exception ever unwinds through SQLite.
//
// Every sqlite3_module slot and SQL function body runs inside guard(), which
// maps kstatsql::Error (constraint → SQLITE_CONSTRAINT, else SQLITE_ERROR),
// std::bad_alloc (SQLITE_NOMEM) and any other std::exception (SQLITE_ERROR) to
// a result code, and stores the message where SQLite expects it.
//
// Every message bound for SQLite (a vtab's zErrMsg, an entry point's pzErr,
// sqlite3_result_error) goes through bounded_message (kstatsql/error.hpp):
// at most 1 KiB and printable, whatever exception produced it.
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
  *slot = nullptr;
  try {
    *slot = sqlite3_mprintf("%s", bounded_message(msg).c_str());
  } catch (const std::bad_alloc&) {  // no memory for the message: SQLite reports the code
  }
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

// A function's error, bounded like every message.
inline void result_error(sqlite3_context* ctx, const char* msg) noexcept {
  try {
    const std::string text = bounded_message(msg);
    sqlite3_result_error(ctx, text.c_str(), static_cast<int>(text.size()));
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  }
}

// The same for SQL functions: errors go to sqlite3_result_error*.
template <typename Fn>
void guard_fn(sqlite3_context* ctx, Fn&& fn) noexcept {
  try {
    fn();
  } catch (const Error& e) {
    result_error(ctx, e.what());
    sqlite3_result_error_code(ctx, error_code(e));
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  } catch (const std::exception& e) {
    result_error(ctx, e.what());
  } catch (...) {
    result_error(ctx, "unknown C++ exception");
  }
}

}  // namespace kstatsql::vtab
