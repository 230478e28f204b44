// engine/sources/linux/softnet.cpp — /proc/net/softnet_stat as one
// softnet:<cpu>:softnet_stat kstat per online CPU (class net). illumos has no
// counterpart, so the names are Linux's (as the kernel's struct softnet_data
// calls them). Every column is 8-digit hex.
#include <fmt/format.h>

#include <cerrno>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/net_mib.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::StatList;

// Column (0-based) → statistic; columns 3–8 are always 0 (retired counters).
struct Column {
  std::size_t index;
  std::string_view name;
  Unit unit;
};
constexpr Column kColumns[] = {
    {0, "processed", Unit::packets},         {1, "dropped", Unit::packets},
    {2, "time_squeeze", Unit::none},         {9, "received_rps", Unit::none},
    {10, "flow_limit_count", Unit::packets}, {11, "backlog_len", Unit::packets},
    {13, "input_qlen", Unit::packets},       {14, "process_qlen", Unit::packets},
};

// The CPU a line belongs to: column 13 (kernel 5.14+), else the line's place
// (offline CPUs have no line, so older kernels cannot tell them apart).
std::int64_t cpu_of(const std::vector<std::string_view>& f, std::size_t no) {
  if (f.size() >= 13)
    if (auto c = parse_hex(f[12])) return static_cast<std::int64_t>(*c);
  return static_cast<std::int64_t>(no) - 1;
}

class SoftnetFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"softnet"}, {"softnet_stat"}, {"net"}, {}}; }

  void enumerate(Lister& out) override {
    int err = 0;
    const TextFile f = read_text(path(), err);
    if (!f) return;
    procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t no) {
      if (auto w = fields(line); !w.empty())
        out.add("softnet", cpu_of(w, no), "softnet_stat", "net", KstatType::named, 0u);
      return true;
    });
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile f = read_text(path(), err, &out);
    if (!f) return f.error;
    std::string msg = fmt::format("{}: no line for CPU {} (offline?)", f.path, h.instance);
    err = ENOENT;
    StatList s(arena);
    procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t no) {
      auto w = fields(line);
      if (w.empty() || cpu_of(w, no) != h.instance) return true;
      if (w.size() < 9)
        return msg = fmt::format("{}:{}: {} columns, expected at least 9", f.path, no, w.size()),
               err = EINVAL, false;
      for (const Column& c : kColumns) {
        if (c.index >= w.size()) break;
        auto v = parse_hex(w[c.index]);
        if (!v)
          return msg = fmt::format("{}:{}: column {} is '{}', not hex", f.path, no, c.index + 1,
                                   w[c.index]),
                 err = EINVAL, false;
        s.add_u64(c.name, *v, c.unit);
      }
      msg.clear(), err = 0;
      return false;
    });
    if (!msg.empty()) return msg;
    out.named = s.finish();
    return {};
  }

 private:
  std::string path() const { return proc() + "/net/softnet_stat"; }
};

}  // namespace

std::unique_ptr<Family> make_softnet_family(LinuxSource& src) {
  return std::make_unique<SoftnetFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
