// tests/engine/sources/linux/hardening_test.cpp — the Linux reader on hostile
// and extreme trees (written by tests/data/linux/make_hostile.py): symlink
// loops, files that are not regular, duplicate and out-of-range identities,
// counters whose conversions do not fit in 64 bits.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>

#include "engine/sources/linux/procfs.hpp"
#include "support/db.hpp"
#include "support/kss_temp.hpp"

using kstatsql::test::Db;
namespace fs = std::filesystem;
namespace procfs = kstatsql::engine::procfs;

namespace {

const std::string kData = std::string(KSTATSQL_TEST_DATA) + "/linux/";

std::string error_of(Db& db, const std::string& where) {
  return db.one("SELECT error FROM kstat WHERE " + where);
}

}  // namespace

TEST_CASE("linux: SPL symlink loops are not followed; the walk is finite and fast",
          "[engine][linux][hardening]") {
  const std::string root = kData + "hostile";
  REQUIRE(fs::is_symlink(root + "/proc/spl/kstat/m/a"));
  const auto t0 = std::chrono::steady_clock::now();
  Db db("procfs:" + root);
  // m/a and m/b point back at m: followed, the walk would list m/a/b/a/… 2^16 times.
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module LIKE 'm%'") == "1");
  CHECK(db.one("SELECT value FROM named WHERE module = 'm' AND name = 'arcstats' AND "
               "statistic = 'hits'") == "42");
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO("listing took " << secs << " s");
  CHECK(secs < 30);  // a runaway walk takes minutes; this bounds a hang, not speed
}

TEST_CASE("linux: a tree file linked to /dev/zero or a FIFO is refused, not read",
          "[engine][linux][hardening]") {
  const std::string root = kData + "hostile";
  Db db("procfs:" + root);
  CHECK(error_of(db, "module = 'linux' AND name = 'vmstat'") ==
        root + "/proc/vmstat: not a regular file (a FIFO, device or socket): not read");
  CHECK(db.one("SELECT value FROM named WHERE module = 'linux' AND name = 'stat' AND "
               "statistic = 'ctxt'") == "4242");  // other files unaffected

  kstatsql::test::TempDir tmp;
  fs::copy(kData + "replay", tmp.file(""), fs::copy_options::recursive);
  const std::string fifo = tmp.file("proc/loadavg");
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string text;
  CHECK(procfs::read_file(fifo, text) == ESPIPE);  // returns at once: no writer is waited for
  Db replay("procfs:" + tmp.file(""));
  // system_misc keeps what proc/stat feeds; the avenrun of the FIFO are left out.
  CHECK(replay.one("SELECT value FROM named WHERE module = 'unix' AND name = 'system_misc' AND "
                   "statistic = 'ncpus'") == "2");
  CHECK(replay.one("SELECT count(*) FROM named WHERE module = 'unix' AND name = 'system_misc' "
                   "AND statistic LIKE 'avenrun%'") == "0");
}

TEST_CASE("linux: one file is read up to the cap, never without bound",
          "[engine][linux][hardening]") {
  kstatsql::test::TempDir tmp;
  const std::string big = tmp.file("big");
  {
    std::string chunk(1 << 20, 'x');
    kstatsql::test::spit(big, "");
    FILE* f = std::fopen(big.c_str(), "w");
    REQUIRE(f != nullptr);
    for (std::size_t i = 0; i <= procfs::kMaxFileBytes >> 20; ++i)
      std::fwrite(chunk.data(), 1, chunk.size(), f);
    std::fclose(f);
  }
  std::string text;
  CHECK(procfs::read_file(big, text) == EFBIG);
  CHECK(text.empty());
  CHECK(procfs::read_error(big, EFBIG) ==
        big + ": larger than 64 MiB, the most read from one /proc or /sys file");
  bool complete = true;
  CHECK(procfs::read_prefix(big, 10, text, complete) == 0);  // a prefix is still fine
  CHECK(text == "xxxxxxxxxx");
  CHECK_FALSE(complete);
  ::truncate(big.c_str(), static_cast<off_t>(procfs::kMaxFileBytes));  // exactly the cap: read
  CHECK(procfs::read_file(big, text) == 0);
  CHECK(text.size() == procfs::kMaxFileBytes);
}

TEST_CASE("linux: duplicate and out-of-range CPUs are errors of /proc/stat",
          "[engine][linux][hardening]") {
  const std::string root = kData + "hostile";
  Db db("procfs:" + root);
  // cpu0 listed once, cpu18446744073709551615 never (not as instance -1).
  CHECK(db.one("SELECT group_concat(instance) FROM kstat WHERE module = 'cpu' AND name = 'sys'") ==
        "0,1");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE instance < 0") == "0");
  const std::string want = root + "/proc/stat:4: cpu0 appears twice (first on line 2)";
  CHECK(error_of(db, "module = 'cpu' AND instance = 0 AND name = 'sys'") == want);
  CHECK(error_of(db, "module = 'cpu' AND instance = 1 AND name = 'sys'") == want);
  CHECK(error_of(db, "module = 'unix' AND name = 'system_misc'") == want);
  // The other files: unaffected.
  CHECK(error_of(db, "module = 'unix' AND name = 'system_pages'") == "NULL");
  // softirqs: the out-of-range column is never an instance, and is the file's error.
  CHECK(db.one("SELECT group_concat(instance) FROM kstat WHERE name = 'softirqs'") == "0");
  CHECK(error_of(db, "name = 'softirqs'") ==
        root + "/proc/softirqs:1: CPU number 18446744073709551615 out of range (0..2147483647)");
}

TEST_CASE("linux: a device twice in /proc/diskstats is an error of the file",
          "[engine][linux][hardening]") {
  const std::string root = kData + "hostile";
  Db db("procfs:" + root);
  CHECK(db.one("SELECT group_concat(name) FROM kstat WHERE class = 'disk'") == "sda,sdb");
  const std::string want = root + "/proc/diskstats:3: device sda listed twice (first on line 1)";
  CHECK(error_of(db, "class = 'disk' AND name = 'sda'") == want);
  CHECK(error_of(db, "class = 'disk' AND name = 'sdb'") == want);
}

TEST_CASE("linux: diskstats conversions at 2^64: exact up to the limit, an error past it",
          "[engine][linux][hardening]") {
  const std::string root = kData + "extremes";
  Db db("procfs:" + root);
  auto io = [&](const std::string& col, const std::string& disk) {
    return db.one("SELECT " + col + " FROM io WHERE name = '" + disk + "'");
  };
  const std::uint64_t sectors = UINT64_MAX / 512;
  CHECK(db.one("SELECT value FROM named WHERE name = 'sda' AND statistic = 'nread'") ==
        std::to_string(sectors * 512));
  CHECK(io("reads", "sda") == "5");  // kstat_io_t's 32-bit reads: 2^32 + 5 modulo 2^32
  CHECK(io("writes", "sda") == "6");
  CHECK(io("rtime", "sda") == std::to_string(INT64_MAX / 1000000 * 1000000));
  CHECK(db.one("SELECT value FROM named WHERE name = 'sda' AND statistic = 'read_ns'") ==
        std::to_string(UINT64_MAX / 1000000 * 1000000));
  const std::string at = root + "/proc/diskstats:";
  CHECK(error_of(db, "name = 'sdb'") == at + "2: sdb: sectors read " + std::to_string(sectors + 1) +
                                            " × 512 does not fit in 64 bits");
  CHECK(error_of(db, "name = 'sdc'") == at + "3: sdc: io ms " +
                                            std::to_string(INT64_MAX / 1000000 + 1) +
                                            " × 1000000 does not fit in 64 bits");
  CHECK(error_of(db, "name = 'sdd'") == at + "4: sdd: read ms " +
                                            std::to_string(UINT64_MAX / 1000000 + 1) +
                                            " × 1000000 does not fit in 64 bits");
}

TEST_CASE("linux: CPU tick sums and ns at 2^64 are errors, never wrapped",
          "[engine][linux][hardening]") {
  const std::string root = kData + "extremes";
  const long hz = ::sysconf(_SC_CLK_TCK);
  if (hz != 100) {
    WARN("SKIP: the fixture's tick counts assume USER_HZ 100, this system has " << hz);
    return;
  }
  Db db("procfs:" + root);
  const std::string at = root + "/proc/stat:";
  CHECK(error_of(db, "module = 'cpu' AND instance = 0 AND name = 'sys'") ==
        at + "2: cpu0: tick counts too large (a sum or its ns does not fit in 64 bits)");
  CHECK(error_of(db, "module = 'cpu' AND instance = 1 AND name = 'sys'") ==
        at + "3: cpu1: tick counts too large (a sum or its ns does not fit in 64 bits)");
  auto stat = [&](const std::string& s) {
    return db.one(
        "SELECT value FROM named WHERE module = 'cpu' AND instance = 2 AND "
        "name = 'sys' AND statistic = '" +
        s + "'");
  };
  CHECK(stat("cpu_ticks_user") == "1844674407300");        // user + nice at the largest that fits
  CHECK(stat("cpu_nsec_user") == "18446744073000000000");  // 18446744073 s: the largest whole
  CHECK(stat("cpu_nsec_idle") == "18446744073000000000");
}

TEST_CASE("linux: link speed in b/s at 2^64: exact up to the limit, an error past it",
          "[engine][linux][hardening]") {
  const std::string root = kData + "extremes";
  Db db("procfs:" + root);
  CHECK(db.one("SELECT value FROM named WHERE module = 'link' AND name = 'eth0' AND "
               "statistic = 'ifspeed'") == std::to_string(UINT64_MAX / 1000000 * 1000000));
  CHECK(error_of(db, "module = 'link' AND name = 'eth1'") ==
        root + "/sys/class/net/eth1/speed:1: " + std::to_string(UINT64_MAX / 1000000 + 1) +
            " Mb/s does not fit in 64 bits as b/s");
}

TEST_CASE("linux: an interface twice in /proc/net/dev is an error of the file",
          "[engine][linux][hardening]") {
  kstatsql::test::TempDir tmp;
  const std::string root = tmp.file("t");
  fs::copy(kData + "replay", root, fs::copy_options::recursive);
  const std::string dev = root + "/proc/net/dev";
  std::string text = kstatsql::test::slurp(dev);
  const std::string eth0 = text.substr(text.find("  eth0:"));
  kstatsql::test::spit(dev, text + "    lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n" + eth0);
  Db db("procfs:" + root);
  CHECK(db.one("SELECT group_concat(name) FROM kstat WHERE module = 'link'") == "eth0,lo");
  CHECK(error_of(db, "module = 'link' AND name = 'lo'") == dev + ": interface eth0 listed twice");
}
