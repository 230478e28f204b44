// The C++ facade (include/kstatsql/kstatsql.hpp), as the shell and embedders use it.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "engine/kstat.hpp"
#include "kstatsql/kstatsql.hpp"
#include "support/db.hpp"

using namespace kstatsql;

namespace {

std::string one(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  const unsigned char* t = sqlite3_column_text(st, 0);
  std::string v = t ? reinterpret_cast<const char*>(t) : "";
  sqlite3_finalize(st);
  return v;
}

struct Connection {
  sqlite3* db = nullptr;
  Connection() { REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK); }
  ~Connection() { sqlite3_close(db); }
};

}  // namespace

TEST_CASE("session API: register, query, counters, pin and refresh", "[shell][api]") {
  Session s(test::small_machine(), "test");
  CHECK(s.source_spec() == "test");
  Connection c;
  s.register_on(c.db);
  CHECK(one(c.db,
            "SELECT value FROM named WHERE module='unix' AND instance=0 "
            "AND name='system_misc' AND statistic='nproc'") == "123");
  Counters k = s.counters();
  CHECK(k.read == 1);
  CHECK(k.matched == 1);
  CHECK(k.enumerated == 8);
  CHECK(k.generation == 1);

  s.pin();  // holds the current generation across statements
  CHECK(s.pinned());
  one(c.db, "SELECT count(*) FROM kstat");
  one(c.db, "SELECT count(*) FROM kstat");
  CHECK(s.counters().generation == 1);
  s.refresh();  // a pinned session moves to a fresh generation and stays pinned
  one(c.db, "SELECT count(*) FROM kstat");
  one(c.db, "SELECT count(*) FROM kstat");
  CHECK(s.counters().generation == 2);
  s.unpin();
  CHECK_FALSE(s.pinned());
  one(c.db, "SELECT count(*) FROM kstat");
  CHECK(s.counters().generation == 3);

  s.set_counters({1, 2, 3, 4});
  CHECK(one(c.db, "SELECT kstat_reads()") != "");
  s.set_counters({1, 2, 3, 4});
  Counters back = s.counters();
  CHECK((back.enumerated == 1 && back.matched == 2 && back.read == 3 && back.generation == 4));
}

TEST_CASE("session API: copies share one session; samples hold a generation", "[shell][api]") {
  Session s(test::small_machine(), "test");
  Session copy = s;
  {
    Sample a = s.sample();
    Sample b = copy.sample();  // opened while `a` is open: the same generation
    CHECK(a.number() == b.number());
    CHECK(a.size() == 8);
    bool found = false;
    for (std::uint32_t i = 0; i < a.size(); ++i) {
      if (a.header(i).module == "unix") {
        found = true;
        CHECK(a.data(i).ok());
      }
    }
    CHECK(found);
    CHECK(&a.generation() == &b.generation());
    Sample moved = std::move(a);
    CHECK(moved.size() == 8);
  }
  Sample later = s.sample();
  CHECK(later.number() > 1);
  CHECK(s.recorded_count() == 0);
  CHECK_THROWS_AS(s.select_recorded(0), Error);
}

TEST_CASE("session API: bad specs fail at open or set_source", "[shell][api]") {
  Session bad("/nonexistent/dump.txt");
  CHECK(bad.source_spec() == "/nonexistent/dump.txt");  // nothing opened yet
  CHECK_THROWS_AS(bad.open(), Error);
  Session s(test::small_machine(), "test");
  CHECK_THROWS_AS(s.set_source("/nonexistent/dump.txt"), Error);
  CHECK(s.source_spec() == "test");  // the current source is kept
  CHECK_FALSE(default_source_spec().empty());
}
