// engine/sources/linux/system_kstats.cpp — unix:0:system_misc, unix:0:system_pages
// (illumos names from /proc/stat, /proc/loadavg, /proc/uptime, /proc/meminfo)
// and linux:0:stat, linux:0:meminfo, linux:0:vmstat (everything else, under
// Linux names). docs/linux-mapping.md says what each statistic means.
#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "engine/sources/linux/cpu_tables.hpp"
#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

constexpr const char* kAvenrun[] = {"avenrun_1min", "avenrun_5min", "avenrun_15min"};

// What unix:0:system_misc takes from each file; a value stays empty when its
// file could not be read.
struct MiscValues {
  std::optional<std::uint64_t> ncpus, btime, ticks, running, threads, last_pid;
  std::optional<std::uint64_t> avg[3];
};

// /proc/stat: the cpuN lines (each CPU once, as cpu:N:sys lists them) and btime.
std::string parse_stat_misc(const TextFile& f, MiscValues& v) {
  procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t) {
    auto l = fields(line);
    if (l.size() >= 2 && l[0] == "btime") v.btime = parse_u64(l[1]);
    return true;
  });
  if (!v.btime) return fmt::format("{}: no valid 'btime' line", f.path);
  StatCpus cpus;
  parse_stat_cpus(*f.text, f.path, cpus);
  if (!cpus.error.empty()) return cpus.error;
  v.ncpus = cpus.cpus.size();
  return {};
}

// /proc/loadavg: "1.00 0.50 0.25 running/total last_pid". The last two
// fields are optional (absent: left out); present, they must parse.
std::string parse_loadavg(const TextFile& f, MiscValues& v) {
  auto l = fields(std::string_view(*f.text).substr(0, f.text->find('\n')));
  for (std::size_t i = 0; i < 3 && i < l.size(); ++i)
    v.avg[i] = procfs::parse_fixed(l[i], 256, true);
  if (!v.avg[0] || !v.avg[1] || !v.avg[2])
    return fmt::format("{}:1: expected three load averages", f.path);
  if (l.size() < 5) return {};
  const std::size_t slash = l[3].find('/');
  if (slash != std::string_view::npos) {
    v.running = parse_u64(l[3].substr(0, slash));
    v.threads = parse_u64(l[3].substr(slash + 1));
  }
  v.last_pid = parse_u64(l[4]);
  if (!v.running || !v.threads || !v.last_pid)
    return fmt::format("{}:1: expected 'running/total last_pid' after the load averages", f.path);
  return {};
}

// /proc/uptime: seconds since boot, as USER_HZ ticks.
std::string parse_uptime_ticks(const TextFile& f, std::uint64_t hz, MiscValues& v) {
  auto l = fields(std::string_view(*f.text).substr(0, f.text->find('\n')));
  v.ticks = l.empty() ? std::nullopt : procfs::parse_fixed(l[0], hz, false);
  if (!v.ticks) return fmt::format("{}:1: expected seconds since boot", f.path);
  return {};
}

enum class Kind : std::uint32_t { system_misc, system_pages, stat, meminfo, vmstat };

class SystemFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override {
    return {{"unix", "linux"},
            {"system_misc", "system_pages", "stat", "meminfo", "vmstat"},
            {"misc", "pages"},
            {}};
  }

  void enumerate(Lister& out) override {
    out.add("unix", 0, "system_misc", "misc", KstatType::named, Kind::system_misc);
    out.add("unix", 0, "system_pages", "pages", KstatType::named, Kind::system_pages);
    out.add("linux", 0, "stat", "misc", KstatType::named, Kind::stat);
    if (procfs::exists(proc() + "/meminfo"))
      out.add("linux", 0, "meminfo", "misc", KstatType::named, Kind::meminfo);
    if (procfs::exists(proc() + "/vmstat"))
      out.add("linux", 0, "vmstat", "misc", KstatType::named, Kind::vmstat);
  }

  std::string read(const KstatHeader&, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    switch (static_cast<Kind>(kind)) {
      case Kind::system_misc:
        return read_system_misc(arena, out, err);
      case Kind::system_pages:
        return read_system_pages(arena, out, err);
      case Kind::stat:
        return read_stat(arena, out, err);
      case Kind::meminfo:
        return read_meminfo(arena, out, err);
      case Kind::vmstat:
        return read_vmstat(arena, out, err);
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
  std::string parse_uptime(const TextFile& f, MiscValues& v) const {
    return parse_uptime_ticks(f, hz(), v);
  }
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
  static constexpr std::string_view kKeys[] = {
      "intr", "ctxt", "btime", "processes", "procs_running", "procs_blocked", "softirq"};
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty() || std::find(std::begin(kKeys), std::end(kKeys), f[0]) == std::end(kKeys))
      return true;
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

// Each file feeds only its own statistics: one that cannot be read (missing,
// EACCES) leaves them out and the kstat keeps the others; one that reads but
// does not parse is the kstat's error ("path:line: what"). /proc/stat is
// always there (the source cannot list without it).
std::string SystemFamily::read_system_misc(Arena& arena, KstatData& out, int& err) {
  MiscValues v;
  std::string msg;
  int file_err = 0;
  if (const TextFile f = read_text(proc() + "/stat", file_err);
      f && !(msg = parse_stat_misc(f, v)).empty())
    return err = EINVAL, msg;
  if (const TextFile f = read_text(proc() + "/loadavg", file_err);
      f && !(msg = parse_loadavg(f, v)).empty())
    return err = EINVAL, msg;
  if (const TextFile f = read_text(proc() + "/uptime", file_err);
      f && !(msg = parse_uptime(f, v)).empty())
    return err = EINVAL, msg;
  StatList s(arena);  // illumos: all UINT32; deficit and vac have no Linux meaning
  if (v.ncpus) s.add_u32("ncpus", *v.ncpus);
  if (v.ticks) s.add_u32("lbolt", *v.ticks);
  if (v.ticks) s.add_u32("clk_intr", *v.ticks);
  s.add_u32("nproc", count_processes());
  for (int i = 0; i < 3; ++i)
    if (v.avg[i]) s.add_u32(kAvenrun[i], *v.avg[i]);
  if (v.btime) s.add_u32("boot_time", *v.btime);
  s.add_u32("nsec_per_tick", 1000000000ULL / hz());
  // Linux-only, from /proc/loadavg's "running/total last_pid".
  if (v.running) s.add_u32("nr_running", *v.running);
  if (v.threads) s.add_u32("nr_threads", *v.threads);
  if (v.last_pid) s.add_u32("last_pid", *v.last_pid);
  out.named = s.finish();
  out.snaptime = now();
  return {};
}

std::unique_ptr<Family> make_system_family(LinuxSource& src) {
  return std::make_unique<SystemFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
