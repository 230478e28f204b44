// engine/sources/linux/linux_source.cpp — the Linux live source: /proc, /sys and
// /proc/spl/kstat mapped to illumos kstat names where the meaning is the same,
// Linux names where it is not. Every mapping decision is stated in
// docs/linux-mapping.md; the comments here say only why the code is shaped as
// it is.
//
// Cost model: enumerate() reads /proc/stat and /proc/diskstats (identity of
// CPUs and disks), lists /sys/class/net and walks /proc/spl/kstat (an SPL
// file's type and kid are in its first line, so a bounded prefix of each file
// is read; files that fit are kept for read()). read() parses only the kstat
// asked for. unix:0:sysinfo/vminfo/var and linux:0:pressure_* are in
// unix_kstats.cpp, the NFS kstats in nfs_mounts.cpp (linux_source.hpp lists who
// does what). Each /proc file is read at most once per generation: texts are
// cached until begin_generation()/enumerate() drops them. changed() is always
// true: procfs has no chain id, and enumeration is cheap enough to redo.
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/sources/linux/procfs.hpp"
#include "engine/sources/linux/linux_source.hpp"
#include "engine/posix_error.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

namespace linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

constexpr std::size_t kSplPrefix = 16 * 1024;  // bytes of an SPL file read by enumerate()
constexpr std::uint8_t kFlagNoHeaders = 0x80;  // SPL KSTAT_FLAG_NO_HEADERS

std::uint64_t ticks_to_ns(std::uint64_t ticks, std::uint64_t hz) {
  return ticks / hz * 1000000000ULL + ticks % hz * 1000000000ULL / hz;
}

// Name up to the first digit or '-': "loop0" → "loop", "nvme0n1" → "nvme", "dm-0" → "dm".
std::string name_stem(std::string_view dev) {
  std::size_t i = 0;
  while (i < dev.size() && !(dev[i] >= '0' && dev[i] <= '9') && dev[i] != '-') ++i;
  return std::string(i == 0 ? dev : dev.substr(0, i));
}

}  // namespace

LinuxSource::LinuxSource(std::string proc_root, std::string sys_root, std::function<std::int64_t()> clock)
    : proc_(std::move(proc_root)), sys_(std::move(sys_root)), clock_(std::move(clock)) {
  long hz = ::sysconf(_SC_CLK_TCK);
  long page = ::sysconf(_SC_PAGESIZE);
  hz_ = hz > 0 ? static_cast<std::uint64_t>(hz) : 100;
  page_size_ = page > 0 ? static_cast<std::uint64_t>(page) : 4096;
}

std::string LinuxSource::description() const {
  if (proc_ == "/proc" && sys_ == "/sys") return "live Linux (/proc, /sys)";
  return fmt::format("Linux tree ({}, {})", proc_, sys_);
}

const CachedFile& LinuxSource::file(const std::string& path) {
  auto it = cache_.find(path);
  if (it != cache_.end() && it->second.complete) return it->second;
  CachedFile f;
  f.err = procfs::read_file(path, f.text);
  f.snaptime = clock_();
  return cache_.insert_or_assign(path, std::move(f)).first->second;
}

LinuxSource::TextFile LinuxSource::read_text(std::string path, int& err, KstatData* stamp) {
  const CachedFile& f = file(path);
  TextFile out;
  out.snaptime = f.snaptime;
  if (f.err != 0) {
    err = f.err;
    out.error = errno_message(path, f.err);
  } else {
    out.text = &f.text;
    if (stamp != nullptr) stamp->snaptime = f.snaptime;
  }
  out.path = std::move(path);
  return out;
}

// Ids survive from one enumeration to the next while the kstat stays visible;
// a kstat that disappears and comes back gets a new id (it was re-created).
void LinuxSource::add(Arena& arena, std::vector<KstatHeader>& out, std::string_view module,
                      std::int64_t instance, std::string_view name, std::string_view klass,
                      KstatType type, Kind kind, std::optional<std::int64_t> kid) {
  std::string key = fmt::format("{}:{}:{}", module, instance, name);
  auto it = ids_.find(key);
  std::int64_t id = kid ? *kid : it != ids_.end() ? it->second : next_id_++;
  next_ids_[key] = id;
  KstatHeader h;
  h.module = arena.copy(module);
  h.name = arena.copy(name);
  h.klass = arena.copy(klass);
  h.instance = instance;
  h.id = id;
  h.type = type;
  h.cookie = static_cast<std::uint64_t>(kind);
  out.push_back(h);
}

void LinuxSource::enumerate(Arena& arena, std::vector<KstatHeader>& out) {
  cache_.clear();
  next_ids_.clear();
  int err = 0;
  const TextFile stat = read_text(proc_ + "/stat", err);
  if (!stat) throw Error(Errc::io, stat.error + " (is procfs mounted?)");
  procfs::for_each_line(*stat.text, [&](std::string_view line, std::size_t) {
    auto f = fields(line);
    if (!f.empty() && f[0].size() > 3 && f[0].substr(0, 3) == "cpu")
      if (auto n = parse_u64(f[0].substr(3)))
        add(arena, out, "cpu", static_cast<std::int64_t>(*n), "sys", "misc", KstatType::named, Kind::cpu);
    return true;
  });
  add(arena, out, "unix", 0, "system_misc", "misc", KstatType::named, Kind::system_misc);
  add(arena, out, "unix", 0, "system_pages", "pages", KstatType::named, Kind::system_pages);
  add(arena, out, "linux", 0, "stat", "misc", KstatType::named, Kind::stat);
  if (procfs::exists(proc_ + "/meminfo"))
    add(arena, out, "linux", 0, "meminfo", "misc", KstatType::named, Kind::meminfo);
  if (procfs::exists(proc_ + "/vmstat"))
    add(arena, out, "linux", 0, "vmstat", "misc", KstatType::named, Kind::vmstat);
  enumerate_disks(arena, out);
  enumerate_net(arena, out);
  enumerate_unix(arena, out);
  enumerate_nfs(arena, out);
  enumerate_spl(arena, out, proc_ + "/spl/kstat", "", 0);
  ids_.swap(next_ids_);
}

void LinuxSource::enumerate_disks(Arena& arena, std::vector<KstatHeader>& out) {
  disks_.clear();
  int err = 0;
  const TextFile ds = read_text(proc_ + "/diskstats", err);
  if (!ds) return;  // no block layer statistics: no disk kstats
  struct Dev {
    std::string name;
    std::int64_t minor;
  };
  std::vector<Dev> devs;
  procfs::for_each_line(*ds.text, [&](std::string_view line, std::size_t) {
    auto f = fields(line);
    if (f.size() >= 3)
      if (auto minor = procfs::parse_i64(f[1])) devs.push_back({std::string(f[2]), *minor});
    return true;
  });
  const std::string block = sys_ + "/class/block/";
  // Whole disks first, so partitions can take their disk's module and instance.
  for (int pass = 0; pass < 2; ++pass) {
    for (const Dev& d : devs) {
      bool part = procfs::exists(block + d.name + "/partition");
      if (part != (pass == 1)) continue;
      DiskId id{{}, d.minor, part};
      if (!part) {
        id.module = procfs::link_basename(block + d.name + "/device/driver");
        if (id.module.empty()) id.module = name_stem(d.name);
      } else {
        const DiskId* parent = nullptr;
        std::size_t best = 0;
        for (const auto& [name, disk] : disks_)
          if (!disk.partition && name.size() > best && name.size() < d.name.size() &&
              d.name.compare(0, name.size(), name) == 0) {
            parent = &disk;
            best = name.size();
          }
        id.module = parent != nullptr ? parent->module : name_stem(d.name);
        if (parent != nullptr) id.instance = parent->instance;
      }
      disks_[d.name] = id;
    }
  }
  for (const Dev& d : devs) {
    const DiskId& id = disks_[d.name];
    add(arena, out, id.module, id.instance, d.name, id.partition ? "partition" : "disk",
        KstatType::io, Kind::disk);
  }
}

void LinuxSource::enumerate_net(Arena& arena, std::vector<KstatHeader>& out) {
  std::vector<std::string> names;
  const std::string dir = sys_ + "/class/net/";
  if (procfs::list_dir(dir, names) != 0) return;
  for (const std::string& n : names)
    if (procfs::is_dir(dir + n))  // skips bonding_masters and other plain files
      add(arena, out, "link", 0, n, "net", KstatType::named, Kind::net);
}

void LinuxSource::enumerate_spl(Arena& arena, std::vector<KstatHeader>& out, const std::string& dir,
                                const std::string& module, int depth) {
  std::vector<std::string> names;
  if (depth > 16 || procfs::list_dir(dir, names) != 0) return;
  for (const std::string& n : names) {
    std::string path = dir + "/" + n;
    if (procfs::is_dir(path)) {
      enumerate_spl(arena, out, path, module.empty() ? n : module + "/" + n, depth + 1);
      continue;
    }
    if (module.empty()) continue;  // SPL puts every kstat under a module directory
    CachedFile f;
    f.err = procfs::read_prefix(path, kSplPrefix, f.text, f.complete);
    f.snaptime = clock_();
    std::string_view first = std::string_view(f.text).substr(0, f.text.find('\n'));
    procfs::SplHeader sh;
    bool has_header = f.err == 0 && procfs::parse_spl_header(first, sh);
    add(arena, out, module, 0, n, "misc", has_header ? static_cast<KstatType>(sh.type) : KstatType::raw,
        Kind::spl, has_header ? std::optional<std::int64_t>(sh.kid) : std::nullopt);
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
    cache_.insert_or_assign(path, std::move(f));
  }
}

void LinuxSource::read(const KstatHeader& h, Arena& arena, KstatData& out) {
  out = KstatData{};
  int err = EINVAL;
  std::string msg;
  switch (static_cast<Kind>(h.cookie)) {
    case Kind::cpu: msg = read_cpu(h, arena, out, err); break;
    case Kind::system_misc: msg = read_system_misc(arena, out, err); break;
    case Kind::system_pages: msg = read_system_pages(arena, out, err); break;
    case Kind::stat: msg = read_stat(arena, out, err); break;
    case Kind::meminfo: msg = read_meminfo(arena, out, err); break;
    case Kind::vmstat: msg = read_vmstat(arena, out, err); break;
    case Kind::disk: msg = read_disk(h, arena, out, err); break;
    case Kind::net: msg = read_net(h, arena, out, err); break;
    case Kind::spl: msg = read_spl(h, arena, out, err); break;
    case Kind::sysinfo: msg = read_sysinfo(h, arena, out, err); break;
    case Kind::vminfo: msg = read_vminfo(h, arena, out, err); break;
    case Kind::var: msg = read_var(h, arena, out, err); break;
    case Kind::pressure: msg = read_pressure(h, arena, out, err); break;
    case Kind::nfs_mntinfo:
    case Kind::nfs_io: msg = read_nfs(h, arena, out, err); break;
    default:
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

std::string LinuxSource::read_cpu(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc_ + "/stat", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  std::string msg;
  const std::string label = fmt::format("cpu{}", h.instance);
  std::vector<std::uint64_t> v;
  std::size_t line_no = 0;
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty() || f[0] != label) return true;
    line_no = no;
    for (std::size_t i = 1; i < f.size(); ++i) {
      auto n = parse_u64(f[i]);
      if (!n) {
        v.clear();
        msg = fmt::format("{}:{}: bad number '{}' on the {} line", path, no, f[i], label);
        return false;
      }
      v.push_back(*n);
    }
    return false;
  });
  if (!msg.empty()) return err = EINVAL, msg;
  if (line_no == 0) return err = ENOENT, fmt::format("{}: no {} line (CPU offline?)", path, label);
  // user nice system idle [iowait irq softirq [steal [guest [guest_nice]]]]
  if (v.size() < 4)
    return err = EINVAL, fmt::format("{}:{}: expected at least 4 tick counts after '{}'", path, line_no, label);
  const std::size_t present = std::min<std::size_t>(v.size(), 10);
  v.resize(10, 0);  // pre-2.6 kernels lack iowait/irq/softirq: counted as 0
  auto at = [&](std::size_t i) { return v[i]; };
  std::uint64_t user = at(0) + at(1), kernel = at(2) + at(5) + at(6), intr = at(5) + at(6);
  StatList s(arena);
  s.add_u64("cpu_ticks_idle", at(3));
  s.add_u64("cpu_ticks_user", user);
  s.add_u64("cpu_ticks_kernel", kernel);
  s.add_u64("cpu_ticks_wait", at(4));
  s.add_u64("cpu_nsec_idle", ticks_to_ns(at(3), hz_), Unit::ns);
  s.add_u64("cpu_nsec_user", ticks_to_ns(user, hz_), Unit::ns);
  s.add_u64("cpu_nsec_kernel", ticks_to_ns(kernel, hz_), Unit::ns);
  s.add_u64("cpu_nsec_intr", ticks_to_ns(intr, hz_), Unit::ns);
  // Linux-only: the /proc/stat columns illumos has no name for.
  static constexpr std::string_view kTicks[10] = {"", "cpu_ticks_nice", "", "", "", "cpu_ticks_irq",
      "cpu_ticks_softirq", "cpu_ticks_steal", "cpu_ticks_guest", "cpu_ticks_guest_nice"};
  for (std::size_t i = 0; i < present; ++i)
    if (!kTicks[i].empty()) s.add_u64(kTicks[i], at(i));
  if (present > 4) s.add_u64("cpu_nsec_iowait", ticks_to_ns(at(4), hz_), Unit::ns);
  if (present > 7) s.add_u64("cpu_nsec_steal", ticks_to_ns(at(7), hz_), Unit::ns);
  out.named = s.finish();
  return {};
}

std::string parse_meminfo(std::string_view t, const std::string& path, std::vector<MeminfoEntry>& out) {
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

std::string LinuxSource::read_meminfo(Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc_ + "/meminfo", err, &out);
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

std::string LinuxSource::read_system_pages(Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc_ + "/meminfo", err, &out);
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
  auto pages = [&](const MeminfoEntry* e) { return e->bytes ? e->value / page_size_ : e->value; };
  StatList s(arena);  // illumos order: physmem … freemem availrmem … pagesfree … pagestotal
  s.add_u64("physmem", pages(total), Unit::pages);
  s.add_u64("freemem", pages(free), Unit::pages);
  if (avail != nullptr) s.add_u64("availrmem", pages(avail), Unit::pages);
  s.add_u64("pagesfree", pages(free), Unit::pages);
  s.add_u64("pagestotal", pages(total), Unit::pages);
  out.named = s.finish();
  return {};
}

std::string LinuxSource::read_vmstat(Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc_ + "/vmstat", err, &out);
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
std::string LinuxSource::read_stat(Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc_ + "/stat", err, &out);
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

std::uint64_t LinuxSource::count_processes() const {
  std::vector<std::string> names;
  if (procfs::list_dir(proc_, names) != 0) return 0;
  std::uint64_t n = 0;
  for (const std::string& name : names)
    if (parse_u64(name) && procfs::is_dir(proc_ + "/" + name)) ++n;
  return n;
}

std::string LinuxSource::read_system_misc(Arena& arena, KstatData& out, int& err) {
  const TextFile stat_file = read_text(proc_ + "/stat", err);
  if (!stat_file) return stat_file.error;
  const TextFile load_file = read_text(proc_ + "/loadavg", err);
  if (!load_file) return load_file.error;
  const TextFile up_file = read_text(proc_ + "/uptime", err);
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
  auto ticks = uf.empty() ? std::nullopt : procfs::parse_fixed(uf[0], hz_, false);
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
  s.add_u32("nsec_per_tick", 1000000000ULL / hz_);
  out.named = s.finish();
  out.snaptime = clock_();
  return {};
}

std::string LinuxSource::read_disk(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc_ + "/diskstats", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  std::string msg;
  std::vector<std::uint64_t> v;
  bool found = false;
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.size() < 3 || f[2] != h.name) return true;
    found = true;
    for (std::size_t i = 3; i < f.size(); ++i) {
      auto n = parse_u64(f[i]);
      if (!n) {
        msg = fmt::format("{}:{}: bad number '{}' for {}", path, no, f[i], h.name);
        return false;
      }
      v.push_back(*n);
    }
    if (v.size() < 11)
      msg = fmt::format("{}:{}: expected at least 11 counters for {}, found {}", path, no, h.name, v.size());
    return false;
  });
  if (!found) return err = ENOENT, fmt::format("{}: no line for {} (device removed?)", path, h.name);
  if (!msg.empty()) return msg;
  // reads merged sectors ms | writes merged sectors ms | in_flight io_ticks time_in_queue
  // [| discards merged sectors ms [| flushes ms]]
  constexpr std::uint64_t kMs = 1000000;
  auto* io = arena.make_array<IoStats>(1);
  io->nread = v[2] * 512;
  io->nwritten = v[6] * 512;
  io->reads = static_cast<std::uint32_t>(v[0]);
  io->writes = static_cast<std::uint32_t>(v[4]);
  io->rtime = static_cast<std::int64_t>(v[9] * kMs);
  io->rlentime = static_cast<std::int64_t>(v[10] * kMs);
  io->rlastupdate = io->wlastupdate = out.snaptime;
  io->rcnt = static_cast<std::uint32_t>(v[8]);
  out.io = io;
  StatList s(arena);
  s.append(io_as_named(*io, arena));
  s.add_u64("reads_merged", v[1]);
  s.add_u64("writes_merged", v[5]);
  s.add_u64("read_ns", v[3] * kMs, Unit::ns);
  s.add_u64("write_ns", v[7] * kMs, Unit::ns);
  if (v.size() >= 15) {
    s.add_u64("discards", v[11]);
    s.add_u64("discards_merged", v[12]);
    s.add_u64("ndiscarded", v[13] * 512, Unit::bytes);
    s.add_u64("discard_ns", v[14] * kMs, Unit::ns);
  }
  if (v.size() >= 17) {
    s.add_u64("flushes", v[15]);
    s.add_u64("flush_ns", v[16] * kMs, Unit::ns);
  }
  out.named = s.finish();
  out.ndata = 1;
  out.data_size = sizeof(IoStats);
  return {};
}

std::string LinuxSource::read_net(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  return procfs::read_link(fmt::format("{}/class/net/{}/", sys_, h.name), arena, out, err);
}

std::string LinuxSource::read_spl(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(fmt::format("{}/spl/kstat/{}/{}", proc_, h.module, h.name), err);
  if (!in) return in.error;
  const std::string& path = in.path;
  KstatType type = KstatType::raw;
  if (std::string msg = procfs::parse_spl(*in.text, path, arena, out, type); !msg.empty())
    return err = EINVAL, msg;
  if (type != h.type)
    return err = EAGAIN, fmt::format("{}: kstat type changed since enumeration (re-created?)", path);
  if (out.snaptime == 0) out.snaptime = in.snaptime;  // no header: the time we read it
  return {};
}

}  // namespace linuxsrc

std::shared_ptr<Source> make_linux_source(std::string proc_root, std::string sys_root,
                                          std::function<std::int64_t()> clock) {
  return std::make_shared<linuxsrc::LinuxSource>(std::move(proc_root), std::move(sys_root),
                                                 std::move(clock));
}

std::shared_ptr<Source> make_linux_source(std::string proc_root, std::string sys_root) {
  return make_linux_source(std::move(proc_root), std::move(sys_root), [] { return procfs::monotonic_ns(); });
}

}  // namespace kstatsql::engine
