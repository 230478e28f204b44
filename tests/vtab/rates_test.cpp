#include <catch2/catch.hpp>

#include "support/db.hpp"
#include "support/ticking_source.hpp"

using kstatsql::test::Db;
using kstatsql::test::Rows;
using kstatsql::test::TickingSource;

namespace {
const char* kQuery =
    "SELECT value, delta, rate, elapsed FROM named WHERE module='tick' AND instance=0 "
    "AND name='k0' AND statistic='value'";
}

TEST_CASE("first sample counts from crtime, later ones from the previous generation", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(3);
  Db db(src);
  // Generation 1: snaptime 1 s after crtime, no previous sample.
  CHECK(db.rows(kQuery) == Rows{{"1", "1", "1.0", "1.0"}});
  CHECK(db.rows(kQuery) == Rows{{"2", "1", "1.0", "1.0"}});
  CHECK(db.rows(kQuery) == Rows{{"3", "1", "1.0", "1.0"}});
}

TEST_CASE("32-bit counters wrap; strings have no delta", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(2);
  Db db(src);
  db.rows("SELECT value FROM named WHERE instance = 1");  // generation 1 reads k1
  // Generation 2: wrap went 0x00000000 -> 0x00000010 (it wrapped between gen 0 and 1 values).
  CHECK(db.rows("SELECT statistic, delta FROM named WHERE instance = 1 AND statistic IN ('wrap', 'label')") ==
        Rows{{"label", "NULL"}, {"wrap", "16"}});
}

TEST_CASE("a re-created kstat restarts from zero", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(2);
  Db db(src);
  db.rows(kQuery);
  db.rows(kQuery);
  src->recreate();  // crtime moves: the previous sample is not the same kstat
  Rows r = db.rows(kQuery);
  REQUIRE(r.size() == 1);
  CHECK(r[0][0] == "3");
  CHECK(r[0][1] == "3");  // delta from zero, not from the old kstat's 2
}

TEST_CASE("a pinned generation gives the same deltas to every statement", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(2);
  Db db(src);
  db.rows(kQuery);
  db.rows("SELECT kstat_pin()");
  Rows a = db.rows(kQuery);
  Rows b = db.rows(kQuery);
  CHECK(a == b);
  CHECK(a[0][1] == "1");
  db.rows("SELECT kstat_unpin()");
}

TEST_CASE("hidden rate columns stay out of SELECT *", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(1);
  Db db(src);
  Rows r = db.rows("SELECT * FROM named WHERE statistic = 'value'");
  REQUIRE(r.size() == 1);
  CHECK(r[0].size() == 10);
}
