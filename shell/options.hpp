// shell/options.hpp — the ranges of every numeric command-line option, and
// their parsing.
//
// Each numeric option (the shell's --interval/--count, --report's interval
// and count, record's --interval/--count, .width, .exit)
// is read with one of these functions: the whole text must be a number,
// finite and within the option's range, else the error names the option, the
// text and the allowed range. The ranges keep every later conversion defined
// (seconds to nanoseconds in int64, counts in long) and sensible.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace kstatsql::shell {

// Interval seconds: 1 ms to one year (nanoseconds fit int64 with room).
inline constexpr double kMinIntervalSeconds = 0.001;
inline constexpr double kMaxIntervalSeconds = 31536000;
// Repetition counts: kstat(8) reads its count as an int.
inline constexpr long long kMaxCount = 2147483647;
// .width N: a column's width in terminal columns (negative: right-aligned).
inline constexpr long long kMaxColumnWidth = 10000;

// `text` as seconds within [kMinIntervalSeconds, kMaxIntervalSeconds], or
// nullopt with `error` set ("OPTION TEXT: expected ...").
inline std::optional<double> parse_interval_option(const std::string& option,
                                                   const std::string& text, std::string& error) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v < kMinIntervalSeconds ||
      v > kMaxIntervalSeconds) {
    error = fmt::format("{} '{}': expected a number of seconds from {} to {}", option, text,
                        kMinIntervalSeconds, kMaxIntervalSeconds);
    return std::nullopt;
  }
  return v;
}

// `text` as a whole decimal integer within [lo, hi], or nullopt with `error`.
inline std::optional<long long> parse_integer_option(const std::string& option,
                                                     const std::string& text, long long lo,
                                                     long long hi, std::string& error) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
    error = fmt::format("{} '{}': expected an integer from {} to {}", option, text, lo, hi);
    return std::nullopt;
  }
  return v;
}

}  // namespace kstatsql::shell
