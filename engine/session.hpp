// engine/session.hpp — the per-connection Session: which generation each
// statement sees.
//
// INVARIANTS (DESIGN.md, "Snapshot"):
//  * Every cursor opened while another cursor of the connection is open gets
//    the same generation, so one statement (joins, self-joins, subqueries)
//    sees one consistent sample. A new generation starts when a cursor opens
//    with none open, unless the session is pinned.
//  * The previous generation is kept for deltas and rates. Generations that
//    cursors still reference outlive their replacement; retired ones are only
//    dropped when no cursor of the connection is open.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/generation.hpp"

namespace kstatsql::engine {

// One per SQLite connection (shared by its tables and functions).
// Thread-safe: all methods lock the session mutex.
class Session {
 public:
  // `spec` as for open_source(); the source is opened lazily on first use so
  // a bad KSTATSQL_SOURCE surfaces as a query error, not a load failure.
  // `open` turns a spec into a source (engine/sources/open_source.hpp's
  // open_source knows every family); without one, set_source() fails.
  Session(std::string spec, SourceOpener open);
  Session(std::shared_ptr<Source> source, std::string spec, SourceOpener open = {});

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

  std::shared_ptr<const Generation> current();  // may start one if none yet
  std::shared_ptr<const Generation> previous() const;
  const std::shared_ptr<Counters>& counters() const noexcept { return counters_; }
  int open_cursors() const;

 private:
  void ensure_source_locked();
  std::shared_ptr<Source> open_locked(const std::string& spec) const;  // open_source_ is immutable
  void new_generation_locked();

  const SourceOpener open_source_;
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
  bool stale_ = true;               // refresh() requested, or no generation yet
  std::int64_t recorded_sel_ = -1;  // -1: the last recorded generation
  std::uint64_t seen_epoch_ = 0;    // Source::changed_since bookkeeping
  std::vector<std::shared_ptr<const HeaderSet>> recorded_headers_;
  std::shared_ptr<const Generation> recorded_prev_;  // keeps the previous recorded generation
  std::shared_ptr<const HeaderSet> recorded_headers_locked(std::size_t g);
};

std::int64_t monotonic_ns() noexcept;
std::int64_t realtime_ns() noexcept;

}  // namespace kstatsql::engine
