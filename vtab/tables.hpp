// vtab/tables.hpp — the table implementations registered by register_all().
#pragma once

#include "vtab/module.hpp"

namespace kstatsql::vtab {

// One table implementation per file, with the interface register_table
// expects (module.hpp); Rows (RowPerKstat / RowsPerKstat) supplies rowid.
#define KSTATSQL_TABLE(Type, Rows)                                \
  struct Type : Rows {                                            \
    static const TableSpec spec;                                  \
    static void first(Cursor& c);                                 \
    static void next(Cursor& c);                                  \
    static void column(Cursor& c, sqlite3_context* ctx, int col); \
  };
KSTATSQL_TABLE(KstatTable, RowPerKstat)    // one row per kstat
KSTATSQL_TABLE(NamedTable, RowsPerKstat)   // one row per statistic
KSTATSQL_TABLE(IoTable, RowPerKstat)       // one row per io kstat
// Typed tables over kstat(8)'s raw structs and intr/timer kstats
// (docs/raw-kstats.md). One row per kstat, except timer: one per record.
KSTATSQL_TABLE(SysinfoTable, RowPerKstat)
KSTATSQL_TABLE(VminfoTable, RowPerKstat)
KSTATSQL_TABLE(VarTable, RowPerKstat)
KSTATSQL_TABLE(NcstatsTable, RowPerKstat)
KSTATSQL_TABLE(MntinfoTable, RowPerKstat)
KSTATSQL_TABLE(CpuStatTable, RowPerKstat)
KSTATSQL_TABLE(IntrTable, RowPerKstat)
KSTATSQL_TABLE(TimerTable, RowsPerKstat)
#undef KSTATSQL_TABLE

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
