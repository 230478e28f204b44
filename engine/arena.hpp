// engine/arena.hpp — a bump allocator whose bytes never move.
//
// A generation's data, a header set's strings and a file source's parsed
// records live in arenas. Pointers into an arena stay valid until the arena is
// destroyed, which is what lets the virtual tables hand strings to SQLite as
// SQLITE_STATIC. Only trivially destructible objects may be placed in it.
// Not thread-safe: the owner serialises access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace kstatsql::engine {

class Arena {
 public:
  explicit Arena(std::size_t block_size = 64 * 1024) : block_size_(block_size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) noexcept = default;
  Arena& operator=(Arena&&) noexcept = default;

  void* allocate(std::size_t n, std::size_t align = alignof(std::max_align_t));

  template <typename T>
  T* make_array(std::size_t n) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    if (n == 0) return nullptr;
    T* p = static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
    for (std::size_t i = 0; i < n; ++i) new (p + i) T();
    return p;
  }

  template <typename T>
  std::span<const T> copy_span(std::span<const T> src) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (src.empty()) return {};
    T* p = static_cast<T*>(allocate(sizeof(T) * src.size(), alignof(T)));
    std::memcpy(static_cast<void*>(p), src.data(), sizeof(T) * src.size());
    return {p, src.size()};
  }

  // Copies s (not NUL-terminated in the view, but a NUL follows it in memory).
  std::string_view copy(std::string_view s);

  std::size_t bytes_used() const noexcept { return used_; }
  std::size_t bytes_reserved() const noexcept { return reserved_; }

 private:
  std::size_t block_size_;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cur_ = nullptr;
  std::size_t left_ = 0;
  std::size_t used_ = 0;
  std::size_t reserved_ = 0;
};

}  // namespace kstatsql::engine
