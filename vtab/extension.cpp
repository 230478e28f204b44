// vtab/extension.cpp — entry points: the loadable extension and the C API.
#define KSTATSQL_EXTENSION_TU 1
#include "engine/sources/open_source.hpp"
#include "vtab/sqlite.hpp"
SQLITE_EXTENSION_INIT1

#include <cstdlib>

#include "kstatsql/kstatsql.h"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

std::string initial_spec(const kstatsql_options* opts) {
  if (opts && opts->source) return opts->source;
  if (!opts || !opts->ignore_env) {
    if (const char* env = std::getenv("KSTATSQL_SOURCE"); env && *env) return env;
  }
  return "live";
}

}  // namespace

}  // namespace kstatsql::vtab

extern "C" int kstatsql_register(sqlite3* db, const kstatsql_options* options) {
  char* err = nullptr;
  int rc = kstatsql::vtab::guard(&err, [&] {
    auto session = std::make_shared<kstatsql::engine::Session>(kstatsql::vtab::initial_spec(options),
                                                                kstatsql::engine::open_source);
    return kstatsql::vtab::register_all(db, std::move(session));
  });
  sqlite3_free(err);
  return rc;
}

extern "C" const char* kstatsql_version(void) { return KSTATSQL_VERSION; }

extern "C" int sqlite3_kstatsql_init(sqlite3* db, char** pzErrMsg, const sqlite3_api_routines* pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  return kstatsql::vtab::guard(pzErrMsg, [&] {
    auto session = std::make_shared<kstatsql::engine::Session>(kstatsql::vtab::initial_spec(nullptr),
                                                                kstatsql::engine::open_source);
    return kstatsql::vtab::register_all(db, std::move(session));
  });
}
