/*
** kstat_columns — the schema (vtab/schema.cpp) as rows: one per column of
** every kstatsql table, itself included.
**
**   SELECT table_name, column_name, type, is_key, doc FROM kstat_columns;
**   SELECT column_name, unit FROM kstat_columns WHERE table_name = 'io';
**
** Columns: table_name, column_name, type (as declared, e.g. 'REAL HIDDEN'),
** is_key (1 when =, IN, GLOB and LIKE are pushed down), doc, table_doc,
** position (from 0, the hidden host column last), unit (ns, bytes, ... or
** NULL).
**
** README.md's table reference is generated from this table
** (scripts/gen-reference.sh), and tests/cli/readme_reference_test.sh checks
** the two agree.
*/
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

struct ColumnsCursor : sqlite3_vtab_cursor {
  std::size_t t = 0;
  int c = 0;
  std::string type;  // the current column's declared type
};

void result_cstr(sqlite3_context* ctx, const char* s) noexcept {
  if (s)
    sqlite3_result_text(ctx, s, -1, SQLITE_STATIC);
  else
    sqlite3_result_null(ctx);
}

// The module_of<> Impl (vtab/simple_module.hpp).
struct ColumnsTable {
  using VTab = sqlite3_vtab;
  using Cur = ColumnsCursor;
  static constexpr int kConfig = SQLITE_VTAB_INNOCUOUS;  // static text, harmless anywhere

  static void connect(sqlite3_vtab&, const ModuleAux&) {}

  static int best_index(sqlite3_vtab&, sqlite3_index_info* info) {
    info->estimatedCost = 100;
    info->estimatedRows = 100;
    return SQLITE_OK;
  }

  static void settle(ColumnsCursor& c) {
    if (c.t < tables().size()) c.type = tables()[c.t].column(c.c).declared_type();
  }

  static void filter(ColumnsCursor& c, int, const char*, int, sqlite3_value**) {
    c.t = 0;
    c.c = 0;
    settle(c);
  }

  static void next(ColumnsCursor& c) {
    if (++c.c >= tables()[c.t].declared_columns()) {
      ++c.t;
      c.c = 0;
    }
    settle(c);
  }

  static bool eof(const ColumnsCursor& c) noexcept { return c.t >= tables().size(); }

  static void column(ColumnsCursor& c, sqlite3_context* ctx, int col) {
    const TableSpec& t = tables()[c.t];
    const Column& k = t.column(c.c);
    switch (col) {
      case 0:
        result_cstr(ctx, t.name);
        break;
      case 1:
        result_cstr(ctx, k.name);
        break;
      case 2:
        sqlite3_result_text(ctx, c.type.c_str(), -1, SQLITE_TRANSIENT);
        break;
      case 3:
        sqlite3_result_int(ctx, k.key != Key::none);
        break;
      case 4:
        result_cstr(ctx, k.doc);
        break;
      case 5:
        result_cstr(ctx, t.doc);
        break;
      case 6:
        sqlite3_result_int(ctx, c.c);
        break;
      default:
        result_cstr(ctx, k.unit);
        break;
    }
  }

  static sqlite3_int64 rowid(const ColumnsCursor& c) {
    return static_cast<sqlite3_int64>(c.t * 1000 + static_cast<std::size_t>(c.c));
  }
};

}  // namespace

int register_columns_table(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                           const TableSpec& spec) {
  return register_module<ColumnsTable>(db, session, spec);
}

}  // namespace kstatsql::vtab
