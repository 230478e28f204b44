// tests/engine/sources/dump/spl_kstats_test.cpp — ZFS/SPL kstat files as live
// ZFS hosts print them: statistic names with spaces (dmu_tx_assign's
// histogram), names longer than the name column, and an arcstats whose
// header counts one row more than it prints (a warning, not a rejection).
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "engine/source.hpp"
#include "engine/sources/linux/linux_source.hpp"
#include "support/db.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using Catch::Contains;
using kstatsql::test::Db;
using kstatsql::test::Rows;

namespace {
const std::string kRoot = std::string(KSTATSQL_TEST_DATA) + "/dumps/spl";
}

TEST_CASE("SPL: dmu_tx_assign gives 32 uint64 statistics named '1 ns' .. '2147483648 ns'",
          "[engine][file][spl]") {
  Db db("procfs:" + kRoot);
  Rows rows = db.rows(
      "SELECT statistic, typeof(value), value FROM named WHERE module = 'zfs' AND name = "
      "'dmu_tx_assign'");
  REQUIRE(rows.size() == 32);
  std::vector<std::string> names;
  for (const auto& r : rows) names.push_back(r[0]);
  for (int i = 0; i < 32; ++i) {
    std::string want = std::to_string(1ull << i) + " ns";
    CHECK(std::find(names.begin(), names.end(), want) != names.end());
  }
  CHECK(db.one("SELECT value FROM named WHERE name = 'dmu_tx_assign' AND statistic = '16 ns'") ==
        "9911");
  CHECK(db.one("SELECT count(*) FROM named WHERE name = 'dmu_tx_assign' AND typeof(value) != "
               "'integer'") == "0");
}

TEST_CASE("SPL: an arcstats with a header count off by one replays with a warning",
          "[engine][file][spl]") {
  Db db("procfs:" + kRoot);
  CHECK(db.one("SELECT count(*) FROM named WHERE name = 'arcstats'") == "12");
  CHECK(db.one("SELECT error FROM kstat WHERE name = 'arcstats'") == "NULL");
  CHECK(db.one("SELECT value FROM named WHERE name = 'arcstats' AND statistic = "
               "'l2_writes_lock_retry_from_hdr_locking'") == "7");  // longer than 31 columns
  CHECK(db.one("SELECT value FROM named WHERE name = 'arcstats' AND statistic = 'c_max'") ==
        "12555845632");
  CHECK_THAT(db.one("SELECT kss_warnings()"),
             Contains("spl/kstat/zfs/arcstats: header says 13 rows, found 12"));
}
