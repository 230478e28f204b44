// engine/sources/kss/map_guard.hpp — file mappings that survive truncation.
//
// A .kss recording is read through a shared read-only mapping. When another
// process truncates the file, touching a page past the new end raises SIGBUS,
// which would kill the process (the stock sqlite3 included). A MapGuard
// registers a mapping with one process-wide SIGBUS handler: a fault inside a
// registered mapping replaces the pages from the faulting one to the end of
// the mapping with zero pages and marks the guard, so the faulting instruction
// reads zeros and the owner's next size check fails the statement with an
// error naming the truncation. A fault anywhere else goes to the handler that
// was installed before (or the default action).
#pragma once

#include <cstddef>

namespace kstatsql::engine::kss {

class MapGuard {
 public:
  // Registers [base, base + size). At most kMaxGuards mappings are guarded at
  // once; past that a mapping is unguarded (guarded() is false).
  MapGuard(const std::byte* base, std::size_t size) noexcept;
  ~MapGuard();
  MapGuard(const MapGuard&) = delete;
  MapGuard& operator=(const MapGuard&) = delete;

  bool guarded() const noexcept { return slot_ >= 0; }
  // True once a SIGBUS inside the mapping was turned into zero pages.
  bool faulted() const noexcept;
  // Marks the mapping as faulted (its owner replaced pages with zeros itself)
  // and bumps Source::damage_epoch(), so readers of earlier views notice.
  void mark() noexcept;

  static constexpr int kMaxGuards = 1024;

 private:
  int slot_ = -1;
};

}  // namespace kstatsql::engine::kss
