// bench/synthetic.cpp — the synthetic machine's model (what kstats exist and
// what they hold). Output to a StaticSource or a kstat -p dump is in
// synthetic_output.cpp.
//
// Families are sized for 100,000 kstats and scaled linearly with spec.kstats;
// driver-private "filler" kstats come last and absorb the remainder, so the
// totals are exact whatever the scale.
#include "bench/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string_view>

#include "bench/synthetic_names.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::bench {

using engine::ValueType;

using namespace names;

namespace {

// splitmix64: tiny, fast and identical everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) noexcept { return n ? next() % n : 0; }

 private:
  std::uint64_t s_;
};

constexpr std::int64_t kUptimeNs = 9013271863046;  // snaptime base: ~2.5 hours after boot
constexpr std::uint64_t kUnlimited = ~0ull;        // an unlimited zone cap: 2^64-1

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

class Model {
 public:
  Model(const SyntheticSpec& spec, const std::function<void(const SynthKstat&)>& visit)
      : spec_(spec), visit_(visit), rng_(spec.seed), scale_(spec.kstats / 100000.0) {}

  SyntheticSummary run() {
    if (spec_.kstats < 1000) {
      throw Error(Errc::constraint, "synthetic machine: --kstats must be at least 1000");
    }
    unix_globals();
    zfs_globals();
    cpus(scaled(512));
    kmem_caches(scaled(1500));
    vopstats(scaled(800));
    disks(scaled(2400));
    nics(scaled(48), scaled(1600));
    zones(scaled(800));
    datasets(scaled(8), scaled(16000));
    filler();
    std::sort(modules_.begin(), modules_.end());
    sum_.distinct_modules = static_cast<std::uint64_t>(
        std::unique(modules_.begin(), modules_.end()) - modules_.begin());
    return sum_;
  }

 private:
  std::size_t scaled(std::size_t base) const {
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(base * scale_)));
  }

  void begin(std::string_view module, std::int64_t inst, std::string_view name,
             std::string_view klass) {
    k_.module.assign(module);
    k_.instance = inst;
    k_.name.assign(name);
    k_.klass.assign(klass);
    k_.crtime = 30'000'000'000 + static_cast<std::int64_t>(sum_.kstats) * 1000 +
                static_cast<std::int64_t>(rng_.below(1000));
    k_.snaptime = kUptimeNs + static_cast<std::int64_t>(sum_.kstats) * 250;
    k_.io = false;
    k_.stats.clear();
  }

  SynthStat& add(std::string_view name, ValueType type) {
    SynthStat& s = k_.stats.emplace_back();
    s.name.assign(name);
    s.type = type;
    return s;
  }
  void u(std::string_view name, std::uint64_t v, ValueType t = ValueType::uint64) {
    add(name, t).bits = v;
  }
  void i32(std::string_view name, std::int32_t v) {
    add(name, ValueType::int32).bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
  }
  void str(std::string_view name, std::string_view v) {
    add(name, v.size() < 16 ? ValueType::char_ : ValueType::string).text.assign(v);
  }

  // A plausible counter: a quarter are zero, the rest spread over 2..8 digits.
  std::uint64_t count() {
    std::uint64_t r = rng_.next();
    if ((r & 3) == 0) return 0;
    static constexpr std::uint64_t kMag[4] = {100, 10'000, 1'000'000, 100'000'000};
    return (r >> 8) % kMag[(r >> 2) & 3];
  }
  std::uint64_t bytes() { return rng_.below(100'000'000'000ull); }
  std::uint64_t ns() { return rng_.below(static_cast<std::uint64_t>(kUptimeNs)); }
  std::uint64_t value_for(std::string_view name) {
    if (contains(name, "nsec") || name.ends_with("time")) return ns();
    if (contains(name, "bytes") || contains(name, "size") || name.starts_with("nread") ||
        name.starts_with("nwritten")) {
      return bytes();
    }
    return count();
  }
  void counters(Names names) {
    for (const char* n : names) u(n, value_for(n));
  }

  void end() {
    std::sort(k_.stats.begin(), k_.stats.end(), [](const SynthStat& a, const SynthStat& b) {
      return compare_nocase(a.name, b.name) < 0;
    });
    for (std::size_t i = 0; i < k_.stats.size(); ++i) {
      const std::string& n = k_.stats[i].name;
      if ((i > 0 && n == k_.stats[i - 1].name) || n == "class" || n == "crtime" ||
          n == "snaptime") {
        throw Error(Errc::internal, "synthetic machine: statistic '" + n + "' of " + k_.module +
                                        ":" + std::to_string(k_.instance) + ":" + k_.name +
                                        " is repeated or reserved");
      }
      account(k_.stats[i]);
    }
    ++sum_.kstats;
    if (k_.io) ++sum_.io_kstats;
    if (modules_.empty() || modules_.back() != k_.module) modules_.push_back(k_.module);
    visit_(k_);
  }

  void account(const SynthStat& s) {
    ++sum_.statistics;
    if (s.is_text()) {
      ++sum_.strings;
      return;
    }
    bool is_signed = s.type == ValueType::int32 || s.type == ValueType::int64;
    if (!is_signed && s.bits > static_cast<std::uint64_t>(INT64_MAX)) {
      ++sum_.huge;
      sum_.huge_sum += static_cast<double>(s.bits);
      return;
    }
    ++sum_.integers;
    if (__builtin_add_overflow(sum_.integer_sum, static_cast<std::int64_t>(s.bits),
                               &sum_.integer_sum)) {
      throw Error(Errc::internal, "synthetic machine: integer sum overflows int64");
    }
  }

  void unix_globals() {
    begin("unix", 0, "system_misc", "misc");
    u("avenrun_15min", 400 + rng_.below(400), ValueType::uint32);
    u("avenrun_1min", 400 + rng_.below(400), ValueType::uint32);
    u("avenrun_5min", 400 + rng_.below(400), ValueType::uint32);
    u("boot_time", 1700466090, ValueType::uint32);
    u("clk_intr", kUptimeNs / 10'000'000, ValueType::uint32);
    i32("deficit", 0);
    u("lbolt", kUptimeNs / 10'000'000, ValueType::uint64);
    u("ncpus", scaled(512), ValueType::uint32);
    sum_.nproc = 2000 + rng_.below(30000);
    u("nproc", sum_.nproc, ValueType::uint32);
    u("nsec_per_tick", 10'000'000, ValueType::uint32);
    u("vac", 0, ValueType::uint32);
    end();
    begin("unix", 0, "system_pages", "pages");
    for (const char* n : kSystemPages) u(n, 1'000'000 + rng_.below(60'000'000));
    end();
    begin("unix", 0, "dnlcstats", "misc");
    for (const char* n : kDnlc) u(n, count(), ValueType::uint32);
    end();
  }

  void zfs_globals() {
    begin("zfs", 0, "arcstats", "misc");
    counters(kArc);
    end();
    begin("zfs", 0, "abdstats", "misc");
    counters(kAbd);
    end();
    begin("zfs", 0, "zfetchstats", "misc");
    counters(kZfetch);
    end();
    begin("zfs", 0, "dbufstats", "misc");
    for (int level = 0; level < 12; ++level) {
      std::string l = std::to_string(level);
      u("cache_level_" + l, count());
      u("cache_level_" + l + "_bytes", bytes());
      u("hash_level_" + l, count());
      u("hash_level_" + l + "_bytes", bytes());
    }
    for (const char* n : {"cache_count", "cache_size_bytes", "cache_size_bytes_max",
                          "cache_target_bytes", "hash_chains", "hash_collisions", "hash_elements",
                          "hash_elements_max", "hash_hits", "hash_misses", "hash_insert_race",
                          "hash_table_count", "metadata_cache_count", "metadata_cache_overflow"}) {
      u(n, value_for(n));
    }
    end();
    begin("zfs", 0, "vdev_cache_stats", "misc");
    for (const char* n : {"delegations", "hits", "misses"}) u(n, count());
    end();
  }

  void cpus(std::size_t n) {
    static const char* const kBrand = "Intel(r) Xeon(r) Gold 6248 CPU @ 2.50GHz";
    for (std::size_t c = 0; c < n; ++c) {
      auto id = static_cast<std::int64_t>(c);
      begin("cpu", id, "sys", "misc");
      counters(kCpuSys);
      end();
      begin("cpu", id, "vm", "vm");
      counters(kCpuVm);
      end();
      begin("cpu", id, "intrstat", "misc");
      for (int lvl = 1; lvl <= 15; ++lvl) {
        u("level-" + std::to_string(lvl) + "-count", count());
        u("level-" + std::to_string(lvl) + "-time", ns());
      }
      end();
      begin("cpu_info", id, "cpu_info" + std::to_string(c), "misc");
      str("brand", kBrand);
      u("cache_id", c / 40, ValueType::int32);
      u("chip_id", c / 40, ValueType::int32);
      u("clock_MHz", 2500, ValueType::int32);
      u("clog_id", c % 40, ValueType::int32);
      u("core_id", c / 2, ValueType::int32);
      str("cpu_type", "i386");
      str("cpuid_features", "0xbfebfbff");
      u("current_clock_Hz", 2'500'000'000);
      u("current_cstate", rng_.below(3), ValueType::uint32);
      u("family", 6, ValueType::uint32);
      str("fpu_type", "i387 compatible");
      str("implementation", "x86 (chipid 0x" + std::to_string(c / 40) +
                                " GenuineIntel 50657 family 6 model 85 "
                                "step 7 clock 2500 MHz)");
      u("max_ncpu_per_chip", 40, ValueType::int32);
      u("model", 85, ValueType::uint32);
      u("ncore_per_chip", 20, ValueType::int32);
      u("ncpu_per_chip", 40, ValueType::int32);
      u("pg_id", 3 + c / 2, ValueType::int64);
      u("pkg_core_id", (c / 2) % 20, ValueType::int32);
      str("socket_type", "Unknown");
      str("state", "on-line");
      u("state_begin", 1700466090 + rng_.below(30), ValueType::uint64);
      u("stepping", 7, ValueType::uint32);
      str("supported_frequencies_Hz", "1000000000:2500000000");
      u("supported_max_cstates", 2, ValueType::uint32);
      str("vendor_id", "GenuineIntel");
      end();
    }
  }

  void kmem_caches(std::size_t n) {
    static const char* const kBase[] = {
        "kmem_alloc", "zio_buf",      "zio_data_buf", "streams_dblk", "anon_cache",
        "seg_cache",  "thread_cache", "vn_cache",     "dnode_t",      "arc_buf_hdr_t_full"};
    for (std::size_t c = 0; c < n; ++c) {
      std::string name = std::string(kBase[c % 10]) + "_" + std::to_string(512 * (c / 10 + 1));
      begin("unix", 0, name, "kmem_cache");
      counters(kKmem);
      end();
    }
  }

  void vopstats(std::size_t n) {
    char fsid[24];
    for (std::size_t f = 0; f < n; ++f) {
      std::snprintf(fsid, sizeof fsid, "%07zx", 0x4350001 + f * 0x13);
      begin("unix", 0, std::string("vopstats_") + fsid, "misc");
      counters(kVop);
      end();
    }
  }

  void io_kstat(std::string_view module, std::int64_t inst, std::string_view name,
                std::string_view klass) {
    begin(module, inst, name, klass);
    k_.io = true;
    std::uint64_t reads = rng_.below(10'000'000), writes = rng_.below(10'000'000);
    u("nread", reads * (4096 + rng_.below(128 * 1024)));
    u("nwritten", writes * (4096 + rng_.below(128 * 1024)));
    u("reads", reads, ValueType::uint32);
    u("writes", writes, ValueType::uint32);
    u("wtime", rng_.below(1'000'000'000'000ull), ValueType::int64);
    u("wlentime", rng_.below(1'000'000'000'000ull), ValueType::int64);
    u("wlastupdate", static_cast<std::uint64_t>(kUptimeNs) - rng_.below(1'000'000'000),
      ValueType::int64);
    u("rtime", rng_.below(1'000'000'000'000ull), ValueType::int64);
    u("rlentime", rng_.below(1'000'000'000'000ull), ValueType::int64);
    u("rlastupdate", static_cast<std::uint64_t>(kUptimeNs) - rng_.below(1'000'000'000),
      ValueType::int64);
    u("wcnt", rng_.below(3), ValueType::uint32);
    u("rcnt", rng_.below(5), ValueType::uint32);
    end();
  }

  void disks(std::size_t n);
  void nics(std::size_t phys, std::size_t vnics);
  void zones(std::size_t n);
  void datasets(std::size_t pools, std::size_t n);
  void filler();

  const SyntheticSpec& spec_;
  const std::function<void(const SynthKstat&)>& visit_;
  Rng rng_;
  double scale_;
  SynthKstat k_;
  SyntheticSummary sum_;
  std::vector<std::string> modules_;
};

void Model::disks(std::size_t n) {
  static const char* const kPart = "abcdefgh";
  for (std::size_t d = 0; d < n; ++d) {
    bool nvme = d % 4 == 3;
    auto inst = static_cast<std::int64_t>(nvme ? d / 4 : d - d / 4);
    std::string drv = nvme ? "blkdev" : "sd";
    std::string disk = drv + std::to_string(inst);
    io_kstat(drv, inst, disk, "disk");
    for (int p = 0; p < 8; ++p) io_kstat(drv, inst, disk + "," + kPart[p], "partition");
    if (nvme) {
      begin("nvme", inst, "nvme" + std::to_string(inst), "misc");
      counters(kNvme);
      end();
      continue;
    }
    begin("sderr", inst, disk + ",err", "device_error");
    for (const char* e :
         {"Device Not Ready", "Hard Errors", "Illegal Request", "Media Error", "No Device",
          "Predictive Failure Analysis", "Recoverable", "Soft Errors", "Transport Errors"}) {
      u(e, rng_.below(8) == 0 ? rng_.below(20) : 0, ValueType::uint32);
    }
    str("Product", "ST4000NM0023");
    str("Revision", "GS0F");
    str("Serial No", "Z1Z" + std::to_string(100000 + d) + "0000C5");
    u("Size", 4'000'787'030'016ull);
    str("Vendor", "SEAGATE");
    end();
  }
}

void Model::nics(std::size_t phys, std::size_t vnics) {
  auto link = [&](const std::string& ifname, std::int64_t ring_inst) {
    begin("link", 0, ifname, "net");
    counters(kLink);
    end();
    for (int r = 0; r < 4; ++r) {
      begin("mac_rx_ring", ring_inst, ifname + "_rxring" + std::to_string(r), "net");
      counters(kRing);
      end();
      begin("mac_tx_ring", ring_inst, ifname + "_txring" + std::to_string(r), "net");
      counters(kRing);
      end();
    }
  };
  for (std::size_t p = 0; p < phys; ++p) {
    auto inst = static_cast<std::int64_t>(p);
    std::string ifname = "ixgbe" + std::to_string(p);
    link(ifname, inst);
    begin("ixgbe", inst, "mac", "net");
    counters(kLink);
    for (const char* cap : {"1000fdx", "100fdx", "10gfdx", "autoneg", "asmpause", "pause"}) {
      for (const char* pre : {"cap_", "adv_cap_", "lp_cap_"}) u(std::string(pre) + cap, 1);
    }
    for (const char* n :
         {"align_errors",   "carrier_errors",     "defer_xmts",       "ex_collisions",
          "fcs_errors",     "first_collisions",   "jabber_errors",    "late_collisions",
          "macrcv_errors",  "macxmt_errors",      "multi_collisions", "sqe_errors",
          "toolong_errors", "tx_late_collisions", "xcvr_addr",        "xcvr_id",
          "xcvr_inuse",     "link_asmpause",      "link_autoneg",     "link_pause"}) {
      u(n, count());
    }
    end();
    begin("ixgbe", inst, "statistics", "net");
    for (const char* pre : kFillPrefix) {
      for (const char* suf : kFillSuffix) u(std::string("hw_") + pre + suf, count());
    }
    end();
  }
  for (std::size_t v = 0; v < vnics; ++v) {
    link("vnic" + std::to_string(v), static_cast<std::int64_t>(phys + v));
  }
}

void Model::zones(std::size_t n) {
  for (std::size_t z = 1; z <= n; ++z) {
    auto id = static_cast<std::int64_t>(z);
    std::string zs = std::to_string(z);
    std::string zname = "zone" + std::string(4 - std::min<std::size_t>(4, zs.size()), '0') + zs;
    for (const char* cap : {"lockedmem", "swapresv", "nprocs", "lwps"}) {
      begin("caps", id, std::string(cap) + "_zone_" + zs, "zone_caps");
      u("usage", count());
      // Most zones are uncapped (2^64-1); every 7th has a cap just above INT64_MAX.
      u("value", z % 7 == 3 ? (1ull << 63) + z : z % 5 == 0 ? 1ull << 34 : kUnlimited);
      str("zonename", zname);
      end();
    }
    begin("caps", id, "cpucaps_zone_" + zs, "zone_caps");
    counters(kCpuCaps);
    str("zonename", zname);
    end();
    begin("zones", id, zname, "zone_misc");
    counters(kZoneMisc);
    str("zonename", zname);
    end();
    begin("memory_cap", id, zname, "zone_memory_cap");
    counters(kMemCap);
    str("zonename", zname);
    end();
  }
}

void Model::datasets(std::size_t pools, std::size_t n) {
  char hex[24];
  for (std::size_t p = 0; p < pools; ++p) {
    io_kstat("zfs", 0, p == 0 ? std::string("rpool") : "tank" + std::to_string(p), "disk");
  }
  for (std::size_t d = 0; d < n; ++d) {
    std::snprintf(hex, sizeof hex, "objset-0x%zx", 0x36 + d);
    begin("zfs", 0, hex, "dataset");
    std::size_t p = d % pools;
    str("dataset_name", (p == 0 ? std::string("rpool") : "tank" + std::to_string(p)) +
                            "/zones/zone" + std::to_string(d % 997) + "/data" + std::to_string(d));
    for (const char* s : {"nread", "nunlinked", "nunlinks", "nwritten", "reads", "writes"}) {
      u(s, value_for(s));
    }
    end();
  }
}

// Driver-private kstats: take every kstat and statistic the fixed families
// left, spread evenly with a deterministic jitter that keeps the total exact.
void Model::filler() {
  std::uint64_t want_k = spec_.kstats, want_s = spec_.kstats * spec_.stats_per_kstat;
  if (sum_.kstats >= want_k || sum_.statistics >= want_s) {
    throw Error(Errc::constraint, "synthetic machine: the fixed families already hold " +
                                      std::to_string(sum_.kstats) + " kstats and " +
                                      std::to_string(sum_.statistics) + " statistics");
  }
  std::uint64_t r = want_k - sum_.kstats, s = want_s - sum_.statistics;
  std::vector<std::string> pool;
  pool.emplace_back("driver_version");
  pool.emplace_back("fw_revision");
  for (const char* pre : kFillPrefix) {
    for (const char* suf : kFillSuffix) pool.push_back(std::string(pre) + suf);
  }
  std::uint64_t q = s / r, extra = s % r;
  if (q < 2 || q + q / 2 + 1 > pool.size()) {
    throw Error(Errc::constraint, "synthetic machine: " + std::to_string(s) +
                                      " statistics cannot be spread over " + std::to_string(r) +
                                      " driver kstats");
  }
  const std::size_t ndrv = std::size(kDrivers);
  std::uint64_t jitter = 0;
  for (std::uint64_t f = 0; f < r; ++f) {
    std::uint64_t c = q + (f < extra ? 1 : 0);
    // Pairs (even, odd) move `jitter` statistics from one to the other.
    if (f % 2 == 0 && f + 1 < r) {
      jitter = rng_.below(q / 2 + 1);
      c -= jitter;
    } else if (f % 2 == 1) {
      c += jitter;
    }
    const Driver& drv = kDrivers[f % ndrv];
    auto inst = static_cast<std::int64_t>(f / ndrv);
    begin(drv.module, inst, drv.module + std::to_string(inst), drv.klass);
    std::size_t start = (f * 7) % pool.size();
    for (std::uint64_t j = 0; j < c; ++j) {
      const std::string& name = pool[(start + j) % pool.size()];
      if (name == "driver_version")
        str(name, "v" + std::to_string(1 + f % 9) + ".2." + std::to_string(f % 31));
      else if (name == "fw_revision")
        str(name, "FW-" + std::to_string(1000 + f % 77));
      else
        u(name, value_for(name));
    }
    end();
  }
}

}  // namespace

int compare_nocase(std::string_view a, std::string_view b) noexcept {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    unsigned char lx = (x >= 'A' && x <= 'Z') ? x + 32 : x;
    unsigned char ly = (y >= 'A' && y <= 'Z') ? y + 32 : y;
    if (lx != ly) return lx < ly ? -1 : 1;
  }
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

SyntheticSummary generate(const SyntheticSpec& spec,
                          const std::function<void(const SynthKstat&)>& visit) {
  return Model(spec, visit).run();
}

}  // namespace kstatsql::bench
