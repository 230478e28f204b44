// engine/sources/linux/memory_zones.cpp — per node and zone memory kstats
// (docs/linux-mapping.md, "Memory"):
//   linux:<node>:zone_<Zone>   /proc/zoneinfo: watermarks, sizes, zone counters
//   linux:<node>:node_stats    /proc/zoneinfo's "per-node stats" block
//   linux:<node>:buddy_<Zone>  /proc/buddyinfo: free blocks per order
// illumos has no zone concept below its lgroups, so the names are Linux's.
// Two families (one per file), so a query on one file's kstats opens only it.
#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

constexpr std::string_view kZone = "zone_", kBuddy = "buddy_", kNodeStats = "node_stats";

// "Node <n>, zone <name>": the first four fields of a zoneinfo section
// header or a buddyinfo line.
struct ZoneHeader {
  std::int64_t node = 0;
  std::string_view zone;
};
std::optional<ZoneHeader> zone_header(const std::vector<std::string_view>& f) {
  if (f.size() < 4 || f[0] != "Node" || f[2] != "zone" || f[1].empty() || f[1].back() != ',')
    return std::nullopt;
  auto n = parse_u64(f[1].substr(0, f[1].size() - 1));
  if (!n || *n > INT32_MAX) return std::nullopt;
  return ZoneHeader{static_cast<std::int64_t>(*n), f[3]};
}

// Adds "name value" as uint64 (int64 when negative), or returns false.
bool add_number(StatList& s, std::string_view name, std::string_view v, Unit unit) {
  if (auto u = parse_u64(v)) return s.add_u64(name, *u, unit), true;
  if (auto i = procfs::parse_i64(v)) return s.add_i64(name, *i, unit), true;
  return false;
}

// ---- /proc/zoneinfo ----

// What one zoneinfo read wants: zone `zone` of `node`, or (zone empty) the
// node's per-node stats block.
struct ZoneWant {
  std::int64_t node;
  std::string_view zone;
};

// The watermark and size lines of a zone, in pages ("pages free" is read as
// pages_free). Older kernels print "scanned"; newer ones boost, promo, cma.
constexpr std::string_view kZonePages[] = {"pages_free", "boost",   "min",     "low",
                                           "high",       "promo",   "spanned", "present",
                                           "managed",    "scanned", "cma"};

bool is_zone_pages(std::string_view key) {
  for (std::string_view k : kZonePages)
    if (k == key) return true;
  return false;
}

// Reads the wanted section of zoneinfo, one line at a time. Lines of other
// sections are only classified, so a damaged line costs only its own
// section's kstat (a damaged "Node" header costs every one: it cannot be
// told whose it was).
class ZoneinfoParser {
 public:
  ZoneinfoParser(const std::string& path, ZoneWant want, StatList& s)
      : path_(path), want_(want), s_(s) {}

  // Returns false to stop, with error() set.
  bool line(std::string_view text, std::size_t no) {
    auto f = fields(text);
    if (f.empty()) return true;
    if (f[0] == "Node") return header(f, no);
    if (f.size() == 2 && f[0] == "per-node" && f[1] == "stats") {
      part_ = Part::node_stats;
      in_ = want_.zone.empty() && node_ == want_.node;
      found_ = found_ || in_;
      return true;
    }
    if (f[0] == "pages" && f.size() == 3 && f[1] == "free") {
      part_ = Part::zone;
      in_ = zone_mine_;
      f.erase(f.begin());
      f[0] = "pages_free";
    } else if (f[0] == "pagesets") {
      part_ = Part::pagesets;
      return true;
    } else if (part_ == Part::pagesets) {
      if (f[0] != "node_unreclaimable:" && f[0] != "start_pfn:")
        return true;  // per-CPU lines: left out
      part_ = Part::zone;
    }
    if (!in_ || part_ == Part::head) return true;
    return f[0] == "protection:" ? protection(f, no) : item(f, no);
  }

  bool found() const { return found_; }
  std::string finish() {
    if (error_.empty() && zone_mine_ && !saw_free_)
      error_ = fmt::format("{}: zone has no 'pages free' line (truncated?)", path_);
    return error_;
  }

 private:
  enum class Part { head, node_stats, zone, pagesets };

  bool fail(std::size_t no, std::string_view what) {
    error_ = fmt::format("{}:{}: {}", path_, no, what);
    return false;
  }
  bool header(const std::vector<std::string_view>& f, std::size_t no) {
    auto z = zone_header(f);
    if (!z) return fail(no, "expected 'Node N, zone NAME'");
    if (zone_mine_ && !saw_free_) return fail(no, "zone has no 'pages free' line");
    node_ = z->node;
    zone_mine_ = z->node == want_.node && !want_.zone.empty() && z->zone == want_.zone;
    found_ = found_ || zone_mine_;
    in_ = false;
    part_ = Part::head;
    return true;
  }
  // "protection: (0, 3018, 6474)": the pages zone i keeps back from
  // allocations that could have used a higher zone.
  bool protection(const std::vector<std::string_view>& f, std::size_t no) {
    for (std::size_t i = 1; i < f.size(); ++i) {
      std::string_view v = f[i];
      if (i == 1 && !v.empty() && v.front() == '(') v.remove_prefix(1);
      if (!v.empty() && (v.back() == ',' || v.back() == ')')) v.remove_suffix(1);
      if (!add_number(s_, fmt::format("protection_{}", i - 1), v, Unit::pages))
        return fail(no, "expected 'protection: (N, N, ...)'");
    }
    return true;
  }
  // "name value" (or "name: value"). Counters keep Linux's own units (mostly
  // pages, some events, nr_kernel_stack KiB), so only the zone's watermark
  // and size lines carry the unit pages.
  bool item(const std::vector<std::string_view>& f, std::size_t no) {
    std::string_view key = f[0];
    if (!key.empty() && key.back() == ':') key.remove_suffix(1);
    const bool pages = part_ == Part::zone && is_zone_pages(key);
    if (f.size() != 2 || key.empty() ||
        !add_number(s_, key, f[1], pages ? Unit::pages : Unit::none))
      return fail(no, "expected 'name value'");
    saw_free_ = saw_free_ || key == "pages_free";
    return true;
  }

  const std::string& path_;
  ZoneWant want_;
  StatList& s_;
  Part part_ = Part::head;
  std::int64_t node_ = -1;
  bool zone_mine_ = false, in_ = false, found_ = false, saw_free_ = false;
  std::string error_;
};

class ZoneinfoFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"linux"}, {}, {"vm"}, {}, {}}; }

  void enumerate(Lister& out) override {
    const CachedFile& f = file(proc() + "/zoneinfo");
    if (f.err != 0) return;
    std::optional<std::int64_t> node;
    std::vector<std::int64_t> with_stats;
    procfs::for_each_line(f.text, [&](std::string_view line, std::size_t) {
      auto fs = fields(line);
      if (auto z = zone_header(fs)) {
        node = z->node;
        out.add("linux", z->node, fmt::format("{}{}", kZone, z->zone), "vm", KstatType::named, 0u);
      } else if (fs.size() == 2 && fs[0] == "per-node" && fs[1] == "stats" && node) {
        with_stats.push_back(*node);
      }
      return true;
    });
    for (std::int64_t n : with_stats) out.add("linux", n, kNodeStats, "vm", KstatType::named, 1u);
  }

  std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile in = read_text(proc() + "/zoneinfo", err, &out);
    if (!in) return in.error;
    const ZoneWant want{h.instance, kind == 1 ? std::string_view{} : h.name.substr(kZone.size())};
    StatList s(arena);
    ZoneinfoParser p(in.path, want, s);
    procfs::for_each_line(*in.text,
                          [&p](std::string_view line, std::size_t no) { return p.line(line, no); });
    if (std::string msg = p.finish(); !msg.empty()) return err = EINVAL, msg;
    if (!p.found())
      return err = ENOENT, fmt::format("{}: no node {} {}", in.path, h.instance, h.name);
    out.named = s.finish();
    return {};
  }
};

// ---- /proc/buddyinfo ----

class BuddyinfoFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"linux"}, {}, {"vm"}, {}, {}}; }

  void enumerate(Lister& out) override {
    const CachedFile& f = file(proc() + "/buddyinfo");
    if (f.err != 0) return;
    procfs::for_each_line(f.text, [&](std::string_view line, std::size_t) {
      if (auto z = zone_header(fields(line)))
        out.add("linux", z->node, fmt::format("{}{}", kBuddy, z->zone), "vm", KstatType::named, 0u);
      return true;
    });
  }

  // "Node N, zone Z c0 c1 ... cK": ck free blocks of 2^k pages. Every line
  // has the same number of orders (NR_PAGE_ORDERS); a line with fewer or
  // more than the first was cut or garbled.
  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile in = read_text(proc() + "/buddyinfo", err, &out);
    if (!in) return in.error;
    const std::string_view zone = h.name.substr(kBuddy.size());
    std::optional<std::size_t> orders;
    std::string msg;
    bool found = false;
    StatList s(arena);
    procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
      auto f = fields(line);
      auto z = zone_header(f);
      if (!z) return true;
      const std::size_t n = f.size() - 4;
      if (!orders) orders = n;
      if (z->node != h.instance || z->zone != zone) return true;
      found = true;
      for (std::size_t k = 0; k < n && msg.empty(); ++k)
        if (!add_number(s, fmt::format("order_{}", k), f[4 + k], Unit::none) ||
            f[4 + k].front() == '-')
          msg = fmt::format("{}:{}: order {}: expected a count, found '{}'", in.path, no, k,
                            f[4 + k]);
      if (msg.empty() && (n == 0 || n != *orders))
        msg = fmt::format("{}:{}: {} orders, the first line has {} (truncated?)", in.path, no, n,
                          *orders);
      return false;
    });
    if (!msg.empty()) return err = EINVAL, msg;
    if (!found)
      return err = ENOENT, fmt::format("{}: no node {} zone {}", in.path, h.instance, zone);
    out.named = s.finish();
    return {};
  }
};

}  // namespace

std::unique_ptr<Family> make_zoneinfo_family(LinuxSource& src) {
  return std::make_unique<ZoneinfoFamily>(src);
}
std::unique_ptr<Family> make_buddyinfo_family(LinuxSource& src) {
  return std::make_unique<BuddyinfoFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
