// Tests of the Linux source's raw unix:0:sysinfo / vminfo / var, NFS mounts
// (nfs:N:mntinfo, nfs:N:nfsN) and linux:0:pressure_*, through SQL.
//
// Fixture tests/data/linux/nfs (hand-written in the kernel's formats):
//   proc/self/mountstats  NFSv3/TCP (/home/shared, minor 53), NFSv3/UDP soft
//                         (/mnt/scratch area, 54), NFSv4.1 krb5p (/proj, 55),
//                         NFSv4.2 over IPv6 (/data, 56) and its bind mount
//                         /srv/data-bind, plus sysfs, proc, ext4, tmpfs, cifs,
//                         nfsd and mqueue mounts that are not NFS clients.
//   proc/self/mountinfo   the minors; proc/self/limits, proc/sys/..., proc/pressure/*.
// Expected values are worked out by hand from the fixture text (comments say how).
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include <cctype>

#include "engine/sources/linux/linux_source.hpp"
#include "support/db.hpp"

using namespace kstatsql;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(KSTATSQL_TEST_DATA) + "/linux/";
const std::uint64_t kPage = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
constexpr std::int64_t kSec = 1000000000;

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A private copy of a fixture tree, removed at the end of the test.
struct TreeCopy {
  fs::path dir;
  explicit TreeCopy(const std::string& name, const std::string& tag) {
    dir = fs::temp_directory_path() / ("kstatsql-" + tag + "-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::copy(kData + name, dir, fs::copy_options::recursive);
  }
  ~TreeCopy() { fs::remove_all(dir); }
  std::string path(const std::string& rel) const { return (dir / rel).string(); }
  void write(const std::string& rel, const std::string& text) const {
    std::ofstream(path(rel)) << text;
  }
  void replace(const std::string& rel, const std::string& from, const std::string& to) const {
    std::string t = slurp(path(rel));
    REQUIRE(t.find(from) != std::string::npos);
    t.replace(t.find(from), from.size(), to);
    write(rel, t);
  }
};

std::string stat_text(int running, int blocked) {
  return "cpu  1 0 1 100 0 0 0 0 0 0\ncpu0 1 0 1 100 0 0 0 0 0 0\nbtime "
         "1700000000\nprocs_running " +
         std::to_string(running) + "\nprocs_blocked " + std::to_string(blocked) + "\n";
}

}  // namespace

TEST_CASE("linux nfs: one mntinfo row per NFS mount", "[engine][linux][nfs]") {
  test::Db db("procfs:" + kData + "nfs");
  // flags: hard 0x1 | link 0x400 | symlink 0x800 | acl 0x2000 = 11265 (caps bits 1-3 set);
  // the UDP mount: noac 0x10 | llock 0x80 (nolock) | link | symlink | readdironly 0x1000
  // (v3, caps 0x6 has no READDIRPLUS) = 7312, no hard (soft).
  // srtt = mean RTT / 2.5 ms, rounded: LOOKUP 3000 ms/1500 ops = 2 ms → 1; READ 10000/2000 = 5 ms
  // → 2; WRITE 6000/400 = 15 ms → 6; UDP: 25/10 → 1, 50/4 = 12.5 ms → 5; v4.1: 30/40 → 0, 64/16
  // → 2.
  CHECK(
      db.rows(
          "SELECT instance, name, class, mountpoint, mik_proto, mik_vers, mik_flags, mik_secmod, "
          "mik_curread, mik_curwrite, mik_timeo, mik_retrans, mik_acregmin, mik_acregmax, "
          "mik_acdirmin, mik_acdirmax, lookup_srtt, read_srtt, write_srtt, mik_curserver "
          "FROM mntinfo ORDER BY instance") ==
      test::Rows{
          {"53",      "mntinfo", "misc",  "/home/shared",
           "tcp",     "3",       "11265", "1",
           "1048576", "1048576", "600",   "2",
           "3",       "60",      "30",    "60",
           "1",       "2",       "6",     "nfs1.example.com"},
          {"54",    "mntinfo", "misc", "/mnt/scratch area",
           "udp",   "3",       "7312", "1",
           "32768", "32768",   "11",   "3",
           "0",     "0",       "0",    "0",
           "1",     "0",       "5",    "198.51.100.7"},
          {"55",     "mntinfo",       "misc", "/proj", "tcp", "4",  "11265", "390005", "262144",
           "262144", "600",           "2",    "3",     "60",  "30", "60",    "0",      "2",
           "0",      "fs.example.org"},
          {"56",  "mntinfo", "misc", "/data", "tcp", "4",  "11265", "1", "1048576", "1048576",
           "600", "2",       "3",    "60",    "30",  "60", "0",     "0", "0",       "2001:db8::5"},
      });
  // Linux has no RTT deviation, no current RTO and no client failover.
  CHECK(db.rows("SELECT DISTINCT lookup_deviate, read_rtxcur, write_deviate, mik_noresponse, "
                "mik_failover, "
                "mik_remap FROM mntinfo") == test::Rows{{"NULL", "NULL", "NULL", "0", "0", "0"}});
  CHECK(db.rows("SELECT instance, value FROM named WHERE module = 'nfs' AND name = 'mntinfo' "
                "AND statistic = 'minorversion' ORDER BY instance") ==
        test::Rows{{"55", "1"}, {"56", "2"}});
  CHECK(
      db.one("SELECT value FROM named WHERE module = 'nfs' AND instance = 53 AND name = 'mntinfo' "
             "AND statistic = 'export'") == "/export/home");
  CHECK(db.rows("SELECT type, ndata, data_size, error FROM kstat WHERE module = 'nfs' AND name = "
                "'mntinfo' "
                "AND instance = 53") == test::Rows{{"raw", "1", "492", "NULL"}});
}

TEST_CASE("linux nfs: non-NFS mounts and bind mounts yield no kstat", "[engine][linux][nfs]") {
  test::Db db("procfs:" + kData + "nfs");
  // sysfs, proc, ext4, tmpfs, cifs, nfsd (the server's fs) and mqueue: none;
  // /srv/data-bind is /data's superblock (0:56): the same statistics, one kstat.
  // Four mounts × mntinfo, nfsN, ops, events, xprt.
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'nfs'") == "20");
  CHECK(
      db.one(
          "SELECT count(*) FROM mntinfo WHERE mountpoint IN ('/', '/mnt/public', '/proc/fs/nfsd', "
          "'/srv/data-bind', '/dev/mqueue')") == "0");
}

TEST_CASE("linux nfs: nfs:N:nfsN io kstats", "[engine][linux][nfs]") {
  test::Db db("procfs:" + kData + "nfs");
  // nread/nwritten = the server bytes of the bytes: line (5th, 6th); reads/writes = READ/WRITE
  // ops; rlentime = (READ + WRITE execute ms) × 10⁶; rtime unknown on Linux (0).
  CHECK(db.rows(
            "SELECT instance, name, class, nread, nwritten, reads, writes, rlentime, rtime, wtime "
            "FROM io WHERE module = 'nfs' ORDER BY instance") ==
        test::Rows{
            {"53", "nfs53", "nfs", "209715200", "52428800", "2000", "400", "20000000000", "0", "0"},
            {"54", "nfs54", "nfs", "0", "4096", "0", "4", "60000000", "0", "0"},
            {"55", "nfs55", "nfs", "2097152", "0", "16", "0", "70000000", "0", "0"},
            {"56", "nfs56", "nfs", "0", "0", "0", "0", "0", "0", "0"}});
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'nfs' AND name = 'nfs53' AND "
                "statistic IN "
                "('normal_read_bytes', 'read_rtt_ns', 'write_execute_ns', 'read_pages') ORDER BY "
                "statistic") == test::Rows{{"normal_read_bytes", "104857600"},
                                           {"read_pages", "51200"},
                                           {"read_rtt_ns", "10000000000"},
                                           {"write_execute_ns", "8000000000"}});
}

TEST_CASE("linux nfs: instances without mountinfo, malformed sections", "[engine][linux][nfs]") {
  TreeCopy t("nfs", "nfs-fallback");
  fs::remove(t.path("proc/self/mountinfo"));
  t.replace("proc/self/mountstats", "bytes:\t0 4096 0 0 0 4096 0 1", "bytes:\t0 4096 zero");
  test::Db db("procfs:" + t.dir.string());
  // 2^20 + the mount's position among NFS mounts; the bind mount is a 5th kstat now.
  CHECK(db.rows("SELECT instance, mountpoint FROM mntinfo ORDER BY instance") ==
        test::Rows{{"1048577", "/home/shared"},
                   {"1048579", "/proj"},
                   {"1048580", "/data"},
                   {"1048581", "/srv/data-bind"}});
  std::string err = db.one(
      "SELECT error FROM kstat WHERE module = 'nfs' AND instance = 1048578 "
      "AND name = 'mntinfo'");
  CHECK_THAT(err, Catch::Contains("mountstats:") && Catch::Contains("expected 8 byte counters"));
}

// The lines of one mount's section of the fixture (from its device line to the next).
std::vector<std::string> section_of(const std::string& text, const std::string& mountpoint) {
  std::istringstream in(text);
  std::vector<std::string> out;
  bool on = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("device ", 0) == 0)
      on = line.find(" mounted on " + mountpoint + " with ") != std::string::npos;
    else if (on)
      out.push_back(line);
  }
  return out;
}

TEST_CASE("linux nfs: nfs:N:ops has every per-op line", "[engine][linux][nfs]") {
  test::Db db("procfs:" + kData + "nfs");
  const auto lines = section_of(slurp(kData + "nfs/proc/self/mountstats"), "/proj");
  test::Rows expected;
  bool per_op = false;
  for (const std::string& raw : lines) {
    if (raw.find("per-op statistics") != std::string::npos) {
      per_op = true;
      continue;
    }
    if (!per_op || raw.find(':') == std::string::npos) continue;
    std::istringstream l(raw);
    std::string name;
    l >> name;
    name.pop_back();  // the ':'
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::vector<std::uint64_t> v;
    for (std::uint64_t x; l >> x;) v.push_back(x);
    REQUIRE(v.size() == 9);
    // ops trans timeouts bytes_sent bytes_recv queue rtt execute (ms → ns) errors.
    static const char* kSuffix[9] = {"_ops",        "_trans",      "_timeouts",
                                     "_bytes_sent", "_bytes_recv", "_queue_ns",
                                     "_rtt_ns",     "_execute_ns", "_errors"};
    for (std::size_t i = 0; i < 9; ++i)
      expected.push_back(
          {name + kSuffix[i], std::to_string(i >= 5 && i <= 7 ? v[i] * 1000000 : v[i])});
  }
  CHECK(expected.size() == 9 * 54);  // 54 per-op lines under /proj (NULL … DESTROY_CLIENTID)
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'nfs' AND instance = 55 AND "
                "name = 'ops'") == expected);
  CHECK(db.one("SELECT unit FROM named WHERE module = 'nfs' AND name = 'ops' AND statistic = "
               "'read_rtt_ns' "
               "AND instance = 53") == "ns");
}

TEST_CASE("linux nfs: nfs:N:events and nfs:N:xprt", "[engine][linux][nfs]") {
  test::Db db("procfs:" + kData + "nfs");
  // events: 1204 9871 0 12 388 41 10211 3022 … (27 values, the same on each mount).
  CHECK(db.one("SELECT count(*) FROM named WHERE module = 'nfs' AND instance = 53 AND name = "
               "'events'") == "27");
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'nfs' AND instance = 53 AND "
                "name = 'events' AND "
                "statistic IN ('inoderevalidate', 'vfsaccess', 'vfsflush', 'vfsrelease', "
                "'pnfs_write')") == test::Rows{{"inoderevalidate", "1204"},
                                               {"vfsaccess", "10211"},
                                               {"vfsflush", "120"},
                                               {"vfsrelease", "7"},
                                               {"pnfs_write", "0"}});
  // "xprt: tcp 871 1 1 0 12 4601 4601 0 9722 0 2 0 0" and "xprt: udp 0 2 40 40 0 40 0 16 0 0".
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'nfs' AND instance = 53 AND "
                "name = 'xprt'") == test::Rows{{"proto", "tcp"},
                                               {"srcport", "871"},
                                               {"bind_count", "1"},
                                               {"connect_count", "1"},
                                               {"connect_time", "0"},
                                               {"idle_time", "12"},
                                               {"sends", "4601"},
                                               {"recvs", "4601"},
                                               {"bad_xids", "0"},
                                               {"req_u", "9722"},
                                               {"bklog_u", "0"},
                                               {"max_slots", "2"},
                                               {"sending_u", "0"},
                                               {"pending_u", "0"}});
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'nfs' AND instance = 54 AND "
                "name = 'xprt' AND "
                "statistic IN ('proto', 'bind_count', 'sends', 'recvs', 'max_slots')") ==
        test::Rows{{"proto", "udp"},
                   {"bind_count", "2"},
                   {"sends", "40"},
                   {"recvs", "40"},
                   {"max_slots", "16"}});
}

TEST_CASE("linux nfs: a second transport, a bad events line, mountstats of a pid",
          "[engine][linux][nfs]") {
  TreeCopy t("nfs", "nfs-pid");
  // No self/: the first /proc/<pid> with mountstats (4242, not 17) is read.
  fs::create_directories(t.path("proc/17"));
  fs::create_directories(t.path("proc/4242"));
  t.replace("proc/self/mountstats", "\txprt:\ttcp 871 1 1 0 12 4601 4601 0 9722 0 2 0 0\n",
            "\txprt:\ttcp 871 1 1 0 12 4601 4601 0 9722 0 2 0 0\n\txprt:\ttcp 872 1 1 0 3 10 10 0 "
            "20 0 2 0 0\n");
  t.replace("proc/self/mountstats",
            "\tevents:\t1204 9871 0 12 388 41 10211 3022 0 0 0 0 0 0 120 0 0 7 0 0 0 0 0 0 0 0 0 \n"
            "\tbytes:\t0 4096",
            "\tevents:\t1204 9871 zero\n\tbytes:\t0 4096");
  fs::rename(t.path("proc/self/mountstats"), t.path("proc/4242/mountstats"));
  fs::rename(t.path("proc/self/mountinfo"), t.path("proc/4242/mountinfo"));
  test::Db db("procfs:" + t.dir.string());
  CHECK(db.one(
            "SELECT value FROM named WHERE module = 'nfs' AND instance = 53 AND name = 'xprt1' AND "
            "statistic = 'srcport'") == "872");
  CHECK_THAT(
      db.one("SELECT error FROM kstat WHERE module = 'nfs' AND instance = 54 AND name = 'events'"),
      Catch::Contains("4242/mountstats:") && Catch::Contains("value 'zero' is not a number"));
  // The bad events line costs only the events kstat.
  CHECK(
      db.one(
          "SELECT count(*) FROM kstat WHERE module = 'nfs' AND instance = 54 AND error IS NULL") ==
      "4");
}

TEST_CASE("linux: unix:0:var keeps only the fields Linux has", "[engine][linux]") {
  test::Db db("procfs:" + kData + "nfs");
  // threads-max 63142; Max processes 31571; dirty_expire_centisecs 3000 → 30 s.
  CHECK(
      db.rows(
          "SELECT v_proc, v_maxupttl, v_maxup, v_autoup, v_nglobpris, v_buf, v_call, v_maxsyspri, "
          "v_bufhwm, v_maxpmem, class FROM var") ==
      test::Rows{{"63142", "63142", "31571", "30", "140", "NULL", "NULL", "NULL", "NULL", "NULL",
                  "misc"}});
  CHECK(db.one("SELECT value FROM named WHERE module = 'unix' AND name = 'var' AND statistic = "
               "'pid_max'") == "4194304");
  test::Db plain("procfs:" + std::string(KSTATSQL_TEST_DATA) +
                 "/shared/linux");  // no /proc/sys: no var
  CHECK(plain.one("SELECT count(*) FROM kstat WHERE module = 'unix' AND name = 'var'") == "0");
}

TEST_CASE("linux: linux:0:pressure_* from /proc/pressure", "[engine][linux]") {
  test::Db db("procfs:" + kData + "nfs");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'linux' AND name GLOB 'pressure_*'") ==
        "3");
  CHECK(
      db.rows("SELECT statistic, value FROM named WHERE module = 'linux' AND name = 'pressure_io' "
              "ORDER BY statistic") == test::Rows{{"full_avg10", "10.1"},
                                                  {"full_avg300", "2.5"},
                                                  {"full_avg60", "6.0"},
                                                  {"full_total_ns", "876543210000"},
                                                  {"some_avg10", "12.4"},
                                                  {"some_avg300", "3.75"},
                                                  {"some_avg60", "8.02"},
                                                  {"some_total_ns", "987654321000"}});
}

TEST_CASE("linux: sysinfo running sums over generations (fake clock)", "[engine][linux]") {
  TreeCopy t("nfs", "sysinfo");
  auto now = std::make_shared<std::int64_t>(10 * kSec);
  test::Db db(engine::make_linux_source(t.path("proc"), t.path("sys"), [now] { return *now; }));
  const std::string q = "SELECT updates, runque, runocc, swpque, swpocc, waiting FROM sysinfo";
  auto step = [&](std::int64_t ms, int running, int blocked) {
    *now = ms * 1000000;
    t.write("proc/stat", stat_text(running, blocked));
    return db.rows(q);
  };
  // Sums start at 9 s (first enumeration − 1 s). 10 s: one tick of 3 running, 1 blocked.
  CHECK(step(10000, 3, 1) == test::Rows{{"1", "3", "1", "0", "0", "1"}});
  // 12.5 s, 5 running: ticks 11 and 12 get 5 each → 13; 0.5 s waits for the 13th tick.
  CHECK(step(12500, 5, 0) == test::Rows{{"3", "13", "3", "0", "0", "1"}});
  // 13.2 s, 2 running, 2 blocked: tick 13 = 0.5 × 5 + 0.5 × 2 = 3.5 → 16.5, shown 16.
  CHECK(step(13200, 2, 2) == test::Rows{{"4", "16", "4", "0", "0", "2"}});
  // 13.7 s: no tick passed, nothing changes.
  CHECK(step(13700, 9, 2) == test::Rows{{"4", "16", "4", "0", "0", "2"}});
  // 15 s, 1 running: 16.5 + 0.2 × 2 + 0.5 × 9 + 1.3 × 1 = 22.7; waiting 2 + 0.2 × 2 + 0.5 × 2
  // = 3.4.
  CHECK(step(15000, 1, 0) == test::Rows{{"6", "22", "6", "0", "0", "3"}});
  CHECK(
      db.rows("SELECT type, class, crtime FROM kstat WHERE module = 'unix' AND name = 'sysinfo'") ==
      test::Rows{{"raw", "misc", std::to_string(9 * kSec)}});

  // A clock that moves on every call (as the live one does): the first read
  // still holds one whole second, whatever was read before the sums started.
  auto ticking = std::make_shared<std::int64_t>(50 * kSec);
  test::Db live_like(engine::make_linux_source(t.path("proc"), t.path("sys"),
                                               [ticking] { return *ticking += 1000; }));
  CHECK(live_like.rows("SELECT updates, runque FROM sysinfo") == test::Rows{{"1", "1"}});
}

TEST_CASE("linux: vminfo running sums and their Linux meaning (fake clock)", "[engine][linux]") {
  TreeCopy t("nfs", "vminfo");
  auto now = std::make_shared<std::int64_t>(100 * kSec);
  test::Db db(engine::make_linux_source(t.path("proc"), t.path("sys"), [now] { return *now; }));
  auto p = [](std::uint64_t kb) { return kb * 1024 / kPage; };
  // Fixture: MemTotal 8000000, MemFree 2000000, MemAvailable 5000000, SwapTotal 2000000,
  // SwapFree 1500000, Committed_AS 3000000 (kB). V = SwapTotal + MemTotal.
  const std::uint64_t v = p(8000000) + p(2000000), resv = p(3000000),
                      unalloc = p(1500000) + p(5000000);
  const std::uint64_t g[5] = {p(2000000), resv, v - unalloc, v - resv, unalloc};
  auto row = [](std::uint64_t k, const std::uint64_t* gauge, std::uint64_t add_free) {
    return test::Rows{{std::to_string(gauge[0] * k + add_free), std::to_string(gauge[1] * k),
                       std::to_string(gauge[2] * k), std::to_string(gauge[3] * k),
                       std::to_string(gauge[4] * k), std::to_string(k)}};
  };
  const std::string q =
      "SELECT freemem, swap_resv, swap_alloc, swap_avail, swap_free, updates FROM vminfo";
  CHECK(db.rows(q) == row(1, g, 0));  // first read: one second's worth
  *now = 104 * kSec;
  t.replace("proc/meminfo", "MemFree:         2000000 kB", "MemFree:         1000000 kB");
  // Four more ticks at the new MemFree: Δfreemem/Δupdates is exactly the new value.
  CHECK(db.rows(q) == row(5, g, 4 * p(1000000) - 4 * p(2000000)));
  CHECK(db.rows("SELECT class, type FROM kstat WHERE module = 'unix' AND name = 'vminfo'") ==
        test::Rows{{"vm", "raw"}});
  // Without swap lines (the shared tree) only freemem and updates are known.
  test::Db plain("procfs:" + std::string(KSTATSQL_TEST_DATA) + "/shared/linux");
  CHECK(plain.rows("SELECT freemem > 0, swap_resv, swap_alloc, swap_avail, swap_free, updates > 0 "
                   "FROM vminfo") == test::Rows{{"1", "NULL", "NULL", "NULL", "NULL", "1"}});
}

TEST_CASE("linux: vminfo Δfreemem/Δupdates tracks MemFree", "[.live][linux]") {
  test::Db db("live");
  auto memfree_pages = [] {
    std::istringstream in(slurp("/proc/meminfo"));
    for (std::string key; in >> key;) {
      std::uint64_t kb = 0;
      in >> kb;
      if (key == "MemFree:") return static_cast<double>(kb) * 1024 / static_cast<double>(kPage);
      in.ignore(1 << 10, '\n');
    }
    return 0.0;
  };
  const double before = memfree_pages();
  auto a = db.rows("SELECT freemem, updates FROM vminfo");
  std::this_thread::sleep_for(std::chrono::milliseconds(2300));
  auto b = db.rows("SELECT freemem, updates FROM vminfo");
  const double after = memfree_pages();
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  const double dfree = std::stod(b[0][0]) - std::stod(a[0][0]);
  const double dup = std::stod(b[0][1]) - std::stod(a[0][1]);
  REQUIRE(dup >= 2);
  INFO("Δfreemem " << dfree << " Δupdates " << dup << " MemFree " << before << ".." << after);
  CHECK(dfree / dup == Approx((before + after) / 2).epsilon(0.05));
}
