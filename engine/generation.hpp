// engine/generation.hpp — one sample of a source's kstats.
//
// INVARIANTS (DESIGN.md, "Snapshot"):
//  * A Generation reads each kstat at most once, on first need, into its own
//    arena; what it has handed out never changes and stays valid while any
//    shared_ptr to the generation lives. Strings go to SQLite as SQLITE_STATIC.
//  * It holds its source through a SourceHandle, so views into a source's own
//    storage (a mapped .kss) outlive their users.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/header_set.hpp"
#include "engine/source.hpp"

namespace kstatsql::engine {

// Counters observable from SQL (kstat_reads()). Reset when a statement opens
// its first cursor with none open.
struct Counters {
  std::atomic<std::uint64_t> enumerated{0};  // headers listed by the source
  std::atomic<std::uint64_t> matched{0};     // kstats selected by pushed-down constraints
  std::atomic<std::uint64_t> read{0};        // kstats whose data was read from the source
  std::atomic<std::uint64_t> generation{0};  // number of the generation in use
};

// A Source and the spec it was opened from. Calls into the source hold
// source->mutex(), which belongs to the Source itself so that sessions sharing
// one Source object also share its lock.
struct SourceHandle {
  std::shared_ptr<Source> source;
  std::string spec;
};

// Kstat indexes of a generation: for a partitioned source, the part in the
// bits above kPartShift and the kstat's position in that part's header set
// below; for every other source simply the position in its one header set.
// Indexes come only from match(), all() or find(); they are not dense.
class Generation {
 public:
  static constexpr int kPartShift = 24;
  static constexpr std::uint32_t kLocalMask = (1u << kPartShift) - 1;

  // A generation over one header set, fixed at start.
  Generation(std::shared_ptr<SourceHandle> src, std::shared_ptr<const HeaderSet> headers,
             std::uint64_t number, std::shared_ptr<Counters> counters,
             std::weak_ptr<const Generation> previous = {}, std::int64_t recorded = -1);
  // A generation over a partitioned source (Source::part_count() > 0): each
  // part is listed on first need. REQUIRES: the caller holds the source's
  // mutex and has called begin_generation().
  Generation(std::shared_ptr<SourceHandle> src, std::uint64_t number,
             std::shared_ptr<Counters> counters, std::weak_ptr<const Generation> previous);
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  std::uint64_t number() const noexcept { return number_; }
  // Number of kstats (lists every part of a partitioned source).
  std::size_t size() const;
  // REQUIRES: i came from match(), all() or find() of this generation.
  const KstatHeader& header(std::uint32_t i) const noexcept;
  // True when both generations index one and the same header set, so an
  // index of one is the same kstat in the other.
  bool same_headers(const Generation& other) const noexcept;
  const SourceHandle& source() const noexcept { return *src_; }
  std::int64_t started_ns() const noexcept { return started_ns_; }

  // Matching kstats, in kstat(8)'s order; counts them in Counters::matched.
  // Lists only the parts the filter can reach.
  void match(const Filter& f, std::vector<std::uint32_t>& out) const;
  // Every kstat, in kstat(8)'s order (lists every part).
  std::vector<std::uint32_t> all() const;

  // Data of kstat i: read from the source on first call (thread-safe), then
  // the same immutable record. Never throws for per-kstat failures (see
  // KstatData::error); may throw Error when the whole source fails.
  const KstatData& data(std::uint32_t i) const;
  bool has_data(std::uint32_t i) const noexcept;

  // Index of the kstat with this identity, or -1. Lists the parts that may
  // hold it; find_listed() looks only in parts already listed (for a
  // previous generation of a live source, which must not list anything now).
  // `host`: only that host's kstat (a multi-host source lists one identity
  // once per host); none: any host.
  std::int64_t find(std::string_view module, std::int64_t instance, std::string_view name,
                    std::int64_t unit = -1,
                    std::optional<std::string_view> host = std::nullopt) const;
  std::int64_t find_listed(std::string_view module, std::int64_t instance, std::string_view name,
                           std::int64_t unit = -1,
                           std::optional<std::string_view> host = std::nullopt) const;

  std::size_t arena_bytes() const;

  // Throws Error when bytes this generation handed out went bad after they
  // were read (Source::check_intact: a mapped .kss cut by another process);
  // one atomic load per call while no source anywhere reported damage.
  // Tables call it after every row and column they produce.
  void check_intact() const {
    if (Source::damage_epoch().load(std::memory_order_acquire) !=
        damage_seen_.load(std::memory_order_relaxed))
      check_intact_slow();
  }

  // The generation that was current when this one started (for deltas), if
  // it is still alive. Cursors take a strong reference at open.
  std::shared_ptr<const Generation> previous() const { return previous_.lock(); }

  // The recorded generation this one replays (index in the file), or -1 for
  // a live sample. A recorded generation's data does not depend on when it is
  // read, so rates may read its previous generation's data lazily.
  std::int64_t recorded_index() const noexcept { return recorded_; }
  bool replayable() const noexcept { return recorded_ >= 0; }

 private:
  // Read data by kstat index, in pages of kPage slots allocated on first use,
  // so starting a generation costs O(kstats / kPage), not O(kstats).
  static constexpr std::size_t kPage = 512;
  using Slot = std::atomic<const KstatData*>;
  struct Part {
    std::shared_ptr<const HeaderSet> headers;
    std::unique_ptr<std::atomic<Slot*>[]> pages;
  };
  const Part* part(std::size_t p) const;             // lists it on first need
  const Part* listed(std::size_t p) const noexcept;  // null when not listed yet
  Part make_part(std::shared_ptr<const HeaderSet> headers) const;
  void sort_in_kstat_order(std::vector<std::uint32_t>& v) const;
  const Slot* slot(std::uint32_t i) const noexcept;
  Slot& slot_for_write(std::uint32_t i) const;  // REQUIRES: mu_ held
  template <class Find>
  std::int64_t find_in(std::string_view module, std::string_view name, bool list, Find&& f) const;

  std::weak_ptr<const Generation> previous_;
  std::int64_t recorded_;
  mutable std::atomic<bool> full_scan_hinted_{false};
  mutable std::atomic<std::uint64_t> damage_seen_{Source::damage_epoch().load()};
  void check_intact_slow() const;
  std::shared_ptr<SourceHandle> src_;
  std::uint64_t number_;
  std::shared_ptr<Counters> counters_;
  std::int64_t started_ns_;
  mutable std::mutex mu_;  // guards arena_, owned_ and the slow paths of data() and part()
  mutable Arena arena_;
  std::vector<PartScope> scopes_;  // one per part; empty: a single header set
  std::unique_ptr<std::atomic<const Part*>[]> parts_;
  mutable std::vector<std::unique_ptr<Part>> owned_;
};

}  // namespace kstatsql::engine
