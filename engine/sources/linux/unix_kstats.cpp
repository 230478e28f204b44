// engine/sources/linux/unix_kstats.cpp — the Linux source's raw unix:0:sysinfo, unix:0:vminfo
// and unix:0:var, and linux:0:pressure_{cpu,memory,io}. The mapping (what each
// field means on Linux, and why) is in docs/linux-mapping.md; the sums'
// arithmetic in running_sums.hpp.
//
// Raw structs are published with publish_raw(), so `kstat -p`, `named` and the
// typed tables see kstat(8)'s field names. A field Linux has no value for is
// dropped from the named view (the typed table shows NULL); the raw bytes keep
// a 0 there, as the struct has no NULL.
#include <algorithm>
#include <cerrno>
#include <climits>

#include <fmt/format.h>

#include "engine/sources/linux/pressure.hpp"
#include "engine/sources/linux/procfs.hpp"
#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/running_sums.hpp"
#include "engine/raw_decode.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

constexpr std::int64_t kSecond = 1000000000;
constexpr std::string_view kPressure[] = {"cpu", "memory", "io"};
// MAX_PRIO: 100 real-time priorities + 40 nice levels, the kernel's one
// global priority scale (unchanged since 2.6.0; not readable from /proc).
constexpr std::int64_t kLinuxGlobalPriorities = 140;

// Keeps the statistics of out.named for which keep(name) is true, in order.
template <typename Keep>
void filter_named(KstatData& out, Arena& arena, Keep keep) {
  std::vector<NamedStat> kept;
  for (const NamedStat& s : out.named)
    if (keep(s.name_view())) kept.push_back(s);
  out.named = arena.copy_span<NamedStat>(kept);
}

std::int64_t clamp_i32(std::uint64_t v) {
  return v > INT32_MAX ? INT32_MAX : static_cast<std::int64_t>(v);
}

enum class Kind : std::uint32_t { sysinfo, vminfo, var, pressure };

class UnixFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override {
    return {{"unix", "linux"},
            {"sysinfo", "vminfo", "var", "pressure_cpu", "pressure_memory", "pressure_io"},
            {"misc", "vm"},
            {}};
  }
  void enumerate(Lister& out) override;
  std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    switch (static_cast<Kind>(kind)) {
      case Kind::sysinfo:
        return read_sysinfo(h, arena, out, err);
      case Kind::vminfo:
        return read_vminfo(h, arena, out, err);
      case Kind::var:
        return read_var(h, arena, out, err);
      case Kind::pressure:
        return read_pressure(h, arena, out, err);
    }
    return err = ENOENT, "not a kstat of this family";
  }

 private:
  std::string read_sysinfo(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_vminfo(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_var(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_pressure(const KstatHeader& h, Arena& arena, KstatData& out, int& err);

  // Running sums: started by the first listing, kept for the life of the
  // source (one per connection).
  bool sums_started_ = false;
  std::int64_t sums_start_ns_ = 0;
  RunningSums sysinfo_sums_{0, 5};
  RunningSums vminfo_sums_{0, 5};
};

}  // namespace

void UnixFamily::enumerate(Lister& out) {
  if (!sums_started_) {
    sums_started_ = true;
    // The sums start one second before the first enumeration (enumerate()
    // read /proc/stat first, so its snaptime is the earliest sample time of
    // this generation): the first read holds at least one second's worth.
    const CachedFile& stat = file(proc() + "/stat");
    sums_start_ns_ = (stat.err == 0 ? stat.snaptime : now()) - kSecond;
    sysinfo_sums_.reset(sums_start_ns_);
    vminfo_sums_.reset(sums_start_ns_);
  }
  out.add("unix", 0, "sysinfo", "misc", KstatType::raw, Kind::sysinfo);
  out.back().crtime = sums_start_ns_;
  out.back().ndata = 1;
  out.back().data_size = sizeof(Sysinfo);
  if (procfs::exists(proc() + "/meminfo")) {
    out.add("unix", 0, "vminfo", "vm", KstatType::raw, Kind::vminfo);
    out.back().crtime = sums_start_ns_;
    out.back().ndata = 1;
    out.back().data_size = sizeof(Vminfo);
  }
  if (procfs::exists(proc() + "/sys/kernel/threads-max") ||
      procfs::exists(proc() + "/sys/kernel/pid_max")) {
    out.add("unix", 0, "var", "misc", KstatType::raw, Kind::var);
    out.back().ndata = 1;
    out.back().data_size = sizeof(Var);
  }
  for (std::string_view p : kPressure)
    if (procfs::exists(fmt::format("{}/pressure/{}", proc(), p)))
      out.add("linux", 0, fmt::format("pressure_{}", p), "misc", KstatType::named, Kind::pressure);
}

// sysinfo_t from /proc/stat: runque += procs_running, runocc += 1 while any
// runs, waiting += procs_blocked, each per second; swpque and swpocc stay 0
// (Linux never swaps out whole processes).
std::string UnixFamily::read_sysinfo(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/stat", err);
  if (!in) return in.error;
  const std::string& path = in.path;
  const std::int64_t t = in.snaptime;
  std::string msg;
  std::optional<std::uint64_t> running, blocked;
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.size() < 2 || (f[0] != "procs_running" && f[0] != "procs_blocked")) return true;
    auto v = parse_u64(f[1]);
    if (!v) {
      msg = fmt::format("{}:{}: expected a number after '{}'", path, no, f[0]);
      return false;
    }
    (f[0] == "procs_running" ? running : blocked) = v;
    return true;
  });
  if (!msg.empty()) return msg;
  if (!running || !blocked) return fmt::format("{}: no procs_running or procs_blocked line", path);
  const std::uint64_t gauges[5] = {*running, *running > 0 ? 1u : 0u, 0, 0, *blocked};
  sysinfo_sums_.sample(t, gauges);
  auto u32 = [&](std::size_t i) {
    return static_cast<std::uint32_t>(sysinfo_sums_.sum(i));
  };  // wraps as on illumos
  Sysinfo s;
  s.updates = static_cast<std::uint32_t>(sysinfo_sums_.updates());
  s.runque = u32(0);
  s.runocc = u32(1);
  s.swpque = u32(2);
  s.swpocc = u32(3);
  s.waiting = u32(4);
  publish_raw(h, s, arena, out);
  out.snaptime = t;
  out.ndata = 1;
  return {};
}

// vminfo_t from /proc/meminfo, in pages (docs/linux-mapping.md, "vminfo"):
// with V = SwapTotal + MemTotal (Linux's virtual swap: disk swap plus RAM),
//   freemem    = MemFree
//   swap_resv  = Committed_AS                   (reserved: the commit charge)
//   swap_avail = max(V − Committed_AS, 0)        (unreserved)
//   swap_free  = SwapFree + MemAvailable         (unallocated)
//   swap_alloc = V − swap_free                   (allocated)
// A field whose meminfo lines are missing is left out of the named view.
std::string UnixFamily::read_vminfo(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/meminfo", err);
  if (!in) return in.error;
  const std::string& path = in.path;
  const std::int64_t t = in.snaptime;
  std::vector<MeminfoEntry> entries;
  if (std::string msg = parse_meminfo(*in.text, path, entries); !msg.empty()) return msg;
  auto pages = [&](std::string_view key) -> std::optional<std::uint64_t> {
    for (const auto& e : entries)
      if (e.key == key) return e.bytes ? e.value / page_size() : e.value;
    return std::nullopt;
  };
  auto free = pages("MemFree"), total = pages("MemTotal"), avail = pages("MemAvailable");
  auto swap_total = pages("SwapTotal"), swap_free = pages("SwapFree"),
       committed = pages("Committed_AS");
  if (!free) return fmt::format("{}: no MemFree line", path);
  if (!avail) avail = free;  // kernels before 3.14
  const bool has_v = total && swap_total;
  const bool has[5] = {true, committed.has_value(), has_v && swap_free, has_v && committed,
                       swap_free.has_value()};
  const std::uint64_t v = has_v ? *total + *swap_total : 0;
  const std::uint64_t unalloc = swap_free ? *swap_free + *avail : 0;
  const std::uint64_t gauges[5] = {*free, committed.value_or(0),
                                   has[2] ? (v > unalloc ? v - unalloc : 0) : 0,
                                   has[3] ? (v > *committed ? v - *committed : 0) : 0, unalloc};
  vminfo_sums_.sample(t, gauges);
  Vminfo s;
  s.freemem = vminfo_sums_.sum(0);
  s.swap_resv = vminfo_sums_.sum(1);
  s.swap_alloc = vminfo_sums_.sum(2);
  s.swap_avail = vminfo_sums_.sum(3);
  s.swap_free = vminfo_sums_.sum(4);
  s.updates = vminfo_sums_.updates();
  publish_raw(h, s, arena, out);
  static constexpr std::string_view kNames[5] = {"freemem", "swap_resv", "swap_alloc", "swap_avail",
                                                 "swap_free"};
  filter_named(out, arena, [&](std::string_view name) {
    for (std::size_t i = 0; i < 5; ++i)
      if (name == kNames[i]) return has[i];
    return true;  // updates
  });
  out.snaptime = t;
  out.ndata = 1;
  return {};
}

// struct var: only the fields with a Linux meaning are named (docs).
std::string UnixFamily::read_var(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  out.snaptime = now();
  auto number = [&](const std::string& rel) -> std::optional<std::uint64_t> {
    int e = 0;
    const TextFile in = read_text(proc() + rel, e);
    return in ? parse_u64(procfs::trim(in.text->substr(0, in.text->find('\n')))) : std::nullopt;
  };
  auto threads_max = number("/sys/kernel/threads-max");
  auto pid_max = number("/sys/kernel/pid_max");
  auto expire = number("/sys/vm/dirty_expire_centisecs");
  // RLIMIT_NPROC of the reading process: "Max processes  soft  hard  processes".
  std::optional<std::uint64_t> nproc;
  if (const TextFile limits = read_text(proc() + "/self/limits", err)) {
    procfs::for_each_line(*limits.text, [&](std::string_view line, std::size_t) {
      if (line.substr(0, 13) != "Max processes") return true;
      auto f = fields(line.substr(13));
      if (!f.empty())
        nproc = f[0] == "unlimited" ? std::optional<std::uint64_t>(UINT64_MAX) : parse_u64(f[0]);
      return false;
    });
  }
  if (!threads_max && !pid_max)
    return err = ENOENT,
           fmt::format("{}/sys/kernel: neither threads-max nor pid_max is readable", proc());
  Var v;
  if (threads_max) v.v_proc = v.v_maxupttl = static_cast<std::int32_t>(clamp_i32(*threads_max));
  v.v_nglobpris = kLinuxGlobalPriorities;
  if (nproc) v.v_maxup = static_cast<std::int32_t>(clamp_i32(*nproc));
  if (expire) v.v_autoup = static_cast<std::int32_t>(clamp_i32((*expire + 50) / 100));
  publish_raw(h, v, arena, out);
  filter_named(out, arena, [&](std::string_view name) {
    if (name == "v_proc" || name == "v_maxupttl") return threads_max.has_value();
    if (name == "v_maxup") return nproc.has_value();
    if (name == "v_autoup") return expire.has_value();
    return name == "v_nglobpris";
  });
  if (pid_max) {
    StatList s(arena);
    s.append(out.named);
    s.add_i32("pid_max", clamp_i32(*pid_max));  // Linux-only
    out.named = s.finish();
  }
  out.ndata = 1;
  return {};
}

// /proc/pressure/<x>: "some|full avg10=P avg60=P avg300=P total=US".
std::string UnixFamily::read_pressure(const KstatHeader& h, Arena& arena, KstatData& out,
                                      int& err) {
  const TextFile in = read_text(fmt::format("{}/pressure/{}", proc(), h.name.substr(9)), err,
                                &out);  // after "pressure_"
  if (!in) return in.error;
  StatList s(arena);
  const std::string msg = parse_pressure(*in.text, in.path, "", s);
  if (!msg.empty()) return err = EINVAL, msg;
  out.named = s.finish();
  return {};
}

std::unique_ptr<Family> make_unix_family(LinuxSource& src) {
  return std::make_unique<UnixFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
