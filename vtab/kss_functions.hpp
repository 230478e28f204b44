// vtab/kss_functions.hpp — SQL over recorded (.kss) generations; see kss_functions.cpp.
#pragma once

#include <memory>

#include "engine/session.hpp"
#include "vtab/sqlite.hpp"

namespace kstatsql::vtab {

// kstat_generation(), kstat_generation(x), kss_warnings() and the
// kstat_generations table, over `session`.
int register_kss_functions(sqlite3* db, std::shared_ptr<engine::Session> session);

}  // namespace kstatsql::vtab
