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

// The module_of<> Impl (vtab/simple_module.hpp).
struct ColumnsTable {
  using VTab = sqlite3_vtab;
  using Cur = ColumnsCursor;
  static constexpr int kConfig = SQLITE_VTAB_INNOCUOUS;  // static text, harmless anywhere

  static std::string schema() {
    return "CREATE TABLE x(table_name TEXT, column_name TEXT, type TEXT, is_key INTEGER, "
           "doc TEXT, table_doc TEXT, position INTEGER)";
  }

  static void connect(sqlite3_vtab&, void*) {}

  static int best_index(sqlite3_vtab&, sqlite3_index_info* info) {
    info->estimatedCost = 100;
    info->estimatedRows = 100;
    return SQLITE_OK;
  }

  static void filter(ColumnsCursor& c, int, const char*, int, sqlite3_value**) {
    c.t = 0;
    c.c = 0;
  }

  static void next(ColumnsCursor& c) {
    const auto& tables = all_tables();
    if (++c.c > static_cast<std::size_t>(tables[c.t]->ncolumns)) {  // + the host column
      ++c.t;
      c.c = 0;
    }
  }

  static bool eof(const ColumnsCursor& c) noexcept { return c.t >= all_tables().size(); }

  static void column(ColumnsCursor& c, sqlite3_context* ctx, int col) {
    const TableSpec& t = *all_tables()[c.t];
    const Column& k = c.c < static_cast<std::size_t>(t.ncolumns) ? t.columns[c.c] : kHostColumn;
    switch (col) {
      case 0: sqlite3_result_text(ctx, t.name, -1, SQLITE_STATIC); break;
      case 1: sqlite3_result_text(ctx, k.name, -1, SQLITE_STATIC); break;
      case 2: sqlite3_result_text(ctx, k.sql_type, -1, SQLITE_STATIC); break;
      case 3: sqlite3_result_int(ctx, k.key >= 0); break;
      case 4: sqlite3_result_text(ctx, k.doc, -1, SQLITE_STATIC); break;
      case 5: sqlite3_result_text(ctx, t.doc, -1, SQLITE_STATIC); break;
      default: sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(c.c)); break;
    }
  }

  static sqlite3_int64 rowid(const ColumnsCursor& c) {
    return static_cast<sqlite3_int64>(c.t * 1000 + c.c);
  }
};

}  // namespace

int register_columns_table(sqlite3* db) {
  return sqlite3_create_module_v2(db, "kstat_columns", &module_of<ColumnsTable>(), nullptr, nullptr);
}

}  // namespace kstatsql::vtab
