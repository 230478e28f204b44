// engine/sources/linux/conntrack.cpp — /proc/net/stat/nf_conntrack as
// nf_conntrack:0:nf_conntrack (class net), present only when the conntrack
// module is loaded. The file has a header line naming the columns and one
// line of 8-digit hex per CPU; the kstat holds each column summed over the
// CPUs under the header's name, except `entries`, which every line repeats
// (it is the table's size, not a per-CPU count) and is taken once.
#include <fmt/format.h>

#include <cerrno>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/net_mib.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::StatList;

class ConntrackFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"nf_conntrack"}, {"nf_conntrack"}, {"net"}, {}}; }

  void enumerate(Lister& out) override {
    if (procfs::exists(path()))
      out.add("nf_conntrack", 0, "nf_conntrack", "net", KstatType::named, 0u);
  }

  std::string read(const KstatHeader&, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile f = read_text(path(), err, &out);
    if (!f) return f.error;
    std::vector<std::string_view> names;
    std::vector<std::uint64_t> sums;
    std::string msg;
    procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t no) {
      auto w = fields(line);
      if (w.empty()) return true;
      if (names.empty()) return names = w, sums.assign(w.size(), 0), true;
      if (w.size() != names.size())
        return msg = fmt::format("{}:{}: {} values for {} columns", f.path, no, w.size(),
                                 names.size()),
               false;
      for (std::size_t i = 0; i < w.size(); ++i) {
        auto v = parse_hex(w[i]);
        if (!v)
          return msg = fmt::format("{}:{}: {} is '{}', not hex", f.path, no, names[i], w[i]), false;
        sums[i] = names[i] == "entries" ? *v : sums[i] + *v;
      }
      return true;
    });
    if (msg.empty() && names.empty()) msg = fmt::format("{}:1: no header line", f.path);
    if (!msg.empty()) return err = EINVAL, msg;
    StatList s(arena);
    for (std::size_t i = 0; i < names.size(); ++i) s.add_u64(names[i], sums[i]);
    out.named = s.finish();
    return {};
  }

 private:
  std::string path() const { return proc() + "/net/stat/nf_conntrack"; }
};

}  // namespace

std::unique_ptr<Family> make_conntrack_family(LinuxSource& src) {
  return std::make_unique<ConntrackFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
