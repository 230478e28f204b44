// bench/synthetic.hpp — a deterministic synthetic large illumos system.
//
// The benchmark needs a machine far bigger than any test fixture: by default
// 100,000 kstats holding exactly 2,000,000 named statistics, spread over the
// modules, names and classes a large illumos host shows (per-CPU cpu:N:sys /
// vm / intrstat and cpu_info, kmem caches, vopstats, sd and blkdev disks with
// partitions (io kstats, the 12 io statistics), sderr, nvme, link:0:<if> and
// NIC driver kstats, mac rings, per-zone caps / zones / memory_cap, ZFS
// arcstats and friends, pool io kstats, objset-* datasets, unix:0:system_misc
// (with nproc) and system_pages, and driver-private kstats filling the rest).
//
// CONTRACT
//  * Everything is a pure function of SyntheticSpec: the same spec gives the
//    same kstats, statistics and values, byte for byte, on every platform
//    (own PRNG, no <random> distributions).
//  * Exactly spec.kstats kstats and spec.kstats * spec.stats_per_kstat named
//    statistics (the pseudo-statistics class/crtime/snaptime not counted);
//    generate() throws kstatsql::Error when the spec is too small to hold the
//    fixed families (kstats < 1000) or the totals cannot be met.
//  * Integers stay small enough that the sum of every value <= INT64_MAX fits
//    an int64 (Summary::integer_sum is exact); a few thousand uint64 values
//    are at or near 2^64-1 (unlimited zone caps) and some are strings.
//  * Statistics of a kstat are visited in kstat(8) order (strcasecmp by name);
//    kstats are visited in generation order (not sorted).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/static_source.hpp"

namespace kstatsql::bench {

struct SyntheticSpec {
  std::size_t kstats = 100000;
  std::size_t stats_per_kstat = 20;  // total named statistics = kstats * stats_per_kstat
  std::uint64_t seed = 20240601;
};

struct SynthStat {
  std::string name;
  engine::ValueType type = engine::ValueType::uint64;
  std::uint64_t bits = 0;  // the integer value (int64 stored two's complement)
  std::string text;        // string and char values
  bool is_text() const noexcept {
    return type == engine::ValueType::string || type == engine::ValueType::char_;
  }
};

struct SynthKstat {
  std::string module;
  std::int64_t instance = 0;
  std::string name;
  std::string klass;
  std::int64_t crtime = 0;    // ns
  std::int64_t snaptime = 0;  // ns
  bool io = false;            // an io kstat: stats are exactly the 12 io names
  std::vector<SynthStat> stats;
};

// What was generated, for checking query results against.
struct SyntheticSummary {
  std::uint64_t kstats = 0;
  std::uint64_t statistics = 0;
  std::uint64_t io_kstats = 0;
  std::uint64_t integers = 0;    // values that are SQL INTEGER (<= INT64_MAX)
  std::uint64_t huge = 0;        // uint64 values above INT64_MAX (SQL TEXT)
  std::uint64_t strings = 0;     // string / char values
  std::int64_t integer_sum = 0;  // exact sum of the INTEGER values
  double huge_sum = 0;           // sum of the huge values as doubles
  std::uint64_t nproc = 0;       // unix:0:system_misc:nproc
  std::uint64_t distinct_modules = 0;
};

// Calls `visit` once per kstat. The SynthKstat is reused between calls.
SyntheticSummary generate(const SyntheticSpec& spec,
                          const std::function<void(const SynthKstat&)>& visit);

// The same data as a StaticSource, built directly (no text parse). io kstats
// get their IoStats record and keep their 12 named rows in kstat(8) order, as
// the kstat -p parser produces them.
std::shared_ptr<engine::StaticSource> build_static_source(const SyntheticSpec& spec,
                                                          SyntheticSummary* summary = nullptr);

// Writes the data as `kstat -p` prints it: kstats sorted by module
// (case-insensitive), instance, name; one `module:instance:name:statistic<TAB>value`
// line per statistic, with the class, crtime and snaptime pseudo-statistics
// sorted in among them (hrtime as seconds with 9 decimals). Throws
// kstatsql::Error(Errc::io) naming `path` when it cannot be written.
SyntheticSummary write_kstat_text(const SyntheticSpec& spec, const std::string& path,
                                  std::uint64_t* bytes_written = nullptr);

// ASCII case-insensitive compare with a byte-wise tie break (strcasecmp, total).
int compare_nocase(std::string_view a, std::string_view b) noexcept;

}  // namespace kstatsql::bench
