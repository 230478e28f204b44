/* The C API through libkstatsql.a, from plain C: register, query, check. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "kstatsql/kstatsql.h"

static int fail(const char *what, sqlite3 *db) {
  fprintf(stderr, "c_api_test: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  return 1;
}

int main(void) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  kstatsql_options opts;
  long long n = -1;
  if (strcmp(kstatsql_version(), KSTATSQL_VERSION) != 0) return fail("version", NULL);
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return fail("open", db);
  memset(&opts, 0, sizeof opts);
  opts.source = "live";
  if (kstatsql_register(db, &opts) != SQLITE_OK) return fail("register", db);
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM kstat WHERE module = 'unix'", -1, &st, NULL) != SQLITE_OK)
    return fail("prepare", db);
  if (sqlite3_step(st) != SQLITE_ROW) return fail("step", db);
  n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (n < 1) {
    fprintf(stderr, "c_api_test: expected unix kstats, got %lld\n", n);
    return 1;
  }
  /* A write fails with SQLITE_READONLY and a message. */
  if (sqlite3_exec(db, "DELETE FROM named", NULL, NULL, NULL) != SQLITE_READONLY) return fail("readonly", db);
  if (!strstr(sqlite3_errmsg(db), "read-only")) return fail("readonly message", db);
  sqlite3_close(db);
  printf("c_api_test: ok (%lld unix kstats)\n", n);
  return 0;
}
