// engine/sources/linux/disks.cpp — /proc/diskstats as io kstats: whole disks
// (class disk) under their driver's name and partitions (class partition)
// under their disk's module and instance; bytes = sectors × 512, times in ns.
#include <algorithm>
#include <cerrno>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

// Name up to the first digit or '-': "loop0" → "loop", "nvme0n1" → "nvme", "dm-0" → "dm".
std::string name_stem(std::string_view dev) {
  std::size_t i = 0;
  while (i < dev.size() && !(dev[i] >= '0' && dev[i] <= '9') && dev[i] != '-') ++i;
  return std::string(i == 0 ? dev : dev.substr(0, i));
}

// Identity of one /proc/diskstats device, decided at enumeration.
struct DiskId {
  std::string module;
  std::int64_t instance = 0;
  bool partition = false;
};

class DiskFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{}, {}, {"disk", "partition"}, {}}; }
  void enumerate(Lister& out) override;
  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    return read_disk(h, arena, out, err);
  }

 private:
  std::string read_disk(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::unordered_map<std::string, DiskId> disks_;  // by device name, from the last listing
};

}  // namespace

void DiskFamily::enumerate(Lister& out) {
  disks_.clear();
  int err = 0;
  const TextFile ds = read_text(proc() + "/diskstats", err);
  if (!ds) return;  // no block layer statistics: no disk kstats
  struct Dev {
    std::string name;
    std::int64_t minor;
  };
  std::vector<Dev> devs;
  procfs::for_each_line(*ds.text, [&](std::string_view line, std::size_t) {
    auto f = fields(line);
    if (f.size() >= 3)
      if (auto minor = procfs::parse_i64(f[1])) devs.push_back({std::string(f[2]), *minor});
    return true;
  });
  const std::string block = sys() + "/class/block/";
  // Whole disks first, so partitions can take their disk's module and instance.
  for (int pass = 0; pass < 2; ++pass) {
    for (const Dev& d : devs) {
      bool part = procfs::exists(block + d.name + "/partition");
      if (part != (pass == 1)) continue;
      DiskId id{{}, d.minor, part};
      if (!part) {
        id.module = procfs::link_basename(block + d.name + "/device/driver");
        if (id.module.empty()) id.module = name_stem(d.name);
      } else {
        const DiskId* parent = nullptr;
        std::size_t best = 0;
        for (const auto& [name, disk] : disks_)
          if (!disk.partition && name.size() > best && name.size() < d.name.size() &&
              d.name.compare(0, name.size(), name) == 0) {
            parent = &disk;
            best = name.size();
          }
        id.module = parent != nullptr ? parent->module : name_stem(d.name);
        if (parent != nullptr) id.instance = parent->instance;
      }
      disks_[d.name] = id;
    }
  }
  for (const Dev& d : devs) {
    const DiskId& id = disks_[d.name];
    out.add(id.module, id.instance, d.name, id.partition ? "partition" : "disk", KstatType::io, 0u);
  }
}

std::string DiskFamily::read_disk(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/diskstats", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  std::string msg;
  std::vector<std::uint64_t> v;
  bool found = false;
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.size() < 3 || f[2] != h.name) return true;
    found = true;
    for (std::size_t i = 3; i < f.size(); ++i) {
      auto n = parse_u64(f[i]);
      if (!n) {
        msg = fmt::format("{}:{}: bad number '{}' for {}", path, no, f[i], h.name);
        return false;
      }
      v.push_back(*n);
    }
    if (v.size() < 11)
      msg = fmt::format("{}:{}: expected at least 11 counters for {}, found {}", path, no, h.name,
                        v.size());
    return false;
  });
  if (!found)
    return err = ENOENT, fmt::format("{}: no line for {} (device removed?)", path, h.name);
  if (!msg.empty()) return msg;
  // reads merged sectors ms | writes merged sectors ms | in_flight io_ticks time_in_queue
  // [| discards merged sectors ms [| flushes ms]]
  constexpr std::uint64_t kMs = 1000000;
  auto* io = arena.make_array<IoStats>(1);
  io->nread = v[2] * 512;
  io->nwritten = v[6] * 512;
  io->reads = static_cast<std::uint32_t>(v[0]);
  io->writes = static_cast<std::uint32_t>(v[4]);
  io->rtime = static_cast<std::int64_t>(v[9] * kMs);
  io->rlentime = static_cast<std::int64_t>(v[10] * kMs);
  io->rlastupdate = io->wlastupdate = out.snaptime;
  io->rcnt = static_cast<std::uint32_t>(v[8]);
  out.io = io;
  StatList s(arena);
  s.append(io_as_named(*io, arena));
  s.add_u64("reads_merged", v[1]);
  s.add_u64("writes_merged", v[5]);
  s.add_u64("read_ns", v[3] * kMs, Unit::ns);
  s.add_u64("write_ns", v[7] * kMs, Unit::ns);
  if (v.size() >= 15) {
    s.add_u64("discards", v[11]);
    s.add_u64("discards_merged", v[12]);
    s.add_u64("ndiscarded", v[13] * 512, Unit::bytes);
    s.add_u64("discard_ns", v[14] * kMs, Unit::ns);
  }
  if (v.size() >= 17) {
    s.add_u64("flushes", v[15]);
    s.add_u64("flush_ns", v[16] * kMs, Unit::ns);
  }
  out.named = s.finish();
  out.ndata = 1;
  out.data_size = sizeof(IoStats);
  return {};
}

std::unique_ptr<Family> make_disk_family(LinuxSource& src) {
  return std::make_unique<DiskFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
