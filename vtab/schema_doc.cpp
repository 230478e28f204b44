/*
** kstat_columns — the schema of every kstatsql table, as rows.
**
**   SELECT table_name, column_name, type, is_key, doc FROM kstat_columns;
**
** README.md's table reference is generated from this table
** (tests/cli/gen_reference.sh), and a test checks the two agree.
*/
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

const std::vector<const TableSpec*>& all_tables() {
  static const std::vector<const TableSpec*> kTables = {
      &KstatTable::spec,   &NamedTable::spec,   &IoTable::spec,      &SysinfoTable::spec,
      &VminfoTable::spec,  &VarTable::spec,     &MntinfoTable::spec, &CpuStatTable::spec,
      &NcstatsTable::spec, &IntrTable::spec,    &TimerTable::spec};
  return kTables;
}

namespace {

struct ColumnsCursor : sqlite3_vtab_cursor {
  std::size_t t = 0, c = 0;
};

int xConnect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) noexcept {
  int rc = sqlite3_declare_vtab(
      db, "CREATE TABLE x(table_name TEXT, column_name TEXT, type TEXT, is_key INTEGER, "
          "doc TEXT, table_doc TEXT, position INTEGER)");
  if (rc != SQLITE_OK) return rc;
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);  // static text, harmless anywhere
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!*out) return SQLITE_NOMEM;
  **out = sqlite3_vtab{};
  return SQLITE_OK;
}

int xDisconnect(sqlite3_vtab* vt) noexcept {
  sqlite3_free(vt);
  return SQLITE_OK;
}

int xBestIndex(sqlite3_vtab*, sqlite3_index_info* info) noexcept {
  info->estimatedCost = 100;
  info->estimatedRows = 100;
  return SQLITE_OK;
}

int xOpen(sqlite3_vtab*, sqlite3_vtab_cursor** out) noexcept {
  auto* c = new (std::nothrow) ColumnsCursor();
  if (!c) return SQLITE_NOMEM;
  *out = c;
  return SQLITE_OK;
}

int xClose(sqlite3_vtab_cursor* cur) noexcept {
  delete static_cast<ColumnsCursor*>(cur);
  return SQLITE_OK;
}

int xFilter(sqlite3_vtab_cursor* cur, int, const char*, int, sqlite3_value**) noexcept {
  auto* c = static_cast<ColumnsCursor*>(cur);
  c->t = 0;
  c->c = 0;
  return SQLITE_OK;
}

int xNext(sqlite3_vtab_cursor* cur) noexcept {
  auto* c = static_cast<ColumnsCursor*>(cur);
  const auto& tables = all_tables();
  if (++c->c > static_cast<std::size_t>(tables[c->t]->ncolumns)) {  // + the host column
    ++c->t;
    c->c = 0;
  }
  return SQLITE_OK;
}

int xEof(sqlite3_vtab_cursor* cur) noexcept {
  return static_cast<ColumnsCursor*>(cur)->t >= all_tables().size();
}

int xColumn(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int col) noexcept {
  auto* c = static_cast<ColumnsCursor*>(cur);
  const TableSpec& t = *all_tables()[c->t];
  const Column& k = c->c < static_cast<std::size_t>(t.ncolumns) ? t.columns[c->c] : kHostColumn;
  switch (col) {
    case 0: sqlite3_result_text(ctx, t.name, -1, SQLITE_STATIC); break;
    case 1: sqlite3_result_text(ctx, k.name, -1, SQLITE_STATIC); break;
    case 2: sqlite3_result_text(ctx, k.sql_type, -1, SQLITE_STATIC); break;
    case 3: sqlite3_result_int(ctx, k.key >= 0); break;
    case 4: sqlite3_result_text(ctx, k.doc, -1, SQLITE_STATIC); break;
    case 5: sqlite3_result_text(ctx, t.doc, -1, SQLITE_STATIC); break;
    default: sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(c->c)); break;
  }
  return SQLITE_OK;
}

int xRowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) noexcept {
  auto* c = static_cast<ColumnsCursor*>(cur);
  *rowid = static_cast<sqlite3_int64>(c->t * 1000 + c->c);
  return SQLITE_OK;
}

sqlite3_module make_module() noexcept {
  sqlite3_module m{};
  m.xConnect = xConnect;
  m.xBestIndex = xBestIndex;
  m.xDisconnect = xDisconnect;
  m.xDestroy = xDisconnect;
  m.xOpen = xOpen;
  m.xClose = xClose;
  m.xFilter = xFilter;
  m.xNext = xNext;
  m.xEof = xEof;
  m.xColumn = xColumn;
  m.xRowid = xRowid;
  return m;
}

const sqlite3_module kModule = make_module();

}  // namespace

int register_columns_table(sqlite3* db) {
  return sqlite3_create_module_v2(db, "kstat_columns", &kModule, nullptr, nullptr);
}

}  // namespace kstatsql::vtab
