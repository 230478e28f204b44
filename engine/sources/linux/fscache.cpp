// engine/sources/linux/fscache.cpp — /proc/fs/fscache/stats as one kstat
// fscache:0:stats (class misc): every "Group: key=value …" pair becomes the
// statistic <group>_<key> (lower case: cookies_n, acquire_ok, io_rd, …), so
// both the pre-5.17 and the netfs-era layouts are read without a table.
// docs/linux-mapping.md, "Storage".
#include <cerrno>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::StatList;

std::string lower(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = text::ascii_lower(c);
  return out;
}

// Parses the whole file into `s`; returns "" or "path:line: what".
std::string parse_fscache(std::string_view text, const std::string& path, StatList& s) {
  std::string msg;
  std::unordered_set<std::string> seen;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return true;  // the "FS-Cache statistics" title
    const std::string group = lower(procfs::trim(line.substr(0, colon)));
    for (std::string_view kv : fields(line.substr(colon + 1))) {
      const std::size_t eq = kv.find('=');
      auto v = eq == std::string_view::npos ? std::nullopt : procfs::parse_u64(kv.substr(eq + 1));
      if (group.empty() || !v) {
        msg = fmt::format("{}:{}: expected 'Group: key=number ...', found '{}'", path, no, kv);
        return false;
      }
      std::string name = group + "_" + lower(kv.substr(0, eq));
      if (seen.insert(name).second) s.add_u64(name, *v);
    }
    return true;
  });
  if (msg.empty() && s.size() == 0)
    msg = fmt::format("{}:1: no 'Group: key=value' lines (truncated?)", path);
  return msg;
}

class FscacheFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"fscache"}, {"stats"}, {"misc"}, {}, {}}; }

  void enumerate(Lister& out) override {
    if (procfs::exists(proc() + "/fs/fscache/stats"))
      out.add("fscache", 0, "stats", "misc", KstatType::named, 0u);
  }

  std::string read(const KstatHeader&, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile in = read_text(proc() + "/fs/fscache/stats", err, &out);
    if (!in) return in.error;
    StatList s(arena);
    if (std::string msg = parse_fscache(*in.text, in.path, s); !msg.empty())
      return err = EINVAL, msg;
    out.named = s.finish();
    return {};
  }
};

}  // namespace

std::unique_ptr<Family> make_fscache_family(LinuxSource& src) {
  return std::make_unique<FscacheFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
