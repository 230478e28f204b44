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

// One device line of /proc/diskstats: its name, minor number and counters.
struct DevLine {
  std::string_view name;
  std::int64_t minor = 0;
  std::string_view line;
  std::size_t no = 0;
};

// The device lines of one diskstats text by name, built once per generation
// (so reading N disks is linear in N). `error`: a problem of the whole file
// (a duplicate device, an out-of-range minor, a line without a name), which
// every disk kstat of the file reports.
struct DiskIndex {
  const std::string* text = nullptr;
  std::uint64_t generation = UINT64_MAX;
  std::vector<DevLine> devs;  // in file order, each name once
  std::unordered_map<std::string_view, std::size_t> by_name;
  std::string error;
};

void build_index(const TextFile& f, std::uint64_t generation, DiskIndex& ix) {
  ix = DiskIndex{};
  ix.text = f.text;
  ix.generation = generation;
  // Every good line is indexed, so each disk kstat can report the file's error.
  auto fail = [&](std::string e) {
    if (ix.error.empty()) ix.error = std::move(e);
    return true;
  };
  procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t no) {
    auto fl = fields(line);
    if (fl.empty()) return true;
    if (fl.size() < 3)
      return fail(fmt::format("{}:{}: expected 'major minor name counters…'", f.path, no));
    auto minor = procfs::parse_i64(fl[1]);
    if (!minor || *minor < 0)
      return fail(fmt::format("{}:{}: minor number '{}' of {} out of range (0..2^63-1)", f.path, no,
                              fl[1], fl[2]));
    auto [it, fresh] = ix.by_name.emplace(fl[2], ix.devs.size());
    if (!fresh)
      return fail(fmt::format("{}:{}: device {} listed twice (first on line {})", f.path, no, fl[2],
                              ix.devs[it->second].no));
    ix.devs.push_back({fl[2], *minor, line, no});
    return true;
  });
}

class DiskFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{}, {}, {"disk", "partition"}, {}}; }
  bool has_io() const override { return true; }
  void enumerate(Lister& out) override;
  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    return read_disk(h, arena, out, err);
  }

 private:
  const DiskIndex& index(const TextFile& f) {
    if (ix_.text != f.text || ix_.generation != generation()) build_index(f, generation(), ix_);
    return ix_;
  }
  std::string read_disk(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  DiskIndex ix_;
};

// The disk whose name is the longest proper prefix of partition `name`
// ("sda" for "sda1", "nvme0n1" for "nvme0n1p2"): at most one look-up per
// character, so linear in the number of devices.
const DiskId* parent_of(const std::unordered_map<std::string_view, DiskId>& disks,
                        std::string_view name) {
  for (std::size_t len = name.size(); len-- > 1;) {
    auto it = disks.find(name.substr(0, len));
    if (it != disks.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace

void DiskFamily::enumerate(Lister& out) {
  int err = 0;
  const TextFile ds = read_text(proc() + "/diskstats", err);
  if (!ds) return;  // no block layer statistics: no disk kstats
  const DiskIndex& ix = index(ds);
  const std::string block = sys() + "/class/block/";
  std::unordered_map<std::string_view, DiskId> disks;
  std::vector<DiskId> ids(ix.devs.size());
  std::vector<bool> is_part(ix.devs.size());
  for (std::size_t i = 0; i < ix.devs.size(); ++i)
    is_part[i] = procfs::exists(block + std::string(ix.devs[i].name) + "/partition");
  // Whole disks first, so partitions can take their disk's module and instance.
  for (std::size_t i = 0; i < ix.devs.size(); ++i) {
    if (is_part[i]) continue;
    const std::string name(ix.devs[i].name);
    ids[i] = {procfs::link_basename(block + name + "/device/driver"), ix.devs[i].minor, false};
    if (ids[i].module.empty()) ids[i].module = name_stem(name);
    disks.emplace(ix.devs[i].name, ids[i]);
  }
  for (std::size_t i = 0; i < ix.devs.size(); ++i) {
    if (!is_part[i]) continue;
    const DiskId* parent = parent_of(disks, ix.devs[i].name);
    ids[i] = {parent != nullptr ? parent->module : name_stem(ix.devs[i].name),
              parent != nullptr ? parent->instance : ix.devs[i].minor, true};
  }
  for (std::size_t i = 0; i < ix.devs.size(); ++i)
    out.add(ids[i].module, ids[i].instance, ix.devs[i].name,
            ids[i].partition ? "partition" : "disk", KstatType::io, 0u);
}

namespace {

// v × k when it fits in `limit`, else an error naming the counter.
std::optional<std::uint64_t> scaled(std::uint64_t v, std::uint64_t k, std::uint64_t limit,
                                    std::string_view what, std::string& msg) {
  if (v <= limit / k) return v * k;
  if (msg.empty()) msg = fmt::format("{} {} × {} does not fit in 64 bits", what, v, k);
  return std::nullopt;
}

}  // namespace

std::string DiskFamily::read_disk(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(proc() + "/diskstats", err, &out);
  if (!in) return in.error;
  const std::string& path = in.path;
  const DiskIndex& ix = index(in);
  if (!ix.error.empty()) return err = EINVAL, ix.error;
  auto at = ix.by_name.find(h.name);
  if (at == ix.by_name.end())
    return err = ENOENT, fmt::format("{}: no line for {} (device removed?)", path, h.name);
  const DevLine& d = ix.devs[at->second];
  std::vector<std::uint64_t> v;
  auto f = fields(d.line);
  for (std::size_t i = 3; i < f.size(); ++i) {
    auto n = parse_u64(f[i]);
    if (!n)
      return err = EINVAL, fmt::format("{}:{}: bad number '{}' for {}", path, d.no, f[i], h.name);
    v.push_back(*n);
  }
  if (v.size() < 11)
    return err = EINVAL, fmt::format("{}:{}: expected at least 11 counters for {}, found {}", path,
                                     d.no, h.name, v.size());
  v.resize(v.size() >= 17 ? 17 : v.size() >= 15 ? 15 : 11);
  // reads merged sectors ms | writes merged sectors ms | in_flight io_ticks time_in_queue
  // [| discards merged sectors ms [| flushes ms]]
  constexpr std::uint64_t kMs = 1000000;
  constexpr std::uint64_t kI64 = INT64_MAX;
  std::string msg;
  static constexpr std::string_view kWhat[17] = {
      "",           "", "sectors read", "read ms",        "", "", "sectors written",
      "write ms",   "", "io ms",        "weighted io ms", "", "", "sectors discarded",
      "discard ms", "", "flush ms"};
  std::uint64_t x[17] = {};
  for (std::size_t i = 0; i < v.size(); ++i) {
    const bool sectors = i == 2 || i == 6 || i == 13;
    const bool ms = i == 3 || i == 7 || i == 9 || i == 10 || i == 14 || i == 16;
    x[i] = v[i];
    if (sectors || ms)
      x[i] = scaled(v[i], sectors ? 512 : kMs, i == 9 || i == 10 ? kI64 : UINT64_MAX, kWhat[i], msg)
                 .value_or(0);
  }
  if (!msg.empty()) return err = ERANGE, fmt::format("{}:{}: {}: {}", path, d.no, h.name, msg);
  auto* io = arena.make_array<IoStats>(1);
  io->nread = x[2];
  io->nwritten = x[6];
  io->reads = static_cast<std::uint32_t>(v[0]);  // kstat_io_t's uint_t: modulo 2^32
  io->writes = static_cast<std::uint32_t>(v[4]);
  io->rtime = static_cast<std::int64_t>(x[9]);
  io->rlentime = static_cast<std::int64_t>(x[10]);
  io->rlastupdate = io->wlastupdate = out.snaptime;
  io->rcnt = static_cast<std::uint32_t>(v[8]);
  out.io = io;
  StatList s(arena);
  s.append(io_as_named(*io, arena));
  s.add_u64("reads_merged", v[1]);
  s.add_u64("writes_merged", v[5]);
  s.add_u64("read_ns", x[3], Unit::ns);
  s.add_u64("write_ns", x[7], Unit::ns);
  if (v.size() >= 15) {
    s.add_u64("discards", v[11]);
    s.add_u64("discards_merged", v[12]);
    s.add_u64("ndiscarded", x[13], Unit::bytes);
    s.add_u64("discard_ns", x[14], Unit::ns);
  }
  if (v.size() >= 17) {
    s.add_u64("flushes", v[15]);
    s.add_u64("flush_ns", x[16], Unit::ns);
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
