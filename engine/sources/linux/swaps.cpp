// engine/sources/linux/swaps.cpp — linux:0:swap_<path>, one kstat per line
// of /proc/swaps (docs/linux-mapping.md, "Memory"). illumos has no per-device
// swap kstat (swap -l asks the kernel with swapctl), so the statistics keep
// their Linux names under module `linux`; the name is "swap_" and the device
// or file path the kernel prints, its octal escapes decoded.
#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;

constexpr std::string_view kPrefix = "swap_";

// Undoes seq_file_path's escapes: the kernel prints ' ', '\t', '\n' and '\\'
// in a path as a backslash and three octal digits.
std::string decode_path(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto octal = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '7'; };
    if (s[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      out.push_back(
          static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

class SwapFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"linux"}, {}, {"vm"}, {}, {}}; }

  // Line 1 is the header (Filename Type Size Used Priority); every other
  // non-empty line is one swap area, its path the first field.
  void enumerate(Lister& out) override {
    const CachedFile& f = file(proc() + "/swaps");
    if (f.err != 0) return;  // no swap support, or no procfs: no kstats
    std::unordered_set<std::string> seen;
    procfs::for_each_line(f.text, [&](std::string_view line, std::size_t no) {
      auto fs = fields(line);
      if (no == 1 || fs.empty()) return true;
      std::string name = std::string(kPrefix) + decode_path(fs[0]);
      if (seen.insert(name).second) out.add("linux", 0, name, "vm", KstatType::named, 0u);
      return true;
    });
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile in = read_text(proc() + "/swaps", err, &out);
    if (!in) return in.error;
    const std::string_view want = h.name.substr(kPrefix.size());
    std::string msg;
    bool found = false;
    procfs::StatList s(arena);
    procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
      auto f = fields(line);
      if (no == 1 || f.empty() || decode_path(f[0]) != want) return true;
      found = true;
      // Size and Used are KiB; Priority is signed (negative: the default
      // priorities swapon gives areas without pri=).
      std::optional<std::uint64_t> size, used;
      std::optional<std::int64_t> prio;
      if (f.size() >= 5)
        size = procfs::parse_u64(f[2]), used = procfs::parse_u64(f[3]),
        prio = procfs::parse_i64(f[4]);
      if (!size || !used || !prio || *size > UINT64_MAX / 1024 || *used > UINT64_MAX / 1024) {
        msg = fmt::format("{}:{}: expected 'Filename Type Size Used Priority'", in.path, no);
        return false;
      }
      s.add_str("filename", want);
      s.add_str("type", f[1]);
      s.add_u64("size", *size * 1024, Unit::bytes);
      s.add_u64("used", *used * 1024, Unit::bytes);
      s.add_i32("priority", *prio);
      return false;
    });
    if (!msg.empty()) return err = EINVAL, msg;
    if (!found)
      return err = ENOENT, fmt::format("{}: no swap area {} (swapped off?)", in.path, want);
    out.named = s.finish();
    return {};
  }
};

}  // namespace

std::unique_ptr<Family> make_swap_family(LinuxSource& src) {
  return std::make_unique<SwapFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
