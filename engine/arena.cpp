#include "engine/arena.hpp"

#include <new>

namespace kstatsql::engine {

void* Arena::allocate(std::size_t n, std::size_t align) {
  auto addr = reinterpret_cast<std::uintptr_t>(cur_);
  std::size_t pad = (align - (addr & (align - 1))) & (align - 1);
  if (cur_ == nullptr || pad + n > left_) {
    // Large requests get a block of their own so the current block keeps its tail.
    std::size_t size = n + align > block_size_ / 4 ? n + align : block_size_;
    auto block = std::make_unique<std::byte[]>(size);
    std::byte* base = block.get();
    reserved_ += size;
    if (size != block_size_) {
      blocks_.push_back(std::move(block));
      auto a = reinterpret_cast<std::uintptr_t>(base);
      std::size_t p = (align - (a & (align - 1))) & (align - 1);
      used_ += n;
      return base + p;
    }
    blocks_.push_back(std::move(block));
    cur_ = base;
    left_ = size;
    addr = reinterpret_cast<std::uintptr_t>(cur_);
    pad = (align - (addr & (align - 1))) & (align - 1);
  }
  std::byte* p = cur_ + pad;
  cur_ = p + n;
  left_ -= pad + n;
  used_ += n;
  return p;
}

std::string_view Arena::copy(std::string_view s) {
  char* p = static_cast<char*>(allocate(s.size() + 1, 1));
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return {p, s.size()};
}

}  // namespace kstatsql::engine
