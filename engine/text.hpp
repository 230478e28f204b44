// engine/text.hpp — small text helpers every floor above may use: ASCII case.
//
// kstat names are bytes, not locale text: case folding is ASCII only and
// bytes compare as unsigned, so results never depend on the locale.
#pragma once

#include <string_view>

namespace kstatsql::engine::text {

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// strcasecmp over string views (ASCII case folding, bytes compared unsigned,
// a prefix first): <0, 0 or >0. Names equal but for case compare equal.
int ascii_casecmp(std::string_view a, std::string_view b) noexcept;

// ASCII case-insensitive equality.
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace kstatsql::engine::text
