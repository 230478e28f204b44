// vtab/functions.hpp — the one registry of kstatsql's SQL functions.
//
// sql_functions() lists every function a connection gets, as
// {name, nargs, fn, flags}; register_functions() (vtab/tables.hpp) adds them
// all in one loop, each with the connection's session as its user data
// (session_of()). The bodies live beside what they work on:
//   vtab/functions.cpp      kstat_source, kstat_reads, kstat_refresh,
//                           kstat_pin, kstat_unpin, kstatsql_version
//   vtab/kss_functions.cpp  kstat_generation, kss_warnings
//   vtab/kql_function.cpp   kql
// Every body runs inside guard_fn() (vtab/guard.hpp).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/session.hpp"
#include "vtab/guard.hpp"
#include "vtab/sqlite.hpp"

namespace kstatsql::vtab {

using SqlFn = void (*)(sqlite3_context* ctx, int argc, sqlite3_value** argv);

struct SqlFunction {
  const char* name;
  int nargs;
  SqlFn fn;
  int flags;  // SQLITE_UTF8 | ...: see kHostState and kPure in functions.cpp
};

// Every SQL function, one entry per (name, nargs).
std::span<const SqlFunction> sql_functions() noexcept;

// The session a function was registered with.
inline engine::Session& session_of(sqlite3_context* ctx) {
  return **static_cast<std::shared_ptr<engine::Session>*>(sqlite3_user_data(ctx));
}

// Throws Error(constraint) naming `call` unless the SQL function `name` is
// called from the top level of a statement the user wrote: SQL functions that
// switch the source or the generation call it first, so that a database
// file's CHECK, DEFAULT, trigger or generated column cannot run them (SQLite
// 3.40 skips the SQLITE_DIRECTONLY test there). Refused: while any statement
// that writes is running on the connection (the one place such schema code
// runs), and when no running statement's SQL text names the function (schema
// code run by a read-only statement: PRAGMA integrity_check evaluates CHECK
// constraints). The costs: such a call in the user's own INSERT ... SELECT is
// refused too, and so is one through a TEMP view.
void require_top_level(sqlite3_context* ctx, std::string_view name, const std::string& call);

// Replaces kstat_source(x) on `db` by a body that always refuses: the source
// stays what it was at registration (file access off).
int restrict_file_access(sqlite3* db, const std::shared_ptr<engine::Session>& session);

// Bodies, in the files named above.
void fn_source(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;
void fn_reads(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;
void fn_refresh(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;
void fn_pin(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;
void fn_unpin(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;
void fn_version(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;
void fn_generation(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;
void fn_warnings(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;
void fn_kql(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept;

}  // namespace kstatsql::vtab
