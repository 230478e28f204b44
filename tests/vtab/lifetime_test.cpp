// Strings go to SQLite as SQLITE_STATIC pointers into the generation's arena:
// these tests hold such pointers across steps, sorts, aggregates and a
// generation change while other statements are mid-flight (run them under
// ASan to see a use-after-free if the arena dies too early).
#include <catch2/catch.hpp>

#include "support/db.hpp"
#include "support/ticking_source.hpp"

using kstatsql::test::Db;
using kstatsql::test::Rows;
using kstatsql::test::TickingSource;

TEST_CASE("aggregates, ORDER BY and GROUP BY over arena strings", "[vtab][lifetime]") {
  auto src = std::make_shared<TickingSource>(300);
  Db db(src);
  CHECK(db.one("SELECT max(name) FROM kstat") == "k99");
  CHECK(db.one("SELECT min(name) FROM kstat") == "k0");
  CHECK(db.one("SELECT max(value) FROM named WHERE statistic = 'label'") == "gen-3");
  CHECK(db.rows("SELECT name FROM kstat ORDER BY name DESC LIMIT 2") == Rows{{"k99"}, {"k98"}});
  CHECK(db.rows("SELECT class, count(*), max(name) FROM kstat GROUP BY class") ==
        Rows{{"even", "150", "k98"}, {"odd", "150", "k99"}});
}

TEST_CASE("one statement sees one generation and self-joins agree", "[vtab][lifetime]") {
  auto src = std::make_shared<TickingSource>(20);
  Db db(src);
  CHECK(
      db.one("SELECT count(*) FROM named a JOIN named b USING (module, instance, name, statistic) "
             "WHERE a.value = b.value") == "60");
  CHECK(db.one("SELECT count(DISTINCT value) FROM named WHERE statistic='value'") == "1");
  std::string g1 = db.one("SELECT value FROM named WHERE instance=0 AND statistic='value'");
  std::string g2 = db.one("SELECT value FROM named WHERE instance=0 AND statistic='value'");
  CHECK(std::stoi(g2) == std::stoi(g1) + 1);
}

TEST_CASE("statements stepped in turn while a third forces a new generation", "[vtab][lifetime]") {
  auto src = std::make_shared<TickingSource>(50);
  Db db(src);
  sqlite3* h = db.get();
  sqlite3_stmt *a = nullptr, *b = nullptr, *c = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, "SELECT name, value FROM named WHERE statistic='label'", -1, &a,
                             nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_prepare_v2(h, "SELECT max(value), min(name) FROM named", -1, &b, nullptr) ==
          SQLITE_OK);
  REQUIRE(sqlite3_prepare_v2(h, "SELECT kstat_refresh()", -1, &c, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(a) == SQLITE_ROW);
  std::string a_first = reinterpret_cast<const char*>(sqlite3_column_text(a, 1));
  const char* held = reinterpret_cast<const char*>(sqlite3_column_text(a, 0));
  REQUIRE(sqlite3_step(b) == SQLITE_ROW);  // b ran to the end: max/min hold arena pointers
  std::string b_max = reinterpret_cast<const char*>(sqlite3_column_text(b, 0));
  REQUIRE(sqlite3_step(c) == SQLITE_ROW);  // a new generation while a and b are open
  std::string gen_c = reinterpret_cast<const char*>(sqlite3_column_text(c, 0));
  CHECK(std::string(held) == "k0");
  int rows = 1;
  while (sqlite3_step(a) == SQLITE_ROW) {
    ++rows;
    // Every row of a is still from a's generation.
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(a, 1))) == a_first);
  }
  CHECK(rows == 50);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(b, 0))) == b_max);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(b, 1))) == "k0");
  sqlite3_finalize(a);
  sqlite3_finalize(b);
  sqlite3_finalize(c);
  // The next statement is on the refreshed generation or later.
  std::string after = db.one("SELECT kstat_reads('generation')");
  CHECK(std::stoi(after) >= std::stoi(gen_c));
  CHECK(db.session().open_cursors() == 0);
}
