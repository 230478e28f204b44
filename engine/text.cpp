// engine/text.cpp — ASCII case helpers (text.hpp).
#include "engine/text.hpp"

#include <algorithm>

namespace kstatsql::engine::text {

int ascii_casecmp(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(ascii_lower(a[i]));
    const auto y = static_cast<unsigned char>(ascii_lower(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
}

bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && ascii_casecmp(a, b) == 0;
}

}  // namespace kstatsql::engine::text
