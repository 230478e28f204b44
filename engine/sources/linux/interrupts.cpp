// engine/sources/linux/interrupts.cpp — irq:<N>:<device>, one intr kstat
// (class controller) per numbered line of /proc/interrupts: hard = the sum
// over CPUs, then each CPU's count under cpu<K>. The arch counters (LOC,
// CAL, …) have no IRQ number and go to cpu:N:sys (cpu_kstats.cpp).
// docs/linux-mapping.md, "CPU".
#include <cerrno>

#include <fmt/format.h>

#include "engine/sources/linux/cpu_tables.hpp"
#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::parse_u64;

// The action names of a line's tail ("IO-APIC   5-edge      ACPI:Ged"): the
// kernel prints them after two spaces, following the padded chip, hwirq and
// flow fields; several actions are joined by ", ". Empty when the tail has
// no such part (an IRQ without a handler).
std::string_view device_of(std::string_view tail) {
  tail = procfs::trim(tail);
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 1; i < tail.size(); ++i)
    if ((tail[i] == ' ' || tail[i] == '\t') && (tail[i - 1] == ' ' || tail[i - 1] == '\t')) at = i;
  return at == std::string_view::npos ? std::string_view{} : procfs::trim(tail.substr(at));
}

// The tail after the label and the leading numbers, without parsing strictly.
std::string_view tail_of(std::string_view rest) {
  for (;;) {
    rest = procfs::trim(rest);
    const std::size_t end = rest.find_first_of(" \t");
    if (!parse_u64(rest.substr(0, end))) return rest;
    if (end == std::string_view::npos) return {};
    rest = rest.substr(end);
  }
}

class IrqFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"irq"}, {}, {"controller"}, {}, {}}; }

  // Lists each numbered line leniently; read() parses the file strictly, so
  // a damaged file is an error on every irq kstat rather than no kstats.
  void enumerate(Lister& out) override {
    int err = 0;
    const TextFile f = read_text(proc() + "/interrupts", err);
    if (!f) return;
    procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t no) {
      const std::size_t colon = line.find(':');
      if (no == 1 || colon == std::string_view::npos) return true;
      const auto irq = parse_u64(procfs::trim(line.substr(0, colon)));
      if (!irq || *irq > static_cast<std::uint64_t>(kMaxInstance)) return true;  // never -1
      std::string_view dev = device_of(tail_of(line.substr(colon + 1)));
      const std::string name = dev.empty() ? fmt::format("irq{}", *irq) : std::string(dev);
      out.add("irq", static_cast<std::int64_t>(*irq), name, "controller", KstatType::intr, 0u);
      return true;
    });
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile f = read_text(proc() + "/interrupts", err, &out);
    if (!f) return f.error;
    std::string msg;
    const CpuTable* t = table_.get(f, parse_cpu_table, msg);
    if (t == nullptr) return err = EINVAL, msg;
    const std::string label = std::to_string(h.instance);
    for (const CpuTable::Row& r : t->rows)
      if (r.label == label) return fill(*t, r, arena, out);
    return err = ENOENT, fmt::format("{}: no IRQ {} line (handler freed?)", f.path, h.instance);
  }

 private:
  static std::string fill(const CpuTable& t, const CpuTable::Row& r, Arena& arena, KstatData& out) {
    std::uint64_t total = 0;
    for (std::uint64_t c : r.counts) total += c;
    auto* intr = arena.make_array<IntrStats>(1);
    intr->intrs[0] = static_cast<std::uint32_t>(total);  // kstat_intr_t counts are uint_t
    out.intr = intr;
    procfs::StatList s(arena);
    s.append(intr_as_named(*intr, arena));
    for (std::size_t i = 0; i < r.counts.size(); ++i)
      s.add_u64(fmt::format("cpu{}", t.cpus[i]), r.counts[i]);
    s.add_u64("total", total);
    const std::string_view tail = r.text;
    if (!tail.empty()) s.add_str("chip", tail.substr(0, tail.find_first_of(" \t")));
    out.named = s.finish();
    return {};
  }
  ParsedFile<CpuTable> table_;
};

}  // namespace

std::unique_ptr<Family> make_irq_family(LinuxSource& src) {
  return std::make_unique<IrqFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
