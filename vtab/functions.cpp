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
#include <cstring>

#include "kstatsql/kstatsql.h"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

engine::Session& session_of(sqlite3_context* ctx) {
  return **static_cast<std::shared_ptr<engine::Session>*>(sqlite3_user_data(ctx));
}

void result_string(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text(ctx, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

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
    if (what == "read") v = c.read.load();
    else if (what == "matched") v = c.matched.load();
    else if (what == "enumerated") v = c.enumerated.load();
    else if (what == "generation") v = c.generation.load();
    else throw Error(Errc::constraint, "kstat_reads('" + what +
                                           "'): expected 'read', 'matched', 'enumerated' or 'generation'");
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

void destroy_box(void* p) noexcept { delete static_cast<std::shared_ptr<engine::Session>*>(p); }

int add(sqlite3* db, const char* name, int nargs, void (*fn)(sqlite3_context*, int, sqlite3_value**),
        const std::shared_ptr<engine::Session>& session) {
  auto* box = new std::shared_ptr<engine::Session>(session);
  // Not SQLITE_DETERMINISTIC: every call may see a new generation.
  return sqlite3_create_function_v2(db, name, nargs, SQLITE_UTF8 | SQLITE_DIRECTONLY, box, fn,
                                    nullptr, nullptr, destroy_box);
}

}  // namespace

int register_functions(sqlite3* db, std::shared_ptr<engine::Session> session) {
  struct Fn {
    const char* name;
    int nargs;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  static const Fn kFns[] = {
      {"kstat_source", 0, fn_source}, {"kstat_source", 1, fn_source},
      {"kstat_reads", 0, fn_reads},   {"kstat_reads", 1, fn_reads},
      {"kstat_refresh", 0, fn_refresh}, {"kstat_pin", 0, fn_pin},
      {"kstat_unpin", 0, fn_unpin},   {"kstatsql_version", 0, fn_version},
  };
  for (const Fn& f : kFns) {
    int rc = add(db, f.name, f.nargs, f.fn, session);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace kstatsql::vtab
