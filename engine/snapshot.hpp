// engine/snapshot.hpp — generations of kstats and the per-connection Session.
//
// INVARIANTS (DESIGN.md, "Snapshot"):
//  * A HeaderSet is fixed once built; it is re-built only when the source says
//    the set of kstats changed, and shared by every generation until then.
//  * A Generation reads each kstat at most once, on first need, into its own
//    arena; what it has handed out never changes and stays valid while any
//    shared_ptr to the generation lives. Strings go to SQLite as SQLITE_STATIC.
//  * Every cursor opened while another cursor of the connection is open gets
//    the same generation, so one statement (joins, self-joins, subqueries)
//    sees one consistent sample. A new generation starts when a cursor opens
//    with none open, unless the session is pinned.
//  * The previous generation is kept for deltas and rates. Generations that
//    cursors still reference outlive their replacement; retired ones are only
//    dropped when no cursor of the connection is open.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/match.hpp"
#include "engine/source.hpp"

namespace kstatsql::engine {

// Identity lists of one enumeration, sorted as kstat(8) sorts: module
// (case-insensitive), instance (numeric), name (case-insensitive), unit.
class HeaderSet {
 public:
  HeaderSet(Arena arena, std::vector<KstatHeader> headers);

  std::size_t size() const noexcept { return headers_.size(); }
  const KstatHeader& operator[](std::size_t i) const noexcept { return headers_[i]; }
  const std::vector<KstatHeader>& all() const noexcept { return headers_; }

  // Indexes of kstats matching `f`, in sorted order, without reading data.
  void match(const Filter& f, std::vector<std::uint32_t>& out) const;
  // Index of the kstat with this identity (unit < 0: any unit), or -1.
  // O(log n): a binary search in the sorted headers, no allocation.
  std::int64_t find(std::string_view module, std::int64_t instance, std::string_view name,
                    std::int64_t unit = -1) const noexcept;

 private:
  void add_candidates(const std::vector<std::uint32_t>* list, const Filter& f,
                      std::vector<std::uint32_t>& out) const;
  Arena arena_;
  std::vector<KstatHeader> headers_;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_module_;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_name_;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_class_;
};

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

class Generation {
 public:
  Generation(std::shared_ptr<SourceHandle> src, std::shared_ptr<const HeaderSet> headers,
             std::uint64_t number, std::shared_ptr<Counters> counters,
             std::weak_ptr<const Generation> previous = {}, std::int64_t recorded = -1);
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  std::uint64_t number() const noexcept { return number_; }
  std::size_t size() const noexcept { return headers_->size(); }
  const KstatHeader& header(std::uint32_t i) const noexcept { return (*headers_)[i]; }
  const HeaderSet& headers() const noexcept { return *headers_; }
  const std::shared_ptr<const HeaderSet>& header_set() const noexcept { return headers_; }
  const SourceHandle& source() const noexcept { return *src_; }
  std::int64_t started_ns() const noexcept { return started_ns_; }

  // Matching kstats; counts them in Counters::matched.
  void match(const Filter& f, std::vector<std::uint32_t>& out) const;

  // Data of kstat i: read from the source on first call (thread-safe), then
  // the same immutable record. Never throws for per-kstat failures (see
  // KstatData::error); may throw Error when the whole source fails.
  const KstatData& data(std::uint32_t i) const;
  bool has_data(std::uint32_t i) const noexcept;

  // Index of the kstat with this identity, or -1.
  std::int64_t find(std::string_view module, std::int64_t instance, std::string_view name,
                    std::int64_t unit = -1) const;

  std::size_t arena_bytes() const;

  // The generation that was current when this one started (for deltas), if
  // it is still alive. Cursors take a strong reference at open.
  std::shared_ptr<const Generation> previous() const { return previous_.lock(); }

  // The recorded generation this one replays (index in the file), or -1 for
  // a live sample. A recorded generation's data does not depend on when it is
  // read, so rates may read its previous generation's data lazily.
  std::int64_t recorded_index() const noexcept { return recorded_; }
  bool replayable() const noexcept { return recorded_ >= 0; }

 private:
  std::weak_ptr<const Generation> previous_;
  std::int64_t recorded_;
  mutable std::atomic<bool> full_scan_hinted_{false};
  std::shared_ptr<SourceHandle> src_;
  std::shared_ptr<const HeaderSet> headers_;
  std::uint64_t number_;
  std::shared_ptr<Counters> counters_;
  std::int64_t started_ns_;
  mutable std::mutex mu_;  // guards arena_ and the slow path of data()
  mutable Arena arena_;
  // Read data by kstat index, in pages of kPage slots allocated on first use,
  // so starting a generation costs O(kstats / kPage), not O(kstats).
  static constexpr std::size_t kPage = 512;
  using Slot = std::atomic<const KstatData*>;
  const Slot* slot(std::uint32_t i) const noexcept;
  Slot& slot_for_write(std::uint32_t i) const;  // REQUIRES: mu_ held
  std::unique_ptr<std::atomic<Slot*>[]> pages_;
};

// One per SQLite connection (shared by its tables and functions).
// Thread-safe: all methods lock the session mutex.
class Session {
 public:
  // `spec` as for open_source(); the source is opened lazily on first use so
  // a bad KSTATSQL_SOURCE surfaces as a query error, not a load failure.
  explicit Session(std::string spec);
  Session(std::shared_ptr<Source> source, std::string spec);

  // A cursor opens: returns the generation it must use (starting a new one
  // when no other cursor is open and the session is not pinned).
  std::shared_ptr<const Generation> open_cursor();
  void close_cursor() noexcept;

  // Switches the source; the next generation comes from it. Throws Error
  // when the spec cannot be opened (the current source is kept then).
  void set_source(const std::string& spec);
  std::string source_spec() const;
  // The current source (opened if needed), without starting a generation.
  std::shared_ptr<SourceHandle> source_handle();
  std::string source_description();

  // Forces the next cursor (or the current pin) onto a fresh generation.
  void refresh();
  // Recorded sources: which recorded generation statements see (default: the
  // last). Takes effect at the next statement. Throws Errc::constraint when
  // out of range or when the source is not recorded.
  void select_recorded(std::int64_t g);
  std::size_t recorded_count();
  std::int64_t recorded_selected() const;

  // Pin: every statement uses the current generation until unpin().
  void pin();
  void unpin();
  bool pinned() const;

  std::shared_ptr<const Generation> current();   // may start one if none yet
  std::shared_ptr<const Generation> previous() const;
  const std::shared_ptr<Counters>& counters() const noexcept { return counters_; }
  int open_cursors() const;

 private:
  void ensure_source_locked();
  void new_generation_locked();

  mutable std::mutex mu_;
  std::string spec_;
  std::shared_ptr<SourceHandle> src_;
  std::shared_ptr<const HeaderSet> headers_;
  std::shared_ptr<const Generation> current_;
  std::shared_ptr<const Generation> previous_;
  // Generations replaced while cursors were open; dropped when none is open.
  std::vector<std::shared_ptr<const Generation>> retired_;
  std::shared_ptr<Counters> counters_;
  std::uint64_t next_number_ = 1;
  int open_ = 0;
  bool pinned_ = false;
  bool stale_ = true;  // refresh() requested, or no generation yet
  std::int64_t recorded_sel_ = -1;  // -1: the last recorded generation
  std::uint64_t seen_epoch_ = 0;    // Source::changed_since bookkeeping
  std::vector<std::shared_ptr<const HeaderSet>> recorded_headers_;
  std::shared_ptr<const Generation> recorded_prev_;  // keeps the previous recorded generation
  std::shared_ptr<const HeaderSet> recorded_headers_locked(std::size_t g);
};

std::int64_t monotonic_ns() noexcept;
std::int64_t realtime_ns() noexcept;

}  // namespace kstatsql::engine
