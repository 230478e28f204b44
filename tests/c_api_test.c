/* The C API through libkstatsql.a, from plain C: register, query, check. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "kstatsql/kstatsql.h"

static int fail(const char* what, sqlite3* db) {
  fprintf(stderr, "c_api_test: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  return 1;
}

/* A size below the first version's is refused with a message in errmsg. */
static int check_small_size(void) {
  sqlite3* db = NULL;
  kstatsql_options opts = KSTATSQL_OPTIONS_INIT;
  char* err = NULL;
  int rc;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return fail("open", db);
  opts.size = sizeof(size_t);
  rc = kstatsql_register(db, &opts, &err);
  if (rc != SQLITE_MISUSE || !err || !strstr(err, "kstatsql_options.size")) {
    fprintf(stderr, "c_api_test: small size: rc %d, message %s\n", rc, err ? err : "(none)");
    return 1;
  }
  sqlite3_free(err);
  /* errmsg may be NULL. */
  if (kstatsql_register(db, &opts, NULL) != SQLITE_MISUSE)
    return fail("small size, NULL errmsg", db);
  sqlite3_close(db);
  return 0;
}

/* A larger size (a caller built against a newer header) is accepted. */
static int check_larger_size(void) {
  struct {
    kstatsql_options v1;
    long long later_member;
  } grown;
  sqlite3* db = NULL;
  char* err = (char*)"stale";
  memset(&grown, 0, sizeof grown);
  grown.v1.size = sizeof grown;
  grown.v1.source = "live";
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return fail("open", db);
  if (kstatsql_register(db, &grown.v1, &err) != SQLITE_OK) return fail("larger size", db);
  if (err != NULL) return fail("errmsg not reset to NULL on success", db);
  sqlite3_close(db);
  return 0;
}

int main(void) {
  sqlite3* db = NULL;
  sqlite3_stmt* st = NULL;
  kstatsql_options opts = KSTATSQL_OPTIONS_INIT;
  char* err = NULL;
  long long n = -1;
  if (strcmp(kstatsql_version(), KSTATSQL_VERSION) != 0) return fail("version", NULL);
#ifdef KSTATSQL_TEST_VERSION
  if (strcmp(KSTATSQL_VERSION, KSTATSQL_TEST_VERSION) != 0) return fail("version from CMake", NULL);
#endif
  if (opts.size != sizeof(kstatsql_options)) return fail("KSTATSQL_OPTIONS_INIT", NULL);
  if (check_small_size() || check_larger_size()) return 1;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return fail("open", db);
  opts.source = "live";
  if (kstatsql_register(db, &opts, &err) != SQLITE_OK) {
    fprintf(stderr, "c_api_test: register: %s\n", err ? err : "(no message)");
    sqlite3_free(err);
    return 1;
  }
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM kstat WHERE module = 'unix'", -1, &st, NULL) !=
      SQLITE_OK)
    return fail("prepare", db);
  if (sqlite3_step(st) != SQLITE_ROW) return fail("step", db);
  n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (n < 1) {
    fprintf(stderr, "c_api_test: expected unix kstats, got %lld\n", n);
    return 1;
  }
  /* A write fails with SQLITE_READONLY and a message. */
  if (sqlite3_exec(db, "DELETE FROM named", NULL, NULL, NULL) != SQLITE_READONLY)
    return fail("readonly", db);
  if (!strstr(sqlite3_errmsg(db), "read-only")) return fail("readonly message", db);
  sqlite3_close(db);
  printf("c_api_test: ok (%lld unix kstats)\n", n);
  return 0;
}
