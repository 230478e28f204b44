// engine/sources/linux/xfs.cpp — /proc/fs/xfs/stat (all XFS filesystems
// together): one kstat xfs:0:<line> (class misc) per line of the file, its
// values under the names of fs/xfs/xfs_stats.h. A line or value this table
// does not know keeps its position as its name ("v<k>", 0-based), so a newer
// kernel's extra counters are shown, never dropped. docs/linux-mapping.md, "Storage".
#include <cerrno>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

struct XfsLine {
  std::string_view line;
  std::vector<std::string_view> names;
};

// The btree lines of xfs_stats.h (abtb2, bmbt2, …) share one layout.
const std::vector<std::string_view> kBtree = {
    "lookup", "compare", "insrec", "delrec", "newroot", "killroot", "increment", "decrement",
    "lshift", "rshift",  "split",  "join",   "alloc",   "free",     "moves"};

const XfsLine kLines[] = {
    {"extent_alloc", {"alloc_extents", "alloc_blocks", "free_extents", "free_blocks"}},
    {"abt", {"lookups", "compares", "records_inserted", "records_deleted"}},
    {"blk_map",
     {"reads", "writes", "unmaps", "extent_list_insertions", "extent_list_deletions",
      "extent_list_lookups", "extent_list_compares"}},
    {"bmbt", {"lookups", "compares", "records_inserted", "records_deleted"}},
    {"dir", {"lookups", "creates", "removes", "getdents"}},
    {"trans", {"sync", "async", "empty"}},
    {"ig", {"attempts", "found", "frecycle", "missed", "dup", "reclaims", "attrchg"}},
    {"log", {"writes", "blocks", "noiclogs", "force", "force_sleep"}},
    {"push_ail",
     {"try_logspace", "sleep_logspace", "pushes", "success", "pushbuf", "pinned", "locked",
      "flushing", "restarts", "flush"}},
    {"xstrat", {"quick", "split"}},
    {"rw", {"write_calls", "read_calls"}},
    {"attr", {"get", "set", "remove", "list"}},
    {"icluster", {"iflush_count", "flush_cluster", "flush_inode"}},
    {"vnodes", {"active", "alloc", "get", "hold", "rele", "reclaim", "remove", "free"}},
    {"buf",
     {"get", "create", "get_locked", "get_locked_waited", "busy_locked", "miss_locked",
      "page_retries", "page_found", "get_read"}},
    {"qm",
     {"dqreclaims", "dqreclaim_misses", "dquot_dups", "dqcachemisses", "dqcachehits", "dqwants",
      "dquot", "dquot_unused"}},
    {"xpc", {"xstrat_bytes", "write_bytes", "read_bytes"}},
    {"defer_relog", {"defer_relog"}},
    {"debug", {"debug"}},
};

const std::vector<std::string_view>* names_of(std::string_view line) {
  for (const XfsLine& l : kLines)
    if (l.line == line) return &l.names;
  static constexpr std::string_view kBtrees[] = {
      "abtb2",    "abtc2",      "bmbt2",   "ibt2",     "fibt2",        "rmapbt",
      "refcntbt", "rmapbt_mem", "rcbagbt", "rtrmapbt", "rtrmapbt_mem", "rtrefcntbt"};
  for (std::string_view b : kBtrees)
    if (b == line) return &kBtree;
  return nullptr;
}

class XfsFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"xfs"}, {}, {"misc"}, {}, {}}; }

  void enumerate(Lister& out) override {
    int err = 0;
    const TextFile f = read_text(proc() + "/fs/xfs/stat", err);
    if (!f) return;  // xfs not loaded
    procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t) {
      auto v = fields(line);
      if (!v.empty()) out.add("xfs", 0, v[0], "misc", KstatType::named, 0u);
      return true;
    });
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile in = read_text(proc() + "/fs/xfs/stat", err, &out);
    if (!in) return in.error;
    std::string msg;
    bool found = false;
    StatList s(arena);
    procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
      auto v = fields(line);
      if (v.empty() || v[0] != h.name) return true;
      const auto* names = names_of(v[0]);
      found = true;
      if (v.size() < 2) msg = fmt::format("{}:{}: '{}' has no values", in.path, no, v[0]);
      for (std::size_t i = 1; i < v.size() && msg.empty(); ++i) {
        auto n = parse_u64(v[i]);
        if (!n) {
          msg = fmt::format("{}:{}: value {} of '{}' is not a number: '{}'", in.path, no, i, v[0],
                            v[i]);
          break;
        }
        const std::size_t k = i - 1;
        const std::string name =
            names && k < names->size() ? std::string((*names)[k]) : fmt::format("v{}", k);
        s.add_u64(name, *n, name.ends_with("_bytes") ? Unit::bytes : Unit::none);
      }
      return false;
    });
    if (!found) return err = ENOENT, fmt::format("{}: no line '{}'", in.path, h.name);
    if (!msg.empty()) return err = EINVAL, msg;
    out.named = s.finish();
    return {};
  }
};

}  // namespace

std::unique_ptr<Family> make_xfs_family(LinuxSource& src) {
  return std::make_unique<XfsFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
