// engine/sources/linux/linux_source.hpp — the Linux source: /proc, /sys and
// /proc/spl/kstat as kstats, one family of files at a time.
//
// LinuxSource owns the roots, the clock, the per-generation file cache and
// the kstat ids; each family of files is a Family (one file each, listed in
// families.cpp) that lists its kstats and reads one of them. Every family is
// one part of the source (Source::part_count), so a generation lists only the
// families a query's constraints can reach: a point query on
// unix:0:system_misc opens no /proc/net or /sys/class/net file.
// Mapping decisions: docs/linux-mapping.md.
//
// Thread-safety: none (Source's contract); the Session serialises calls.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "engine/source.hpp"

namespace kstatsql::engine {

// The Linux reader over the trees at proc_root and sys_root ("/proc", "/sys"
// for the live system; a recorded tree for replays). The live system's
// snaptimes are CLOCK_MONOTONIC; a recorded tree's are the tree's own moment
// (tree_time()), never this machine's clock.
std::shared_ptr<Source> make_linux_source(std::string proc_root, std::string sys_root);

// A Linux source whose clock is injected: every file snaptime, and so every
// running-sum sample, is clock() in ns (CLOCK_MONOTONIC for the live source).
// For tests that step time by hand.
// REQUIRES: clock never goes backwards.
std::shared_ptr<Source> make_linux_source(std::string proc_root, std::string sys_root,
                                          std::function<std::int64_t()> clock);

namespace linuxsrc {

// The moment a recorded tree was taken, in ns since its boot: proc/uptime's
// first field; without it, proc/stat's modification time minus its btime
// (a tree copied with its file times); 0 when neither is there.
std::int64_t tree_time(const std::string& proc_root);

struct CachedFile {
  int err = 0;
  bool complete = true;  // false: only a prefix was read (SPL files)
  std::string text;
  std::int64_t snaptime = 0;
};

// The text of one file for this generation, the path its messages name, and
// when it was read (LinuxSource::read_text).
struct TextFile {
  std::string path;
  const std::string* text = nullptr;  // null when the read failed
  std::int64_t snaptime = 0;
  std::string error;
  explicit operator bool() const noexcept { return text != nullptr; }
};

// "Key:   123 kB" lines of /proc/meminfo; kB values converted to bytes.
struct MeminfoEntry {
  std::string_view key;
  std::uint64_t value;
  bool bytes;
};
// Parses /proc/meminfo text; returns "" or "path:line: what".
std::string parse_meminfo(std::string_view t, const std::string& path,
                          std::vector<MeminfoEntry>& out);

class LinuxSource;

// Collects the headers one family lists. A header's cookie holds the
// family's part number and the family's own `kind` (what read() is told).
class Lister {
 public:
  Lister(LinuxSource& src, std::size_t part, Arena& arena, std::vector<KstatHeader>& out)
      : src_(src), part_(part), arena_(arena), out_(out) {}

  // Ids survive from one listing to the next while the kstat stays visible;
  // a kstat that disappears and comes back gets a new id (it was re-created).
  // `kid`: the kernel's own id, when the file gives one.
  KstatHeader& add(std::string_view module, std::int64_t instance, std::string_view name,
                   std::string_view klass, KstatType type, std::uint32_t kind,
                   std::optional<std::int64_t> kid = std::nullopt);
  template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
  KstatHeader& add(std::string_view module, std::int64_t instance, std::string_view name,
                   std::string_view klass, KstatType type, E kind,
                   std::optional<std::int64_t> kid = std::nullopt) {
    return add(module, instance, name, klass, type, static_cast<std::uint32_t>(kind), kid);
  }
  KstatHeader& back() { return out_.back(); }
  Arena& arena() { return arena_; }

 private:
  LinuxSource& src_;
  std::size_t part_;
  Arena& arena_;
  std::vector<KstatHeader>& out_;
};

// One family of /proc or /sys files (see families.cpp for the list).
class Family {
 public:
  explicit Family(LinuxSource& src) : src_(src) {}
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;
  virtual ~Family() = default;

  // Every module, name and class the family's kstats may have (an empty
  // list: any); LinuxSource adds the other families' modules to not_modules
  // of a family that lists no modules of its own.
  virtual PartScope scope() const = 0;
  // Whether the family lists io kstats (disks, NFS mounts, SPL's io kstats);
  // the io table does not list the others.
  virtual bool has_io() const { return false; }
  // Lists the family's kstats. A missing file means no kstat, never an error.
  virtual void enumerate(Lister& out) = 0;
  // Fills `out` for one of its kstats, or returns the kstat's error message
  // ("path:line: what") with errno in `err`.
  virtual std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                           int& err) = 0;

 protected:
  const std::string& proc() const noexcept;
  const std::string& sys() const noexcept;
  std::uint64_t hz() const noexcept;
  std::uint64_t page_size() const noexcept;
  std::int64_t now() const;
  // Changes at every begin_generation(): a family that indexes a file once
  // per generation (one line per kstat) rebuilds its index when it changes.
  std::uint64_t generation() const noexcept;
  // The reader preamble, once: the text of `path` for this generation (read
  // at most once, then cached). A reader starts with
  //     const TextFile f = read_text(proc() + "/meminfo", err, &out);
  //     if (!f) return f.error;
  // A failed read sets err to its errno and `error` to "path: strerror".
  // With `stamp`, a successful read sets stamp->snaptime to when it was read.
  TextFile read_text(std::string path, int& err, KstatData* stamp = nullptr);
  const CachedFile& file(const std::string& path);
  void keep_file(const std::string& path, CachedFile f);  // e.g. a prefix read at enumeration
  LinuxSource& source() noexcept { return src_; }

 private:
  LinuxSource& src_;
};

// Every family, in part order (families.cpp).
std::vector<std::unique_ptr<Family>> make_families(LinuxSource& src);

class LinuxSource final : public Source {
 public:
  LinuxSource(std::string proc_root, std::string sys_root, std::function<std::int64_t()> clock);
  ~LinuxSource() override;

  std::string description() const override;
  bool changed() override { return true; }
  void begin_generation() override {
    cache_.clear();
    ++generation_;
    tree_now_.reset();
  }
  void enumerate(Arena& arena, std::vector<KstatHeader>& out) override;
  void read(const KstatHeader& h, Arena& arena, KstatData& out) override;
  std::size_t part_count() const override { return families_.size(); }
  PartScope part_scope(std::size_t p) const override { return scopes_.at(p); }
  void enumerate_part(std::size_t p, Arena& arena, std::vector<KstatHeader>& out) override;

  // Services for the families.
  const std::string& proc() const noexcept { return proc_; }
  const std::string& sys() const noexcept { return sys_; }
  std::uint64_t hz() const noexcept { return hz_; }
  std::uint64_t page_size() const noexcept { return page_size_; }
  // The clock, or for a recorded tree (no clock) its moment, read once per generation.
  std::int64_t now() const {
    if (clock_) return clock_();
    if (!tree_now_) tree_now_ = tree_time(proc_);
    return *tree_now_;
  }
  std::uint64_t generation() const noexcept { return generation_; }
  const CachedFile& file(const std::string& path);
  void keep_file(const std::string& path, CachedFile f) {
    cache_.insert_or_assign(path, std::move(f));
  }
  TextFile read_text(std::string path, int& err, KstatData* stamp);
  std::int64_t id_for(std::size_t part, const std::string& key, std::optional<std::int64_t> kid);
  // A problem reading `path` that did not stop the read (kss_warnings() shows
  // it); an empty message clears the file's earlier warning.
  void warn(const std::string& path, std::string message);
  std::string warnings() const override;

 private:
  void exclude_owned_keys();
  std::string proc_, sys_;
  std::function<std::int64_t()> clock_;  // empty: a recorded tree
  mutable std::optional<std::int64_t> tree_now_;
  std::uint64_t hz_ = 100;
  std::uint64_t page_size_ = 4096;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::string, CachedFile> cache_;
  std::vector<std::unique_ptr<Family>> families_;
  std::vector<PartScope> scopes_;
  // Per part: identity → synthetic id of the last listing, and the one being built.
  struct Ids {
    std::unordered_map<std::string, std::int64_t> last, next;
  };
  std::vector<Ids> ids_;
  std::int64_t next_id_ = 1LL << 32;             // above any SPL kid
  mutable std::mutex warn_mu_;                   // warnings() runs without mutex()
  std::map<std::string, std::string> warnings_;  // path -> latest warning
};

}  // namespace linuxsrc
}  // namespace kstatsql::engine
