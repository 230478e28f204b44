// vtab/extension.cpp — entry points: the loadable extension and the C API.
#define KSTATSQL_EXTENSION_TU 1
#include "engine/sources/open_source.hpp"
#include "vtab/sqlite.hpp"
SQLITE_EXTENSION_INIT1

#include <cstddef>
#include <cstdlib>
#include <mutex>
#include <string>

#include "kstatsql/kstatsql.h"
#include "vtab/functions.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

// The spec the options name, else $KSTATSQL_SOURCE (unless ignore_env), else "live".
// REQUIRES: opts is NULL or passed options_problem().
std::string initial_spec(const kstatsql_options* opts) {
  if (opts && opts->source) return opts->source;
  if (!opts || !opts->ignore_env) {
    if (const char* env = std::getenv("KSTATSQL_SOURCE"); env && *env) return env;
  }
  return "live";
}

// Every version of kstatsql_options starts with its size; members past what
// this library knows (a caller built against a newer header) are ignored, and
// members past what the caller's size covers (an older header) count as zero.
std::string options_problem(const kstatsql_options* opts) {
  if (!opts || opts->size >= KSTATSQL_OPTIONS_MIN_SIZE) return {};
  return "kstatsql_register: kstatsql_options.size is " + std::to_string(opts->size) +
         ", at least " + std::to_string(KSTATSQL_OPTIONS_MIN_SIZE) +
         " expected: set it to sizeof(kstatsql_options) or start from KSTATSQL_OPTIONS_INIT";
}

// opts->no_file_access when the caller's version of the struct has it.
bool file_access_off(const kstatsql_options* opts) {
  constexpr std::size_t kEnd = offsetof(kstatsql_options, no_file_access) + sizeof(int);
  return opts && opts->size >= kEnd && opts->no_file_access != 0;
}

// register_all reports failures through the connection; guard() through errmsg.
// `safe` turns file access off whatever the options say.
int register_on(sqlite3* db, const kstatsql_options* opts, char** errmsg, bool safe = false) {
  if (errmsg) *errmsg = nullptr;
  if (!db) {
    set_message(errmsg, "kstatsql_register: no database connection");
    return SQLITE_MISUSE;
  }
  if (std::string problem = options_problem(opts); !problem.empty()) {
    set_message(errmsg, problem);
    return SQLITE_MISUSE;
  }
  int rc = guard(errmsg, [&] {
    auto session = std::make_shared<engine::Session>(initial_spec(opts), engine::open_source);
    const int registered = register_all(db, session);
    if (registered != SQLITE_OK || !(safe || file_access_off(opts))) return registered;
    return restrict_file_access(db, session);
  });
  if (rc != SQLITE_OK && errmsg && !*errmsg) set_message(errmsg, sqlite3_errmsg(db));
  return rc;
}

}  // namespace

}  // namespace kstatsql::vtab

extern "C" int kstatsql_register(sqlite3* db, const kstatsql_options* options, char** errmsg) {
  return kstatsql::vtab::register_on(db, options, errmsg);
}

extern "C" const char* kstatsql_version(void) {
  return KSTATSQL_VERSION;
}

extern "C" int sqlite3_kstatsql_init(sqlite3* db, char** pzErrMsg,
                                     const sqlite3_api_routines* pApi) {
#ifdef SQLITE_CORE
  SQLITE_EXTENSION_INIT2(pApi);
#else
  // Set the API table once: loads on several connections in several threads
  // would otherwise store it while functions already loaded read it (a data
  // race, even though every load passes the same table).
  static std::once_flag api_set;
  std::call_once(api_set, [pApi] { SQLITE_EXTENSION_INIT2(pApi); });
#endif
  return kstatsql::vtab::register_on(db, nullptr, pzErrMsg);
}

extern "C" int sqlite3_kstatsqlsafe_init(sqlite3* db, char** pzErrMsg,
                                         const sqlite3_api_routines* pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  return kstatsql::vtab::register_on(db, nullptr, pzErrMsg, true);
}
