// libFuzzer target: arbitrary bytes through the selector parser and matcher.
//
// Build (tests/fuzz/CMakeLists.txt does this with clang):
//   clang++ -std=c++20 -fsanitize=fuzzer,address -I. -Iinclude \
//     tests/fuzz/selector_fuzz.cpp grammar/selector.cpp engine/selector.cpp
// Only kstatsql::Error may escape a parse; anything else (another exception,
// a sanitizer report, a broken round trip) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/selector.hpp"
#include "kstatsql/error.hpp"

using kstatsql::engine::glob_match;
using kstatsql::engine::Selector;
using kstatsql::engine::SelectorMode;
using kstatsql::engine::SelectorSet;

namespace {

void exercise(const Selector& s, std::string_view in) {
  static constexpr std::string_view kNames[] = {"",    "cpu", "sys", "cpu_nsec_idle",
                                                "a/b", "[",   "\\"};
  for (std::string_view n : kNames) {
    (void)s.matches_kstat(n, 0, n);
    (void)s.matches_kstat(n, -12, in);
    (void)s.matches_statistic(n);
  }
  (void)s.matches_kstat(in, static_cast<std::int64_t>(in.size()), in);
  (void)s.matches_statistic(in);
  (void)s.literal_module();
  (void)s.literal_instance();
}

void parse_one(std::string_view in, SelectorMode mode) {
  try {
    const Selector s = Selector::parse(in, mode);
    exercise(s, in);
    // The canonical text must parse to the same canonical text.
    const std::string once = s.to_string();
    const Selector again = Selector::parse(once, mode);
    if (again.to_string() != once) __builtin_trap();
    SelectorSet set;
    set.add(s);
    set.add(again);
    (void)set.matches_statistic("cpu", 1, "sys", in);
    (void)set.literal_modules();
  } catch (const kstatsql::Error&) {
    // Rejected input: the expected outcome for most bytes.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  parse_one(in, SelectorMode::illumos);
  parse_one(in, SelectorMode::openbsd);
  // The glob matcher alone: first half pattern, second half text.
  const std::string_view pat = in.substr(0, size / 2), text = in.substr(size / 2);
  (void)glob_match(pat, text, true, false);
  (void)glob_match(pat, text, false, true);
  return 0;
}
