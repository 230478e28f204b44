// shell/main.cpp — `kstatsql [--source PATH] [SQL ...]`: run SQL over kstats.
//
// A first, non-interactive shell: each SQL argument (or stdin when there is
// none) is executed and printed like sqlite3's list mode ('|' between
// columns). Exit status: 0 ok, 1 SQL error, 2 usage error.
#include <sqlite3.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "kstatsql/kstatsql.h"

namespace {

void usage(std::FILE* out) {
  std::fputs(
      "usage: kstatsql [--source PATH|live|procfs:DIR] [--header] [SQL ...]\n"
      "Runs SQL over kernel statistics (tables kstat, named, io, kstat_columns).\n"
      "With no SQL arguments, reads SQL from standard input.\n"
      "KSTATSQL_SOURCE sets the default source.\n",
      out);
}

int run(sqlite3* db, const std::string& sql, bool header) {
  const char* tail = sql.c_str();
  while (tail && *tail) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, tail, -1, &stmt, &tail);
    if (rc != SQLITE_OK) {
      std::fprintf(stderr, "Error: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    if (!stmt) continue;  // whitespace or comment
    int n = sqlite3_column_count(stmt);
    bool first = true;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (first && header) {
        for (int i = 0; i < n; ++i) std::printf("%s%s", i ? "|" : "", sqlite3_column_name(stmt, i));
        std::printf("\n");
      }
      first = false;
      for (int i = 0; i < n; ++i) {
        const unsigned char* t = sqlite3_column_text(stmt, i);
        std::printf("%s%s", i ? "|" : "", t ? reinterpret_cast<const char*>(t) : "");
      }
      std::printf("\n");
    }
    if (rc != SQLITE_DONE) {
      std::fprintf(stderr, "Error: %s\n", sqlite3_errmsg(db));
      sqlite3_finalize(stmt);
      return 1;
    }
    sqlite3_finalize(stmt);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string source;
  bool header = false;
  std::vector<std::string> sql;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else if (a == "--source" || a == "-s") {
      if (++i >= argc) {
        std::fprintf(stderr, "kstatsql: %s needs an argument\n", a.c_str());
        return 2;
      }
      source = argv[i];
    } else if (a == "--header" || a == "-header") {
      header = true;
    } else if (a.size() > 1 && a[0] == '-' && a[1] == '-') {
      std::fprintf(stderr, "kstatsql: unknown option %s\n", a.c_str());
      usage(stderr);
      return 2;
    } else {
      sql.push_back(a);
    }
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    std::fprintf(stderr, "kstatsql: cannot open SQLite: %s\n", sqlite3_errmsg(db));
    return 3;
  }
  kstatsql_options opts{};
  opts.source = source.empty() ? nullptr : source.c_str();
  if (kstatsql_register(db, &opts) != SQLITE_OK) {
    std::fprintf(stderr, "kstatsql: cannot register tables: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    return 3;
  }
  if (sql.empty()) {
    sql.emplace_back(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  int status = 0;
  for (const std::string& s : sql) status |= run(db, s, header);
  sqlite3_close(db);
  return status;
}
