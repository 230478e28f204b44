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
// run from a view or trigger of an untrusted schema.
//
// Also the registry of every SQL function (vtab/functions.hpp) and the one
// loop that registers them.
#include "vtab/functions.hpp"

#include <cstring>
#include <iterator>

#include "kstatsql/kstatsql.h"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

void result_string(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text(ctx, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

}  // namespace

void fn_source(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept {
  guard_fn(ctx, [&] {
    engine::Session& s = session_of(ctx);
    if (argc == 0) {
      result_string(ctx, s.source_spec());
      return;
    }
    const unsigned char* spec = sqlite3_value_text(argv[0]);
    if (!spec || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
      throw Error(Errc::constraint, "kstat_source(): expected 'live', 'procfs:DIR' or a file path");
    }
    s.set_source(reinterpret_cast<const char*>(spec));
    result_string(ctx, s.source_description());
  });
}

void fn_reads(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept {
  guard_fn(ctx, [&] {
    const engine::Counters& c = *session_of(ctx).counters();
    std::string what = "read";
    if (argc > 0 && sqlite3_value_text(argv[0])) {
      what = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    }
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
      throw Error(
          Errc::constraint,
          "kstat_reads('" + what + "'): expected 'read', 'matched', 'enumerated' or 'generation'");
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(v));
  });
}

void fn_refresh(sqlite3_context* ctx, int, sqlite3_value**) noexcept {
  guard_fn(ctx, [&] {
    engine::Session& s = session_of(ctx);
    s.refresh();
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(s.counters()->generation.load()));
  });
}

void fn_pin(sqlite3_context* ctx, int, sqlite3_value**) noexcept {
  guard_fn(ctx, [&] {
    engine::Session& s = session_of(ctx);
    s.pin();
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(s.current()->number()));
  });
}

void fn_unpin(sqlite3_context* ctx, int, sqlite3_value**) noexcept {
  guard_fn(ctx, [&] {
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

}  // namespace

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
