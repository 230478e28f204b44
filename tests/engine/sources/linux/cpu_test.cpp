// Tests of the CPU families of the Linux source over tests/data/linux/cpu/
// (recorded /proc/interrupts, softirqs, cpuinfo; hand-made schedstat and
// cpu1/cpufreq, see its README) and cpu-bad/ (damaged copies), plus live
// checks against this machine's files. Expected values come from the fixture
// text (summed here by the test's own parser) or are written from the file.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sources/linux/cpu_tables.hpp"
#include "support/db.hpp"

using namespace kstatsql;

namespace {

const std::string kData = std::string(KSTATSQL_TEST_DATA) + "/linux/";
const std::string kTree = "procfs:" + kData + "cpu";
const std::string kBad = "procfs:" + kData + "cpu-bad";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// The sum of column `col` over every line of an /proc/interrupts text that
// has one count per CPU column (ERR and MIS, with one global count, do not).
std::uint64_t column_sum(const std::string& text, std::size_t col) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::istringstream header(line);
  std::size_t ncpu = 0;
  for (std::string w; header >> w;) ++ncpu;
  std::uint64_t sum = 0;
  while (std::getline(in, line)) {
    std::istringstream ws(line.substr(line.find(':') + 1));
    std::vector<std::uint64_t> counts;
    for (std::string w; counts.size() < ncpu && ws >> w && all_digits(w);)
      counts.push_back(std::stoull(w));
    if (counts.size() == ncpu) sum += counts[col];
  }
  return sum;
}

// The value of `key` in the first block of a /proc/cpuinfo text.
std::string cpuinfo_value(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string k = line.substr(0, colon);
    k.erase(k.find_last_not_of(" \t") + 1);
    if (k == key) return line.substr(line.find_first_not_of(" \t", colon + 1));
  }
  return {};
}

std::string sys_stat(test::Db& db, int cpu, const std::string& stat) {
  return db.one("SELECT value FROM named WHERE module='cpu' AND instance=" + std::to_string(cpu) +
                " AND name='sys' AND statistic='" + stat + "'");
}

}  // namespace

TEST_CASE("cpu:N:sys intr is the sum of CPU N's /proc/interrupts column", "[engine][linux]") {
  test::Db db(kTree);
  const std::string text = slurp(kData + "cpu/proc/interrupts");
  for (int cpu = 0; cpu < 2; ++cpu) {
    INFO("cpu " << cpu);
    CHECK(sys_stat(db, cpu, "intr") == std::to_string(column_sum(text, cpu)));
  }
  // From the file: CAL 53706 40826, LOC 1042475 1048976, TLB 12142 11415.
  CHECK(sys_stat(db, 0, "xcalls") == "53706");
  CHECK(sys_stat(db, 1, "xcalls") == "40826");
  CHECK(sys_stat(db, 1, "irq_LOC") == "1048976");
  CHECK(sys_stat(db, 0, "irq_TLB") == "12142");
  CHECK(db.one("SELECT count(*) FROM named WHERE module='cpu' AND name='sys' AND statistic IN "
               "('irq_ERR', "
               "'irq_MIS', 'irq_CAL')") == "0");  // global lines, and CAL is xcalls
}

TEST_CASE("cpu:N:sys pswitch and run/wait time from /proc/schedstat", "[engine][linux]") {
  test::Db db(kTree);
  // cpu1 7 0 3874222 1632017 2102893 1045211 548111402931 168120344020 2240897
  CHECK(sys_stat(db, 1, "pswitch") == "2240897");
  CHECK(sys_stat(db, 1, "idlethread") == "1632017");
  CHECK(sys_stat(db, 1, "sched_run_ns") == "548111402931");
  CHECK(sys_stat(db, 1, "sched_wait_ns") == "168120344020");
  CHECK(sys_stat(db, 0, "ttwu_count") == "2271384");
  CHECK(db.one("SELECT unit FROM named WHERE module='cpu' AND instance=0 AND name='sys' AND "
               "statistic='sched_run_ns'") == "ns");
  // The ticks from /proc/stat are still there.
  CHECK(sys_stat(db, 0, "cpu_ticks_idle") != "NULL");
}

TEST_CASE("irq:N:<device> intr kstats, one per numbered /proc/interrupts line", "[engine][linux]") {
  test::Db db(kTree);
  // 19 numbered lines in the file, 24 to 43 without 27.
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='irq'") == "19");
  CHECK(
      db.one(
          "SELECT count(*) FROM kstat WHERE module='irq' AND type='intr' AND class='controller'") ==
      "19");
  CHECK(db.rows("SELECT name FROM kstat WHERE module='irq' AND instance IN (24, 25)") ==
        test::Rows{{"ACPI:Ged"}, {"ACPI:Ged"}});
  // " 36:          0     130895 PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0"
  const test::Rows r = db.rows(
      "SELECT statistic, value FROM named WHERE module='irq' AND instance=36 AND "
      "name='virtio1-req.0' AND statistic IN ('hard', 'soft', 'cpu0', 'cpu1', 'chip')");
  CHECK(r == test::Rows{{"hard", "130895"},
                        {"soft", "0"},
                        {"cpu0", "0"},
                        {"cpu1", "130895"},
                        {"chip", "PCI-MSIX-0000:00:02.0"}});
  CHECK(db.one("SELECT hard FROM intr WHERE module='irq' AND instance=36") == "130895");
}

TEST_CASE("cpu:N:softirqs: CPU N's column of /proc/softirqs", "[engine][linux]") {
  test::Db db(kTree);
  // "       TIMER:      92667     117888", "         RCU:     245705     244014"
  CHECK(db.one("SELECT value FROM named WHERE module='cpu' AND instance=1 AND name='softirqs' AND "
               "statistic='TIMER'") == "117888");
  CHECK(db.one("SELECT value FROM named WHERE module='cpu' AND instance=0 AND name='softirqs' AND "
               "statistic='RCU'") == "245705");
  CHECK(
      db.one("SELECT count(*) FROM named WHERE module='cpu' AND instance=0 AND name='softirqs'") ==
      "10");
}

TEST_CASE("cpu_info:N:cpu_infoN from /proc/cpuinfo and cpufreq", "[engine][linux]") {
  test::Db db(kTree);
  const std::string text = slurp(kData + "cpu/proc/cpuinfo");
  auto info = [&](int cpu, const std::string& stat) {
    return db.one(
        "SELECT value FROM named WHERE module='cpu_info' AND instance=" + std::to_string(cpu) +
        " AND name='cpu_info" + std::to_string(cpu) + "' AND statistic='" + stat + "'");
  };
  CHECK(info(0, "brand") == cpuinfo_value(text, "model name"));
  CHECK(info(0, "vendor_id") == "GenuineIntel");
  CHECK(info(0, "family") == "6");
  CHECK(info(0, "model") == "207");
  CHECK(info(0, "stepping") == "2");
  CHECK(info(0, "state") == "on-line");
  CHECK(info(1, "core_id") == "1");
  CHECK(info(1, "chip_id") == "0");
  // 207 = 0xCF: extended model 0xC, model 0xF, family 6, stepping 2.
  CHECK(info(0, "implementation") ==
        "x86 (chipid 0x0 GenuineIntel C06F2 family 6 model 207 step 2 clock 2300 MHz)");
  // CPU 0 has no cpufreq: "cpu MHz : 2299.998".
  CHECK(info(0, "clock_MHz") == "2300");
  CHECK(info(0, "current_clock_Hz") == "2299998000");
  CHECK(info(0, "supported_frequencies_Hz") == "2299998000");
  // CPU 1's cpufreq (kHz): cur 1800000, max 2300000, available 2300000 1800000 1200000 800000.
  CHECK(info(1, "clock_MHz") == "2300");
  CHECK(info(1, "current_clock_Hz") == "1800000000");
  CHECK(info(1, "supported_frequencies_Hz") == "800000000:1200000000:1800000000:2300000000");
  CHECK(info(1, "scaling_governor") == "schedutil");
  CHECK(
      db.one(
          "SELECT type FROM named WHERE module='cpu_info' AND instance=0 AND statistic='state'") ==
      "char");
  CHECK(db.one("SELECT unit FROM named WHERE module='cpu_info' AND instance=1 AND "
               "statistic='current_clock_Hz'") == "Hz");
}

TEST_CASE("CPU families: damaged files give per-kstat errors naming file and line",
          "[engine][linux]") {
  test::Db db(kBad);
  auto error = [&](const std::string& where) {
    return db.one("SELECT error FROM kstat WHERE " + where);
  };
  CHECK_THAT(error("module='cpu' AND instance=0 AND name='sys'"),
             Catch::Contains("cpu-bad/proc/interrupts:13:"));
  CHECK_THAT(error("module='irq' AND instance=36"), Catch::Contains("cpu-bad/proc/interrupts:13:"));
  CHECK_THAT(error("module='irq' AND instance=24"),
             Catch::Contains("interrupts:13: expected 2 counts"));
  CHECK_THAT(error("module='cpu' AND instance=1 AND name='softirqs'"),
             Catch::Contains("cpu-bad/proc/softirqs:") && Catch::Contains("truncated"));
  CHECK_THAT(error("module='cpu_info' AND instance=0"),
             Catch::Contains("cpu-bad/proc/cpuinfo:") && Catch::Contains("truncated"));
  // The other families still answer.
  CHECK(db.one("SELECT count(*) FROM named WHERE module='unix' AND name='system_misc'") != "0");
  CHECK(db.one("SELECT error FROM kstat WHERE module='linux' AND name='stat'") == "NULL");
  // The short cpu1 line of schedstat (line 5).
  const std::string sched = slurp(kData + "cpu-bad/proc/schedstat");
  engine::linuxsrc::Schedstat st;
  CHECK_THAT(engine::linuxsrc::parse_schedstat(sched, "schedstat", st),
             Catch::Contains("schedstat:5:"));
}

TEST_CASE("CPU families: a point query lists only its family", "[engine][linux]") {
  test::Db db(kTree);
  CHECK(db.one("SELECT value FROM named WHERE module='unix' AND instance=0 AND name='system_misc' "
               "AND statistic='ncpus'") == "2");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "5");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='irq'") == "19");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "19");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='cpu' AND name='softirqs'") == "2");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "2");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='cpu_info'") == "2");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "2");
}

TEST_CASE("CPU families: a tree without the files has no such kstats", "[engine][linux]") {
  test::Db db("procfs:" + kData + "vm-2cpu");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module IN ('irq', 'cpu_info')") == "0");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='cpu' AND name='sys'") == "2");
  CHECK(sys_stat(db, 0, "cpu_ticks_idle") != "NULL");
  CHECK(db.one(
            "SELECT count(*) FROM named WHERE module='cpu' AND statistic IN ('intr', 'pswitch')") ==
        "0");
}

TEST_CASE("CPU families live: intr between two reads of /proc/interrupts, brand, rates",
          "[engine][linux]") {
  std::ifstream probe("/proc/interrupts");
  if (!probe) {
    WARN("no /proc/interrupts: skipped");
    return;
  }
  test::Db db("live");
  const std::string before = slurp("/proc/interrupts");
  const std::uint64_t v0 = std::stoull(sys_stat(db, 0, "intr"));
  const std::string after = slurp("/proc/interrupts");
  CHECK(column_sum(before, 0) <= v0);
  CHECK(v0 <= column_sum(after, 0));
  CHECK(
      db.one(
          "SELECT value FROM named WHERE module='cpu_info' AND instance=0 AND statistic='brand'") ==
      cpuinfo_value(slurp("/proc/cpuinfo"), "model name"));
  // Across two generations: delta is the difference of the values, and there is a rate.
  const char* q =
      "SELECT value, delta, rate FROM named WHERE module='cpu' AND instance=0 AND name='sys' "
      "AND statistic='intr'";
  const test::Rows g1 = db.rows(q);
  const test::Rows g2 = db.rows(q);
  REQUIRE(g1.size() == 1);
  REQUIRE(g2.size() == 1);
  CHECK(std::stoull(g2[0][1]) == std::stoull(g2[0][0]) - std::stoull(g1[0][0]));
  CHECK(g2[0][2] != "NULL");
  CHECK(std::stod(g2[0][2]) >= 0.0);
}
