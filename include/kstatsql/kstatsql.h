/*
** kstatsql.h — the C API of kstatsql: kernel statistics as SQLite virtual tables.
**
** Two ways in:
**   1. Loadable extension: `.load build/kstatsql` in sqlite3, or
**      sqlite3_load_extension(db, "build/kstatsql", NULL, &err). The entry
**      point is sqlite3_kstatsql_init; the initial source is "live" unless the
**      environment variable KSTATSQL_SOURCE names another.
**      sqlite3_kstatsqlsafe_init is the same with file access off.
**   2. Static library: link build/libkstatsql.a (plus -lsqlite3 -lfmt and the
**      C++ runtime) and call kstatsql_register(db, &options) once per
**      connection.
**
** After registration the connection has the eponymous, read-only tables
**   kstat, named, io                 the catalog, every statistic, io kstats
**   sysinfo, vminfo, var, mntinfo,   kstat(8)'s raw structs as typed rows
**   cpu_stat, ncstats
**   intr, timer                      interrupt and timer kstats
**   kstat_select('spec', ...)        kstat(8) selectors, table-valued
**   kstat_generations                the generations of a recording
**   kstat_columns                    every table's columns, documented
** and the SQL functions kstat_source(), kstat_reads(), kstat_refresh(),
** kstat_pin(), kstat_unpin(), kstatsql_version(), kstat_generation(),
** kss_warnings() and kql(). See README.md for every column.
*/
#ifndef KSTATSQL_H
#define KSTATSQL_H

#include <stddef.h>

#include "kstatsql/version.h" /* KSTATSQL_VERSION: CMake's project(VERSION) */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_api_routines sqlite3_api_routines;

/* Options of kstatsql_register. The struct grows at its end in later
** versions; `size` tells the library which version the caller was compiled
** with. Set it to sizeof(kstatsql_options), or start from
** KSTATSQL_OPTIONS_INIT, and zero every member you do not set:
**   kstatsql_options opts = KSTATSQL_OPTIONS_INIT;
**   opts.source = "stats.kss";
** A size smaller than KSTATSQL_OPTIONS_MIN_SIZE (the first version's) is
** rejected with SQLITE_MISUSE and a message. A larger size (a caller built
** against a newer header) is accepted: members this library does not know
** are ignored, so every member added later means "as before" when zero. */
typedef struct kstatsql_options {
  size_t size; /* sizeof(kstatsql_options) as the caller compiled it */
  /* Where kstats come from: NULL or "live" = this machine's kernel;
  ** "procfs:DIR" = a recorded Linux tree (DIR/proc, DIR/sys);
  ** "a,b,..." = several sources, one host each;
  ** any other string = a file: a .kss recording or a dump (kstat -p text,
  ** kstat -j JSON, OpenBSD kstat text; the format is detected). */
  const char* source;
  /* When source is NULL and this is 0, KSTATSQL_SOURCE (if set) is used. */
  int ignore_env;
  /* Non-zero: SQL on this connection cannot make kstatsql open files:
  ** kstat_source('x') fails with a message and the source stays the one
  ** registered. For programs that run SQL they do not trust (see
  ** docs/security.md). Zero (file access on, as before) when not set. */
  int no_file_access;
} kstatsql_options;

/* C++ programs may use kstatsql/kstatsql.hpp (kstatsql::Session) instead. */
#define KSTATSQL_OPTIONS_INIT \
  { sizeof(kstatsql_options), NULL, 0, 0 }
/* The size of the first version of kstatsql_options (size, source, ignore_env). */
#define KSTATSQL_OPTIONS_MIN_SIZE (offsetof(kstatsql_options, ignore_env) + sizeof(int))

/* Registers kstatsql's tables and functions on db. options may be NULL (the
** default source: KSTATSQL_SOURCE, else "live"). The source is opened on first
** use, so a bad source is reported by the first query that needs it.
** Returns SQLITE_OK or an SQLite error code. On error, when errmsg is not
** NULL, *errmsg is set to a message from sqlite3_malloc (free it with
** sqlite3_free), as sqlite3_exec does; on success *errmsg is set to NULL. */
int kstatsql_register(sqlite3* db, const kstatsql_options* options, char** errmsg);

/* The library version, KSTATSQL_VERSION when the library was built, e.g. "1.2.3". */
const char* kstatsql_version(void);

/* Loadable-extension entry point (what `.load kstatsql` calls). */
int sqlite3_kstatsql_init(sqlite3* db, char** pzErrMsg, const sqlite3_api_routines* pApi);

/* The same with file access off (no_file_access above): what
** `.load kstatsql sqlite3_kstatsqlsafe_init` calls, and what `.load` of a
** copy or link of the library named kstatsqlsafe.so calls by itself. */
int sqlite3_kstatsqlsafe_init(sqlite3* db, char** pzErrMsg, const sqlite3_api_routines* pApi);

#ifdef __cplusplus
}
#endif

#endif /* KSTATSQL_H */
