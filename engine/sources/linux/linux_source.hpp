// engine/sources/linux/linux_source.hpp — the Linux live source's class, shared by the files
// that implement it (internal to engine/):
//   linux_source.cpp  enumeration, CPUs, memory, disks, links, SPL
//   unix_kstats.cpp    unix:0:sysinfo, unix:0:vminfo (running sums), unix:0:var,
//                     linux:0:pressure_*
//   nfs_mounts.cpp     nfs:N:mntinfo and nfs:N:nfsN from /proc/self/mountstats
// Mapping decisions: docs/linux-mapping.md.
//
// Thread-safety: none (Source's contract); the Session serialises calls.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/sources/linux/running_sums.hpp"
#include "engine/source.hpp"

namespace kstatsql::engine {

// The Linux reader over the trees at proc_root and sys_root ("/proc", "/sys"
// for the live system; a recorded tree for replays).
std::shared_ptr<Source> make_linux_source(std::string proc_root, std::string sys_root);

// A Linux source whose clock is injected: every file snaptime, and so every
// running-sum sample, is clock() in ns (CLOCK_MONOTONIC for the live source).
// For tests that step time by hand.
// REQUIRES: clock never goes backwards.
std::shared_ptr<Source> make_linux_source(std::string proc_root, std::string sys_root,
                                          std::function<std::int64_t()> clock);

namespace linuxsrc {

enum class Kind : std::uint64_t {
  cpu = 1, system_misc, system_pages, stat, meminfo, vmstat, disk, net, spl,
  sysinfo, vminfo, var, pressure, nfs_mntinfo, nfs_io
};

struct CachedFile {
  int err = 0;
  bool complete = true;  // false: only a prefix was read (SPL files)
  std::string text;
  std::int64_t snaptime = 0;
};

// Identity of one /proc/diskstats device, decided at enumeration.
struct DiskId {
  std::string module;
  std::int64_t instance = 0;
  bool partition = false;
};

// "Key:   123 kB" lines of /proc/meminfo; kB values converted to bytes.
struct MeminfoEntry {
  std::string_view key;
  std::uint64_t value;
  bool bytes;
};
// Parses /proc/meminfo text; returns "" or "path:line: what".
std::string parse_meminfo(std::string_view t, const std::string& path, std::vector<MeminfoEntry>& out);

// One NFS mount as enumeration saw it (nfs_mounts.cpp).
struct NfsMountId {
  std::string mountpoint;     // as /proc/self/mountstats prints it (\040 for a space)
  std::size_t section = 0;    // its position among the file's "device" lines
};

class LinuxSource final : public Source {
 public:
  LinuxSource(std::string proc_root, std::string sys_root, std::function<std::int64_t()> clock);

  std::string description() const override;
  bool changed() override { return true; }
  void begin_generation() override { cache_.clear(); }
  void enumerate(Arena& arena, std::vector<KstatHeader>& out) override;
  void read(const KstatHeader& h, Arena& arena, KstatData& out) override;

 private:
  const CachedFile& file(const std::string& path);
  void add(Arena& arena, std::vector<KstatHeader>& out, std::string_view module, std::int64_t instance,
           std::string_view name, std::string_view klass, KstatType type, Kind kind,
           std::optional<std::int64_t> kid = std::nullopt);
  void enumerate_disks(Arena& arena, std::vector<KstatHeader>& out);
  void enumerate_net(Arena& arena, std::vector<KstatHeader>& out);
  void enumerate_spl(Arena& arena, std::vector<KstatHeader>& out, const std::string& dir,
                     const std::string& module, int depth);
  void enumerate_unix(Arena& arena, std::vector<KstatHeader>& out);  // unix_kstats.cpp
  void enumerate_nfs(Arena& arena, std::vector<KstatHeader>& out);   // nfs_mounts.cpp

  // Each reader fills `out` or returns an error message (errno in `err`).
  std::string read_cpu(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_system_misc(Arena& arena, KstatData& out, int& err);
  std::string read_system_pages(Arena& arena, KstatData& out, int& err);
  std::string read_stat(Arena& arena, KstatData& out, int& err);
  std::string read_meminfo(Arena& arena, KstatData& out, int& err);
  std::string read_vmstat(Arena& arena, KstatData& out, int& err);
  std::string read_disk(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_net(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_spl(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  // unix_kstats.cpp
  std::string read_sysinfo(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_vminfo(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_var(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_pressure(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  // nfs_mounts.cpp
  std::string read_nfs(const KstatHeader& h, Arena& arena, KstatData& out, int& err);

  // The reader preamble, once: the text of one file for this generation (read
  // at most once, then cached), the path its messages name, and when it was
  // read. A reader starts with
  //     const TextFile f = read_text(proc_ + "/meminfo", err, &out);
  //     if (!f) return f.error;
  // and then parses *f.text. A failed read sets err to its errno and `error`
  // to the kstat's message, "path: strerror(errno)". With `stamp`, a
  // successful read sets stamp->snaptime to the time the file was read.
  struct TextFile {
    std::string path;
    const std::string* text = nullptr;  // null when the read failed
    std::int64_t snaptime = 0;
    std::string error;
    explicit operator bool() const noexcept { return text != nullptr; }
  };
  TextFile read_text(std::string path, int& err, KstatData* stamp = nullptr);
  std::uint64_t count_processes() const;

  std::string proc_, sys_;
  std::function<std::int64_t()> clock_;
  std::uint64_t hz_ = 100;
  std::uint64_t page_size_ = 4096;
  std::unordered_map<std::string, CachedFile> cache_;
  std::unordered_map<std::string, std::int64_t> ids_;       // identity → synthetic id
  std::unordered_map<std::string, std::int64_t> next_ids_;  // being built by enumerate()
  std::int64_t next_id_ = 1LL << 32;                        // above any SPL kid
  std::unordered_map<std::string, DiskId> disks_;  // by device name, from the last enumerate()
  std::unordered_map<std::int64_t, NfsMountId> nfs_;  // by instance, from the last enumerate()

  // Running sums (unix_kstats.cpp): started by the first enumerate(), kept for
  // the life of the source (one per connection).
  bool sums_started_ = false;
  std::int64_t sums_start_ns_ = 0;
  RunningSums sysinfo_sums_{0, 5};
  RunningSums vminfo_sums_{0, 5};
};

}  // namespace linuxsrc
}  // namespace kstatsql::engine
