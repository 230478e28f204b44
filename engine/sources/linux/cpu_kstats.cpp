// engine/sources/linux/cpu_kstats.cpp — cpu:N:sys from the per-CPU lines of
// /proc/stat (USER_HZ ticks converted to ns; docs/linux-mapping.md, "CPU").
#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

std::uint64_t ticks_to_ns(std::uint64_t ticks, std::uint64_t hz) {
  return ticks / hz * 1000000000ULL + ticks % hz * 1000000000ULL / hz;
}

class CpuFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"cpu"}, {"sys"}, {"misc"}, {}}; }

  // /proc/stat is the one file every Linux has: without it this is not procfs.
  void enumerate(Lister& out) override {
    int err = 0;
    const TextFile stat = read_text(proc() + "/stat", err);
    if (!stat) throw Error(Errc::io, stat.error + " (is procfs mounted?)");
    procfs::for_each_line(*stat.text, [&](std::string_view line, std::size_t) {
      auto f = fields(line);
      if (!f.empty() && f[0].size() > 3 && f[0].substr(0, 3) == "cpu")
        if (auto n = parse_u64(f[0].substr(3)))
          out.add("cpu", static_cast<std::int64_t>(*n), "sys", "misc", KstatType::named, 0u);
      return true;
    });
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out, int& err) override {
    return read_cpu(h, arena, out, err);
  }

 private:
  std::string read_cpu(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
};

}  // namespace

std::string CpuFamily::read_cpu(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/stat", err, &out);
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
  s.add_u64("cpu_nsec_idle", ticks_to_ns(at(3), hz()), Unit::ns);
  s.add_u64("cpu_nsec_user", ticks_to_ns(user, hz()), Unit::ns);
  s.add_u64("cpu_nsec_kernel", ticks_to_ns(kernel, hz()), Unit::ns);
  s.add_u64("cpu_nsec_intr", ticks_to_ns(intr, hz()), Unit::ns);
  // Linux-only: the /proc/stat columns illumos has no name for.
  static constexpr std::string_view kTicks[10] = {"", "cpu_ticks_nice", "", "", "", "cpu_ticks_irq",
      "cpu_ticks_softirq", "cpu_ticks_steal", "cpu_ticks_guest", "cpu_ticks_guest_nice"};
  for (std::size_t i = 0; i < present; ++i)
    if (!kTicks[i].empty()) s.add_u64(kTicks[i], at(i));
  if (present > 4) s.add_u64("cpu_nsec_iowait", ticks_to_ns(at(4), hz()), Unit::ns);
  if (present > 7) s.add_u64("cpu_nsec_steal", ticks_to_ns(at(7), hz()), Unit::ns);
  out.named = s.finish();
  return {};
}

std::unique_ptr<Family> make_cpu_family(LinuxSource& src) { return std::make_unique<CpuFamily>(src); }

}  // namespace kstatsql::engine::linuxsrc
