// engine/sources/linux/cpu_info.cpp — cpu_info:N:cpu_infoN (class misc) from
// CPU N's block of /proc/cpuinfo and /sys/devices/system/cpu/cpuN (online,
// cpufreq/*), under illumos' cpu_info names. docs/linux-mapping.md, "CPU".
#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::parse_i64;
using procfs::parse_u64;
using procfs::StatList;
using procfs::trim;

// One "processor : N" block of /proc/cpuinfo: its "key : value" lines.
struct Block {
  std::int64_t processor = -1;
  std::vector<std::pair<std::string_view, std::string_view>> kv;
  std::string_view get(std::string_view key) const {
    for (const auto& [k, v] : kv)
      if (k == key) return v;
    return {};
  }
};

// Blocks are separated by blank lines; a block without a processor line (the
// ARM32 "Hardware" trailer) is kept but names no CPU.
std::string parse_cpuinfo(std::string_view text, const std::string& path, std::vector<Block>& out) {
  std::string msg;
  bool open = false;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    if (trim(line).empty()) return open = false, true;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      msg = fmt::format("{}:{}: expected 'key : value'", path, no);
      return false;
    }
    if (!open) out.emplace_back(), open = true;
    const std::string_view key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (key == "processor") {
      const auto n = parse_u64(value);
      if (!n) {
        msg = fmt::format("{}:{}: bad processor number '{}'", path, no, value);
        return false;
      }
      out.back().processor = static_cast<std::int64_t>(*n);
    }
    out.back().kv.emplace_back(key, value);
    return true;
  });
  if (!text.empty() && text.back() != '\n')  // the cut explains a bad last line
    msg = fmt::format("{}:{}: truncated (the last line has no newline)", path,
                      std::count(text.begin(), text.end(), '\n') + 1);
  return msg;
}

// "2299.998" MHz × scale, rounded.
std::optional<std::uint64_t> mhz(std::string_view v, std::uint64_t scale) {
  return procfs::parse_fixed(v, scale, true);
}

class CpuInfoFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"cpu_info"}, {}, {"misc"}, {}, {}}; }

  void enumerate(Lister& out) override {
    int err = 0;
    const TextFile f = read_text(proc() + "/cpuinfo", err);
    if (!f) return;
    std::vector<Block> blocks;
    parse_cpuinfo(*f.text, f.path, blocks);  // a damaged file lists what parsed; read() reports it
    for (const Block& b : blocks)
      if (b.processor >= 0)
        out.add("cpu_info", b.processor, fmt::format("cpu_info{}", b.processor), "misc",
                KstatType::named, 0u);
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override;

 private:
  // A sysfs file of CPU `cpu` ("online", "cpufreq/scaling_cur_freq"), trimmed;
  // nullopt when it cannot be read (absent: no cpufreq driver, root-only).
  std::optional<std::string> sysfs(std::int64_t cpu, std::string_view file) const {
    std::string text;
    if (procfs::read_file(fmt::format("{}/devices/system/cpu/cpu{}/{}", sys(), cpu, file), text) !=
        0)
      return std::nullopt;
    return std::string(trim(text.substr(0, text.find('\n'))));
  }
  // A kHz sysfs file in Hz; "" or the error naming the file.
  std::string khz(std::int64_t cpu, std::string_view file, std::optional<std::uint64_t>& hz) const {
    const auto v = sysfs(cpu, file);
    if (!v) return {};
    const auto n = parse_u64(*v);
    if (!n)
      return fmt::format("{}/devices/system/cpu/cpu{}/{}:1: expected kHz, found '{}'", sys(), cpu,
                         file, *v);
    hz = *n * 1000;
    return {};
  }
  std::string add_clocks(std::int64_t cpu, const Block& b, StatList& s) const;
  std::string add_identity(const Block& b, std::int64_t chip_id, StatList& s) const;
  std::optional<std::int64_t> system_core_id(const std::vector<Block>& blocks,
                                             const Block& b) const;
};

}  // namespace

// illumos' core_id is system-wide, Linux's "core id" is per package: the
// dense rank of (physical id, core id) over every CPU is the system-wide id.
std::optional<std::int64_t> CpuInfoFamily::system_core_id(const std::vector<Block>& blocks,
                                                          const Block& b) const {
  auto key = [](const Block& x) -> std::optional<std::pair<std::int64_t, std::int64_t>> {
    auto p = parse_i64(x.get("physical id")), c = parse_i64(x.get("core id"));
    if (!p || !c) return std::nullopt;
    return std::pair{*p, *c};
  };
  const auto mine = key(b);
  if (!mine) return std::nullopt;
  std::map<std::pair<std::int64_t, std::int64_t>, int> ids;
  for (const Block& x : blocks)
    if (auto k = key(x)) ids[*k] = 0;
  return static_cast<std::int64_t>(std::distance(ids.begin(), ids.find(*mine)));
}

// clock_MHz (nominal), current_clock_Hz and supported_frequencies_Hz.
std::string CpuInfoFamily::add_clocks(std::int64_t cpu, const Block& b, StatList& s) const {
  std::optional<std::uint64_t> base, max, min, cur;
  std::string msg;
  for (auto [file, v] : {std::pair{"cpufreq/base_frequency", &base},
                         {"cpufreq/cpuinfo_max_freq", &max},
                         {"cpufreq/cpuinfo_min_freq", &min},
                         {"cpufreq/scaling_cur_freq", &cur}})
    if (msg = khz(cpu, file, *v); !msg.empty()) return msg;
  const auto cpu_mhz = mhz(b.get("cpu MHz"), 1);
  if (base || max)
    s.add_i64("clock_MHz", static_cast<std::int64_t>(*(base ? base : max) / 1000000));
  else if (cpu_mhz)
    s.add_i64("clock_MHz", static_cast<std::int64_t>(*cpu_mhz));
  if (!cur) cur = mhz(b.get("cpu MHz"), 1000000);
  if (cur) s.add_u64("current_clock_Hz", *cur, Unit::hz);
  std::vector<std::uint64_t> freqs;
  if (const auto avail = sysfs(cpu, "cpufreq/scaling_available_frequencies")) {
    for (std::string_view f : procfs::fields(*avail))
      if (auto n = parse_u64(f))
        freqs.push_back(*n * 1000);
      else
        return fmt::format(
            "{}/devices/system/cpu/cpu{}/cpufreq/scaling_available_frequencies:1: "
            "expected kHz, found '{}'",
            sys(), cpu, f);
  }
  if (freqs.empty() && min && max) freqs = {*min, *max};
  if (freqs.empty() && cur) freqs = {*cur};
  std::sort(freqs.begin(), freqs.end());
  freqs.erase(std::unique(freqs.begin(), freqs.end()), freqs.end());
  if (!freqs.empty())
    s.add_str("supported_frequencies_Hz", fmt::format("{}", fmt::join(freqs, ":")));
  for (const char* file : {"scaling_governor", "scaling_driver"})
    if (const auto v = sysfs(cpu, fmt::format("cpufreq/{}", file))) s.add_str(file, *v);
  return {};
}

// vendor_id, family, model, stepping and illumos' implementation string.
std::string CpuInfoFamily::add_identity(const Block& b, std::int64_t chip_id, StatList& s) const {
  const std::string_view vendor = b.get("vendor_id");
  const auto family = parse_i64(b.get("cpu family")), model = parse_i64(b.get("model")),
             step = parse_i64(b.get("stepping"));
  if (!vendor.empty()) s.add_str("vendor_id", vendor);
  if (family) s.add_i32("family", *family);
  if (model) s.add_i32("model", *model);
  if (step) s.add_i32("stepping", *step);
  if (vendor.empty() || !family || !model || !step) return {};
  // CPUID.1 EAX, rebuilt: family above 15 and model above 15 use the extended fields.
  const std::int64_t base_family = std::min<std::int64_t>(*family, 15);
  const std::uint64_t eax =
      static_cast<std::uint64_t>((*family - base_family) << 20 | (*model >> 4) << 16 |
                                 base_family << 8 | (*model & 0xf) << 4 | (*step & 0xf));
  const auto clock = mhz(b.get("cpu MHz"), 1);
  const std::string chip =
      parse_i64(b.get("siblings")).value_or(1) > 1 ? fmt::format("chipid 0x{:x} ", chip_id) : "";
  s.add_str("implementation",
            fmt::format("x86 ({}{} {:X} family {} model {} step {} clock {} MHz)", chip, vendor,
                        eax, *family, *model, *step, clock.value_or(0)));
  return {};
}

std::string CpuInfoFamily::read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                                int& err) {
  const TextFile f = read_text(proc() + "/cpuinfo", err, &out);
  if (!f) return f.error;
  std::vector<Block> blocks;
  if (std::string msg = parse_cpuinfo(*f.text, f.path, blocks); !msg.empty())
    return err = EINVAL, msg;
  const auto it = std::find_if(blocks.begin(), blocks.end(),
                               [&](const Block& b) { return b.processor == h.instance; });
  if (it == blocks.end())
    return err = ENOENT, fmt::format("{}: no processor {} (CPU offline?)", f.path, h.instance);
  const Block& b = *it;
  StatList s(arena);  // near illumos' template order (kstat -p sorts by name)
  const auto online = sysfs(h.instance, "online");  // cpu0 often has none: it cannot go offline
  s.add_str("state", online && *online == "0" ? "off-line" : "on-line", ValueType::char_);
  const bool x86 = !b.get("vendor_id").empty();
  if (x86) s.add_str("cpu_type", "i386", ValueType::char_);
  if (b.get("fpu") == "yes") s.add_str("fpu_type", "i387 compatible", ValueType::char_);
  std::string msg;
  if (msg = add_clocks(h.instance, b, s); !msg.empty()) return err = EINVAL, msg;
  auto chip = parse_i64(b.get("physical id"));
  if (!chip)
    if (auto v = sysfs(h.instance, "topology/physical_package_id")) chip = parse_i64(*v);
  if (chip) s.add_i64("chip_id", *chip);
  if (!b.get("model name").empty()) s.add_str("brand", b.get("model name"));
  if (auto core = system_core_id(blocks, b)) s.add_i64("core_id", *core);
  if (msg = add_identity(b, chip.value_or(0), s); !msg.empty()) return err = EINVAL, msg;
  if (auto v = parse_i64(b.get("core id"))) s.add_i64("pkg_core_id", *v);
  if (auto v = parse_i64(b.get("siblings"))) s.add_i32("ncpu_per_chip", *v);
  if (auto v = parse_i64(b.get("cpu cores"))) s.add_i32("ncore_per_chip", *v);
  out.named = s.finish();
  return {};
}

std::unique_ptr<Family> make_cpu_info_family(LinuxSource& src) {
  return std::make_unique<CpuInfoFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
