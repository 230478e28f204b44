// tests/engine/sources/linux/mem_test.cpp — the Linux memory families over
// recorded trees (tests/data/linux/):
//   mem/      buddyinfo, zoneinfo, slabinfo (cut to 12 caches), sys/kernel/slab
//             and /proc/sys/vm recorded from a 2-CPU VM; swaps hand-made in the
//             kernel's format (the VM has no swap), and the SLUB_STATS counters
//             of kmalloc-64 hand-made (the VM's kernel has none)
//   mem-bad/  truncated and garbled copies of those files
// Expected values are read from the fixture text, never from the code under test.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/db.hpp"

using kstatsql::test::Db;
using kstatsql::test::Rows;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(KSTATSQL_TEST_DATA) + "/linux/";
const std::string kMem = kData + "mem";
const std::uint64_t kPage = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string first_word(const std::string& path) {
  auto w = words(slurp(path));
  return w.empty() ? "" : w[0];
}

// One statistic's value, or "absent" when the kstat has no such statistic.
std::string stat(Db& db, const std::string& module, int instance, const std::string& name,
                 const std::string& statistic, const std::string& column = "value") {
  Rows r = db.rows("SELECT " + column + " FROM named WHERE module='" + module +
                   "' AND instance=" + std::to_string(instance) + " AND name='" + name +
                   "' AND statistic='" + statistic + "'");
  return r.empty() ? "absent" : r[0][0];
}

std::string error_of(Db& db, const std::string& module, const std::string& name) {
  return db.one("SELECT ifnull(error, '') FROM kstat WHERE module='" + module + "' AND name='" +
                name + "'");
}

// The 1-based number of the first line of `path` that contains `what`.
std::size_t line_with(const std::string& path, const std::string& what) {
  auto l = lines_of(path);
  for (std::size_t i = 0; i < l.size(); ++i)
    if (l[i].find(what) != std::string::npos) return i + 1;
  FAIL("no '" << what << "' in " << path);
  return 0;
}

// The lines of zoneinfo's section "Node <node>, zone <zone>" (header excluded).
std::vector<std::vector<std::string>> zone_section(const std::string& path,
                                                   const std::string& zone) {
  std::vector<std::vector<std::string>> out;
  bool in = false;
  for (const std::string& line : lines_of(path)) {
    auto w = words(line);
    if (!w.empty() && w[0] == "Node") {
      in = w.size() == 4 && w[3] == zone;
      continue;
    }
    if (in) out.push_back(w);
  }
  return out;
}

}  // namespace

TEST_CASE("linux mem: swaps give one kstat per area, sizes in bytes", "[engine][linux]") {
  Db db("procfs:" + kMem);
  auto l = lines_of(kMem + "/proc/swaps");
  REQUIRE(l.size() == 3);
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='linux' AND name LIKE 'swap_%'") == "2");
  for (std::size_t i = 1; i < l.size(); ++i) {
    auto w = words(l[i]);
    std::string path = w[0];
    if (auto p = path.find("\\040"); p != std::string::npos)
      path = path.substr(0, p) + " " + path.substr(p + 4);  // the kernel's escape
    const std::string name = "swap_" + path;
    INFO(name);
    CHECK(stat(db, "linux", 0, name, "filename") == path);
    CHECK(stat(db, "linux", 0, name, "type") == w[1]);
    CHECK(stat(db, "linux", 0, name, "size") == std::to_string(std::stoull(w[2]) * 1024));
    CHECK(stat(db, "linux", 0, name, "used") == std::to_string(std::stoull(w[3]) * 1024));
    CHECK(stat(db, "linux", 0, name, "priority") == w[4]);
    CHECK(stat(db, "linux", 0, name, "size", "unit") == "bytes");
    CHECK(db.one("SELECT class FROM kstat WHERE module='linux' AND name='" + name + "'") == "vm");
  }
}

TEST_CASE("linux mem: buddyinfo gives free blocks per order for each node and zone",
          "[engine][linux]") {
  Db db("procfs:" + kMem);
  std::size_t zones = 0;
  for (const std::string& line : lines_of(kMem + "/proc/buddyinfo")) {
    auto w = words(line);
    if (w.size() < 5) continue;
    ++zones;
    const int node = std::stoi(w[1]);
    const std::string name = "buddy_" + w[3];
    INFO(name);
    for (std::size_t k = 4; k < w.size(); ++k)
      CHECK(stat(db, "linux", node, name, "order_" + std::to_string(k - 4)) == w[k]);
    CHECK(stat(db, "linux", node, name, "order_" + std::to_string(w.size() - 4)) == "absent");
  }
  CHECK(zones == 3);
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='linux' AND name LIKE 'buddy_%'") ==
        std::to_string(zones));
}

TEST_CASE("linux mem: zoneinfo gives a kstat per zone and the node's stats", "[engine][linux]") {
  Db db("procfs:" + kMem);
  const std::string path = kMem + "/proc/zoneinfo";
  std::size_t headers = 0;
  for (const std::string& line : lines_of(path)) headers += line.rfind("Node ", 0) == 0;
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='linux' AND name LIKE 'zone_%'") ==
        std::to_string(headers));
  for (const std::string zone : {"DMA", "DMA32", "Normal", "Movable"}) {
    INFO(zone);
    bool watermark_high = false, pagesets = false;
    for (const auto& w : zone_section(path, zone)) {
      if (w.empty() || w[0] == "per-node") continue;
      if (w[0] == "pagesets") pagesets = true;
      if (w.size() == 3 && w[0] == "pages" && w[1] == "free") {
        CHECK(stat(db, "linux", 0, "zone_" + zone, "pages_free") == w[2]);
        CHECK(stat(db, "linux", 0, "zone_" + zone, "pages_free", "unit") == "pages");
      } else if (w.size() == 2 && w[0] == "high" && !watermark_high) {
        watermark_high = true;  // the pagesets' per-CPU "high:" must not replace it
        CHECK(stat(db, "linux", 0, "zone_" + zone, "high") == w[1]);
      } else if (w.size() == 2 &&
                 (w[0] == "managed" || w[0] == "numa_hit" || w[0] == "start_pfn:")) {
        std::string key = w[0];
        if (key.back() == ':') key.pop_back();
        CHECK(stat(db, "linux", 0, "zone_" + zone, key) == w[1]);
      } else if (w[0] == "protection:") {
        std::string last = w.back();
        last.pop_back();  // ')'
        CHECK(stat(db, "linux", 0, "zone_" + zone, "protection_" + std::to_string(w.size() - 2)) ==
              last);
        CHECK(stat(db, "linux", 0, "zone_" + zone, "protection_0") ==
              w[1].substr(1, w[1].size() - 2));
      }
    }
    CHECK(watermark_high);
    CHECK(stat(db, "linux", 0, "zone_" + zone, "count") ==
          "absent");  // per-CPU pageset lines are left out
    CHECK((stat(db, "linux", 0, "zone_" + zone, "numa_hit") != "absent" || !pagesets));
  }
  // The per-node block follows the node's first zone header (DMA here).
  for (const auto& w : zone_section(path, "DMA")) {
    if (w.size() == 3 && w[0] == "pages") break;
    if (w.size() == 2 && w[0].rfind("nr_", 0) == 0)
      CHECK(stat(db, "linux", 0, "node_stats", w[0]) == w[1]);
  }
  CHECK(stat(db, "linux", 0, "node_stats", "pages_free") == "absent");
  CHECK(stat(db, "linux", 0, "zone_DMA", "nr_dirtied") ==
        "absent");  // a node statistic, not the zone's
}

TEST_CASE("linux mem: slabinfo gives unix:0:<cache> kmem_cache kstats", "[engine][linux]") {
  Db db("procfs:" + kMem);
  const std::string slab = kMem + "/sys/kernel/slab/";
  std::size_t caches = 0;
  for (const std::string& line : lines_of(kMem + "/proc/slabinfo")) {
    auto w = words(line);
    if (w.size() != 16) continue;  // the version and '#' header lines
    ++caches;
    const std::string& c = w[0];
    INFO(c);
    CHECK(stat(db, "unix", 0, c, "buf_inuse") == w[1]);
    CHECK(stat(db, "unix", 0, c, "buf_total") == w[2]);
    CHECK(stat(db, "unix", 0, c, "buf_avail") ==
          std::to_string(std::stoull(w[2]) - std::stoull(w[1])));
    CHECK(stat(db, "unix", 0, c, "chunk_size") == w[3]);
    CHECK(stat(db, "unix", 0, c, "objperslab") == w[4]);
    CHECK(stat(db, "unix", 0, c, "pagesperslab") == w[5]);
    CHECK(stat(db, "unix", 0, c, "slab_size") == std::to_string(std::stoull(w[5]) * kPage));
    CHECK(stat(db, "unix", 0, c, "num_slabs") == w[14]);
    const bool sysfs = fs::exists(slab + c);
    CHECK(stat(db, "unix", 0, c, "buf_size") ==
          (sysfs ? first_word(slab + c + "/object_size") : w[3]));
    CHECK(stat(db, "unix", 0, c, "align") == (sysfs ? first_word(slab + c + "/align") : "absent"));
    CHECK(stat(db, "unix", 0, c, "buf_size", "unit") == "bytes");
  }
  CHECK(caches == 12);
  CHECK(!fs::exists(slab + "bio-312"));  // the fallback case is covered
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='unix' AND class='kmem_cache'") ==
        std::to_string(caches));
  // SLUB_STATS counters (kmalloc-64 only).
  auto n = [&](const std::string& f) { return std::stoull(first_word(slab + "kmalloc-64/" + f)); };
  CHECK(stat(db, "unix", 0, "kmalloc-64", "alloc") ==
        std::to_string(n("alloc_fastpath") + n("alloc_slowpath")));
  CHECK(stat(db, "unix", 0, "kmalloc-64", "free") ==
        std::to_string(n("free_fastpath") + n("free_slowpath")));
  CHECK(stat(db, "unix", 0, "kmalloc-64", "slab_create") == std::to_string(n("alloc_slab")));
  CHECK(stat(db, "unix", 0, "kmalloc-64", "slab_destroy") == std::to_string(n("free_slab")));
  CHECK(stat(db, "unix", 0, "dentry", "alloc") == "absent");
}

TEST_CASE("linux mem: vm_tunables holds every single-number /proc/sys/vm file", "[engine][linux]") {
  Db db("procfs:" + kMem);
  std::size_t numbers = 0;
  for (const auto& e : fs::directory_iterator(kMem + "/proc/sys/vm")) {
    const std::string name = e.path().filename().string();
    auto w = words(slurp(e.path().string()));
    INFO(name);
    const bool number = w.size() == 1 && w[0].find_first_not_of("-0123456789") == std::string::npos;
    numbers += number;
    CHECK(stat(db, "linux", 0, "vm_tunables", name) == (number ? w[0] : "absent"));
  }
  CHECK(numbers > 40);
  CHECK(stat(db, "linux", 0, "vm_tunables", "lowmem_reserve_ratio") == "absent");
  CHECK(stat(db, "linux", 0, "vm_tunables", "dirty_bytes", "unit") == "bytes");
  CHECK(stat(db, "linux", 0, "vm_tunables", "min_free_kbytes", "unit") == "NULL");
  CHECK(db.one("SELECT count(*) FROM named WHERE module='linux' AND name='vm_tunables'") ==
        std::to_string(numbers));
}

TEST_CASE("linux mem: a query lists only the families it can reach", "[engine][linux]") {
  Db db("procfs:" + kMem);
  CHECK(
      db.one("SELECT count(*) FROM named WHERE module='unix' AND instance=0 AND name='system_misc' "
             "AND statistic='nproc'") == "1");
  CHECK(db.one("SELECT kstat_reads('enumerated')") ==
        "5");  // the system family only: no cache is listed
  const std::string caches =
      db.one("SELECT count(*) FROM kstat WHERE module='unix' AND class='kmem_cache'");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == caches);
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='unix' AND name='kmalloc-64'") == "1");
  CHECK(db.one("SELECT kstat_reads('enumerated')") ==
        caches);  // a dynamic name: only the slab family
  CHECK(db.one("SELECT count(*) FROM named WHERE module='linux' AND name='vm_tunables'") != "0");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "1");
  // A zone point query lists the linux families whose names are not fixed
  // (swap, zoneinfo, buddyinfo), not meminfo, vmstat, stat or pressure.
  const std::string dynamic =
      db.one("SELECT count(*) FROM kstat WHERE module='linux' AND class='vm'");
  CHECK(db.one(
            "SELECT count(*) FROM named WHERE module='linux' AND instance=0 AND name='zone_Normal' "
            "AND statistic='managed'") == "1");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == dynamic);
  CHECK(db.one("SELECT kstat_reads('read')") == "1");
}

TEST_CASE("linux mem: damaged files give per-kstat errors naming file and line",
          "[engine][linux]") {
  const std::string bad = kData + "mem-bad";
  Db db("procfs:" + bad);
  const std::string p = bad + "/proc/";
  auto at = [&](const std::string& file, std::size_t line) {
    return p + file + ":" + std::to_string(line) + ":";
  };
  CHECK_THAT(error_of(db, "linux", "swap_/dev/vda3"),
             Catch::StartsWith(at("swaps", line_with(p + "swaps", "20971x8"))));
  CHECK_THAT(error_of(db, "linux", "swap_/var/swap file"),
             Catch::StartsWith(at("swaps", 3)));  // truncated
  CHECK_THAT(error_of(db, "linux", "buddy_DMA"), Catch::StartsWith(at("buddyinfo", 1)));
  CHECK_THAT(error_of(db, "linux", "buddy_Normal"),
             Catch::StartsWith(at("buddyinfo", 3)) && Catch::Contains("truncated"));
  CHECK(error_of(db, "linux", "buddy_DMA32").empty());
  CHECK(stat(db, "linux", 0, "buddy_DMA32", "order_10") ==
        words(lines_of(p + "buddyinfo")[1]).back());
  CHECK_THAT(error_of(db, "linux", "zone_DMA"),
             Catch::StartsWith(at("zoneinfo", line_with(p + "zoneinfo", "3x9"))));
  CHECK_THAT(error_of(db, "linux", "zone_Normal"),
             Catch::StartsWith(at("zoneinfo", lines_of(p + "zoneinfo").size())));
  CHECK(error_of(db, "linux", "zone_DMA32").empty());
  CHECK(error_of(db, "linux", "node_stats")
            .empty());  // the garbled DMA line is the zone's, not the node's
  CHECK_THAT(error_of(db, "unix", "dentry"),
             Catch::StartsWith(at("slabinfo", line_with(p + "slabinfo", "887x5"))));
  CHECK_THAT(error_of(db, "unix", "kmem_cache"),
             Catch::StartsWith(at("slabinfo", lines_of(p + "slabinfo").size())));
  CHECK(error_of(db, "unix", "kmalloc-64").empty());
  // Not a number: not a tunable, so not an error; the other tunables stay.
  CHECK(stat(db, "linux", 0, "vm_tunables", "swappiness") == "absent");
  CHECK(stat(db, "linux", 0, "vm_tunables", "dirty_ratio") == first_word(p + "sys/vm/dirty_ratio"));
  // The statement never fails, and the other families answer.
  CHECK(db.error_of("SELECT * FROM named").empty());
  CHECK(db.one("SELECT count(*) FROM kstat WHERE error IS NOT NULL") == "8");
  CHECK(stat(db, "unix", 0, "system_misc", "ncpus") == "2");
}

namespace {

// A private copy of the mem tree that a test may change.
struct TempTree {
  fs::path root = fs::temp_directory_path() / ("kstatsql-mem-" + std::to_string(getpid()));
  TempTree() {
    fs::remove_all(root);
    fs::copy(kMem, root, fs::copy_options::recursive);
  }
  ~TempTree() {
    std::error_code ec;
    fs::permissions(root / "proc/slabinfo", fs::perms::owner_read | fs::perms::owner_write, ec);
    fs::remove_all(root, ec);
  }
  std::string spec() const { return "procfs:" + root.string(); }
  std::string path(const std::string& rel) const { return (root / rel).string(); }
};

}  // namespace

TEST_CASE("linux mem: an unreadable slabinfo costs only its own kstats", "[engine][linux]") {
  TempTree t;
  fs::permissions(t.path("proc/slabinfo"), fs::perms::none);
  if (std::ifstream(t.path("proc/slabinfo")).good()) {
    WARN(
        "running as root: a mode 000 file is still readable; testing a missing and a garbled "
        "slabinfo instead");
    fs::remove(t.path("proc/slabinfo"));
    Db gone(t.spec());
    CHECK(gone.one("SELECT count(*) FROM kstat WHERE class='kmem_cache'") == "0");
    CHECK(stat(gone, "unix", 0, "system_misc", "ncpus") == "2");
    CHECK(stat(gone, "linux", 0, "zone_Normal", "managed") != "absent");
    std::ofstream(t.path("proc/slabinfo")) << "slabinfo - version: 1.1\n# name <active_objs>\n";
    Db garbled(t.spec());
    CHECK(garbled.rows("SELECT name FROM kstat WHERE class='kmem_cache'") == Rows{{"slabinfo"}});
    CHECK_THAT(error_of(garbled, "unix", "slabinfo"),
               Catch::StartsWith(t.path("proc/slabinfo") + ":1:"));
    CHECK(garbled.error_of("SELECT * FROM named WHERE module='unix'").empty());
    return;
  }
  Db db(t.spec());
  CHECK(db.rows("SELECT name FROM kstat WHERE class='kmem_cache'") == Rows{{"slabinfo"}});
  CHECK_THAT(error_of(db, "unix", "slabinfo"),
             Catch::StartsWith(t.path("proc/slabinfo") + ": ") && Catch::Contains("root only"));
  CHECK(db.error_of("SELECT * FROM named WHERE module='unix'").empty());
  CHECK(stat(db, "unix", 0, "system_misc", "ncpus") == "2");
}

TEST_CASE("linux mem: a zone counter's rate across two generations", "[engine][linux]") {
  TempTree t;
  std::ofstream(t.path("proc/uptime")) << "100.00 1.00\n";  // the tree's clock
  Db db(t.spec());
  const std::string q =
      "SELECT value, delta, rate FROM named WHERE module='linux' AND instance=0 AND "
      "name='zone_Normal' "
      "AND statistic='numa_hit'";
  std::string numa_hit;
  for (const auto& w : zone_section(t.path("proc/zoneinfo"), "Normal"))
    if (w.size() == 2 && w[0] == "numa_hit") numa_hit = w[1];
  REQUIRE(!numa_hit.empty());
  Rows first = db.rows(q);
  REQUIRE(first.size() == 1);
  CHECK(first[0][0] == numa_hit);
  std::string text = slurp(t.path("proc/zoneinfo"));
  const std::string after = std::to_string(std::stoull(numa_hit) + 1000);
  text.replace(text.find("numa_hit     " + numa_hit), 13 + numa_hit.size(),
               "numa_hit     " + after);
  std::ofstream(t.path("proc/zoneinfo")) << text;
  std::ofstream(t.path("proc/uptime")) << "104.00 1.00\n";  // recorded 4 s later
  Rows second = db.rows(q);
  REQUIRE(second.size() == 1);
  CHECK(second[0][0] == after);
  CHECK(second[0][1] == "1000");
  CHECK(second[0][2] == "250.0");
}

TEST_CASE("linux mem: live kstats agree with the live files", "[engine][linux]") {
  Db db("live");
  if (fs::exists("/proc/swaps")) {
    std::size_t areas = 0;
    for (const std::string& line : lines_of("/proc/swaps")) areas += !line.empty();
    CHECK(db.one("SELECT count(*) FROM kstat WHERE module='linux' AND name LIKE 'swap_%'") ==
          std::to_string(areas - 1));
  } else {
    WARN("no /proc/swaps");
  }
  if (fs::exists("/proc/sys/vm/swappiness"))
    CHECK(stat(db, "linux", 0, "vm_tunables", "swappiness") ==
          first_word("/proc/sys/vm/swappiness"));
  else
    WARN("no /proc/sys/vm/swappiness");
  if (!fs::exists("/proc/zoneinfo")) {
    WARN("no /proc/zoneinfo");
    return;
  }
  // numa_hit only grows: read before ≤ kstat ≤ read after.
  auto numa_hit = [] {
    for (const auto& w : zone_section("/proc/zoneinfo", "Normal"))
      if (w.size() == 2 && w[0] == "numa_hit") return std::stoull(w[1]);
    return 0ULL;
  };
  const std::uint64_t before = numa_hit();
  const std::string v = stat(db, "linux", 0, "zone_Normal", "numa_hit");
  const std::uint64_t after = numa_hit();
  REQUIRE(v != "absent");
  CHECK(before <= std::stoull(v));
  CHECK(std::stoull(v) <= after);
  std::size_t zones = 0;
  for (const std::string& line : lines_of("/proc/zoneinfo")) zones += line.rfind("Node ", 0) == 0;
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='linux' AND name LIKE 'zone_%'") ==
        std::to_string(zones));
  if (std::ifstream("/proc/slabinfo").good()) {
    std::size_t caches = 0;
    for (const std::string& line : lines_of("/proc/slabinfo")) caches += words(line).size() == 16;
    const std::uint64_t listed =
        std::stoull(db.one("SELECT count(*) FROM kstat WHERE class='kmem_cache'"));
    CHECK(listed + 2 >= caches);  // a cache may come or go between the two reads
    CHECK(listed <= caches + 2);
    CHECK(db.one("SELECT count(*) FROM kstat WHERE class='kmem_cache' AND error IS NOT NULL") ==
          "0");
  } else if (fs::exists("/proc/slabinfo")) {  // not root: mode 0400
    CHECK(db.rows("SELECT name FROM kstat WHERE class='kmem_cache'") == Rows{{"slabinfo"}});
  } else {
    WARN("no /proc/slabinfo (a kernel without CONFIG_SLUB_DEBUG)");
  }
}
