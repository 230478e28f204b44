// tests/engine/sources/linux/families_test.cpp — the Linux source lists only
// the families a query's constraints can reach (each family is one part).
#include <catch2/catch.hpp>

#include <string>

#include "support/db.hpp"

using namespace kstatsql;

namespace {
const std::string kTree = "procfs:" + std::string(KSTATSQL_TEST_DATA) + "/linux/vm-2cpu";
}

TEST_CASE("linux families: a point query lists one family and reads one kstat", "[engine][linux]") {
  test::Db db(kTree);
  CHECK(db.one("SELECT value FROM named WHERE module='unix' AND instance=0 AND name='system_misc' "
               "AND statistic='nproc'") == "5");
  // unix:0:system_misc, system_pages and linux:0:stat, meminfo, vmstat: the
  // system family alone; no disk, link, NFS or SPL file is listed.
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "5");
  CHECK(db.one("SELECT kstat_reads()") == "1");
}

TEST_CASE("linux families: module and class constraints pick their families", "[engine][linux]") {
  test::Db db(kTree);
  const std::string links = db.one("SELECT count(*) FROM kstat WHERE module = 'link'");
  CHECK(links != "0");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == links);  // the link family only
  const std::string disks = db.one("SELECT count(*) FROM kstat WHERE class = 'disk'");
  CHECK(disks != "0");
  CHECK(db.one("SELECT kstat_reads('read')") == "0");  // headers only
}

TEST_CASE("linux families: the io table lists only families that have io kstats",
          "[engine][linux]") {
  test::Db db(kTree);
  const std::string io = db.one("SELECT count(*) FROM io");
  CHECK(io != "0");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == io);  // the disk family only
  CHECK(db.one("SELECT count(*) FROM kstat WHERE type = 'io'") == io);
  CHECK(db.one("SELECT kstat_reads('enumerated')") ==
        db.one("SELECT count(*) FROM kstat"));  // kstat lists every family
}

TEST_CASE("linux families: a full scan lists every family, in kstat(8) order", "[engine][linux]") {
  test::Db db(kTree);
  const test::Rows all = db.rows("SELECT module, instance, name FROM kstat");
  REQUIRE(all.size() > 10);
  CHECK(db.one("SELECT kstat_reads('enumerated')") == std::to_string(all.size()));
  const test::Rows sorted = db.rows(
      "SELECT module, instance, name FROM kstat ORDER BY lower(module), instance, lower(name), "
      "module, name");
  CHECK(all == sorted);
  // One statement joining two families sees both.
  CHECK(db.one("SELECT count(*) FROM kstat a JOIN kstat b ON b.module = 'link' WHERE a.module = "
               "'cpu'") ==
        std::to_string(2 * std::stoi(db.one("SELECT count(*) FROM kstat WHERE module = 'link'"))));
}
