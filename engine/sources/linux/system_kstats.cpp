// engine/sources/linux/system_kstats.cpp — unix:0:system_misc, unix:0:system_pages
// (illumos names from /proc/stat, /proc/loadavg, /proc/uptime, /proc/meminfo)
// and linux:0:stat, linux:0:meminfo, linux:0:vmstat (everything else, under
// Linux names). docs/linux-mapping.md says what each statistic means.
#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

enum class Kind : std::uint32_t { system_misc, system_pages, stat, meminfo, vmstat };

class SystemFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override {
    return {{"unix", "linux"}, {"system_misc", "system_pages", "stat", "meminfo", "vmstat"}, {"misc", "pages"}, {}};
  }

  void enumerate(Lister& out) override {
    out.add("unix", 0, "system_misc", "misc", KstatType::named, Kind::system_misc);
    out.add("unix", 0, "system_pages", "pages", KstatType::named, Kind::system_pages);
    out.add("linux", 0, "stat", "misc", KstatType::named, Kind::stat);
    if (procfs::exists(proc() + "/meminfo")) out.add("linux", 0, "meminfo", "misc", KstatType::named, Kind::meminfo);
    if (procfs::exists(proc() + "/vmstat")) out.add("linux", 0, "vmstat", "misc", KstatType::named, Kind::vmstat);
  }

  std::string read(const KstatHeader&, std::uint32_t kind, Arena& arena, KstatData& out, int& err) override {
    switch (static_cast<Kind>(kind)) {
      case Kind::system_misc: return read_system_misc(arena, out, err);
      case Kind::system_pages: return read_system_pages(arena, out, err);
      case Kind::stat: return read_stat(arena, out, err);
      case Kind::meminfo: return read_meminfo(arena, out, err);
      case Kind::vmstat: return read_vmstat(arena, out, err);
    }
    return err = ENOENT, "not a kstat of this family";
  }

 private:
  std::string read_system_misc(Arena& arena, KstatData& out, int& err);
  std::string read_system_pages(Arena& arena, KstatData& out, int& err);
  std::string read_stat(Arena& arena, KstatData& out, int& err);
  std::string read_meminfo(Arena& arena, KstatData& out, int& err);
  std::string read_vmstat(Arena& arena, KstatData& out, int& err);
  std::uint64_t count_processes() const;
};

}  // namespace

std::string SystemFamily::read_meminfo(Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/meminfo", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  std::string msg;
  std::vector<MeminfoEntry> entries;
  if (msg = parse_meminfo(*in.text, path, entries); !msg.empty()) return msg;
  StatList s(arena);
  for (const auto& e : entries) s.add_u64(e.key, e.value, e.bytes ? Unit::bytes : Unit::none);
  out.named = s.finish();
  return {};
}

std::string SystemFamily::read_system_pages(Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/meminfo", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  std::string msg;
  std::vector<MeminfoEntry> entries;
  if (msg = parse_meminfo(*in.text, path, entries); !msg.empty()) return msg;
  auto find = [&](std::string_view key) -> const MeminfoEntry* {
    for (const auto& e : entries)
      if (e.key == key) return &e;
    return nullptr;
  };
  const MeminfoEntry* total = find("MemTotal");
  const MeminfoEntry* free = find("MemFree");
  const MeminfoEntry* avail = find("MemAvailable");
  if (total == nullptr || free == nullptr)
    return fmt::format("{}: no MemTotal or MemFree line", path);
  auto pages = [&](const MeminfoEntry* e) { return e->bytes ? e->value / page_size() : e->value; };
  StatList s(arena);  // illumos order: physmem … freemem availrmem … pagesfree … pagestotal
  s.add_u64("physmem", pages(total), Unit::pages);
  s.add_u64("freemem", pages(free), Unit::pages);
  if (avail != nullptr) s.add_u64("availrmem", pages(avail), Unit::pages);
  s.add_u64("pagesfree", pages(free), Unit::pages);
  s.add_u64("pagestotal", pages(total), Unit::pages);
  out.named = s.finish();
  return {};
}

std::string SystemFamily::read_vmstat(Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/vmstat", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  std::string msg;
  StatList s(arena);
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty()) return true;
    if (f.size() == 2) {
      if (auto u = parse_u64(f[1])) return s.add_u64(f[0], *u), true;
      if (auto i = procfs::parse_i64(f[1])) return s.add_i64(f[0], *i), true;
    }
    msg = fmt::format("{}:{}: expected 'name value'", path, no);
    return false;
  });
  if (!msg.empty()) return msg;
  out.named = s.finish();
  return {};
}

// Totals from /proc/stat that illumos keeps per CPU (intr, pswitch, sysfork):
// Linux has no per-CPU split, so they live here under their Linux names.
std::string SystemFamily::read_stat(Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/stat", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  std::string msg;
  StatList s(arena);
  static constexpr std::string_view kKeys[] = {"intr", "ctxt", "btime", "processes",
                                              "procs_running", "procs_blocked", "softirq"};
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty() || std::find(std::begin(kKeys), std::end(kKeys), f[0]) == std::end(kKeys)) return true;
    auto v = f.size() >= 2 ? parse_u64(f[1]) : std::nullopt;  // intr/softirq: the total comes first
    if (!v) {
      msg = fmt::format("{}:{}: expected a number after '{}'", path, no, f[0]);
      return false;
    }
    s.add_u64(f[0], *v);
    return true;
  });
  if (!msg.empty()) return msg;
  out.named = s.finish();
  return {};
}

std::uint64_t SystemFamily::count_processes() const {
  std::vector<std::string> names;
  if (procfs::list_dir(proc(), names) != 0) return 0;
  std::uint64_t n = 0;
  for (const std::string& name : names)
    if (parse_u64(name) && procfs::is_dir(proc() + "/" + name)) ++n;
  return n;
}

std::string SystemFamily::read_system_misc(Arena& arena, KstatData& out, int& err) {
  const TextFile stat_file = read_text(proc() + "/stat", err);
  if (!stat_file) return stat_file.error;
  const TextFile load_file = read_text(proc() + "/loadavg", err);
  if (!load_file) return load_file.error;
  const TextFile up_file = read_text(proc() + "/uptime", err);
  if (!up_file) return up_file.error;
  const std::string &stat_path = stat_file.path, &load_path = load_file.path, &up_path = up_file.path;
  const std::string *stat = stat_file.text, *load = load_file.text, *up = up_file.text;
  std::uint64_t ncpus = 0;
  std::optional<std::uint64_t> btime;
  procfs::for_each_line(*stat, [&](std::string_view line, std::size_t) {
    auto f = fields(line);
    if (f.size() >= 2 && f[0] == "btime") btime = parse_u64(f[1]);
    if (!f.empty() && f[0].size() > 3 && f[0].substr(0, 3) == "cpu" && parse_u64(f[0].substr(3))) ++ncpus;
    return true;
  });
  if (!btime) return fmt::format("{}: no valid 'btime' line", stat_path);
  auto lf = fields(std::string_view(*load).substr(0, load->find('\n')));
  std::optional<std::uint64_t> avg[3];
  for (std::size_t i = 0; i < 3 && i < lf.size(); ++i) avg[i] = procfs::parse_fixed(lf[i], 256, true);
  if (!avg[0] || !avg[1] || !avg[2])
    return fmt::format("{}:1: expected three load averages", load_path);
  auto uf = fields(std::string_view(*up).substr(0, up->find('\n')));
  auto ticks = uf.empty() ? std::nullopt : procfs::parse_fixed(uf[0], hz(), false);
  if (!ticks) return fmt::format("{}:1: expected seconds since boot", up_path);
  StatList s(arena);  // illumos: all UINT32; deficit and vac have no Linux meaning
  s.add_u32("ncpus", ncpus);
  s.add_u32("lbolt", *ticks);
  s.add_u32("clk_intr", *ticks);
  s.add_u32("nproc", count_processes());
  s.add_u32("avenrun_1min", *avg[0]);
  s.add_u32("avenrun_5min", *avg[1]);
  s.add_u32("avenrun_15min", *avg[2]);
  s.add_u32("boot_time", *btime);
  s.add_u32("nsec_per_tick", 1000000000ULL / hz());
  out.named = s.finish();
  out.snaptime = now();
  return {};
}

std::unique_ptr<Family> make_system_family(LinuxSource& src) { return std::make_unique<SystemFamily>(src); }

}  // namespace kstatsql::engine::linuxsrc
