// tests/engine/sources/linux/replay_test.cpp — recorded /proc trees
// (`procfs:DIR`) replay on the tree's clock, never this machine's, and each
// statistic depends only on the files that feed it. The tree is
// tests/data/linux/replay (make_hostile.py): no proc/uptime, no proc/self.
#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/db.hpp"
#include "support/kss_temp.hpp"

using kstatsql::test::Db;
using kstatsql::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kReplay = std::string(KSTATSQL_TEST_DATA) + "/linux/replay";

// A writable copy of the replay tree.
struct Tree {
  TempDir dir;
  std::string root;
  Tree() : root(dir.file("t")) { fs::copy(kReplay, root, fs::copy_options::recursive); }
  void put(const std::string& rel, const std::string& text) const {
    std::ofstream(root + "/" + rel, std::ios::trunc) << text;
  }
  void set_mtime(const std::string& rel, std::time_t sec, long nsec) const {
    const timespec times[2] = {{sec, nsec}, {sec, nsec}};
    REQUIRE(::utimensat(AT_FDCWD, (root + "/" + rel).c_str(), times, 0) == 0);
  }
};

std::string misc(Db& db, const std::string& stat) {
  return db.one(
      "SELECT value FROM named WHERE module = 'unix' AND name = 'system_misc' AND "
      "statistic = '" +
      stat + "'");
}

}  // namespace

TEST_CASE("linux replay: system_misc keeps ncpus, boot_time and avenrun without proc/uptime",
          "[engine][linux][replay]") {
  Db db("procfs:" + kReplay);
  CHECK(db.one("SELECT error FROM kstat WHERE name = 'system_misc'") == "NULL");
  CHECK(misc(db, "ncpus") == "2");
  CHECK(misc(db, "boot_time") == "1700000000");
  CHECK(misc(db, "avenrun_1min") == "128");  // 0.50 × 256
  CHECK(misc(db, "avenrun_15min") == "32");
  CHECK(db.one("SELECT count(*) FROM named WHERE name = 'system_misc' AND "
               "statistic IN ('lbolt', 'clk_intr')") == "0");  // what proc/uptime feeds
}

TEST_CASE("linux replay: the tree's moment is proc/uptime, else proc/stat's mtime minus btime",
          "[engine][linux][replay]") {
  Tree t;
  t.set_mtime("proc/stat", 1700000000 + 1000, 500000000);  // recorded 1000.5 s after boot
  {
    Db db("procfs:" + t.root);
    CHECK(db.one("SELECT snaptime FROM kstat WHERE name = 'system_misc'") == "1000500000000");
    CHECK(db.one("SELECT snaptime FROM kstat WHERE class = 'disk'") == "1000500000000");
  }
  t.put("proc/uptime", "2000.25 100.00\n");
  Db db("procfs:" + t.root);
  CHECK(db.one("SELECT snaptime FROM kstat WHERE name = 'system_misc'") == "2000250000000");
  CHECK(misc(db, "lbolt") == "200025");  // uptime in USER_HZ (100) ticks
}

TEST_CASE("linux replay: rates over two recorded moments divide by the recording's interval",
          "[engine][linux][replay]") {
  Tree t;
  t.put("proc/uptime", "100.00 1.00\n");
  Db db("procfs:" + t.root);
  const std::string rate = "SELECT rate FROM named WHERE name = 'sda' AND statistic = 'reads'";
  (void)db.one(rate);  // first sample
  // The same tree again is the same moment: no interval, no rate (not 0/s).
  CHECK(db.one(rate) == "NULL");
  // The tree replaced by one recorded 10 s later, with 250 more reads.
  t.put("proc/uptime", "110.00 1.00\n");
  t.put("proc/diskstats", "   8       0 sda 1250 0 8000 100 10 0 80 5 0 200 300\n");
  CHECK(db.one(rate) == "25.0");
  CHECK(db.one(rate) == "NULL");  // a new statement, the same moment again
}

TEST_CASE("linux replay: an NFS mount's crtime is the read time minus its age",
          "[engine][linux][replay]") {
  Tree t;
  t.put("proc/uptime", "1000.00 1.00\n");
  Db db("procfs:" + t.root);
  // mountstats is read from proc/1234 (the tree has no proc/self).
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'nfs' AND instance = 53") == "3");
  CHECK(db.one("SELECT group_concat(DISTINCT crtime) FROM kstat WHERE module = 'nfs' AND "
               "instance = 53") == "600000000000");  // 1000 s − age 400 s
  CHECK(db.one("SELECT nread FROM io WHERE module = 'nfs'") == "5");
}

TEST_CASE("linux replay: /proc/net/dev, softirqs, swaps and net/rpc/nfs of a tree are read",
          "[engine][linux][replay]") {
  Db db("procfs:" + kReplay);
  CHECK(db.one("SELECT value FROM named WHERE module = 'link' AND name = 'eth0' AND "
               "statistic = 'rbytes64'") == "123456");  // no /sys: from /proc/net/dev
  CHECK(db.one("SELECT value FROM named WHERE module = 'cpu' AND instance = 1 AND "
               "name = 'softirqs' AND statistic = 'TIMER'") == "20");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE name LIKE 'swap_%' AND error IS NULL") == "1");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE name = 'rpc_client' AND error IS NULL") == "1");
}
