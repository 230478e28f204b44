// engine/sources/linux/cgroups.cpp — cgroup:0:<path> (class `cgroup`): one
// kstat per cgroup of the cgroup2 hierarchy, named by its path from the
// hierarchy's root ("/", "/system.slice/ssh.service"), the path
// /proc/<pid>/cgroup prints on its "0::" line. Statistics keep the kernel's
// names, prefixed by their file's controller (cpu.stat usage_usec →
// cpu_usage_ns); times become ns, amounts bytes.
//
// The hierarchy is the cgroup2 mount at <sys>/fs/cgroup (unified mode) or
// <sys>/fs/cgroup/unified (hybrid mode, next to the v1 controllers). The walk
// is bounded: kMaxDepth levels below the root, kMaxCgroups kstats.
// Each file feeds only its own statistics: a controller that is not enabled
// has no file, and its statistics are absent; a file that does not parse is
// the kstat's error ("path:line: what"). docs/linux-mapping.md ("cgroup v2").
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/pressure.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxCgroups = 10000;
// "max" in memory.max, memory.high, pids.max …: no limit.
constexpr std::uint64_t kNoLimit = UINT64_MAX;

std::string_view first_line(std::string_view t) {
  return procfs::trim(t.substr(0, t.find('\n')));
}
bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Single-value files: "<file>" → statistic, unit.
struct ValueFile {
  const char* file;
  const char* stat;
  Unit unit;
};
constexpr ValueFile kValueFiles[] = {
    {"memory.current", "memory_current", Unit::bytes},
    {"memory.max", "memory_max", Unit::bytes},
    {"memory.high", "memory_high", Unit::bytes},
    {"memory.peak", "memory_peak", Unit::bytes},
    {"memory.swap.current", "memory_swap_current", Unit::bytes},
    {"memory.swap.max", "memory_swap_max", Unit::bytes},
    {"pids.current", "pids_current", Unit::none},
    {"pids.max", "pids_max", Unit::none},
};

// memory.stat keys that count events or pages, not bytes.
bool memory_stat_is_count(std::string_view key) {
  for (std::string_view p : {"pg", "workingset_", "thp_", "numa_", "pswp", "swpin_", "swpout_",
                             "zswpin", "zswpout", "zswpwb", "zswap_wb"})
    if (starts_with(key, p)) return true;
  return false;
}

class CgroupFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"cgroup"}, {}, {"cgroup"}, {}}; }
  void enumerate(Lister& out) override;
  std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override;

 private:
  std::string root() const;
  // Each returns "" or the file's error; a missing file adds nothing.
  std::string add_cpu_stat(const std::string& dir, StatList& s, KstatData& out);
  std::string add_flat(const std::string& dir, const char* file, std::string_view prefix,
                       StatList& s, KstatData& out);
  std::string add_value(const std::string& dir, const ValueFile& vf, StatList& s, KstatData& out);
  std::string add_io(const std::string& dir, StatList& s, KstatData& out);
  std::string add_pressure(const std::string& dir, std::string_view ctl, StatList& s,
                           KstatData& out);
};

// The cgroup2 root: the unified mount, or the hybrid layout's "unified".
std::string CgroupFamily::root() const {
  for (const char* rel : {"/fs/cgroup", "/fs/cgroup/unified"}) {
    std::string dir = sys() + rel;
    if (procfs::exists(dir + "/cgroup.controllers")) return dir;
  }
  return {};
}

void CgroupFamily::enumerate(Lister& out) {
  const std::string top = root();
  if (top.empty()) return;
  namespace fs = std::filesystem;
  // Depth first, children sorted, so the listing order is stable.
  std::vector<std::pair<std::string, int>> todo{{"/", 0}};
  std::size_t listed = 0;
  while (!todo.empty() && listed < kMaxCgroups) {
    auto [path, depth] = todo.back();
    todo.pop_back();
    out.add("cgroup", 0, path, "cgroup", KstatType::named, 0u);
    ++listed;
    if (depth >= kMaxDepth) continue;
    std::vector<std::string> children;
    std::error_code ec;
    for (fs::directory_iterator it(top + path, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_directory(ec) && !it->is_symlink(ec))
        children.push_back(it->path().filename().string());
    std::sort(children.rbegin(), children.rend());  // popped in ascending order
    for (const std::string& c : children)
      todo.emplace_back(path == "/" ? "/" + c : path + "/" + c, depth + 1);
  }
}

std::string CgroupFamily::read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                               int& err) {
  const std::string top = root();
  const std::string dir = top + std::string(h.name) + (h.name == "/" ? "" : "/");
  if (top.empty() || !procfs::is_dir(dir))
    return err = ENOENT, fmt::format("{}: no such cgroup", dir);
  StatList s(arena);
  std::string msg = add_cpu_stat(dir, s, out);
  for (const ValueFile& vf : kValueFiles)
    if (msg.empty()) msg = add_value(dir, vf, s, out);
  if (msg.empty()) msg = add_flat(dir, "memory.stat", "memory_", s, out);
  if (msg.empty()) msg = add_flat(dir, "memory.events", "memory_events_", s, out);
  if (msg.empty()) msg = add_io(dir, s, out);
  for (std::string_view ctl : {"cpu", "memory", "io"})
    if (msg.empty()) msg = add_pressure(dir, ctl, s, out);
  if (!msg.empty()) return err = EINVAL, msg;
  out.named = s.finish();
  if (out.snaptime == 0) out.snaptime = now();
  return {};
}

// The "key value" lines of a flat-keyed file, each passed to add(key, value).
// Returns "" or "path:line: expected 'key value'".
template <typename Add>
std::string each_key_value(const TextFile& in, Add add) {
  std::string msg;
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty()) return true;
    auto v = f.size() == 2 ? parse_u64(f[1]) : std::nullopt;
    if (!v) return msg = fmt::format("{}:{}: expected 'key value'", in.path, no), false;
    add(f[0], *v);
    return true;
  });
  return msg;
}

// cpu.stat: "key value" lines; *_usec become cpu_*_ns.
std::string CgroupFamily::add_cpu_stat(const std::string& dir, StatList& s, KstatData& out) {
  int file_err = 0;
  const TextFile in = read_text(dir + "cpu.stat", file_err, &out);
  if (!in) return {};
  return each_key_value(in, [&s](std::string_view key, std::uint64_t v) {
    if (ends_with(key, "_usec") && v <= UINT64_MAX / 1000)
      s.add_u64(fmt::format("cpu_{}_ns", key.substr(0, key.size() - 5)), v * 1000, Unit::ns);
    else
      s.add_u64(fmt::format("cpu_{}", key), v);
  });
}

// A flat-keyed file ("key value" lines) as <prefix><key>.
std::string CgroupFamily::add_flat(const std::string& dir, const char* file,
                                   std::string_view prefix, StatList& s, KstatData& out) {
  int file_err = 0;
  const TextFile in = read_text(dir + file, file_err, &out);
  if (!in) return {};
  const bool stat = std::string_view(file) == "memory.stat";
  return each_key_value(in, [&](std::string_view key, std::uint64_t v) {
    s.add_u64(fmt::format("{}{}", prefix, key), v,
              stat && !memory_stat_is_count(key) ? Unit::bytes : Unit::none);
  });
}

// memory.max, pids.max …: a number, or "max" (no limit) → kNoLimit.
std::string CgroupFamily::add_value(const std::string& dir, const ValueFile& vf, StatList& s,
                                    KstatData& out) {
  int file_err = 0;
  const TextFile in = read_text(dir + vf.file, file_err, &out);
  if (!in) return {};
  const std::string_view t = first_line(*in.text);
  auto v = t == "max" ? std::optional<std::uint64_t>(kNoLimit) : parse_u64(t);
  if (!v) return fmt::format("{}:1: expected a number or 'max'", in.path);
  s.add_u64(vf.stat, *v, vf.unit);
  return {};
}

// io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per
// device, summed over the devices (the per-device split is on the disk kstats).
std::string CgroupFamily::add_io(const std::string& dir, StatList& s, KstatData& out) {
  int file_err = 0;
  const TextFile in = read_text(dir + "io.stat", file_err, &out);
  if (!in) return {};
  static constexpr std::string_view kKeys[] = {"rbytes", "wbytes", "rios",
                                               "wios",   "dbytes", "dios"};
  std::uint64_t sum[6] = {};
  bool seen[6] = {};
  std::string msg;
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty()) return true;
    bool ok = f[0].find(':') != std::string_view::npos;
    for (std::size_t i = 1; ok && i < f.size(); ++i) {
      const std::size_t eq = f[i].find('=');
      auto v = eq == std::string_view::npos ? std::nullopt : parse_u64(f[i].substr(eq + 1));
      ok = v.has_value();
      const auto k = std::find(std::begin(kKeys), std::end(kKeys), f[i].substr(0, ok ? eq : 0));
      if (ok && k != std::end(kKeys))
        sum[k - std::begin(kKeys)] += *v, seen[k - std::begin(kKeys)] = true;
    }
    if (!ok) msg = fmt::format("{}:{}: expected 'MAJ:MIN key=value …'", in.path, no);
    return ok;
  });
  if (!msg.empty()) return msg;
  for (std::size_t i = 0; i < 6; ++i)
    if (seen[i])
      s.add_u64(fmt::format("io_{}", kKeys[i]), sum[i],
                ends_with(kKeys[i], "bytes") ? Unit::bytes : Unit::none);
  return {};
}

// <ctl>.pressure: "some|full avg10=A avg60=B avg300=C total=µs".
std::string CgroupFamily::add_pressure(const std::string& dir, std::string_view ctl, StatList& s,
                                       KstatData& out) {
  int file_err = 0;
  const TextFile in = read_text(fmt::format("{}{}.pressure", dir, ctl), file_err, &out);
  if (!in) return {};
  return parse_pressure(*in.text, in.path, fmt::format("{}_", ctl), s);
}

}  // namespace

std::unique_ptr<Family> make_cgroup_family(LinuxSource& src) {
  return std::make_unique<CgroupFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
