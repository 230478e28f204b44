// engine/sources/linux/spl_kstats.cpp — /proc/spl/kstat/<module>/<name>: ZFS and
// SPL kstats as the kernel publishes them (SPL type codes mapped to kstat
// types). An SPL file's type and kid are in its first line, so listing reads
// a bounded prefix of each file; files that fit are kept for read().
#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

constexpr std::size_t kSplPrefix = 16 * 1024;  // bytes of an SPL file read by enumerate()
constexpr std::uint8_t kFlagNoHeaders = 0x80;  // SPL KSTAT_FLAG_NO_HEADERS

class SplFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {}; }
  void enumerate(Lister& out) override { walk(out, proc() + "/spl/kstat", "", 0); }
  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    return read_spl(h, arena, out, err);
  }

 private:
  void walk(Lister& out, const std::string& dir, const std::string& module, int depth);
  std::string read_spl(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
};

}  // namespace

void SplFamily::walk(Lister& out, const std::string& dir, const std::string& module, int depth) {
  std::vector<std::string> names;
  if (depth > 16 || procfs::list_dir(dir, names) != 0) return;
  for (const std::string& n : names) {
    std::string path = dir + "/" + n;
    if (procfs::is_dir(path)) {
      walk(out, path, module.empty() ? n : module + "/" + n, depth + 1);
      continue;
    }
    if (module.empty()) continue;  // SPL puts every kstat under a module directory
    CachedFile f;
    f.err = procfs::read_prefix(path, kSplPrefix, f.text, f.complete);
    f.snaptime = now();
    std::string_view first = std::string_view(f.text).substr(0, f.text.find('\n'));
    procfs::SplHeader sh;
    bool has_header = f.err == 0 && procfs::parse_spl_header(first, sh);
    out.add(module, 0, n, "misc", has_header ? static_cast<KstatType>(sh.type) : KstatType::raw, 0u,
            has_header ? std::optional<std::int64_t>(sh.kid) : std::nullopt);
    KstatHeader& h = out.back();
    if (has_header) {
      h.crtime = sh.crtime;
      h.flags = static_cast<std::uint8_t>(sh.flags);
      h.ndata = static_cast<std::uint32_t>(sh.ndata);
      h.data_size = sh.data_size;
    } else if (f.err == 0 && !procfs::looks_like_spl_header(first)) {
      h.flags = kFlagNoHeaders;
      if (f.complete) h.data_size = f.text.size();
    }
    keep_file(path, std::move(f));
  }
}

std::string SplFamily::read_spl(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(fmt::format("{}/spl/kstat/{}/{}", proc(), h.module, h.name), err);
  if (!in) return in.error;
  const std::string& path = in.path;
  KstatType type = KstatType::raw;
  if (std::string msg = procfs::parse_spl(*in.text, path, arena, out, type); !msg.empty())
    return err = EINVAL, msg;
  if (type != h.type)
    return err = EAGAIN,
           fmt::format("{}: kstat type changed since enumeration (re-created?)", path);
  if (out.snaptime == 0) out.snaptime = in.snaptime;  // no header: the time we read it
  return {};
}

std::unique_ptr<Family> make_spl_family(LinuxSource& src) {
  return std::make_unique<SplFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
