// engine/sources/linux/vm_tunables.cpp — linux:0:vm_tunables (class misc):
// every /proc/sys/vm file that holds one integer, under its file name
// (docs/linux-mapping.md, "Memory"). illumos keeps its VM tunables in
// kernel variables (mdb, /etc/system), not in a kstat, so the names are
// Linux's.
//
// A file that holds anything else (lowmem_reserve_ratio's list,
// numa_zonelist_order's word) is not a number tunable and is left out; so is
// a file this process may not read (drop_caches and compact_memory are
// write-only, mmap_rnd_bits is root-only): each costs only its own value.
#include <fmt/format.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

#include "engine/posix_error.hpp"
#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

// Reading stat_refresh is an action (it folds every CPU's vmstat deltas into
// the totals), not a tunable, so it is never opened.
constexpr std::string_view kNotRead[] = {"stat_refresh"};

bool never_read(std::string_view name) {
  for (std::string_view n : kNotRead)
    if (n == name) return true;
  return false;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class VmTunablesFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"linux"}, {"vm_tunables"}, {"misc"}, {}, {}}; }

  void enumerate(Lister& out) override {
    if (procfs::is_dir(proc() + "/sys/vm"))
      out.add("linux", 0, "vm_tunables", "misc", KstatType::named, 0u);
  }

  std::string read(const KstatHeader&, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    const std::string dir = proc() + "/sys/vm";
    std::vector<std::string> names;
    if (int e = procfs::list_dir(dir, names); e != 0) return err = e, errno_message(dir, e);
    out.snaptime = now();
    procfs::StatList s(arena);
    for (const std::string& name : names) {
      if (never_read(name)) continue;
      int e = 0;
      const TextFile in = read_text(dir + "/" + name, e);
      if (!in) continue;
      const std::string_view text = *in.text;
      const std::size_t nl = text.find('\n');
      const std::string_view v = procfs::trim(text.substr(0, nl));
      if (nl != std::string_view::npos && !procfs::trim(text.substr(nl + 1)).empty())
        continue;  // several lines
      // The *_bytes tunables are bytes; the *_kbytes ones stay in KiB, as
      // their names say.
      const Unit unit =
          ends_with(name, "_bytes") && !ends_with(name, "_kbytes") ? Unit::bytes : Unit::none;
      if (auto u = procfs::parse_u64(v))
        s.add_u64(name, *u, unit);
      else if (auto i = procfs::parse_i64(v))
        s.add_i64(name, *i, unit);
    }
    out.named = s.finish();
    return {};
  }
};

}  // namespace

std::unique_ptr<Family> make_vm_tunables_family(LinuxSource& src) {
  return std::make_unique<VmTunablesFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
