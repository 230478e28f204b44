// engine/sources/linux/bcache.cpp — bcache cache sets from
// /sys/fs/bcache/<set-uuid>/: one kstat bcache:0:<set-uuid> (class misc) per
// registered cache set, with its sizes and usage and the hit/miss counters of
// each stats window (total_cache_hits, five_minute_bypassed, …).
// docs/linux-mapping.md, "Storage".
//
// bcache prints sizes with bch_hprint: a number, one decimal and a binary
// suffix ("512.0k", "1.2M"), so those values are only as exact as printed.
#include <cerrno>
#include <string_view>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::StatList;

// A sysfs value without its newline.
std::string_view strip(std::string_view v) {
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  return v;
}

// "123", "512.0k", "1.2M" (×1024 per step of kMGTPEZY) → a number.
std::optional<std::uint64_t> parse_hprint(std::string_view s) {
  static constexpr std::string_view kUnits = "kMGTPE";
  std::uint64_t scale = 1;
  if (!s.empty()) {
    std::size_t u = kUnits.find(s.back());
    if (u != std::string_view::npos) {
      s.remove_suffix(1);
      for (std::size_t i = 0; i <= u; ++i) scale *= 1024;
    }
  }
  return procfs::parse_fixed(s, scale, true);
}

// Set-level files (name, holds bytes).
constexpr std::pair<std::string_view, bool> kSetFiles[] = {{"average_key_size", true},
                                                           {"block_size", true},
                                                           {"btree_cache_size", true},
                                                           {"bucket_size", true},
                                                           {"cache_available_percent", false},
                                                           {"root_usage_percent", false},
                                                           {"btree_used_percent", false},
                                                           {"btree_nodes", false},
                                                           {"congested", false}};
constexpr std::string_view kWindows[] = {"total", "day", "hour", "five_minute"};
constexpr std::pair<std::string_view, bool> kStatFiles[] = {{"bypassed", true},
                                                            {"cache_hits", false},
                                                            {"cache_misses", false},
                                                            {"cache_bypass_hits", false},
                                                            {"cache_bypass_misses", false},
                                                            {"cache_hit_ratio", false},
                                                            {"cache_miss_collisions", false},
                                                            {"cache_readaheads", false}};

class BcacheFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"bcache"}, {}, {"misc"}, {}, {}}; }

  void enumerate(Lister& out) override {
    std::vector<std::string> names;
    const std::string dir = sys() + "/fs/bcache/";
    if (procfs::list_dir(dir, names) != 0) return;
    for (const std::string& n : names)  // register, register_quiet… are files
      if (procfs::is_dir(dir + n + "/stats_total"))
        out.add("bcache", 0, n, "misc", KstatType::named, 0u);
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const std::string dir = fmt::format("{}/fs/bcache/{}/", sys(), h.name);
    if (!procfs::is_dir(dir + "stats_total"))
      return err = ENOENT, dir + "stats_total: no such directory";
    out.snaptime = now();
    StatList s(arena);
    std::string msg;
    // A missing file is left out; one that does not parse is the kstat's error.
    auto add = [&](const std::string& path, const std::string& name, bool bytes) {
      std::string t;
      if (!msg.empty() || procfs::read_file(path, t) != 0) return;
      auto v = parse_hprint(strip(t));
      if (!v)
        msg = fmt::format("{}:1: expected a number, found '{}'", path, strip(t).substr(0, 40));
      else
        s.add_u64(name, *v, bytes ? Unit::bytes : Unit::none);
    };
    for (const auto& [f, bytes] : kSetFiles) add(dir + std::string(f), std::string(f), bytes);
    for (std::string_view w : kWindows)
      for (const auto& [f, bytes] : kStatFiles)
        add(fmt::format("{}stats_{}/{}", dir, w, f), fmt::format("{}_{}", w, f), bytes);
    if (!msg.empty()) return err = EINVAL, msg;
    std::vector<std::string> entries;
    std::uint64_t bdevs = 0, caches = 0;
    if (procfs::list_dir(dir, entries) == 0)
      for (const std::string& e : entries) {
        if (e.starts_with("bdev")) ++bdevs;
        if (e.starts_with("cache") && e.size() > 5 && e[5] >= '0' && e[5] <= '9') ++caches;
      }
    s.add_u64("backing_devices", bdevs);
    s.add_u64("cache_devices", caches);
    out.named = s.finish();
    return {};
  }
};

}  // namespace

std::unique_ptr<Family> make_bcache_family(LinuxSource& src) {
  return std::make_unique<BcacheFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
