// engine/sources/linux/cpu_kstats.cpp — cpu:N:sys from the per-CPU lines of
// /proc/stat (USER_HZ ticks converted to ns), CPU N's column of
// /proc/interrupts (intr, xcalls) and its line of /proc/schedstat (pswitch,
// idlethread, run and wait time). docs/linux-mapping.md, "CPU".
#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "engine/sources/linux/cpu_tables.hpp"
#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

// USER_HZ ticks as ns, or nullopt when that does not fit in 64 bits.
std::optional<std::uint64_t> ticks_to_ns(std::uint64_t ticks, std::uint64_t hz) {
  std::uint64_t whole = 0, ns = 0;
  if (__builtin_mul_overflow(ticks / hz, 1000000000ULL, &whole) ||
      __builtin_add_overflow(whole, ticks % hz * 1000000000ULL / hz, &ns))
    return std::nullopt;
  return ns;
}

// a + b (+ c), or nullopt when the sum does not fit in 64 bits.
std::optional<std::uint64_t> sum(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
  std::uint64_t ab = 0, abc = 0;
  if (__builtin_add_overflow(a, b, &ab) || __builtin_add_overflow(ab, c, &abc)) return std::nullopt;
  return abc;
}

class CpuFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"cpu"}, {"sys"}, {"misc"}, {}, {}}; }

  // /proc/stat is the one file every Linux has: without it this is not procfs.
  // A duplicate or out-of-range cpuN line is listed once or not at all, and
  // every cpu:N:sys reports it (StatCpus::error).
  void enumerate(Lister& out) override {
    int err = 0;
    const TextFile stat = read_text(proc() + "/stat", err);
    if (!stat) throw Error(Errc::io, stat.error + " (is procfs mounted?)");
    std::string msg;
    for (const StatCpus::Cpu& c : stat_cpus_.get(stat, parse_stat_cpus, msg)->cpus)
      out.add("cpu", c.cpu, "sys", "misc", KstatType::named, 0u);
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    return read_cpu(h, arena, out, err);
  }

 private:
  std::string read_cpu(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string add_interrupts(std::int64_t cpu, StatList& s);
  std::string add_schedstat(std::int64_t cpu, StatList& s);
  ParsedFile<StatCpus> stat_cpus_;
  ParsedFile<CpuTable> interrupts_;
  ParsedFile<Schedstat> schedstat_;
};

}  // namespace

std::string CpuFamily::read_cpu(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/stat", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  std::string msg;
  const StatCpus* cpus = stat_cpus_.get(in, parse_stat_cpus, msg);
  if (!cpus->error.empty()) return err = EINVAL, cpus->error;
  const std::string label = fmt::format("cpu{}", h.instance);
  const StatCpus::Cpu* line = cpus->find(h.instance);
  if (line == nullptr)
    return err = ENOENT, fmt::format("{}: no {} line (CPU offline?)", path, label);
  const std::size_t line_no = line->no;
  std::vector<std::uint64_t> v;
  auto f = fields(line->line);
  for (std::size_t i = 1; i < f.size(); ++i) {
    auto n = parse_u64(f[i]);
    if (!n)
      return err = EINVAL,
             fmt::format("{}:{}: bad number '{}' on the {} line", path, line_no, f[i], label);
    v.push_back(*n);
  }
  // user nice system idle [iowait irq softirq [steal [guest [guest_nice]]]]
  if (v.size() < 4)
    return err = EINVAL,
           fmt::format("{}:{}: expected at least 4 tick counts after '{}'", path, line_no, label);
  const std::size_t present = std::min<std::size_t>(v.size(), 10);
  v.resize(10, 0);  // pre-2.6 kernels lack iowait/irq/softirq: counted as 0
  auto at = [&](std::size_t i) { return v[i]; };
  // Sums and ns that do not fit in 64 bits are the kstat's error, never wrapped.
  const auto user = sum(at(0), at(1)), kernel = sum(at(2), at(5), at(6)), intr = sum(at(5), at(6));
  const auto idle_ns = ticks_to_ns(at(3), hz()), iowait_ns = ticks_to_ns(at(4), hz()),
             steal_ns = ticks_to_ns(at(7), hz());
  const auto user_ns = user ? ticks_to_ns(*user, hz()) : std::nullopt;
  const auto kernel_ns = kernel ? ticks_to_ns(*kernel, hz()) : std::nullopt;
  const auto intr_ns = intr ? ticks_to_ns(*intr, hz()) : std::nullopt;
  if (!user_ns || !kernel_ns || !intr_ns || !idle_ns || !iowait_ns || !steal_ns)
    return err = ERANGE,
           fmt::format("{}:{}: {}: tick counts too large (a sum or its ns does not fit in 64 bits)",
                       path, line_no, label);
  StatList s(arena);
  s.add_u64("cpu_ticks_idle", at(3));
  s.add_u64("cpu_ticks_user", *user);
  s.add_u64("cpu_ticks_kernel", *kernel);
  s.add_u64("cpu_ticks_wait", at(4));
  s.add_u64("cpu_nsec_idle", *idle_ns, Unit::ns);
  s.add_u64("cpu_nsec_user", *user_ns, Unit::ns);
  s.add_u64("cpu_nsec_kernel", *kernel_ns, Unit::ns);
  s.add_u64("cpu_nsec_intr", *intr_ns, Unit::ns);
  // Linux-only: the /proc/stat columns illumos has no name for.
  static constexpr std::string_view kTicks[10] = {"",
                                                  "cpu_ticks_nice",
                                                  "",
                                                  "",
                                                  "",
                                                  "cpu_ticks_irq",
                                                  "cpu_ticks_softirq",
                                                  "cpu_ticks_steal",
                                                  "cpu_ticks_guest",
                                                  "cpu_ticks_guest_nice"};
  for (std::size_t i = 0; i < present; ++i)
    if (!kTicks[i].empty()) s.add_u64(kTicks[i], at(i));
  if (present > 4) s.add_u64("cpu_nsec_iowait", *iowait_ns, Unit::ns);
  if (present > 7) s.add_u64("cpu_nsec_steal", *steal_ns, Unit::ns);
  if (msg = add_interrupts(h.instance, s); !msg.empty()) return err = EINVAL, msg;
  if (msg = add_schedstat(h.instance, s); !msg.empty()) return err = EINVAL, msg;
  out.named = s.finish();
  return {};
}

// intr: the sum of CPU N's column over every per-CPU row of /proc/interrupts
// (device IRQs and the arch counters); xcalls ← CAL (function-call IPIs); the
// other arch counters under irq_<label>. A missing or unreadable file leaves
// them out; a malformed one is the kstat's error.
std::string CpuFamily::add_interrupts(std::int64_t cpu, StatList& s) {
  int err = 0;
  const TextFile f = read_text(proc() + "/interrupts", err);
  if (!f) return {};
  std::string msg;
  const CpuTable* t = interrupts_.get(f, parse_cpu_table, msg);
  if (t == nullptr) return msg;
  const auto col = t->column(cpu);
  if (!col) return {};  // went offline between the two files
  std::uint64_t intr = 0;
  for (const CpuTable::Row& r : t->rows)
    if (r.per_cpu) intr += r.counts[*col];
  s.add_u64("intr", intr);
  for (const CpuTable::Row& r : t->rows)
    if (r.per_cpu && r.label == "CAL") s.add_u64("xcalls", r.counts[*col]);
  for (const CpuTable::Row& r : t->rows)
    if (r.per_cpu && !parse_u64(r.label) && r.label != "CAL")
      s.add_u64(fmt::format("irq_{}", r.label), r.counts[*col]);
  return {};
}

// cpuN of /proc/schedstat: pswitch ← timeslices (switches onto a task that is
// not the idle task), idlethread ← times schedule() left the CPU idle, and
// the run and wait sums (ns since version 15) under Linux names.
std::string CpuFamily::add_schedstat(std::int64_t cpu, StatList& s) {
  int err = 0;
  const TextFile f = read_text(proc() + "/schedstat", err);
  if (!f) return {};
  std::string msg;
  const Schedstat* st = schedstat_.get(f, parse_schedstat, msg);
  if (st == nullptr) return msg;
  const SchedCpu* c = st->find(cpu);
  if (c == nullptr) return {};
  s.add_u64("pswitch", c->f[8]);
  s.add_u64("idlethread", c->f[3]);
  s.add_u64("sched_yield", c->f[0]);
  s.add_u64("sched_count", c->f[2]);
  s.add_u64("ttwu_count", c->f[4]);
  s.add_u64("ttwu_local", c->f[5]);
  if (st->version >= 15) {
    s.add_u64("sched_run_ns", c->f[6], Unit::ns);
    s.add_u64("sched_wait_ns", c->f[7], Unit::ns);
  }
  return {};
}

std::unique_ptr<Family> make_cpu_family(LinuxSource& src) {
  return std::make_unique<CpuFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
