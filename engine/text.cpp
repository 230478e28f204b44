// engine/text.cpp — ASCII case, UTF-8 decoding, quoted excerpts (text.hpp).
#include "engine/text.hpp"

#include <algorithm>

#include "kstatsql/error.hpp"

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

CodePoint decode_utf8(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = byte(0);
  const CodePoint bad{c, 1, false};
  if (c < 0x80) return {c, 1, true};
  std::size_t n = 0;
  char32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return bad;
  }
  if (n > s.size() - i) return bad;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return bad;
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return bad;
  if (cp >= 0xD800 && cp <= 0xDFFF) return bad;
  return {cp, static_cast<std::uint8_t>(n), true};
}

std::string quote_excerpt(std::string_view s, std::size_t max) {
  std::size_t shown = 0;  // bytes of s that fit in max, ending at a character boundary
  while (shown < s.size()) {
    const std::size_t len = decode_utf8(s, shown).length;
    if (shown + len > max) break;
    shown += len;
  }
  std::string out = "'";
  out += printable_text(s.substr(0, shown), true);
  if (shown < s.size()) {
    out += "...' (";
    out += std::to_string(s.size());
    out += " bytes)";
  } else {
    out += '\'';
  }
  return out;
}

}  // namespace kstatsql::engine::text
