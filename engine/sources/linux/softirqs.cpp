// engine/sources/linux/softirqs.cpp — cpu:N:softirqs, CPU N's column of
// /proc/softirqs: one uint64 per softirq type under its Linux name (HI,
// TIMER, NET_TX, NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED, HRTIMER, RCU).
// illumos has no softirqs; docs/linux-mapping.md, "CPU".
#include <cerrno>
#include <unordered_set>

#include <fmt/format.h>

#include "engine/sources/linux/cpu_tables.hpp"
#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

class SoftirqFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"cpu"}, {"softirqs"}, {"misc"}, {}, {}}; }

  // One kstat per CPU column of the header line.
  void enumerate(Lister& out) override {
    int err = 0;
    const TextFile f = read_text(proc() + "/softirqs", err);
    if (!f) return;
    std::string_view header = std::string_view(*f.text).substr(0, f.text->find('\n'));
    // A column out of range or twice is left out here and is the read's
    // error (parse_cpu_table), so no instance is listed twice or as -1.
    std::unordered_set<std::uint64_t> seen;
    for (std::string_view col : procfs::fields(header))
      if (auto n = col.substr(0, 3) == "CPU" ? procfs::parse_u64(col.substr(3)) : std::nullopt)
        if (*n <= static_cast<std::uint64_t>(kMaxInstance) && seen.insert(*n).second)
          out.add("cpu", static_cast<std::int64_t>(*n), "softirqs", "misc", KstatType::named, 0u);
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile f = read_text(proc() + "/softirqs", err, &out);
    if (!f) return f.error;
    std::string msg;
    const CpuTable* t = table_.get(f, parse_cpu_table, msg);
    if (t == nullptr) return err = EINVAL, msg;
    const auto col = t->column(h.instance);
    if (!col)
      return err = ENOENT, fmt::format("{}: no CPU{} column (CPU offline?)", f.path, h.instance);
    procfs::StatList s(arena);
    for (const CpuTable::Row& r : t->rows) {
      if (!r.per_cpu)
        return err = EINVAL,
               fmt::format("{}:{}: expected {} counts", f.path, r.line, t->cpus.size());
      s.add_u64(r.label, r.counts[*col]);
    }
    out.named = s.finish();
    return {};
  }

 private:
  ParsedFile<CpuTable> table_;
};

}  // namespace

std::unique_ptr<Family> make_softirq_family(LinuxSource& src) {
  return std::make_unique<SoftirqFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
