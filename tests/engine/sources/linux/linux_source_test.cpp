// Tests of the Linux live source over recorded trees (tests/data/linux/):
//   vm-2cpu/  recorded from a 2-CPU VM by tests/data/linux/record.sh
//   edge/     hand-made edge cases, written by tests/data/linux/make_edge.py
//   garbled/  malformed /proc text, same script
// Expected values are taken from the fixture text (see make_edge.py), never
// from the code under test. The [.live] test compares against this machine.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "engine/sources/linux/linux_source.hpp"
#include "engine/sources/open_source.hpp"
#include "engine/source.hpp"
#include "kstatsql/error.hpp"

using namespace kstatsql::engine;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(KSTATSQL_TEST_DATA) + "/linux/";
const std::uint64_t kHz = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
const std::uint64_t kPage = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
const std::uint64_t kNsPerTick = 1000000000ULL / kHz;

// One generation of a source: every header and every kstat read.
struct Loaded {
  std::shared_ptr<Source> src;
  Arena headers_arena, data_arena;
  std::vector<KstatHeader> headers;
  std::map<std::string, std::size_t> index;  // "module:instance:name" → headers[i]
  std::vector<KstatData> data;

  explicit Loaded(const std::string& root) : src(make_linux_source(root + "/proc", root + "/sys")) {
    src->begin_generation();
    src->enumerate(headers_arena, headers);
    for (std::size_t i = 0; i < headers.size(); ++i) {
      const KstatHeader& h = headers[i];
      std::string key =
          std::string(h.module) + ":" + std::to_string(h.instance) + ":" + std::string(h.name);
      INFO(key);
      CHECK(index.emplace(key, i).second);  // identities are unique
      KstatData d;
      src->read(h, data_arena, d);
      data.push_back(d);
    }
  }
  bool has(const std::string& key) const { return index.count(key) != 0; }
  const KstatHeader& header(const std::string& key) const {
    INFO(key);
    REQUIRE(has(key));
    return headers[index.at(key)];
  }
  const KstatData& get(const std::string& key) const {
    header(key);  // REQUIREs that it exists
    const KstatData& d = data[index.at(key)];
    INFO(key << ": " << d.error);
    REQUIRE(d.ok());
    return d;
  }
  std::string error(const std::string& key) const {
    header(key);
    const KstatData& d = data[index.at(key)];
    INFO(key);
    REQUIRE_FALSE(d.ok());
    return std::string(d.error);
  }
  std::size_t count(std::string_view module) const {
    std::size_t n = 0;
    for (const auto& h : headers) n += h.module == module;
    return n;
  }
};

const NamedStat& stat(const KstatData& d, std::string_view name) {
  for (const NamedStat& s : d.named)
    if (s.name_view() == name) return s;
  FAIL("no statistic " << name);
  throw;  // not reached
}
bool has_stat(const KstatData& d, std::string_view name) {
  for (const NamedStat& s : d.named)
    if (s.name_view() == name) return true;
  return false;
}
std::uint64_t u(const KstatData& d, std::string_view name) {
  return stat(d, name).v.u;
}
std::int64_t i(const KstatData& d, std::string_view name) {
  return stat(d, name).v.i;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("linux: CPUs from /proc/stat, offline CPU absent", "[engine][linux]") {
  Loaded l(kData + "edge");
  CHECK(l.count("cpu") == 5);
  CHECK_FALSE(l.has("cpu:2:sys"));
  CHECK(l.header("cpu:3:sys").klass == "misc");
  CHECK(l.header("cpu:3:sys").type == KstatType::named);

  // cpu0 100 5 50 1000 20 3 2 7 4 1 (user nice system idle iowait irq softirq steal guest
  // guest_nice)
  const KstatData& c0 = l.get("cpu:0:sys");
  CHECK(u(c0, "cpu_ticks_idle") == 1000);
  CHECK(u(c0, "cpu_ticks_user") == 105);   // user + nice
  CHECK(u(c0, "cpu_ticks_kernel") == 55);  // system + irq + softirq
  CHECK(u(c0, "cpu_ticks_wait") == 20);    // iowait
  CHECK(u(c0, "cpu_nsec_idle") == 1000 * kNsPerTick);
  CHECK(u(c0, "cpu_nsec_user") == 105 * kNsPerTick);
  CHECK(u(c0, "cpu_nsec_kernel") == 55 * kNsPerTick);
  CHECK(u(c0, "cpu_nsec_intr") == 5 * kNsPerTick);
  CHECK(u(c0, "cpu_nsec_iowait") == 20 * kNsPerTick);
  CHECK(u(c0, "cpu_nsec_steal") == 7 * kNsPerTick);
  CHECK(u(c0, "cpu_ticks_steal") == 7);
  CHECK(u(c0, "cpu_ticks_guest") == 4);
  CHECK(u(c0, "cpu_ticks_guest_nice") == 1);
  CHECK(stat(c0, "cpu_ticks_idle").type == ValueType::uint64);
  CHECK(stat(c0, "cpu_nsec_idle").unit == Unit::ns);
  // Totals only exist system-wide on Linux: never invented per CPU.
  CHECK_FALSE(has_stat(c0, "intr"));
  CHECK_FALSE(has_stat(c0, "pswitch"));
  CHECK(c0.snaptime > 0);

  const KstatData& c4 = l.get("cpu:4:sys");  // 64-bit tick counts are not truncated
  CHECK(u(c4, "cpu_ticks_user") == 4294967296ULL);
  CHECK(u(c4, "cpu_nsec_idle") == 4294967296ULL * kNsPerTick);

  const KstatData& st = l.get("linux:0:stat");
  CHECK(u(st, "intr") == 123456);
  CHECK(u(st, "ctxt") == 987654);
  CHECK(u(st, "processes") == 4242);
  CHECK(u(st, "procs_running") == 3);
  CHECK(u(st, "procs_blocked") == 1);
  CHECK(u(st, "softirq") == 5555);
  CHECK(u(st, "btime") == 1700000000);
}

TEST_CASE("linux: unix:0:system_misc and system_pages", "[engine][linux]") {
  Loaded l(kData + "edge");
  const KstatData& m = l.get("unix:0:system_misc");
  CHECK(l.header("unix:0:system_misc").klass == "misc");
  CHECK(u(m, "ncpus") == 5);
  CHECK(u(m, "nproc") == 3);           // proc/1, proc/42, proc/4242; not proc/self
  CHECK(u(m, "avenrun_1min") == 640);  // 2.50 × 256
  CHECK(u(m, "avenrun_5min") == 256);  // 1.00 × 256
  CHECK(u(m, "avenrun_15min") == 18);  // 0.07 × 256 = 17.92, rounded
  CHECK(u(m, "boot_time") == 1700000000);
  CHECK(u(m, "lbolt") == 12345678 * kHz / 100);  // 123456.78 s × USER_HZ
  CHECK(u(m, "clk_intr") == u(m, "lbolt"));
  CHECK(u(m, "nsec_per_tick") == kNsPerTick);
  CHECK(stat(m, "avenrun_1min").type == ValueType::uint32);
  CHECK_FALSE(has_stat(m, "deficit"));

  const KstatData& p = l.get("unix:0:system_pages");
  CHECK(l.header("unix:0:system_pages").klass == "pages");
  CHECK(u(p, "physmem") == 16384000ULL * 1024 / kPage);
  CHECK(u(p, "pagestotal") == 16384000ULL * 1024 / kPage);
  CHECK(u(p, "freemem") == 8192000ULL * 1024 / kPage);
  CHECK(u(p, "pagesfree") == 8192000ULL * 1024 / kPage);
  CHECK(u(p, "availrmem") == 12288000ULL * 1024 / kPage);
  CHECK(stat(p, "physmem").unit == Unit::pages);
}

TEST_CASE("linux: linux:0:meminfo and linux:0:vmstat keep every key", "[engine][linux]") {
  Loaded l(kData + "edge");
  const KstatData& m = l.get("linux:0:meminfo");
  CHECK(m.named.size() == 6);
  CHECK(u(m, "MemTotal") == 16384000ULL * 1024);
  CHECK(stat(m, "MemTotal").unit == Unit::bytes);
  CHECK(u(m, "Active(anon)") == 102400ULL * 1024);
  CHECK(u(m, "HugePages_Total") == 7);
  CHECK(stat(m, "HugePages_Total").unit == Unit::none);
  const KstatData& v = l.get("linux:0:vmstat");
  CHECK(v.named.size() == 3);
  CHECK(u(v, "pgfault") == UINT64_MAX);
  CHECK(stat(v, "nr_drift").type == ValueType::int64);
  CHECK(i(v, "nr_drift") == -3);
}

TEST_CASE("linux: disks and partitions from /proc/diskstats", "[engine][linux]") {
  Loaded l(kData + "edge");
  CHECK(l.header("sd:0:sda").klass == "disk");
  CHECK(l.header("sd:0:sda").type == KstatType::io);
  CHECK(l.header("sd:0:sda1").klass == "partition");
  CHECK(l.header("sd:0:sda2").klass == "partition");
  CHECK(l.header("sd:16:sdb").klass == "disk");
  CHECK(l.header("nvme:0:nvme0n1").klass == "disk");  // no driver link: name stem
  CHECK(l.header("nvme:0:nvme0n1p1").klass == "partition");
  CHECK(l.header("loop:0:loop0").klass == "disk");
  CHECK(l.header("dm:0:dm-0").klass == "disk");

  // sda 1000 10 20000 500 2000 20 40000 800 2 1500 1300 ...
  const KstatData& a = l.get("sd:0:sda");
  REQUIRE(a.io != nullptr);
  CHECK(a.io->nread == 20000ULL * 512);
  CHECK(a.io->nwritten == 40000ULL * 512);
  CHECK(a.io->reads == 1000);
  CHECK(a.io->writes == 2000);
  CHECK(a.io->rtime == 1500LL * 1000000);
  CHECK(a.io->rlentime == 1300LL * 1000000);
  CHECK(a.io->rcnt == 2);
  CHECK(a.io->wcnt == 0);
  CHECK(a.io->wtime == 0);
  CHECK(a.io->wlentime == 0);
  CHECK(a.io->rlastupdate == a.snaptime);
  CHECK(a.io->wlastupdate == a.snaptime);
  CHECK(u(a, "nread") == 20000ULL * 512);  // io_as_named view, then Linux extras
  CHECK(a.named[0].name_view() == "nread");
  CHECK(u(a, "reads_merged") == 10);
  CHECK(u(a, "read_ns") == 500ULL * 1000000);
  CHECK(u(a, "write_ns") == 800ULL * 1000000);

  const KstatData& b = l.get("sd:16:sdb");  // 11 counters: no discard/flush fields
  CHECK(b.io->nwritten == 48ULL * 512);
  CHECK_FALSE(has_stat(b, "discards"));

  const KstatData& n = l.get("nvme:0:nvme0n1");
  CHECK(n.io->reads == 5);  // 4294967301 kept as kstat_io_t's uint32
  CHECK(n.io->nread == 8589934592ULL * 512);
  CHECK(u(n, "discards") == 5);
  CHECK(u(n, "ndiscarded") == 4096ULL * 512);
  CHECK(u(n, "flushes") == 2);
  CHECK(u(n, "flush_ns") == 30ULL * 1000000);

  std::string e = l.error("sd:32:sdc");
  CHECK_THAT(e, Catch::Contains("diskstats:5") && Catch::Contains("'x'"));
}

TEST_CASE("linux: link:0:<if> from /sys/class/net", "[engine][linux]") {
  Loaded l(kData + "edge");
  CHECK_FALSE(l.has("link:0:bonding_masters"));
  CHECK(l.header("link:0:eth0").klass == "net");
  const KstatData& e = l.get("link:0:eth0");
  CHECK(u(e, "rbytes64") == 5000000000ULL);
  CHECK(u(e, "rbytes") == (5000000000ULL & 0xffffffffULL));
  CHECK(stat(e, "rbytes").type == ValueType::uint32);
  CHECK(stat(e, "rbytes64").type == ValueType::uint64);
  CHECK(u(e, "ipackets64") == 4294967297ULL);
  CHECK(u(e, "ipackets") == 1);
  CHECK(u(e, "obytes64") == 123456);
  CHECK(u(e, "opackets64") == 99);
  CHECK(u(e, "ierrors") == 3);
  CHECK(u(e, "oerrors") == 4);
  CHECK(u(e, "collisions") == 5);
  CHECK(u(e, "multircv") == 6);
  CHECK(u(e, "rx_dropped") == 7);  // Linux name, not norcvbuf
  std::size_t names_collisions = 0;
  for (const NamedStat& s : e.named) names_collisions += s.name_view() == "collisions";
  CHECK(names_collisions == 1);  // statistics/collisions is not repeated
  CHECK_FALSE(has_stat(e, "norcvbuf"));
  CHECK(u(e, "ifspeed") == 10000ULL * 1000000);
  CHECK(u(e, "link_state") == 1);
  CHECK(u(e, "link_duplex") == 2);
  CHECK(stat(e, "operstate").str() == "up");

  const KstatData& e1 = l.get("link:0:eth1");  // speed -1, down
  CHECK(u(e1, "ifspeed") == 0);
  CHECK(u(e1, "link_state") == 0);
  CHECK(u(e1, "link_duplex") == 0);
  const KstatData& w = l.get("link:0:wlan0");  // no speed file, dormant
  CHECK(u(w, "ifspeed") == 0);
  CHECK(u(w, "link_state") == 0);
  CHECK(u(w, "link_duplex") == 1);
  CHECK(u(l.get("link:0:lo"), "link_state") == 1);                // unknown + carrier 1
  CHECK(u(l.get("link:0:tun0"), "link_state") == 0xffffffffULL);  // LINK_STATE_UNKNOWN
  CHECK_THAT(l.error("link:0:bad0"),
             Catch::Contains("bad0/statistics/rx_bytes") && Catch::Contains("garbage"));
}

TEST_CASE("linux: /proc/spl/kstat files as kstats", "[engine][linux]") {
  Loaded l(kData + "edge");
  const KstatHeader& h = l.header("zfs:0:arcstats");
  CHECK(h.type == KstatType::named);
  CHECK(h.klass == "misc");
  CHECK(h.id == 1);
  CHECK(h.crtime == 5214900000);
  CHECK(h.flags == 0x01);
  CHECK(h.ndata == 9);
  const KstatData& a = l.get("zfs:0:arcstats");
  CHECK(a.snaptime == 8123456789012);
  CHECK(a.named.size() == 9);
  CHECK(stat(a, "hits").type == ValueType::uint64);
  CHECK(u(a, "hits") == 1234567890);
  CHECK(u(a, "misses") == UINT64_MAX);
  CHECK(stat(a, "c_min").type == ValueType::int64);
  CHECK(i(a, "c_min") == -42);
  CHECK(stat(a, "int32_neg").type == ValueType::int32);
  CHECK(i(a, "int32_neg") == -2147483648LL);
  CHECK(stat(a, "uint32_max").type == ValueType::uint32);
  CHECK(u(a, "uint32_max") == 4294967295ULL);
  CHECK(stat(a, "arc_long").type == ValueType::int64);  // SPL LONG (5) → int64
  CHECK(i(a, "arc_long") == -9000000000LL);
  CHECK(stat(a, "arc_ulong").type == ValueType::uint64);  // SPL ULONG (6) → uint64
  CHECK(u(a, "arc_ulong") == 9000000000ULL);
  CHECK(stat(a, "char_stat").type == ValueType::char_);
  CHECK(stat(a, "char_stat").str() == "abc");               // "%-16s" padding removed
  CHECK(stat(a, "string_stat").type == ValueType::string);  // SPL STRING (7)
  CHECK(stat(a, "string_stat").str() == "  two  spaces, then text ");

  CHECK(l.header("zfs/tank:0:io").type == KstatType::io);
  const KstatData& io = l.get("zfs/tank:0:io");
  REQUIRE(io.io != nullptr);
  CHECK(io.io->nread == 1048576);
  CHECK(io.io->nwritten == 2097152);
  CHECK(io.io->reads == 10);
  CHECK(io.io->writes == 20);
  CHECK(io.io->wlentime == 400);
  CHECK(io.io->rlastupdate == 800);
  CHECK(io.io->rcnt == 2);
  CHECK(u(io, "rtime") == 600);

  const KstatHeader& sh = l.header("zfs/tank:0:state");
  CHECK(sh.type == KstatType::raw);
  CHECK(sh.flags == 0x80);
  const KstatData& st = l.get("zfs/tank:0:state");
  CHECK(std::string(reinterpret_cast<const char*>(st.raw.data()), st.raw.size()) == "ONLINE\n");
  CHECK(st.data_size == 7);

  CHECK(stat(l.get("zfs/tank:0:objset-0x36"), "dataset_name").str() == "tank/home");
  const KstatData& txgs = l.get("zfs/tank:0:txgs");
  CHECK(std::string(reinterpret_cast<const char*>(txgs.raw.data()), 3) == "txg");
  const KstatData& hex = l.get("zfs/tank:0:rawhex");
  REQUIRE(hex.raw.size() == 20);
  CHECK(hex.raw[10] == std::byte{0x0a});
  CHECK(hex.raw[19] == std::byte{0xef});

  const KstatData& big = l.get("zfs:0:big");  // larger than enumerate's prefix
  CHECK(big.named.size() == 400);
  CHECK(u(big, "stat_0399") == 399000);
  CHECK(u(l.get("kcf:0:NONAME provider stats"), "kcf_ops_total") == 77);

  const KstatData& in = l.get("spltest:0:intr");
  REQUIRE(in.intr != nullptr);
  CHECK(in.intr->intrs[0] == 1);
  CHECK(in.intr->intrs[4] == 5);
  CHECK(u(in, "multiple_service") == 5);
  const KstatData& tm = l.get("spltest:0:timer");
  REQUIRE(tm.timers.size() == 2);
  CHECK(tm.timers[0].name_view() == "txg sync");
  CHECK(tm.timers[0].num_events == 3);
  CHECK(tm.timers[1].stop_time == 3010);

  CHECK_THAT(l.error("zfs/tank:0:broken"),
             Catch::Contains("zfs/tank/broken:4:") && Catch::Contains("unknown SPL data type 9"));
  // A row count that differs from the header's is a warning; the rows are read.
  CHECK(l.get("zfs/tank:0:short").named.size() == 2);
  CHECK_THAT(l.src->warnings(),
             Catch::Contains("zfs/tank/short") && Catch::Contains("header says 3 rows, found 2"));
  CHECK_THAT(l.error("zfs/tank:0:truncated"),
             Catch::Contains("zfs/tank/truncated:1: malformed SPL header"));
}

TEST_CASE("linux: malformed /proc text gives per-kstat errors", "[engine][linux]") {
  Loaded l(kData + "garbled");
  CHECK_THAT(l.error("cpu:0:sys"),
             Catch::Contains("garbled/proc/stat:2:") && Catch::Contains("'x'"));
  CHECK_THAT(l.error("cpu:1:sys"), Catch::Contains("proc/stat:3:"));
  CHECK_THAT(l.error("unix:0:system_misc"), Catch::Contains("btime"));
  CHECK_THAT(l.error("unix:0:system_pages"), Catch::Contains("proc/meminfo:2:"));
  CHECK_THAT(l.error("linux:0:vmstat"), Catch::Contains("proc/vmstat:2:"));
  CHECK(u(l.get("linux:0:stat"), "ctxt") == 5);
  CHECK(l.count("link") == 0);  // no /sys at all: no links, no error
}

TEST_CASE("linux: missing /proc is a whole-source error", "[engine][linux]") {
  auto src = make_linux_source(kData + "no-such-tree/proc", kData + "no-such-tree/sys");
  Arena arena;
  std::vector<KstatHeader> headers;
  src->begin_generation();
  CHECK_THROWS_AS(src->enumerate(arena, headers), kstatsql::Error);
}

TEST_CASE("linux: generations re-read files; vanished kstats are read errors", "[engine][linux]") {
  fs::path tmp = fs::temp_directory_path() / ("kstatsql-linux-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::copy(kData + "edge", tmp, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  auto src = make_linux_source(tmp.string() + "/proc", tmp.string() + "/sys");
  Arena arena;
  std::vector<KstatHeader> headers;
  src->begin_generation();
  src->enumerate(arena, headers);
  CHECK(src->changed());
  auto find = [&](std::string_view module, std::string_view name) -> const KstatHeader& {
    for (const auto& h : headers)
      if (h.module == module && h.name == name) return h;
    FAIL("no " << module << ":" << name);
    throw;
  };
  const KstatHeader eth1 = find("link", "eth1");
  const KstatHeader ctx = find("linux", "stat");
  std::int64_t eth1_id = eth1.id;
  KstatData d;
  src->read(ctx, arena, d);
  CHECK(u(d, "ctxt") == 987654);

  std::string stat_text = slurp(tmp.string() + "/proc/stat");
  stat_text.replace(stat_text.find("ctxt 987654"), 11, "ctxt 987655");
  std::ofstream(tmp.string() + "/proc/stat") << stat_text;
  src->read(ctx, arena, d);
  CHECK(u(d, "ctxt") == 987654);  // same generation: the cached text

  fs::remove_all(tmp / "sys/class/net/eth1");
  src->read(eth1, arena, d);  // vanished between enumerate and read
  CHECK(d.err == ENOENT);
  CHECK_THAT(std::string(d.error), Catch::Contains("eth1/statistics/rx_bytes"));

  src->begin_generation();
  headers.clear();
  src->enumerate(arena, headers);
  src->read(find("linux", "stat"), arena, d);
  CHECK(u(d, "ctxt") == 987655);  // new generation: fresh text
  CHECK(find("link", "eth0").id != eth1_id);
  for (const auto& h : headers) CHECK(h.name != "eth1");
  fs::remove_all(tmp);
}

TEST_CASE("linux: recorded VM tree matches its files", "[engine][linux]") {
  const std::string root = kData + "vm-2cpu";
  Loaded l(root);
  std::size_t cpu_lines = 0;
  std::istringstream stat_text(slurp(root + "/proc/stat"));
  for (std::string line; std::getline(stat_text, line);) {
    std::istringstream ls(line);
    std::string label;
    std::uint64_t user, nice, system, idle;
    ls >> label >> user >> nice >> system >> idle;
    if (label.size() <= 3 || label.compare(0, 3, "cpu") != 0) continue;
    ++cpu_lines;
    const KstatData& c = l.get("cpu:" + label.substr(3) + ":sys");
    CHECK(u(c, "cpu_ticks_idle") == idle);
    CHECK(u(c, "cpu_ticks_user") == user + nice);
  }
  CHECK(cpu_lines == 2);
  CHECK(l.count("cpu") == cpu_lines);
  CHECK(u(l.get("unix:0:system_misc"), "ncpus") == cpu_lines);
  CHECK(u(l.get("unix:0:system_misc"), "nproc") == 5);

  // vda's driver link resolves inside the tree to virtio_blk.
  std::istringstream ds(slurp(root + "/proc/diskstats"));
  for (std::string line; std::getline(ds, line);) {
    std::istringstream ls(line);
    std::uint64_t major, minor, reads, merged, sectors;
    std::string name;
    ls >> major >> minor >> name >> reads >> merged >> sectors;
    if (name != "vda") continue;
    const KstatData& v = l.get("virtio_blk:" + std::to_string(minor) + ":vda");
    CHECK(v.io->nread == sectors * 512);
    CHECK(v.io->reads == static_cast<std::uint32_t>(reads));
  }
  CHECK(l.count("loop") == 8);
  CHECK(u(l.get("link:0:eth0"), "rbytes64") ==
        std::stoull(slurp(root + "/sys/class/net/eth0/statistics/rx_bytes")));
  CHECK(u(l.get("link:0:eth0"), "ifspeed") == 0);  // speed reads -1 on virtio
  CHECK(u(l.get("link:0:lo"), "link_state") == 1);
  std::size_t meminfo_lines = 0;
  std::istringstream mi(slurp(root + "/proc/meminfo"));
  for (std::string line; std::getline(mi, line);) meminfo_lines += !line.empty();
  CHECK(l.get("linux:0:meminfo").named.size() == meminfo_lines);
}

TEST_CASE("linux: live /proc agrees with the kernel", "[.live][linux]") {
  auto src = make_live_source();
  Arena arena;
  std::vector<KstatHeader> headers;
  src->begin_generation();
  src->enumerate(arena, headers);
  std::size_t cpus = 0;
  for (const auto& h : headers) {
    KstatData d;
    src->read(h, arena, d);
    INFO(h.module << ":" << h.instance << ":" << h.name << " " << d.error);
    CHECK(d.ok());
    cpus += h.module == "cpu" && h.name == "sys";
  }
  CHECK(cpus == static_cast<std::size_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  for (const auto& h : headers) {
    if (h.module != "unix" || h.name != "system_misc") continue;
    KstatData d;
    src->read(h, arena, d);
    CHECK(u(d, "ncpus") == cpus);
    CHECK(u(d, "nsec_per_tick") == kNsPerTick);
    std::istringstream up(slurp("/proc/uptime"));
    double seconds = 0;
    up >> seconds;
    CHECK(static_cast<double>(u(d, "lbolt")) / kHz == Approx(seconds).margin(5));
  }
}
