/*
** kstatsql.h — the C API of kstatsql: kernel statistics as SQLite virtual tables.
**
** Two ways in:
**   1. Loadable extension: `.load build/kstatsql` in sqlite3, or
**      sqlite3_load_extension(db, "build/kstatsql", NULL, &err). The entry
**      point is sqlite3_kstatsql_init; the initial source is "live" unless the
**      environment variable KSTATSQL_SOURCE names another.
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

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_api_routines sqlite3_api_routines;

#define KSTATSQL_VERSION "0.1.0"

typedef struct kstatsql_options {
  /* Where kstats come from: NULL or "live" = this machine's kernel;
  ** "procfs:DIR" = a recorded Linux tree (DIR/proc, DIR/sys);
  ** any other string = a dump file (kstat -p text or kstat -j JSON). */
  const char *source;
  /* When source is NULL and this is 0, KSTATSQL_SOURCE (if set) is used. */
  int ignore_env;
} kstatsql_options;

/* Registers kstatsql's tables and functions on db. options may be NULL.
** The source is opened on first use, so a bad source is reported by the
** first query that needs it. Returns SQLITE_OK or an SQLite error code. */
int kstatsql_register(sqlite3 *db, const kstatsql_options *options);

/* The library version, e.g. "0.1.0". */
const char *kstatsql_version(void);

/* Loadable-extension entry point (what `.load kstatsql` calls). */
int sqlite3_kstatsql_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

#ifdef __cplusplus
}
#endif

#endif /* KSTATSQL_H */
