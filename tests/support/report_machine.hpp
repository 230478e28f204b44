// tests/support/report_machine.hpp — a deterministic machine for the reports.
//
// Every counter is  value(g) = first + step × (g − 1)  at generation g (g = 1
// on the first generation; begin_generation() counts them). Generation g is
// read at snaptime 10 s + (g − 1) s and every kstat was created at crtime 0,
// so the first sample covers 10 s and each later one exactly 1 s: a report's
// first run shows first/10 per second, later runs show step per second.
// uint32 counters wrap modulo 2^32 like the kernel's.
//
// Shape::illumos publishes what illumos' vmstat/mpstat/iostat/nfsstat read:
//   unix:0:system_misc (hz 100), unix:0:sysinfo, unix:0:vminfo, cpu:0:sys,
//   cpu:0:vm, disks sd:0:sd0 and sd:1:sd1 (io, class disk), the partition
//   sd:0:sd0,a, the NFS io kstat nfs:1:nfs1, nfs:1:mntinfo, links
//   link:0:net0 (1 Gb/s) and link:0:net1 (speed unknown).
// Shape::linux_like publishes what the Linux source has instead: no cpu:0:vm and
//   only cpu_ticks_* in cpu:0:sys, plus linux:0:stat (intr, ctxt),
//   linux:0:vmstat, linux:0:meminfo MemTotal and unix:0:system_pages physmem
//   (8 KiB pages), cpu_ticks_wait (iowait) on cpu 0, sd:0:sd0 and the links.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/source.hpp"

namespace kstatsql::test {

struct MachineStat {
  const char* name;
  engine::ValueType type;
  std::uint64_t first;         // value at generation 1
  std::uint64_t step;          // added per generation (per second)
  const char* text = nullptr;  // for strings
};

struct MachineKstat {
  const char* module;
  int instance;
  const char* name;
  const char* klass;
  engine::KstatType type;
  std::vector<MachineStat> stats;  // for io kstats: the twelve kIoNames in order
};

// The kstats of each shape with their values: {name, type, first, step}.
// The expected report numbers in tests/vtab/reports_test.cpp follow from
// these by hand (first/10 and step per second).
inline std::vector<MachineKstat> report_machine_data(bool linux_like) {
  using engine::KstatType;
  constexpr auto u32 = engine::ValueType::uint32;
  constexpr auto i32 = engine::ValueType::int32;
  constexpr auto u64 = engine::ValueType::uint64;
  constexpr auto str = engine::ValueType::string;
  constexpr std::uint64_t kMiB = 1048576;
  constexpr std::uint64_t kSec = 1000000000;
  std::vector<MachineKstat> k;
  // --- unix:0:* (hz = 100 on both shapes) ---
  if (linux_like) {
    k.push_back({"unix",
                 0,
                 "system_misc",
                 "misc",
                 KstatType::named,
                 {{"ncpus", u32, 2, 0}, {"nsec_per_tick", u32, 10000000, 0}}});
    k.push_back(
        {"unix", 0, "system_pages", "pages", KstatType::named, {{"physmem", u64, 1000000, 0}}});
    k.push_back({"linux",
                 0,
                 "meminfo",
                 "misc",
                 KstatType::named,
                 {{"MemTotal", u64, 8192000000, 0}}});  // 8 KiB pages
  } else {
    k.push_back(
        {"unix",
         0,
         "system_misc",
         "misc",
         KstatType::named,
         {{"ncpus", u32, 2, 0}, {"deficit", u32, 3, 0}, {"nsec_per_tick", u32, 10000000, 0}}});
  }
  k.push_back({"unix",
               0,
               "sysinfo",
               "misc",
               KstatType::named,
               {{"updates", u32, 10, 1},
                {"runque", u32, 4294967295u, 3},  // wraps to 2 at generation 2
                {"runocc", u32, 10, 1},
                {"swpque", u32, 0, 0},
                {"swpocc", u32, 0, 0},
                {"waiting", u32, 25, 2}}});
  k.push_back({"unix",
               0,
               "vminfo",
               "vm",
               KstatType::named,
               {{"freemem", u64, 2500000, 250000},
                {"swap_resv", u64, 1000000, 100000},
                {"swap_alloc", u64, 900000, 90000},
                {"swap_avail", u64, 5000005, 500001},
                {"swap_free", u64, 4000000, 400000},
                {"updates", u64, 10, 1}}});
  // --- CPUs: 1000 ticks in the first 10 s, then 100 ticks per second each ---
  if (linux_like) {
    k.push_back({"cpu",
                 0,
                 "sys",
                 "misc",
                 KstatType::named,
                 {{"cpu_ticks_idle", u64, 600, 40},
                  {"cpu_ticks_user", u64, 200, 30},
                  {"cpu_ticks_kernel", u64, 100, 20},
                  {"cpu_ticks_wait", u64, 100, 10},
                  {"cpu_ticks_steal", u64, 5, 5}}});
    k.push_back({"cpu",
                 1,
                 "sys",
                 "misc",
                 KstatType::named,
                 {{"cpu_ticks_idle", u64, 880, 88},
                  {"cpu_ticks_user", u64, 60, 6},
                  {"cpu_ticks_kernel", u64, 60, 6},
                  {"cpu_ticks_wait", u64, 0, 0}}});
    k.push_back(
        {"linux",
         0,
         "stat",
         "misc",
         KstatType::named,
         {{"intr", u64, 60000, 5800}, {"ctxt", u64, 23000, 1534}, {"procs_running", u64, 3, 0}}});
    k.push_back({"linux",
                 0,
                 "vmstat",
                 "misc",
                 KstatType::named,
                 {{"pgpgin", u64, 3200, 320},
                  {"pgpgout", u64, 640, 64},
                  {"pgfault", u64, 11300, 1130},
                  {"pgmajfault", u64, 300, 30},
                  {"pgsteal_kswapd", u64, 0, 6},
                  {"pgsteal_direct", u64, 0, 2},
                  {"pgscan_kswapd", u64, 0, 20},
                  {"pgscan_direct", u64, 0, 5},
                  {"pgscan_direct_throttle", u64, 0, 7},
                  {"pgsteal_anon", u64, 0, 5},
                  {"pgsteal_file", u64, 0, 3},
                  {"pgscan_anon", u64, 0, 10},
                  {"pgscan_file", u64, 0, 15}}});
  } else {
    k.push_back({"cpu",
                 0,
                 "sys",
                 "misc",
                 KstatType::named,
                 {{"cpu_ticks_idle", u64, 700, 50},
                  {"cpu_ticks_user", u64, 200, 30},
                  {"cpu_ticks_kernel", u64, 100, 20},
                  {"cpu_ticks_wait", u64, 0, 0},
                  {"xcalls", u64, 100, 7},
                  {"intr", u64, 5000, 480},
                  {"intrthread", u64, 1000, 45},
                  {"pswitch", u64, 20000, 1234},
                  {"inv_swtch", u64, 300, 12},
                  {"cpumigrate", u64, 50, 3},
                  {"mutex_adenters", u64, 40, 2},
                  {"rw_rdfails", u64, 10, 1},
                  {"rw_wrfails", u64, 20, 4},
                  {"syscall", u64, 100000, 9876}}});
    k.push_back({"cpu",
                 0,
                 "vm",
                 "misc",
                 KstatType::named,
                 {{"pgrec", u64, 20, 3},
                  {"pgpgin", u64, 800, 64},
                  {"pgpgout", u64, 160, 16},
                  {"dfree", u64, 0, 8},
                  {"scan", u64, 100, 25},
                  {"hat_fault", u64, 600, 55},
                  {"as_fault", u64, 400, 45},
                  {"maj_fault", u64, 30, 2}}});
    k.push_back({"cpu",
                 1,
                 "sys",
                 "misc",
                 KstatType::named,
                 {{"cpu_ticks_idle", u64, 880, 88},
                  {"cpu_ticks_user", u64, 60, 6},
                  {"cpu_ticks_kernel", u64, 60, 6},
                  {"cpu_ticks_wait", u64, 0, 0},
                  {"xcalls", u64, 0, 1},
                  {"intr", u64, 1000, 100},
                  {"intrthread", u64, 0, 0},
                  {"pswitch", u64, 3000, 300},
                  {"inv_swtch", u64, 0, 0},
                  {"cpumigrate", u64, 10, 1},
                  {"mutex_adenters", u64, 0, 0},
                  {"rw_rdfails", u64, 0, 0},
                  {"rw_wrfails", u64, 0, 0},
                  {"syscall", u64, 20000, 2000}}});
    k.push_back({"cpu",
                 1,
                 "vm",
                 "misc",
                 KstatType::named,
                 {{"pgrec", u64, 0, 0},
                  {"pgpgin", u64, 0, 16},
                  {"pgpgout", u64, 0, 0},
                  {"dfree", u64, 0, 0},
                  {"scan", u64, 0, 0},
                  {"hat_fault", u64, 100, 5},
                  {"as_fault", u64, 0, 5},
                  {"maj_fault", u64, 0, 1}}});
  }
  // --- io: nread nwritten reads writes wtime wlentime wlastupdate rtime
  //         rlentime rlastupdate wcnt rcnt ---
  k.push_back({"sd",
               0,
               "sd0",
               "disk",
               KstatType::io,
               {{"nread", u64, 40 * kMiB, 4 * kMiB},
                {"nwritten", u64, 0, 2 * kMiB},
                {"reads", u32, 4294967200u, 100},  // wraps to 4 at generation 2
                {"writes", u32, 500, 50},
                {"wtime", u64, kSec, kSec / 10},
                {"wlentime", u64, 5 * kSec, kSec / 2},
                {"wlastupdate", u64, 0, 0},
                {"rtime", u64, 6 * kSec, 6 * kSec / 10},
                {"rlentime", u64, 15 * kSec, 3 * kSec / 2},
                {"rlastupdate", u64, 0, 0},
                {"wcnt", u32, 0, 0},
                {"rcnt", u32, 1, 0}}});
  k.push_back({"sd",
               0,
               "sd0,a",
               "partition",
               KstatType::io,
               {{"nread", u64, 0, 99 * kMiB},
                {"nwritten", u64, 0, 0},
                {"reads", u32, 0, 99},
                {"writes", u32, 0, 0},
                {"wtime", u64, 0, 0},
                {"wlentime", u64, 0, 0},
                {"wlastupdate", u64, 0, 0},
                {"rtime", u64, 0, kSec / 2},
                {"rlentime", u64, 0, kSec},
                {"rlastupdate", u64, 0, 0},
                {"wcnt", u32, 0, 0},
                {"rcnt", u32, 0, 0}}});
  if (!linux_like) {
    k.push_back({"sd",
                 1,
                 "sd1",
                 "disk",
                 KstatType::io,
                 {{"nread", u64, 0, kMiB},
                  {"nwritten", u64, 0, 0},
                  {"reads", u32, 0, 10},
                  {"writes", u32, 0, 0},
                  {"wtime", u64, 0, 0},
                  {"wlentime", u64, 0, 0},
                  {"wlastupdate", u64, 0, 0},
                  {"rtime", u64, 0, kSec / 10},
                  {"rlentime", u64, 0, kSec / 10},
                  {"rlastupdate", u64, 0, 0},
                  {"wcnt", u32, 0, 0},
                  {"rcnt", u32, 0, 0}}});
    k.push_back({"nfs",
                 1,
                 "nfs1",
                 "nfs",
                 KstatType::io,
                 {{"nread", u64, 0, kMiB / 2},
                  {"nwritten", u64, 0, 0},
                  {"reads", u32, 0, 4},
                  {"writes", u32, 0, 0},
                  {"wtime", u64, 0, 0},
                  {"wlentime", u64, 0, 0},
                  {"wlastupdate", u64, 0, 0},
                  {"rtime", u64, 0, 0},
                  {"rlentime", u64, 0, kSec / 5},
                  {"rlastupdate", u64, 0, 0},
                  {"wcnt", u32, 0, 0},
                  {"rcnt", u32, 0, 0}}});
    // --- NFS mounts (struct mntinfo_kstat's fields as statistics) ---
    k.push_back({"nfs",
                 1,
                 "mntinfo",
                 "misc",
                 KstatType::named,
                 {{"mik_proto", str, 0, 0, "tcp"},
                  {"mik_vers", u32, 3, 0},
                  {"mik_flags", u32, 0x1 | 0x4 | 0x400 | 0x800 | 0x2000, 0},
                  {"mik_secmod", u32, 1, 0},
                  {"mik_curread", u32, 32768, 0},
                  {"mik_curwrite", u32, 32768, 0},
                  {"mik_timeo", i32, 600, 0},
                  {"mik_retrans", i32, 5, 0},
                  {"mik_acregmin", u32, 3, 0},
                  {"mik_acregmax", u32, 60, 0},
                  {"mik_acdirmin", u32, 30, 0},
                  {"mik_acdirmax", u32, 60, 0},
                  {"lookup_srtt", u32, 7, 0},
                  {"lookup_deviate", u32, 4, 0},
                  {"lookup_rtxcur", u32, 3, 0},
                  {"read_srtt", u32, 0, 0},
                  {"read_deviate", u32, 0, 0},
                  {"read_rtxcur", u32, 0, 0},
                  {"write_srtt", u32, 13, 0},
                  {"write_deviate", u32, 6, 0},
                  {"write_rtxcur", u32, 10, 0},
                  {"mik_noresponse", u32, 0, 0},
                  {"mik_failover", u32, 0, 0},
                  {"mik_remap", u32, 0, 0},
                  {"mik_curserver", str, 0, 0, "filer"}}});
    k.push_back({"nfs",
                 2,
                 "mntinfo",
                 "misc",
                 KstatType::named,
                 {{"mik_proto", str, 0, 0, "udp"}, {"mik_vers", u32, 4, 0},
                  {"mik_flags", u32, 0x10, 0},     {"mik_secmod", u32, 390003, 0},
                  {"mik_curread", u32, 8192, 0},   {"mik_curwrite", u32, 8192, 0},
                  {"mik_timeo", i32, 11, 0},       {"mik_retrans", i32, 3, 0},
                  {"mik_acregmin", u32, 0, 0},     {"mik_acregmax", u32, 0, 0},
                  {"mik_acdirmin", u32, 0, 0},     {"mik_acdirmax", u32, 0, 0},
                  {"lookup_srtt", u32, 0, 0},      {"lookup_deviate", u32, 0, 0},
                  {"lookup_rtxcur", u32, 0, 0},    {"read_srtt", u32, 0, 0},
                  {"read_deviate", u32, 0, 0},     {"read_rtxcur", u32, 0, 0},
                  {"write_srtt", u32, 0, 0},       {"write_deviate", u32, 0, 0},
                  {"write_rtxcur", u32, 0, 0},     {"mik_curserver", str, 0, 0, "fs2"}}});
  }
  // --- links ---
  k.push_back({"link",
               0,
               "net0",
               "net",
               KstatType::named,
               {{"ifspeed", u64, 1000000000, 0},
                {"rbytes64", u64, 0, 1250000},
                {"obytes64", u64, 0, 125000},
                {"ipackets64", u64, 0, 1000},
                {"opackets64", u64, 0, 500}}});
  k.push_back({"link",
               0,
               "net1",
               "net",
               KstatType::named,
               {{"ifspeed", u64, 0, 0},
                {"rbytes64", u64, 0, 10240},
                {"obytes64", u64, 0, 0},
                {"ipackets64", u64, 0, 10},
                {"opackets64", u64, 0, 0}}});
  return k;
}

class ReportMachine : public engine::Source {
 public:
  enum class Shape { illumos, linux_like };

  explicit ReportMachine(Shape shape) : kstats_(report_machine_data(shape == Shape::linux_like)) {}

  std::string description() const override { return "report test machine"; }
  bool changed() override { return !enumerated_; }
  void begin_generation() override { ++generation_; }

  void enumerate(engine::Arena& arena, std::vector<engine::KstatHeader>& out) override {
    enumerated_ = true;
    for (std::size_t i = 0; i < kstats_.size(); ++i) {
      const MachineKstat& k = kstats_[i];
      engine::KstatHeader h;
      h.module = arena.copy(k.module);
      h.instance = k.instance;
      h.name = arena.copy(k.name);
      h.klass = arena.copy(k.klass);
      h.type = k.type;
      h.id = static_cast<std::int64_t>(i) + 1;
      h.crtime = 0;
      h.ndata = static_cast<std::uint32_t>(k.stats.size());
      h.cookie = i;
      out.push_back(h);
    }
  }

  void read(const engine::KstatHeader& h, engine::Arena& arena, engine::KstatData& out) override {
    const MachineKstat& k = kstats_[h.cookie];
    const std::uint64_t g = static_cast<std::uint64_t>(generation_ > 0 ? generation_ - 1 : 0);
    out.snaptime = 10000000000LL + static_cast<std::int64_t>(g) * 1000000000LL;
    if (k.type == engine::KstatType::io) {
      auto* io = arena.make_array<engine::IoStats>(1);
      auto v = [&](std::size_t i) { return k.stats[i].first + k.stats[i].step * g; };
      io->nread = v(0);
      io->nwritten = v(1);
      io->reads = static_cast<std::uint32_t>(v(2));
      io->writes = static_cast<std::uint32_t>(v(3));
      io->wtime = static_cast<std::int64_t>(v(4));
      io->wlentime = static_cast<std::int64_t>(v(5));
      io->wlastupdate = out.snaptime;
      io->rtime = static_cast<std::int64_t>(v(7));
      io->rlentime = static_cast<std::int64_t>(v(8));
      io->rlastupdate = out.snaptime;
      io->wcnt = static_cast<std::uint32_t>(v(10));
      io->rcnt = static_cast<std::uint32_t>(v(11));
      out.io = io;
      out.named = engine::io_as_named(*io, arena);
      out.ndata = 1;
      return;
    }
    auto* st = arena.make_array<engine::NamedStat>(k.stats.size());
    for (std::size_t i = 0; i < k.stats.size(); ++i) {
      const MachineStat& m = k.stats[i];
      std::string_view name = arena.copy(m.name);
      st[i].name = name.data();
      st[i].name_len = static_cast<std::uint32_t>(name.size());
      st[i].type = m.type;
      if (m.text) {
        std::string_view text = arena.copy(m.text);
        st[i].v.s = text.data();
        st[i].str_len = static_cast<std::uint32_t>(text.size());
      } else if (m.type == engine::ValueType::uint32) {
        st[i].v.u = static_cast<std::uint32_t>(m.first + m.step * g);
      } else {
        st[i].v.u = m.first + m.step * g;
      }
    }
    out.named = {st, k.stats.size()};
    out.ndata = static_cast<std::uint32_t>(k.stats.size());
  }

  int generation() const { return generation_; }
  const std::vector<MachineKstat>& kstats() const { return kstats_; }

 private:
  std::vector<MachineKstat> kstats_;
  int generation_ = 0;
  bool enumerated_ = false;
};

}  // namespace kstatsql::test
