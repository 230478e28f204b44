#include <catch2/catch.hpp>

#include "support/db.hpp"
#include "support/ticking_source.hpp"

using kstatsql::test::Db;
using kstatsql::test::Rows;
using kstatsql::test::TickingSource;

TEST_CASE("equality on the key reads exactly one kstat", "[vtab]") {
  auto src = std::make_shared<TickingSource>(1000);
  Db db(src);
  CHECK(db.one("SELECT count(*) FROM named WHERE module='tick' AND instance=7 AND name='k7' "
               "AND statistic='value'") == "1");
  CHECK(db.one("SELECT kstat_reads()") == "1");
  CHECK(db.one("SELECT kstat_reads('matched')") == "1");
  CHECK(src->reads == 1);
}

TEST_CASE("IN lists arrive in one filter call", "[vtab]") {
  auto src = std::make_shared<TickingSource>(1000);
  Db db(src);
  CHECK(db.rows("SELECT instance FROM named WHERE name IN ('k3', 'k1', 'k999', 'zz') "
                "AND statistic = 'value'") == Rows{{"1"}, {"3"}, {"999"}});
  CHECK(db.one("SELECT kstat_reads()") == "3");
  CHECK(db.rows("SELECT name FROM kstat WHERE instance IN (5, '6', 7.0, 'x', NULL)") ==
        Rows{{"k5"}, {"k6"}, {"k7"}});
}

TEST_CASE("GLOB and LIKE are pushed down and re-checked", "[vtab]") {
  auto src = std::make_shared<TickingSource>(200);
  Db db(src);
  CHECK(db.one("SELECT count(*) FROM named WHERE name GLOB 'k1?' AND statistic='value'") == "10");
  CHECK(db.one("SELECT kstat_reads()") == "10");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE name LIKE 'K19_'") == "10");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE instance GLOB '1?9'") == "10");
  CHECK(db.one("SELECT count(*) FROM named WHERE statistic GLOB 'val*' AND class = 'odd'") ==
        "100");
  // Case-sensitive LIKE is still right: SQLite re-checks what the engine matched.
  CHECK(db.one("PRAGMA case_sensitive_like = 1; SELECT count(*) FROM kstat WHERE name LIKE 'K1'") ==
        "0");
}

TEST_CASE("NULL and impossible constraints match nothing without reading", "[vtab]") {
  auto src = std::make_shared<TickingSource>(50);
  Db db(src);
  CHECK(db.one("SELECT count(*) FROM named WHERE module = NULL") == "0");
  CHECK(db.one("SELECT count(*) FROM named WHERE instance = 'abc'") == "0");
  CHECK(db.one("SELECT count(*) FROM named WHERE module IN (NULL)") == "0");
  CHECK(src->reads == 0);
}

TEST_CASE("a scan without data columns never reads", "[vtab]") {
  auto src = std::make_shared<TickingSource>(50);
  Db db(src);
  CHECK(db.one("SELECT count(*) FROM kstat WHERE class = 'even'") == "25");
  CHECK(db.one("SELECT count(*) FROM io") == "0");
  CHECK(src->reads == 0);
  CHECK(db.one("SELECT count(snaptime) FROM kstat") == "50");
  CHECK(src->reads == 50);
}
