// engine/sources/kss/kss_reader.hpp — reading .kss files.
//
// KssSource maps a .kss file (PROT_READ, MAP_PRIVATE) and serves its recorded
// generations with no parse step:
//  * open: the file header and every block header are checked (magic, version,
//    endianness, bounds, header CRC, trailer) — O(blocks), one page each. A
//    last block that is cut short or lacks its trailer is a torn tail: it is
//    skipped, and warnings()/description() say so. Any other damage is an
//    Error(parse) "FILE: offset N: what".
//  * enumerate_recorded(g): checks g's records and meta pool (meta_crc) once,
//    then lists headers whose strings point into the mapping. No kstat data
//    page is touched.
//  * read(): checks the kstat's extent CRC on its first read, then hands out
//    views into the mapping (strings, raw bytes, io and intr records); only
//    the NamedStat / TimerStat arrays are built in the generation's arena
//    (offset -> pointer). A failed check throws Error(parse) naming the file,
//    the generation and the offset.
//  * Another process may truncate the file while it is mapped (a page wholly
//    past the end would then raise SIGBUS). The file stays open, and
//    changed(), listing and every read fstat it first: once it is found
//    shorter than mapped, the pages past its new end are replaced by zero
//    pages (so views handed out earlier read zeros instead of faulting) and
//    that call and every later one throw Error(io) "FILE: truncated to N
//    bytes while open". A truncation between the check and a use is not
//    caught; writers that replace files by rename (kstatsql record) never
//    cause one.
//  * The mapping lives as long as the source; a Generation holds the source
//    through its SourceHandle, so every view outlives its users.
// Cookies: (generation << 32) | record index.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/sources/kss/kss_format.hpp"
#include "engine/arena.hpp"
#include "engine/source.hpp"
#include "engine/sources/kss/map_guard.hpp"

namespace kstatsql::engine {

class KssSource final : public Source {
 public:
  // Opens and validates `path`. Throws Error(io) / Error(parse) / Error(unsupported).
  explicit KssSource(std::string path);
  ~KssSource() override;
  KssSource(const KssSource&) = delete;
  KssSource& operator=(const KssSource&) = delete;

  std::string description() const override;
  bool changed() override {
    check_size();
    return !enumerated_;
  }
  void enumerate(Arena& arena, std::vector<KstatHeader>& out) override;
  void read(const KstatHeader& header, Arena& arena, KstatData& out) override;
  // Throws Error(io) "truncated to N bytes while open" once the file shrank.
  void check_intact() const override { check_size(); }
  std::size_t recorded_count() const override { return blocks_.size(); }
  void enumerate_recorded(std::size_t g, Arena& arena, std::vector<KstatHeader>& out) override;
  std::int64_t recorded_time(std::size_t g) const override { return blocks_.at(g).wall_ns; }
  void will_read_all(std::size_t g) override;

  // Immutable after construction: safe to call without the source mutex.
  const std::string& path() const noexcept { return path_; }
  const std::string& host() const noexcept { return host_; }
  const std::string& sysname() const noexcept { return sysname_; }
  std::string warnings() const override { return warnings_; }
  std::string recorded_host() const override { return host_; }
  std::int64_t torn_offset() const noexcept { return torn_at_; }   // -1: none
  std::uint64_t valid_end() const noexcept { return valid_end_; }  // end of the last whole block
  std::vector<RecordedInfo> recorded_info() const override;
  // The mapping, for tests and benchmarks (zero-copy and residency checks).
  const std::byte* map_data() const noexcept { return map_; }
  std::size_t map_size() const noexcept { return size_; }

 private:
  struct Block {
    std::uint64_t off, length;
    std::int64_t wall_ns, mono_ns;
    std::uint32_t kstats, meta_end;
  };
  [[noreturn]] void fail(std::uint64_t offset, const std::string& what) const;
  // Throws Error(io) once the file is shorter than the mapping (see above).
  // Throws the truncation error once the file is shorter than mapped (or a
  // SIGBUS hit the mapping); const so that fail() can prefer it.
  void check_size() const;
  void validate_file_header();
  void scan_blocks();
  void check_meta(std::size_t g);
  void check_extent(std::size_t g, std::uint32_t i, const kss::KstatRecord& r);
  std::string_view meta_str(std::size_t g, kss::Str s, std::uint64_t rec_off) const;
  // Converting kstat i of generation g (record r at rec_off) into a KstatData.
  [[noreturn]] void bad_extent(std::size_t g, std::uint32_t i, const kss::KstatRecord& r,
                               const char* what) const;
  void read_named(std::size_t g, std::uint32_t i, std::uint64_t rec_off, const kss::KstatRecord& r,
                  Arena& arena, KstatData& out) const;
  void read_timers(std::size_t g, std::uint64_t rec_off, const kss::KstatRecord& r, Arena& arena,
                   KstatData& out) const;

  std::string path_;
  const std::byte* map_ = nullptr;
  std::size_t size_ = 0;
  std::unique_ptr<kss::MapGuard> guard_;    // SIGBUS on lost pages -> zero pages
  int fd_ = -1;                             // kept open for check_size()
  mutable std::int64_t truncated_to_ = -1;  // the size found by check_size(), or -1
  std::string host_, sysname_, warnings_;
  std::int64_t torn_at_ = -1;
  std::uint64_t valid_end_ = 0;
  std::vector<Block> blocks_;
  // Recorded data never changes, so each kstat is converted from its file
  // records (offsets -> NamedStat pointers into the map) once per source, not
  // once per generation: later generations copy the cached KstatData. Only
  // kstats some query read are converted. Guarded by the session's source mutex.
  void read_uncached(const KstatHeader& header, Arena& arena, KstatData& out);
  Arena cache_arena_{1 << 20};
  std::vector<std::vector<const KstatData*>> cache_;
  std::vector<bool> meta_ok_;                 // per generation
  std::vector<std::vector<bool>> extent_ok_;  // per generation, per kstat (lazy)
  bool enumerated_ = false;
};

// True when the file at `path` starts with the .kss magic (false when it
// cannot be opened: the caller's own open reports that).
bool is_kss_file(const std::string& path);
std::shared_ptr<Source> open_kss_source(const std::string& path);

}  // namespace kstatsql::engine
