// vtab/schema.hpp — the one schema: every kstatsql table and column, as data.
//
// tables() lists every table a connection gets, in the order kstat_columns and
// README.md show them. From it come:
//   * each table's CREATE TABLE for sqlite3_declare_vtab (declare_sql());
//   * the registration of every table (register_all(), vtab/register_all.cpp);
//   * kstat_columns (vtab/schema_doc.cpp), and from it README.md's table
//     reference (scripts/gen-reference.sh, checked by
//     tests/cli/readme_reference_test.sh);
//   * the KQL compiler's table and column checks (vtab/kql_sql.cpp);
//   * tests/vtab/schema_test.cpp, which checks that include/kstatsql/kstatsql.h
//     names every table.
// The implementation of a table reads its columns by position: a table file
// keeps an `enum class Col` in the order of its column list here.
//
// This header needs no SQLite header, so the KQL compiler can use it alone.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;

namespace kstatsql::engine {
class Session;
}

namespace kstatsql::vtab {

// A pushed-down key column: the values of engine::KeyCol (static_assert in
// module.cpp), or none.
enum class Key : signed char { none = -1, module, instance, name, klass, statistic };

struct Column {
  const char* name;
  const char* type;  // SQL type: INTEGER, TEXT, REAL, BLOB or ANY
  const char* doc;
  Key key = Key::none;         // xBestIndex pushes =, IN, GLOB, LIKE down on key columns
  bool data = false;           // reading it needs the kstat's data (see idxNum bit 0)
  bool hidden = false;         // declared HIDDEN: only returned when named
  const char* unit = nullptr;  // ns, bytes, pages, s, ... or null

  // The type as declared: "REAL HIDDEN" for a hidden REAL column.
  std::string declared_type() const { return hidden ? std::string(type) + " HIDDEN" : type; }
};

struct TableSpec;

// Registers the table `spec` describes on db (an eponymous module named
// spec.name), over `session`.
using Registrar = int (*)(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                          const TableSpec& spec);

struct TableSpec {
  const char* name;
  const char* doc;
  std::span<const Column> columns;  // as declared, without the host column
  double rows_per_kstat;            // planner estimate
  bool host;                        // a hidden host column follows `columns` (index columns.size())
  const char* not_kql;              // null: a KQL source; else why KQL cannot name it
  Registrar add;

  int ncolumns() const noexcept { return static_cast<int>(columns.size()); }
  // Every declared column, the host column included.
  int declared_columns() const noexcept { return ncolumns() + (host ? 1 : 0); }
  const Column& column(int i) const noexcept;  // REQUIRES: 0 <= i < declared_columns()
};

// The host column of the tables over kstats: the host a multi-host source
// tagged the kstat with (NULL for a single source).
extern const Column kHostColumn;

// Every table, in documentation order.
std::span<const TableSpec> tables() noexcept;

// The table called `name`, or null.
const TableSpec* find_table(std::string_view name) noexcept;

// "CREATE TABLE x(module TEXT, ..., host TEXT HIDDEN)" for sqlite3_declare_vtab.
std::string declare_sql(const TableSpec& spec);

}  // namespace kstatsql::vtab
