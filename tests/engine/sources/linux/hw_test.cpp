// Tests of the Linux sensor, cgroup v2 and kernel-misc families and of
// unix:0:system_misc's per-file values, through SQL.
//
// Fixture tests/data/linux/hw:
//   proc/stat (from vm-2cpu), proc/loadavg, proc/sys/kernel/random/*,
//   proc/sys/fs/{file,inode}-nr and sys/fs/cgroup/unified/{cgroup.controllers,
//   cpu.stat,*.pressure} were recorded from this 2-CPU VM (a hybrid cgroup
//   layout: cgroup2 at /sys/fs/cgroup/unified, only the root cgroup).
//   There is no proc/uptime, on purpose (system_misc keeps its other values).
//   The VM has no thermal zone, hwmon chip or power supply and no child
//   cgroup, so these are hand-made in the formats the kernel documents
//   (sysfs-class-thermal, hwmon sysfs-interface, sysfs-class-power,
//   cgroup-v2.rst): thermal_zone0/1, hwmon0 (coretemp), hwmon1 (nct6775, with
//   a temp9_input that fails to read: a directory), hwmon2 (no name file),
//   power_supply BAT0 and AC, cgroups /system.slice, /system.slice/ssh.service,
//   /user.slice.
// Fixture tests/data/linux/hw-bad: a unified cgroup2 layout at sys/fs/cgroup
// and one garbled or truncated file per family (see the error test).
// Expected values come from the fixture text (read in the test, or written
// here from the file with the arithmetic shown).
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "support/db.hpp"

using namespace kstatsql;
using test::Rows;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(KSTATSQL_TEST_DATA) + "/linux/";
const std::string kHw = kData + "hw";
const std::string kBad = kData + "hw-bad";

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
// The first number of a fixture file.
long long num(const std::string& path) {
  std::istringstream in(slurp(path));
  long long v = 0;
  REQUIRE(in >> v);
  return v;
}
// The value after "key " in a flat-keyed file.
long long keyed(const std::string& path, const std::string& key) {
  std::istringstream in(slurp(path));
  std::string k;
  long long v = 0;
  while (in >> k >> v)
    if (k == key) return v;
  FAIL("no " << key << " in " << path);
  return 0;
}

std::string q(const std::string& module, const std::string& name, const std::string& stat,
              const std::string& col = "value") {
  return "SELECT " + col + " FROM named WHERE module='" + module + "' AND name='" + name +
         "' AND statistic='" + stat + "'";
}

// A private copy of a fixture tree, removed at the end of the test.
struct TreeCopy {
  fs::path dir;
  TreeCopy(const std::string& from, const std::string& tag) {
    dir = fs::temp_directory_path() / ("kstatsql-hw-" + tag + "-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::copy(from, dir, fs::copy_options::recursive);
  }
  ~TreeCopy() { fs::remove_all(dir); }
  std::string spec() const { return "procfs:" + dir.string(); }
  void write(const std::string& rel, const std::string& text) const {
    std::ofstream(dir / rel) << text;
  }
};

constexpr long long kZeroCelsiusUk = 273150000;

}  // namespace

TEST_CASE("linux hw: thermal zones in micro-kelvin", "[engine][linux]") {
  test::Db db("procfs:" + kHw);
  const std::string z0 = kHw + "/sys/class/thermal/thermal_zone0/";
  CHECK(db.rows("SELECT module, instance, name, class FROM kstat WHERE module='thermal'") ==
        Rows{{"thermal", "0", "thermal_zone0", "sensor"},
             {"thermal", "1", "thermal_zone1", "sensor"}});
  CHECK(db.rows(q("thermal", "thermal_zone0", "temp", "value, type, unit")) ==
        Rows{{std::to_string(num(z0 + "temp") * 1000 + kZeroCelsiusUk), "temp", "uK"}});
  CHECK(db.one(q("thermal", "thermal_zone0", "trip_point_0_temp")) ==
        std::to_string(num(z0 + "trip_point_0_temp") * 1000 + kZeroCelsiusUk));
  CHECK(db.one(q("thermal", "thermal_zone0", "trip_point_0_type")) == "critical");
  CHECK(db.one(q("thermal", "thermal_zone0", "type")) == "x86_pkg_temp");
  CHECK(db.one(q("thermal", "thermal_zone0", "policy")) == "step_wise");
  // Below 0 °C: -5500 m°C is 267650000 µK, still above absolute zero.
  CHECK(db.one(q("thermal", "thermal_zone1", "temp")) == "267650000");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE name LIKE 'cooling%'") == "0");
}

TEST_CASE("linux hw: hwmon chips carry volts, amps, watts, temperatures", "[engine][linux]") {
  test::Db db("procfs:" + kHw);
  const std::string h1 = kHw + "/sys/class/hwmon/hwmon1/";
  CHECK(db.rows("SELECT instance, name FROM kstat WHERE module='hwmon'") ==
        Rows{{"0", "coretemp"}, {"1", "nct6775"}, {"2", "hwmon2"}});  // hwmon2 has no name file
  CHECK(db.rows(q("hwmon", "nct6775", "in0_input", "value, type, unit")) ==
        Rows{{std::to_string(num(h1 + "in0_input") * 1000), "volts_dc", "uV"}});  // mV → µV
  CHECK(db.rows(q("hwmon", "nct6775", "curr1_input", "value, type, unit")) ==
        Rows{{std::to_string(num(h1 + "curr1_input") * 1000), "amps", "uA"}});  // mA → µA
  CHECK(db.rows(q("hwmon", "nct6775", "power1_input", "value, type, unit")) ==
        Rows{{std::to_string(num(h1 + "power1_input")), "watts", "uW"}});  // already µW
  CHECK(db.rows(q("hwmon", "nct6775", "fan1_input", "value, type, unit")) ==
        Rows{{std::to_string(num(h1 + "fan1_input")), "uint64", "NULL"}});  // RPM: no unit
  CHECK(db.one(q("hwmon", "nct6775", "temp2_input")) ==
        std::to_string(num(h1 + "temp2_input") * 1000 + kZeroCelsiusUk));
  CHECK(db.one(q("hwmon", "nct6775", "in0_label")) == "Vcore");
  CHECK(db.one(q("hwmon", "coretemp", "temp1_label")) == "Package id 0");
  CHECK(db.one(q("hwmon", "coretemp", "temp1_crit_alarm")) == "0");
  // temp9_input cannot be read: only its own value is missing. pwm1 and
  // uevent are not sensor values.
  CHECK(db.one("SELECT count(*) FROM named WHERE module='hwmon' AND statistic IN "
               "('temp9_input','pwm1','uevent')") == "0");
  CHECK(db.one("SELECT count(*) FROM named WHERE module='hwmon' AND name='nct6775'") == "8");
  CHECK(db.one(q("hwmon", "hwmon2", "temp1_input")) == "324150000");  // 51000 m°C
}

TEST_CASE("linux hw: power supplies", "[engine][linux]") {
  test::Db db("procfs:" + kHw);
  const std::string b = kHw + "/sys/class/power_supply/BAT0/";
  CHECK(db.rows("SELECT instance, name, class FROM kstat WHERE module='power_supply'") ==
        Rows{{"0", "AC", "sensor"}, {"0", "BAT0", "sensor"}});
  CHECK(db.rows(q("power_supply", "BAT0", "voltage_now", "value, type, unit")) ==
        Rows{{std::to_string(num(b + "voltage_now")), "volts_dc", "uV"}});
  // Discharging: the current is negative, an int64 in µA.
  CHECK(db.rows(q("power_supply", "BAT0", "current_now", "value, type, unit")) ==
        Rows{{std::to_string(num(b + "current_now")), "int64", "uA"}});
  CHECK(db.one(q("power_supply", "BAT0", "temp")) ==
        std::to_string(num(b + "temp") * 100000 + kZeroCelsiusUk));
  CHECK(db.rows(q("power_supply", "BAT0", "time_to_empty_now", "value, unit")) ==
        Rows{{std::to_string(num(b + "time_to_empty_now") * 1000000000LL), "ns"}});
  CHECK(db.one(q("power_supply", "BAT0", "capacity")) == std::to_string(num(b + "capacity")));
  CHECK(db.one(q("power_supply", "BAT0", "status")) == "Discharging");
  CHECK(db.one(q("power_supply", "AC", "online")) == "1");
  CHECK(db.one("SELECT count(*) FROM named WHERE module='power_supply' AND statistic IN "
               "('uevent','power')") == "0");
}

TEST_CASE("linux hw: one kstat per cgroup, named by its path", "[engine][linux]") {
  test::Db db("procfs:" + kHw);
  const std::string c = kHw + "/sys/fs/cgroup/unified";
  const std::string ssh = c + "/system.slice/ssh.service/";
  CHECK(db.rows("SELECT name, class FROM kstat WHERE module='cgroup'") ==
        Rows{{"/", "cgroup"},
             {"/system.slice", "cgroup"},
             {"/system.slice/ssh.service", "cgroup"},
             {"/user.slice", "cgroup"}});
  // The recorded root: cpu.stat µs → ns.
  CHECK(db.rows(q("cgroup", "/", "cpu_usage_ns", "value, unit")) ==
        Rows{{std::to_string(keyed(c + "/cpu.stat", "usage_usec") * 1000), "ns"}});
  CHECK(db.one(q("cgroup", "/", "cpu_system_ns")) ==
        std::to_string(keyed(c + "/cpu.stat", "system_usec") * 1000));
  CHECK(db.one(q("cgroup", "/", "io_some_total_ns")) ==
        std::to_string(
            std::stoll(
                slurp(c + "/io.pressure").substr(slurp(c + "/io.pressure").find("total=") + 6)) *
            1000));
  // The root has no memory controller files: no memory_current, no error.
  CHECK(db.one("SELECT count(*) FROM named WHERE module='cgroup' AND name='/' AND "
               "statistic='memory_current'") == "0");
  CHECK(db.one("SELECT error FROM kstat WHERE module='cgroup' AND name='/'") == "NULL");

  const std::string n = "/system.slice/ssh.service";
  CHECK(db.one(q("cgroup", n, "cpu_user_ns")) ==
        std::to_string(keyed(ssh + "cpu.stat", "user_usec") * 1000));
  CHECK(db.one(q("cgroup", n, "cpu_nr_throttled")) ==
        std::to_string(keyed(ssh + "cpu.stat", "nr_throttled")));
  CHECK(db.rows(q("cgroup", n, "memory_current", "value, unit")) ==
        Rows{{std::to_string(num(ssh + "memory.current")), "bytes"}});
  // "max" (no limit) is UINT64_MAX, which named.value shows as exact TEXT.
  CHECK(db.rows(q("cgroup", n, "memory_max", "value, type")) ==
        Rows{{"18446744073709551615", "uint64"}});
  CHECK(db.one(q("cgroup", n, "pids_max")) == "18446744073709551615");
  CHECK(db.one(q("cgroup", "/user.slice", "memory_max")) ==
        std::to_string(num(c + "/user.slice/memory.max")));
  CHECK(db.one(q("cgroup", n, "pids_current")) == std::to_string(num(ssh + "pids.current")));
  CHECK(db.rows(q("cgroup", n, "memory_anon", "value, unit")) ==
        Rows{{std::to_string(keyed(ssh + "memory.stat", "anon")), "bytes"}});
  CHECK(db.rows(q("cgroup", n, "memory_pgfault", "value, unit")) ==
        Rows{{std::to_string(keyed(ssh + "memory.stat", "pgfault")), "NULL"}});  // an event count
  CHECK(db.one(q("cgroup", n, "memory_events_high")) ==
        std::to_string(keyed(ssh + "memory.events", "high")));
  // io.stat is summed over its two devices: rbytes 1000 + 500, wios 20 + 7.
  CHECK(db.rows(q("cgroup", n, "io_rbytes", "value, unit")) == Rows{{"1500", "bytes"}});
  CHECK(db.one(q("cgroup", n, "io_wios")) == "27");
  CHECK(db.one(q("cgroup", n, "io_dbytes")) == "100");
  // Pressure: cpu.pressure some avg10=1.50 total=123456 µs.
  CHECK(db.one(q("cgroup", n, "cpu_some_avg10")) == "1.5");
  CHECK(db.one(q("cgroup", n, "cpu_some_total_ns")) == "123456000");
  CHECK(db.one(q("cgroup", n, "io_full_total_ns")) == "555000");
}

TEST_CASE("linux hw: the cgroup walk is bounded; the unified layout is found", "[engine][linux]") {
  TreeCopy t(kBad, "deep");
  fs::path d = t.dir / "sys/fs/cgroup";
  std::string path;
  for (int i = 0; i < 20; ++i) {
    d /= "d";
    path += "/d";
    fs::create_directories(d);
  }
  test::Db db(t.spec());
  // 16 levels below the root are listed, the 17th is not.
  std::string deepest;
  for (int i = 0; i < 16; ++i) deepest += "/d";
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='cgroup' AND name='" + deepest + "'") ==
        "1");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='cgroup' AND name='" + deepest + "/d'") ==
        "0");
  CHECK(db.one(q("cgroup", "/good.slice", "cpu_usage_ns")) == "7000");  // usage_usec 7
}

TEST_CASE("linux hw: kernel misc counters", "[engine][linux]") {
  test::Db db("procfs:" + kHw);
  const std::string r = kHw + "/proc/sys/kernel/random/";
  std::istringstream files(slurp(kHw + "/proc/sys/fs/file-nr"));
  long long nr = 0, nfree = 0, max = 0;
  REQUIRE(files >> nr >> nfree >> max);
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module='linux' AND name='file_nr'") ==
        Rows{{"nr_files", std::to_string(nr)},
             {"nr_free_files", std::to_string(nfree)},
             {"max_files", std::to_string(max)}});
  std::istringstream inodes(slurp(kHw + "/proc/sys/fs/inode-nr"));
  long long ni = 0, nfi = 0;
  REQUIRE(inodes >> ni >> nfi);
  CHECK(db.one(q("linux", "inode_nr", "nr_inodes")) == std::to_string(ni));
  CHECK(db.one(q("linux", "inode_nr", "nr_free_inodes")) == std::to_string(nfi));
  CHECK(db.one(q("linux", "random", "entropy_avail")) == std::to_string(num(r + "entropy_avail")));
  CHECK(db.one(q("linux", "random", "poolsize")) == std::to_string(num(r + "poolsize")));
  CHECK(db.one(q("linux", "random", "boot_id")) + "\n" == slurp(r + "boot_id"));
  CHECK(db.one("SELECT count(*) FROM named WHERE module='linux' AND name='random' AND "
               "statistic='uuid'") == "0");
}

TEST_CASE("linux hw: system_misc without /proc/uptime keeps its other values", "[engine][linux]") {
  test::Db db("procfs:" + kHw);
  CHECK(db.one("SELECT error FROM kstat WHERE module='unix' AND name='system_misc'") == "NULL");
  // No uptime file: lbolt and clk_intr are absent, nothing else.
  CHECK(db.one("SELECT count(*) FROM named WHERE name='system_misc' AND statistic IN "
               "('lbolt','clk_intr')") == "0");
  CHECK(db.one(q("unix", "system_misc", "ncpus")) == "2");  // cpu0, cpu1 in proc/stat
  // loadavg "a b c running/total last_pid": avenrun × 256 and the Linux-only three.
  std::istringstream in(slurp(kHw + "/proc/loadavg"));
  double a1 = 0, a5 = 0, a15 = 0;
  std::string threads;
  long long last = 0;
  REQUIRE(in >> a1 >> a5 >> a15 >> threads >> last);
  CHECK(db.one(q("unix", "system_misc", "avenrun_1min")) ==
        std::to_string(static_cast<long long>(a1 * 256 + 0.5)));
  CHECK(db.one(q("unix", "system_misc", "nr_running")) == threads.substr(0, threads.find('/')));
  CHECK(db.one(q("unix", "system_misc", "nr_threads")) == threads.substr(threads.find('/') + 1));
  CHECK(db.rows(q("unix", "system_misc", "last_pid", "value, type")) ==
        Rows{{std::to_string(last), "uint32"}});
  CHECK(db.one("SELECT count(*) FROM named WHERE name='system_misc' AND statistic='boot_time'") ==
        "1");

  // Without loadavg too, the avenrun values go; ncpus and boot_time stay.
  TreeCopy t(kHw, "noload");
  fs::remove(t.dir / "proc/loadavg");
  test::Db db2(t.spec());
  CHECK(db2.one(
            "SELECT count(*) FROM named WHERE name='system_misc' AND statistic LIKE 'avenrun%'") ==
        "0");
  CHECK(db2.one(q("unix", "system_misc", "ncpus")) == "2");
  CHECK(db2.one("SELECT count(*) FROM named WHERE name='system_misc' AND statistic='boot_time'") ==
        "1");
}

TEST_CASE("linux hw: a garbled file is its kstat's error; the others answer", "[engine][linux]") {
  test::Db db("procfs:" + kBad);
  auto error = [&](const std::string& module, const std::string& name) {
    return db.one("SELECT error FROM kstat WHERE module='" + module + "' AND name='" + name + "'");
  };
  using Catch::Contains;
  CHECK_THAT(error("thermal", "thermal_zone0"),
             Contains("thermal_zone0/temp:1: expected an integer"));
  CHECK_THAT(error("hwmon", "it87"), Contains("hwmon0/in0_input:1:"));
  CHECK(error("hwmon", "k10temp") == "NULL");
  CHECK_THAT(error("power_supply", "BAT0"), Contains("BAT0/voltage_now:1:"));
  CHECK_THAT(error("cgroup", "/bad.slice"), Contains("bad.slice/io.stat:1:"));
  CHECK_THAT(error("cgroup", "/trunc.slice"), Contains("trunc.slice/cpu.pressure:1:"));
  CHECK_THAT(error("cgroup", "/limit.slice"),
             Contains("limit.slice/memory.max:1: expected a number or 'max'"));
  CHECK(error("cgroup", "/good.slice") == "NULL");
  CHECK_THAT(error("linux", "file_nr"), Contains("proc/sys/fs/file-nr:1: expected 3 numbers"));
  CHECK_THAT(error("linux", "random"), Contains("random/entropy_avail:1:"));
  CHECK(db.one(q("linux", "inode_nr", "nr_inodes")) == "51213");
  CHECK_THAT(error("unix", "system_misc"), Contains("proc/loadavg:1:"));
  CHECK(db.one("SELECT count(*) FROM kstat") != "0");
}

TEST_CASE("linux hw: queries list only the families they reach", "[engine][linux]") {
  test::Db db("procfs:" + kHw);
  db.one(q("unix", "system_misc", "ncpus"));
  // The system family alone: system_misc, system_pages, linux:0:stat (this
  // tree has no meminfo or vmstat); no sensor, cgroup or kernel-misc kstat.
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "3");
  const std::string cgroups = db.one("SELECT count(*) FROM kstat WHERE module='cgroup'");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == cgroups);
  const std::string sensors = db.one("SELECT count(*) FROM kstat WHERE class='sensor'");
  CHECK(sensors == "7");  // 2 thermal zones, 3 hwmon chips, 2 power supplies
  CHECK(db.one("SELECT kstat_reads('enumerated')") == sensors);
  db.one(q("linux", "random", "poolsize"));
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "3");  // random, file_nr, inode_nr
  CHECK(db.one("SELECT kstat_reads()") == "1");
}

TEST_CASE("linux hw: cgroup counters give deltas across generations", "[engine][linux]") {
  TreeCopy t(kHw, "delta");
  const std::string rel = "sys/fs/cgroup/unified/user.slice/cpu.stat";
  t.write("proc/uptime", "100.00 1.00\n");  // the tree's clock: recorded 10 s apart
  test::Db db(t.spec());
  CHECK(db.one(q("cgroup", "/user.slice", "cpu_usage_ns")) == "42000");
  t.write(rel, "usage_usec 2042\nuser_usec 1040\nsystem_usec 1002\n");
  t.write("proc/uptime", "110.00 1.00\n");
  // 2000 µs more over the 10 s between the two recorded moments.
  CHECK(db.rows(q("cgroup", "/user.slice", "cpu_usage_ns", "delta, rate")) ==
        Rows{{"2000000", "200000.0"}});
}

TEST_CASE("linux hw live: the cgroup this process runs in", "[engine][linux]") {
  std::string self = slurp("/proc/self/cgroup"), path;
  std::istringstream lines(self);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  std::string root;
  for (const char* r : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"})
    if (fs::exists(std::string(r) + "/cgroup.controllers")) root = r;
  if (path.empty() || root.empty()) {
    WARN("no cgroup2 hierarchy on this machine");
    return;
  }
  test::Db db("live");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='cgroup' AND instance=0 AND name='" + path +
               "'") == "1");
  const std::string stat = root + (path == "/" ? "" : path) + "/cpu.stat";
  if (!fs::exists(stat)) return;
  const long long before = keyed(stat, "usage_usec") * 1000;
  const long long v = std::stoll(db.one(q("cgroup", path, "cpu_usage_ns")));
  const long long after = keyed(stat, "usage_usec") * 1000;
  CHECK(before <= v);
  CHECK(v <= after);
  // A rate across two generations: CPU ns per second, at most every CPU busy.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const double rate = std::stod(db.one(q("cgroup", path, "cpu_usage_ns", "rate")));
  CHECK(rate >= 0);
  CHECK(rate <= 1.1e9 * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)));
}

TEST_CASE("linux hw live: sensors and kernel misc match sysfs and procfs", "[engine][linux]") {
  test::Db db("live");
  std::size_t zones = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/sys/class/thermal", ec))
    zones += e.path().filename().string().rfind("thermal_zone", 0) == 0;
  if (zones == 0) WARN("no thermal zone on this machine");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='thermal'") == std::to_string(zones));
  if (!fs::exists("/sys/class/hwmon")) WARN("no hwmon on this machine");
  if (!fs::exists("/proc/sys/kernel/random/poolsize")) {
    WARN("no /proc/sys/kernel/random");
    return;
  }
  CHECK(db.one(q("linux", "random", "poolsize")) ==
        std::to_string(num("/proc/sys/kernel/random/poolsize")));
  const long long max = [] {
    std::istringstream in(slurp("/proc/sys/fs/file-nr"));
    long long a = 0, b = 0, c = 0;
    in >> a >> b >> c;
    return c;
  }();
  CHECK(db.one(q("linux", "file_nr", "max_files")) == std::to_string(max));
}
