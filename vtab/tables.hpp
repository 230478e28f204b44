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

// kstat_columns: the schema of every kstatsql table, as rows.
int register_columns_table(sqlite3* db);
// kstat_source(), kstat_reads(), kstat_refresh(), kstat_pin(), kstat_unpin(), kstatsql_version().
int register_functions(sqlite3* db, std::shared_ptr<engine::Session> session);

// Everything kstatsql adds to a connection, over one session.
int register_all(sqlite3* db, std::shared_ptr<engine::Session> session);

}  // namespace kstatsql::vtab
