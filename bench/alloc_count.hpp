// bench/alloc_count.hpp — counts heap allocations of the whole bench process.
//
// HOW: alloc_count.cpp defines malloc, calloc, realloc and free in the
// executable. ELF symbol interposition makes every shared library (libsqlite3,
// libstdc++, libc's own callers) use them; they count and forward to glibc's
// __libc_malloc & co. operator new/delete are replaced too, so C++ allocations
// are counted on their own (they also reach malloc and are in `calls`).
// SQLite's own allocations are counted through SQLITE_CONFIG_MALLOC (a
// counting wrapper around its default allocator), installed by
// install_sqlite_counter() before SQLite is initialised.
//
// Counting is always on; read a window with alloc_snapshot() before and after.
// The interposition is glibc-specific (__libc_malloc) and off under
// sanitizers: there alloc_counting_available() is false and only
// AllocCounts::sqlite counts.
#pragma once

#include <cstdint>

namespace kstatsql::bench {

struct AllocCounts {
  std::uint64_t calls = 0;      // malloc + calloc + realloc (any caller)
  std::uint64_t cxx_new = 0;    // operator new (all forms)
  std::uint64_t sqlite = 0;     // SQLite xMalloc + xRealloc
  std::int64_t live_bytes = 0;  // bytes allocated and not yet freed (usable sizes)
};

bool alloc_counting_available() noexcept;
AllocCounts alloc_snapshot() noexcept;
inline AllocCounts operator-(const AllocCounts& a, const AllocCounts& b) noexcept {
  return {a.calls - b.calls, a.cxx_new - b.cxx_new, a.sqlite - b.sqlite,
          a.live_bytes - b.live_bytes};
}

// Must run before the first sqlite3_* call that initialises SQLite. Returns
// false when SQLite refused (then AllocCounts::sqlite stays 0).
bool install_sqlite_counter() noexcept;

}  // namespace kstatsql::bench
