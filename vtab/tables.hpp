// vtab/tables.hpp — the table implementations registered by register_all().
#pragma once

#include "vtab/module.hpp"

namespace kstatsql::vtab {

struct KstatTable {
  static const TableSpec spec;
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
  static sqlite3_int64 rowid(const Cursor& c) { return c.index(); }
};

struct NamedTable {
  static const TableSpec spec;
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
  static sqlite3_int64 rowid(const Cursor& c) {
    return (static_cast<sqlite3_int64>(c.index()) << 32) | static_cast<sqlite3_int64>(c.s);
  }
};

struct IoTable {
  static const TableSpec spec;
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
  static sqlite3_int64 rowid(const Cursor& c) { return c.index(); }
};

// Typed tables over kstat(8)'s raw structs and intr/timer kstats
// (docs/raw-kstats.md). One row per kstat, except timer: one per record.
#define KSTATSQL_KSTAT_ROW_TABLE(Type)                               \
  struct Type {                                                      \
    static const TableSpec spec;                                     \
    static void first(Cursor& c);                                    \
    static void next(Cursor& c);                                     \
    static void column(Cursor& c, sqlite3_context* ctx, int col);    \
    static sqlite3_int64 rowid(const Cursor& c) { return c.index(); } \
  };
KSTATSQL_KSTAT_ROW_TABLE(SysinfoTable)
KSTATSQL_KSTAT_ROW_TABLE(VminfoTable)
KSTATSQL_KSTAT_ROW_TABLE(VarTable)
KSTATSQL_KSTAT_ROW_TABLE(NcstatsTable)
KSTATSQL_KSTAT_ROW_TABLE(MntinfoTable)
KSTATSQL_KSTAT_ROW_TABLE(CpuStatTable)
KSTATSQL_KSTAT_ROW_TABLE(IntrTable)
#undef KSTATSQL_KSTAT_ROW_TABLE

struct TimerTable {
  static const TableSpec spec;
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
  static sqlite3_int64 rowid(const Cursor& c) {
    return (static_cast<sqlite3_int64>(c.index()) << 32) | static_cast<sqlite3_int64>(c.s);
  }
};

// kstat_columns: the schema of every kstatsql table, as rows.
int register_columns_table(sqlite3* db);
// kstat_select('spec', …): kstat(8) selectors as a table-valued function.
int register_kstat_select(sqlite3* db, std::shared_ptr<engine::Session> session);
// kstat_source(), kstat_reads(), kstat_refresh(), kstat_pin(), kstat_unpin(), kstatsql_version().
int register_functions(sqlite3* db, std::shared_ptr<engine::Session> session);
// kql(text): the SQL a KQL query compiles to (vtab/kql_function.cpp).
int register_kql_function(sqlite3* db);

// Everything kstatsql adds to a connection, over one session.
int register_all(sqlite3* db, std::shared_ptr<engine::Session> session);

}  // namespace kstatsql::vtab
