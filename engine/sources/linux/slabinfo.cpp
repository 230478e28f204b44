// engine/sources/linux/slabinfo.cpp — unix:0:<cache> (class kmem_cache), one
// kstat per cache line of /proc/slabinfo, under illumos' kmem_cache names
// where the meaning is the same (docs/linux-mapping.md, "Memory").
//
// /proc/slabinfo is mode 0400: for anyone but root it is unreadable, and then
// the cache names are unknown. That costs only this family: it lists one
// kstat, unix:0:slabinfo, whose read fails with the file's errno and a
// message that says so. A missing file (a kernel without CONFIG_SLUB_DEBUG)
// means no kstats.
#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;

enum class Kind : std::uint32_t { cache, failed };

// The kstat that stands for the whole file when it cannot be listed
// (no kernel cache has this name).
constexpr std::string_view kFileKstat = "slabinfo";

// A cache line of slabinfo 2.x: "name active_objs num_objs objsize
// objperslab pagesperslab : tunables limit batchcount sharedfactor :
// slabdata active_slabs num_slabs sharedavail".
struct SlabLine {
  std::uint64_t active_objs, num_objs, objsize, objperslab, pagesperslab, active_slabs, num_slabs;
};
std::optional<SlabLine> parse_slab_line(const std::vector<std::string_view>& f) {
  if (f.size() != 16 || f[6] != ":" || f[7] != "tunables" || f[11] != ":" || f[12] != "slabdata")
    return std::nullopt;
  std::uint64_t v[16] = {};
  for (std::size_t i : {1, 2, 3, 4, 5, 13, 14}) {
    auto n = parse_u64(f[i]);
    if (!n) return std::nullopt;
    v[i] = *n;
  }
  if (v[2] < v[1]) return std::nullopt;  // more objects in use than exist
  return SlabLine{v[1], v[2], v[3], v[4], v[5], v[13], v[14]};
}

bool version_ok(std::string_view first_line) {
  return first_line.substr(0, 22) == "slabinfo - version: 2.";
}

class SlabFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"unix"}, {}, {"kmem_cache"}, {}, {}}; }

  void enumerate(Lister& out) override {
    const CachedFile& f = file(proc() + "/slabinfo");
    if (f.err == ENOENT) return;
    if (f.err != 0 || !version_ok(std::string_view(f.text).substr(0, f.text.find('\n')))) {
      out.add("unix", 0, kFileKstat, "kmem_cache", KstatType::named, Kind::failed);
      return;
    }
    std::unordered_set<std::string_view> seen;
    procfs::for_each_line(f.text, [&](std::string_view line, std::size_t no) {
      auto fs = fields(line);
      if (no == 1 || fs.empty() || fs[0].front() == '#') return true;
      if (seen.insert(fs[0]).second)
        out.add("unix", 0, fs[0], "kmem_cache", KstatType::named, Kind::cache);
      return true;
    });
  }

  std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile in = read_text(proc() + "/slabinfo", err, &out);
    if (!in) {
      if (err == EACCES) return fmt::format("{} (the file is readable by root only)", in.error);
      return in.error;
    }
    if (!version_ok(std::string_view(*in.text).substr(0, in.text->find('\n'))))
      return err = EINVAL, fmt::format("{}:1: expected 'slabinfo - version: 2.x'", in.path);
    if (static_cast<Kind>(kind) == Kind::failed)
      return err = EAGAIN, fmt::format("{}: now readable; list the caches again", in.path);
    const Line* line = find_line(*in.text, h.name);
    if (line == nullptr)
      return err = ENOENT, fmt::format("{}: no cache {} (destroyed?)", in.path, h.name);
    const std::optional<SlabLine> sl = parse_slab_line(fields(line->text));
    if (!sl)
      return err = EINVAL,
             fmt::format(
                 "{}:{}: expected 'name active num objsize objperslab pagesperslab : tunables N N "
                 "N : slabdata N N N'",
                 in.path, line->no);
    fill(h.name, *sl, arena, out);
    return {};
  }

 private:
  struct Line {
    std::string_view text;
    std::size_t no;
  };
  // The first line of cache `name` in `text` (the generation's slabinfo),
  // from an index built once per text, so reading every cache is linear in
  // the file rather than quadratic.
  const Line* find_line(const std::string& text, std::string_view name) {
    if (index_text_ != &text || index_gen_ != generation()) {
      index_.clear();
      procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
        const std::size_t b = line.find_first_not_of(" \t");
        if (no == 1 || b == std::string_view::npos) return true;
        const std::size_t e = line.find_first_of(" \t", b);
        index_.emplace(line.substr(b, e == std::string_view::npos ? e : e - b), Line{line, no});
        return true;
      });
      index_text_ = &text;
      index_gen_ = generation();
    }
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &it->second;
  }
  std::unordered_map<std::string_view, Line> index_;
  const std::string* index_text_ = nullptr;
  std::uint64_t index_gen_ = UINT64_MAX;

  // The first number of /sys/kernel/slab/<cache>/<file> ("123" or, for the
  // SLUB_STATS counters, "123 C0=100 C1=23"), if the file is there.
  std::optional<std::uint64_t> sysfs_number(std::string_view cache, std::string_view name) {
    int e = 0;
    const TextFile in = read_text(fmt::format("{}/kernel/slab/{}/{}", sys(), cache, name), e);
    if (!in) return std::nullopt;
    const std::string_view text = *in.text;
    auto f = fields(text.substr(0, text.find('\n')));
    return f.empty() ? std::nullopt : parse_u64(f[0]);
  }

  void fill(std::string_view cache, const SlabLine& sl, Arena& arena, KstatData& out);

  std::uint64_t stats_gen_ = UINT64_MAX;  // the generation slub_stats_ is about
  bool slub_stats_ = true;                // false: this kernel has no SLUB_STATS counters
};

// buf_size is what the cache's creator asked for (sysfs object_size; without
// sysfs, slabinfo's objsize, the full stride, stands in); chunk_size is the
// stride with metadata and padding; slab_size is one slab's pages in bytes.
// SLUB counts no magazine or depot layer, and counts allocations only with
// CONFIG_SLUB_STATS, so alloc, free, slab_create and slab_destroy exist only
// when sysfs has those counters.
void SlabFamily::fill(std::string_view cache, const SlabLine& sl, Arena& arena, KstatData& out) {
  procfs::StatList s(arena);
  const std::optional<std::uint64_t> object_size = sysfs_number(cache, "object_size");
  s.add_u64("buf_size", object_size.value_or(sl.objsize), Unit::bytes);
  if (auto align = sysfs_number(cache, "align")) s.add_u64("align", *align, Unit::bytes);
  s.add_u64("chunk_size", sl.objsize, Unit::bytes);
  s.add_u64("slab_size", sl.pagesperslab * page_size(), Unit::bytes);
  // CONFIG_SLUB_STATS is the kernel's, so all caches have these counters or
  // none: a cache whose sysfs directory is there (object_size read) but
  // lacks alloc_fastpath settles it for the generation, sparing every other
  // cache six failed opens.
  if (stats_gen_ != generation()) stats_gen_ = generation(), slub_stats_ = true;
  std::optional<std::uint64_t> fast;
  if (slub_stats_) fast = sysfs_number(cache, "alloc_fastpath");
  if (!fast && object_size) slub_stats_ = false;
  if (slub_stats_) {
    auto slow = sysfs_number(cache, "alloc_slowpath");
    if (fast && slow) s.add_u64("alloc", *fast + *slow);
    fast = sysfs_number(cache, "free_fastpath"), slow = sysfs_number(cache, "free_slowpath");
    if (fast && slow) s.add_u64("free", *fast + *slow);
    if (auto v = sysfs_number(cache, "alloc_slab")) s.add_u64("slab_create", *v);
    if (auto v = sysfs_number(cache, "free_slab")) s.add_u64("slab_destroy", *v);
  }
  s.add_u64("buf_avail", sl.num_objs - sl.active_objs);
  s.add_u64("buf_inuse", sl.active_objs);
  s.add_u64("buf_total", sl.num_objs);
  // Linux-only.
  s.add_u64("objperslab", sl.objperslab);
  s.add_u64("pagesperslab", sl.pagesperslab, Unit::pages);
  s.add_u64("active_slabs", sl.active_slabs);
  s.add_u64("num_slabs", sl.num_slabs);
  out.named = s.finish();
}

}  // namespace

std::unique_ptr<Family> make_slab_family(LinuxSource& src) {
  return std::make_unique<SlabFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
