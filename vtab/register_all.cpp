// vtab/register_all.cpp — everything kstatsql adds to a connection.
#include "vtab/kss_functions.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

int register_all(sqlite3* db, std::shared_ptr<engine::Session> session) {
  int rc = register_table<KstatTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<NamedTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<IoTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<SysinfoTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<VminfoTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<VarTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<MntinfoTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<CpuStatTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<NcstatsTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<IntrTable>(db, session);
  if (rc == SQLITE_OK) rc = register_table<TimerTable>(db, session);
  if (rc == SQLITE_OK) rc = register_kstat_select(db, session);
  if (rc == SQLITE_OK) rc = register_columns_table(db);
  if (rc == SQLITE_OK) rc = register_functions(db, session);
  if (rc == SQLITE_OK) rc = register_kql_function(db);
  if (rc == SQLITE_OK) rc = register_kss_functions(db, session);
  return rc;
}

}  // namespace kstatsql::vtab
