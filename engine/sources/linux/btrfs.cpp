// engine/sources/linux/btrfs.cpp — btrfs space by block-group type from
// /sys/fs/btrfs/<uuid>/: one kstat btrfs:0:<uuid> (class misc) per mounted
// btrfs filesystem, with its label, sizes, and every number under
// allocation/ (data_total_bytes, metadata_bytes_used, data_single_used, …).
// docs/linux-mapping.md, "Storage".
#include <cerrno>
#include <string_view>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::parse_u64;
using procfs::StatList;

// A sysfs value without its newline.
std::string_view strip(std::string_view v) {
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  return v;
}

// Every file of allocation/ holds bytes except these counts and flags.
bool is_bytes(std::string_view file) {
  return !(file == "flags" || file.ends_with("_count") || file.ends_with("_events") ||
           file.ends_with("_threshold") || file.ends_with("_reclaim") || file == "reclaim_count");
}

class BtrfsFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"btrfs"}, {}, {"misc"}, {}, {}}; }

  void enumerate(Lister& out) override {
    std::vector<std::string> names;
    const std::string dir = sys() + "/fs/btrfs/";
    if (procfs::list_dir(dir, names) != 0) return;
    for (const std::string& n : names)  // "features" has no allocation/
      if (procfs::is_dir(dir + n + "/allocation"))
        out.add("btrfs", 0, n, "misc", KstatType::named, 0u);
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override;

 private:
  // A file of one number; nullopt (and `bad` set) when it holds something else.
  std::optional<std::uint64_t> number(const std::string& path, int& err, std::string& bad) {
    std::string t;
    if ((err = procfs::read_file(path, t)) != 0) return std::nullopt;
    auto v = parse_u64(strip(t));
    if (!v) bad = fmt::format("{}:1: expected a number, found '{}'", path, strip(t).substr(0, 40));
    return v;
  }
  std::string add_numbers(const std::string& dir, const std::string& prefix, bool required,
                          StatList& s);
};

// Every one-number file of `dir` as <prefix><file>; with `required`,
// total_bytes and bytes_used must be there and be numbers.
std::string BtrfsFamily::add_numbers(const std::string& dir, const std::string& prefix,
                                     bool required, StatList& s) {
  std::vector<std::string> files;
  if (procfs::list_dir(dir, files) != 0) return {};
  for (const std::string& f : files) {
    const std::string path = dir + f;
    if (!procfs::is_regular(path)) continue;
    int e = 0;
    std::string bad;
    auto v = number(path, e, bad);
    if (v)
      s.add_u64(prefix + f, *v, is_bytes(f) ? Unit::bytes : Unit::none);
    else if (required && (f == "total_bytes" || f == "bytes_used"))
      return bad.empty() ? path + ": unreadable" : bad;
  }
  return {};
}

std::string BtrfsFamily::read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                              int& err) {
  const std::string dir = fmt::format("{}/fs/btrfs/{}/", sys(), h.name);
  if (!procfs::is_dir(dir + "allocation"))
    return err = ENOENT, dir + "allocation: no such directory (unmounted?)";
  out.snaptime = now();
  StatList s(arena);
  std::string label;
  if (procfs::read_file(dir + "label", label) == 0) s.add_str("label", strip(label));
  for (std::string_view f : {"nodesize", "sectorsize", "clone_alignment"}) {
    int e = 0;
    std::string bad;
    if (auto v = number(dir + std::string(f), e, bad)) s.add_u64(f, *v, Unit::bytes);
  }
  std::vector<std::string> devices;
  if (procfs::list_dir(dir + "devices", devices) == 0) s.add_u64("devices", devices.size());
  if (std::string m = add_numbers(dir + "allocation/", "", false, s); !m.empty())
    return err = EINVAL, m;
  for (std::string type : {"data", "metadata", "system"}) {
    const std::string tdir = dir + "allocation/" + type + "/";
    if (std::string m = add_numbers(tdir, type + "_", true, s); !m.empty()) return err = EINVAL, m;
    std::vector<std::string> sub;
    if (procfs::list_dir(tdir, sub) != 0) continue;
    for (const std::string& p : sub)  // one directory per RAID profile: single, dup, raid1, …
      if (procfs::is_dir(tdir + p))
        if (std::string m = add_numbers(tdir + p + "/", type + "_" + p + "_", false, s); !m.empty())
          return err = EINVAL, m;
  }
  out.named = s.finish();
  return {};
}

}  // namespace

std::unique_ptr<Family> make_btrfs_family(LinuxSource& src) {
  return std::make_unique<BtrfsFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
