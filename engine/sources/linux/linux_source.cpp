// engine/sources/linux/linux_source.cpp — the Linux live source: /proc, /sys and
// /proc/spl/kstat mapped to illumos kstat names where the meaning is the same,
// Linux names where it is not. Every mapping decision is stated in
// docs/linux-mapping.md; the comments here say only why the code is shaped as
// it is.
//
// This file is the source itself: roots, clock, the per-generation file
// cache, kstat ids, and the dispatch of listing and reading to the families
// (families.cpp lists them; each lives in its own file). Each /proc file is
// read at most once per generation: texts are cached until
// begin_generation() drops them. changed() is always true: procfs has no
// chain id, and listing a family is cheap enough to redo.
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "engine/posix_error.hpp"
#include "engine/sources/linux/linux_source.hpp"
#include "engine/sources/linux/procfs.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

namespace linuxsrc {

namespace {
using procfs::fields;
using procfs::parse_u64;
}  // namespace

KstatHeader& Lister::add(std::string_view module, std::int64_t instance, std::string_view name,
                         std::string_view klass, KstatType type, std::uint32_t kind,
                         std::optional<std::int64_t> kid) {
  KstatHeader h;
  h.module = arena_.copy(module);
  h.name = arena_.copy(name);
  h.klass = arena_.copy(klass);
  h.instance = instance;
  h.id = src_.id_for(part_, fmt::format("{}:{}:{}", module, instance, name), kid);
  h.type = type;
  h.cookie = (static_cast<std::uint64_t>(part_) << 32) | kind;
  out_.push_back(h);
  return out_.back();
}

const std::string& Family::proc() const noexcept {
  return src_.proc();
}
const std::string& Family::sys() const noexcept {
  return src_.sys();
}
std::uint64_t Family::hz() const noexcept {
  return src_.hz();
}
std::uint64_t Family::page_size() const noexcept {
  return src_.page_size();
}
std::int64_t Family::now() const {
  return src_.now();
}
std::uint64_t Family::generation() const noexcept {
  return src_.generation();
}
TextFile Family::read_text(std::string path, int& err, KstatData* stamp) {
  return src_.read_text(std::move(path), err, stamp);
}
const CachedFile& Family::file(const std::string& path) {
  return src_.file(path);
}
void Family::keep_file(const std::string& path, CachedFile f) {
  src_.keep_file(path, std::move(f));
}

LinuxSource::LinuxSource(std::string proc_root, std::string sys_root,
                         std::function<std::int64_t()> clock)
    : proc_(std::move(proc_root)), sys_(std::move(sys_root)), clock_(std::move(clock)) {
  long hz = ::sysconf(_SC_CLK_TCK);
  long page = ::sysconf(_SC_PAGESIZE);
  hz_ = hz > 0 ? static_cast<std::uint64_t>(hz) : 100;
  page_size_ = page > 0 ? static_cast<std::uint64_t>(page) : 4096;
  families_ = make_families(*this);
  ids_.resize(families_.size());
  for (const auto& f : families_) {
    scopes_.push_back(f->scope());
    if (!f->has_io()) scopes_.back().not_types.push_back(KstatType::io);
  }
  exclude_owned_keys();
}

// A family that cannot name its modules (disks: the driver's name; SPL: the
// kernel module's) never uses a module another family names; one that cannot
// name its kstats (kmem caches under unix) never uses a name that another
// family of a shared module names. So a point query skips both.
void LinuxSource::exclude_owned_keys() {
  auto add_new = [](std::vector<std::string>& to, const std::string& v) {
    if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
  };
  for (std::size_t p = 0; p < scopes_.size(); ++p) {
    PartScope& s = scopes_[p];
    for (std::size_t q = 0; q < scopes_.size(); ++q) {
      if (q == p) continue;
      const PartScope& o = scopes_[q];
      if (s.modules.empty())
        for (const std::string& m : o.modules) add_new(s.not_modules, m);
      const bool shares_module =
          s.modules.empty() || o.modules.empty() ||
          std::any_of(s.modules.begin(), s.modules.end(), [&o](const std::string& m) {
            return std::find(o.modules.begin(), o.modules.end(), m) != o.modules.end();
          });
      if (s.names.empty() && shares_module)
        for (const std::string& n : o.names) add_new(s.not_names, n);
    }
  }
}

LinuxSource::~LinuxSource() = default;

std::string LinuxSource::description() const {
  if (proc_ == "/proc" && sys_ == "/sys") return "live Linux (/proc, /sys)";
  return fmt::format("Linux tree ({}, {})", proc_, sys_);
}

const CachedFile& LinuxSource::file(const std::string& path) {
  auto it = cache_.find(path);
  if (it != cache_.end() && it->second.complete) return it->second;
  CachedFile f;
  f.err = procfs::read_file(path, f.text);
  f.snaptime = now();
  return cache_.insert_or_assign(path, std::move(f)).first->second;
}

TextFile LinuxSource::read_text(std::string path, int& err, KstatData* stamp) {
  const CachedFile& f = file(path);
  TextFile out;
  out.snaptime = f.snaptime;
  if (f.err != 0) {
    err = f.err;
    out.error = procfs::read_error(path, f.err);
  } else {
    out.text = &f.text;
    if (stamp != nullptr) stamp->snaptime = f.snaptime;
  }
  out.path = std::move(path);
  return out;
}

std::int64_t LinuxSource::id_for(std::size_t part, const std::string& key,
                                 std::optional<std::int64_t> kid) {
  Ids& ids = ids_.at(part);
  auto it = ids.last.find(key);
  const std::int64_t id = kid ? *kid : it != ids.last.end() ? it->second : next_id_++;
  ids.next[key] = id;
  return id;
}

void LinuxSource::enumerate_part(std::size_t p, Arena& arena, std::vector<KstatHeader>& out) {
  Ids& ids = ids_.at(p);
  ids.next.clear();
  Lister lister(*this, p, arena, out);
  families_.at(p)->enumerate(lister);
  ids.last.swap(ids.next);
}

void LinuxSource::enumerate(Arena& arena, std::vector<KstatHeader>& out) {
  for (std::size_t p = 0; p < families_.size(); ++p) enumerate_part(p, arena, out);
}

void LinuxSource::read(const KstatHeader& h, Arena& arena, KstatData& out) {
  out = KstatData{};
  int err = EINVAL;
  std::string msg;
  const std::size_t part = static_cast<std::size_t>(h.cookie >> 32);
  if (part < families_.size()) {
    msg = families_[part]->read(h, static_cast<std::uint32_t>(h.cookie & 0xffffffffu), arena, out,
                                err);
  } else {
    msg = fmt::format("{}:{}:{}: not a kstat of this source", h.module, h.instance, h.name);
    err = ENOENT;
  }
  if (!msg.empty()) {
    KstatData failed;
    set_read_error(failed, arena, err, msg);
    out = failed;
  } else {
    out.ndata = out.ndata != 0 ? out.ndata : static_cast<std::uint32_t>(out.named.size());
    if (out.data_size == 0) out.data_size = 48 * out.named.size();  // sizeof (kstat_named_t)
  }
}

std::int64_t tree_time(const std::string& proc_root) {
  std::string t;
  if (procfs::read_file(proc_root + "/uptime", t) == 0) {
    auto f = fields(std::string_view(t).substr(0, t.find('\n')));
    auto ns = f.empty() ? std::nullopt : procfs::parse_fixed(f[0], 1000000000, false);
    if (ns && *ns <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(*ns);
  }
  struct stat st {};
  if (procfs::read_file(proc_root + "/stat", t) != 0 ||
      ::stat((proc_root + "/stat").c_str(), &st) != 0)
    return 0;
  std::optional<std::uint64_t> btime;
  procfs::for_each_line(t, [&](std::string_view line, std::size_t) {
    auto f = fields(line);
    if (f.size() >= 2 && f[0] == "btime") btime = parse_u64(f[1]);
    return !btime;
  });
  const auto mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec);
  if (!btime || *btime > static_cast<std::uint64_t>(INT64_MAX / 1000000000) ||
      mtime <= static_cast<std::int64_t>(*btime))
    return 0;
  return (mtime - static_cast<std::int64_t>(*btime)) * 1000000000 + st.st_mtim.tv_nsec;
}

std::string parse_meminfo(std::string_view t, const std::string& path,
                          std::vector<MeminfoEntry>& out) {
  std::string msg;
  procfs::for_each_line(t, [&](std::string_view line, std::size_t no) {
    if (procfs::trim(line).empty()) return true;
    std::size_t colon = line.find(':');
    auto f = fields(colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1));
    std::optional<std::uint64_t> parsed;
    if (!f.empty()) parsed = parse_u64(f[0]);
    if (colon == 0 || !parsed || f.size() > 2 || (f.size() == 2 && f[1] != "kB")) {
      msg = fmt::format("{}:{}: expected 'Key: value [kB]'", path, no);
      return false;
    }
    bool kb = f.size() == 2;
    const std::uint64_t v = parsed.value_or(0);
    if (kb && v > UINT64_MAX / 1024) {
      msg = fmt::format("{}:{}: value out of range", path, no);
      return false;
    }
    out.push_back({line.substr(0, colon), kb ? v * 1024 : v, kb});
    return true;
  });
  return msg;
}

void LinuxSource::warn(const std::string& path, std::string message) {
  std::lock_guard<std::mutex> lock(warn_mu_);
  if (message.empty()) {
    warnings_.erase(path);
  } else {
    warnings_.insert_or_assign(path, std::move(message));
  }
}

std::string LinuxSource::warnings() const {
  std::lock_guard<std::mutex> lock(warn_mu_);
  std::string out;
  for (const auto& [path, w] : warnings_) {
    if (!out.empty()) out += '\n';
    out += w;
  }
  return out;
}

}  // namespace linuxsrc

std::shared_ptr<Source> make_linux_source(std::string proc_root, std::string sys_root,
                                          std::function<std::int64_t()> clock) {
  return std::make_shared<linuxsrc::LinuxSource>(std::move(proc_root), std::move(sys_root),
                                                 std::move(clock));
}

std::shared_ptr<Source> make_linux_source(std::string proc_root, std::string sys_root) {
  if (proc_root == "/proc" && sys_root == "/sys")
    return make_linux_source(std::move(proc_root), std::move(sys_root),
                             [] { return procfs::monotonic_ns(); });
  return make_linux_source(std::move(proc_root), std::move(sys_root), nullptr);
}

}  // namespace kstatsql::engine
