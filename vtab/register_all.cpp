// vtab/register_all.cpp — everything kstatsql adds to a connection.
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

int register_all(sqlite3* db, std::shared_ptr<engine::Session> session) {
  for (const TableSpec& t : tables()) {
    int rc = t.add(db, session, t);
    if (rc != SQLITE_OK) return rc;
  }
  return register_functions(db, session);
}

}  // namespace kstatsql::vtab
