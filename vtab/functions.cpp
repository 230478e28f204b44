// vtab/functions.cpp — SQL functions over the connection's Session.
//
//   kstat_source()            current source spec ('live', a path, 'procfs:DIR')
//   kstat_source('PATH')      switch this connection to a dump file (format
//                             detected); 'live' goes back to the kernel.
//                             Returns the new source's description.
//   kstat_reads()             kstats the last statement read from the source
//   kstat_reads('matched'|'enumerated'|'read'|'generation')
//   kstat_refresh()           next statement starts a fresh generation (or,
//                             called while statements run, one starts now)
//   kstat_pin() / kstat_unpin()   hold one generation across statements
//   kstatsql_version()
//
// All are SQLITE_DIRECTONLY: they read host files and state, so they must not
// run from a view or trigger of an untrusted schema. SQLite 3.40 does not
// apply that flag everywhere (a CHECK constraint calls a non-deterministic
// function without the test), so the calls that change the connection's
// state or read a file (kstat_source(x), kstat_generation(x), kstat_refresh,
// kstat_pin, kstat_unpin) also check, when they run, that no statement that
// writes is running on the connection and that a running statement's own SQL
// names them (require_top_level, vtab/functions.hpp): schema code runs inside
// writes (CHECK, DEFAULT, stored generated columns, triggers) or in read-only
// statements whose text does not call it (PRAGMA integrity_check runs CHECK
// constraints). SQLite refuses DIRECTONLY functions in views itself.
//
// With file access off (kstatsql_options.no_file_access, the C++
// RegisterOptions, `kstatsql --safe`, the entry point
// sqlite3_kstatsqlsafe_init) kstat_source(x) refuses to switch at all
// (restrict_file_access).
//
// Also the registry of every SQL function (vtab/functions.hpp) and the one
// loop that registers them.
#include "vtab/functions.hpp"

#include <cstring>
#include <iterator>
#include <string_view>

#include "engine/text.hpp"
#include "kstatsql/kstatsql.h"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

// Longer than any list of paths: refused before the engine quotes it whole.
constexpr std::size_t kMaxSpecBytes = 65536;

void result_string(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text(ctx, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

// The first argument as text ("" for NULL, a blob's bytes as they are).
std::string_view arg_text(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  if (!t) return {};
  return {reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

}  // namespace

namespace {

// True when `text` holds `name`, ASCII case ignored (SQL names are).
bool mentions(const char* text, std::string_view name) {
  const std::string_view t(text);
  for (std::size_t i = 0; i + name.size() <= t.size(); ++i) {
    if (engine::text::ascii_iequals(t.substr(i, name.size()), name)) return true;
  }
  return false;
}

}  // namespace

void require_top_level(sqlite3_context* ctx, std::string_view name, const std::string& call) {
  sqlite3* db = sqlite3_context_db_handle(ctx);
  bool in_text = false;  // some running statement's own SQL names the function
  for (sqlite3_stmt* st = sqlite3_next_stmt(db, nullptr); st; st = sqlite3_next_stmt(db, st)) {
    if (!sqlite3_stmt_busy(st)) continue;
    if (!sqlite3_stmt_readonly(st)) {
      throw Error(Errc::constraint,
                  call +
                      ": refused inside a statement that writes (INSERT, UPDATE, DELETE, CREATE, "
                      "...): it changes the connection's source or generation, which a CHECK, "
                      "DEFAULT or trigger of a database file must not do; run it in a SELECT "
                      "of its own");
    }
    const char* sql = sqlite3_sql(st);  // NULL when SQLite kept no text: cannot tell
    if (!sql || mentions(sql, name)) in_text = true;
  }
  if (!in_text) {
    throw Error(Errc::constraint,
                call +
                    ": refused: the running statement's SQL does not call it, so a database "
                    "file's schema does (a CHECK run by PRAGMA integrity_check, a view)");
  }
}

void fn_source(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept {
  guard_fn(ctx, [&] {
    engine::Session& s = session_of(ctx);
    if (argc == 0) {
      result_string(ctx, s.source_spec());
      return;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
      throw Error(Errc::constraint, "kstat_source(): expected 'live', 'procfs:DIR' or a file path");
    }
    const std::string spec(arg_text(argv[0]));
    const std::string call = "kstat_source(" + engine::text::quote_excerpt(spec) + ")";
    require_top_level(ctx, "kstat_source", call);
    if (spec.size() > kMaxSpecBytes) {
      throw Error(Errc::constraint,
                  call + ": a source spec is at most " + std::to_string(kMaxSpecBytes) + " bytes");
    }
    s.set_source(spec);
    result_string(ctx, s.source_description());
  });
}

void fn_reads(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept {
  guard_fn(ctx, [&] {
    const engine::Counters& c = *session_of(ctx).counters();
    std::string what = "read";
    if (argc > 0 && sqlite3_value_type(argv[0]) != SQLITE_NULL) what = arg_text(argv[0]);
    std::uint64_t v;
    if (what == "read")
      v = c.read.load();
    else if (what == "matched")
      v = c.matched.load();
    else if (what == "enumerated")
      v = c.enumerated.load();
    else if (what == "generation")
      v = c.generation.load();
    else
      throw Error(Errc::constraint, "kstat_reads(" + engine::text::quote_excerpt(what) +
                                        "): expected 'read', 'matched', 'enumerated' or "
                                        "'generation'");
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(v));
  });
}

void fn_refresh(sqlite3_context* ctx, int, sqlite3_value**) noexcept {
  guard_fn(ctx, [&] {
    require_top_level(ctx, "kstat_refresh", "kstat_refresh()");
    engine::Session& s = session_of(ctx);
    s.refresh();
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(s.counters()->generation.load()));
  });
}

void fn_pin(sqlite3_context* ctx, int, sqlite3_value**) noexcept {
  guard_fn(ctx, [&] {
    require_top_level(ctx, "kstat_pin", "kstat_pin()");
    engine::Session& s = session_of(ctx);
    s.pin();
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(s.current()->number()));
  });
}

void fn_unpin(sqlite3_context* ctx, int, sqlite3_value**) noexcept {
  guard_fn(ctx, [&] {
    require_top_level(ctx, "kstat_unpin", "kstat_unpin()");
    session_of(ctx).unpin();
    sqlite3_result_null(ctx);
  });
}

void fn_version(sqlite3_context* ctx, int, sqlite3_value**) noexcept {
  sqlite3_result_text(ctx, KSTATSQL_VERSION, -1, SQLITE_STATIC);
}

namespace {

// Functions over host files and state: not from views or triggers, and not
// SQLITE_DETERMINISTIC, since every call may see a new generation.
constexpr int kHostState = SQLITE_UTF8 | SQLITE_DIRECTONLY;
// Pure functions of their arguments: usable anywhere.
constexpr int kPure = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

const SqlFunction kFunctions[] = {
    {"kstat_source", 0, fn_source, kHostState},
    {"kstat_source", 1, fn_source, kHostState},
    {"kstat_reads", 0, fn_reads, kHostState},
    {"kstat_reads", 1, fn_reads, kHostState},
    {"kstat_refresh", 0, fn_refresh, kHostState},
    {"kstat_pin", 0, fn_pin, kHostState},
    {"kstat_unpin", 0, fn_unpin, kHostState},
    {"kstatsql_version", 0, fn_version, kHostState},
    {"kstat_generation", 0, fn_generation, kHostState},
    {"kstat_generation", 1, fn_generation, kHostState},
    {"kss_warnings", 0, fn_warnings, kHostState},
    {"kql", 1, fn_kql, kPure},
};

void destroy_box(void* p) noexcept {
  delete static_cast<std::shared_ptr<engine::Session>*>(p);
}

// kstat_source(x) on a connection registered with file access off.
void fn_source_locked(sqlite3_context* ctx, int, sqlite3_value** argv) noexcept {
  guard_fn(ctx, [&] {
    throw Error(Errc::constraint,
                "kstat_source(" + engine::text::quote_excerpt(arg_text(argv[0])) +
                    "): switching sources is disabled on this connection (file access is off: "
                    "kstatsql --safe, kstatsql_options.no_file_access or the entry point "
                    "sqlite3_kstatsqlsafe_init); the source stays " +
                    engine::text::quote_excerpt(session_of(ctx).source_spec()));
  });
}

}  // namespace

int restrict_file_access(sqlite3* db, const std::shared_ptr<engine::Session>& session) {
  auto* box = new std::shared_ptr<engine::Session>(session);  // freed by SQLite, also on failure
  return sqlite3_create_function_v2(db, "kstat_source", 1, kHostState, box, fn_source_locked,
                                    nullptr, nullptr, destroy_box);
}

std::span<const SqlFunction> sql_functions() noexcept {
  return kFunctions;
}

int register_functions(sqlite3* db, const std::shared_ptr<engine::Session>& session) {
  for (const SqlFunction& f : kFunctions) {
    auto* box = new std::shared_ptr<engine::Session>(session);  // freed by SQLite, also on failure
    int rc = sqlite3_create_function_v2(db, f.name, f.nargs, f.flags, box, f.fn, nullptr, nullptr,
                                        destroy_box);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace kstatsql::vtab
