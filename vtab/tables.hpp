// vtab/tables.hpp — the table implementations and register_all().
//
// A table over kstats is a plain struct (one per vtab/<name>_table.cpp) that
// register_table<> (vtab/module.hpp) turns into a module; its columns are its
// entry in the schema (vtab/schema.cpp), read by position. The base
// RowPerKstat / RowsPerKstat supplies rowid.
#pragma once

#include "vtab/module.hpp"

namespace kstatsql::vtab {

// One row per kstat: identity, type, read status (vtab/kstat_table.cpp).
struct KstatTable : RowPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

// One row per named statistic (vtab/named_table.cpp).
struct NamedTable : RowsPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

// One row per io kstat (vtab/io_table.cpp).
struct IoTable : RowPerKstat {
  static constexpr engine::KstatType kOnlyType = engine::KstatType::io;
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

// Typed tables over kstat(8)'s raw structs (docs/raw-kstats.md), one row per
// kstat: unix:0:sysinfo, unix:0:vminfo, unix:0:var, unix:0:ncstats,
// nfs:N:mntinfo, cpu_stat:N:cpu_statN (vtab/struct_table.hpp).
struct SysinfoTable : RowPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

struct VminfoTable : RowPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

struct VarTable : RowPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

struct NcstatsTable : RowPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

struct MntinfoTable : RowPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

struct CpuStatTable : RowPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

// One row per interrupt kstat (vtab/intr_table.cpp).
struct IntrTable : RowPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

// One row per timer record of every timer kstat (vtab/timer_table.cpp).
struct TimerTable : RowsPerKstat {
  static void first(Cursor& c);
  static void next(Cursor& c);
  static void column(Cursor& c, sqlite3_context* ctx, int col);
};

// Registrars (vtab/schema.hpp) of the tables that are not over kstats.
// kstat_select('spec', ...): kstat(8) selectors as a table-valued function.
int register_kstat_select(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                          const TableSpec& spec);
// kstat_generations: the generations of a recorded source (vtab/kss_functions.cpp).
int register_generations_table(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                               const TableSpec& spec);
// kstat_columns: the schema as rows (vtab/schema_doc.cpp).
int register_columns_table(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                           const TableSpec& spec);

// Every SQL function (vtab/functions.hpp), over one session.
int register_functions(sqlite3* db, const std::shared_ptr<engine::Session>& session);

// Everything kstatsql adds to a connection, over one session: every table of
// the schema and every SQL function.
int register_all(sqlite3* db, std::shared_ptr<engine::Session> session);

}  // namespace kstatsql::vtab
