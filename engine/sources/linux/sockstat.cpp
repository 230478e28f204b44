// engine/sources/linux/sockstat.cpp — /proc/net/sockstat and sockstat6 as
// linux:0:sockstat and linux:0:sockstat6 (class net). illumos has no such
// kstat, so the statistics keep Linux's words: "<LINE>_<key>" (sockets_used,
// TCP_inuse, TCP_orphan, TCP_tw, TCP_alloc, TCP_mem, UDP_inuse, FRAG_memory,
// TCP6_inuse, …). `mem` is in pages (unit pages) and is repeated in bytes as
// `<LINE>_mem_bytes`; FRAG `memory` is already bytes.
#include <fmt/format.h>

#include <cerrno>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::StatList;

class SockstatFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"linux"}, {"sockstat", "sockstat6"}, {"net"}, {}}; }

  void enumerate(Lister& out) override {
    if (procfs::exists(proc() + "/net/sockstat"))
      out.add("linux", 0, "sockstat", "net", KstatType::named, 4u);
    if (procfs::exists(proc() + "/net/sockstat6"))
      out.add("linux", 0, "sockstat6", "net", KstatType::named, 6u);
  }

  std::string read(const KstatHeader&, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile f =
        read_text(proc() + (kind == 6 ? "/net/sockstat6" : "/net/sockstat"), err, &out);
    if (!f) return f.error;
    StatList s(arena);
    std::string msg;
    procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t no) {
      auto w = fields(line);
      if (w.empty()) return true;
      if (w.size() < 3 || w.size() % 2 == 0 || w[0].size() < 2 || w[0].back() != ':')
        return msg = fmt::format("{}:{}: expected 'LINE: key value …'", f.path, no), false;
      const std::string_view label = w[0].substr(0, w[0].size() - 1);
      for (std::size_t i = 1; i + 1 < w.size(); i += 2) {
        auto v = procfs::parse_u64(w[i + 1]);
        if (!v)
          return msg = fmt::format("{}:{}: {} is '{}', not a number", f.path, no, w[i], w[i + 1]),
                 false;
        const std::string name = fmt::format("{}_{}", label, w[i]);
        if (w[i] == "mem") {
          s.add_u64(name, *v, Unit::pages);
          s.add_u64(name + "_bytes", *v * page_size(), Unit::bytes);
        } else {
          s.add_u64(name, *v, w[i] == "memory" ? Unit::bytes : Unit::none);
        }
      }
      return true;
    });
    if (!msg.empty()) return err = EINVAL, msg;
    out.named = s.finish();
    return {};
  }
};

}  // namespace

std::unique_ptr<Family> make_sockstat_family(LinuxSource& src) {
  return std::make_unique<SockstatFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
