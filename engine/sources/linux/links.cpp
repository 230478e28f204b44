// engine/sources/linux/links.cpp — link:0:<ifname> from /sys/class/net/<if>/
// (statistics/*, speed, operstate) under illumos's link names.
#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

class LinkFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"link"}, {}, {"net"}, {}}; }

  void enumerate(Lister& out) override {
    std::vector<std::string> names;
    const std::string dir = sys() + "/class/net/";
    if (procfs::list_dir(dir, names) != 0) return;
    for (const std::string& n : names)
      if (procfs::is_dir(dir + n))  // skips bonding_masters and other plain files
        out.add("link", 0, n, "net", KstatType::named, 0u);
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out, int& err) override {
    return procfs::read_link(fmt::format("{}/class/net/{}/", sys(), h.name), arena, out, err);
  }
};

}  // namespace

std::unique_ptr<Family> make_link_family(LinuxSource& src) { return std::make_unique<LinkFamily>(src); }

}  // namespace kstatsql::engine::linuxsrc
