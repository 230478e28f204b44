// Tests for engine/pattern.hpp's glob_match: fnmatch(3) as the oracle, and
// inputs that would exhaust a recursive or exponential matcher.
#include <catch2/catch.hpp>

#include <fnmatch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/pattern.hpp"

using kstatsql::engine::glob_match;

namespace {

// A small deterministic generator (xorshift), so failures reproduce.
struct Rng {
  std::uint64_t s = 0x9e3779b97f4a7c15u;
  std::size_t below(std::size_t n) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<std::size_t>(s % n);
  }
};

std::string pick(Rng& r, const std::vector<std::string>& parts, std::size_t max_len) {
  std::string out;
  for (std::size_t n = r.below(max_len + 1); n > 0; --n) out += parts[r.below(parts.size())];
  return out;
}

}  // namespace

TEST_CASE("glob_match agrees with fnmatch(3) on generated kstat(8) globs", "[engine][pattern]") {
  const std::vector<std::string> tokens = {
      "a",           "b",    "c",   "*",   "*",  "?", "[ab]", "[!a]", "[^b]", "[a-c]",
      "[[:digit:]]", "[]a]", "\\*", "\\a", "\\", "[", "1",    "/",    ":",    "_"};
  const std::vector<std::string> chars = {"a", "b", "c", "1", "*", "/", "_", ":", "]"};
  Rng rng;
  std::size_t n = 0;
  for (int i = 0; i < 600; ++i) {
    const std::string pat = pick(rng, tokens, 6);
    for (int j = 0; j < 4; ++j) {
      const std::string text = pick(rng, chars, 8);
      INFO("glob '" << pat << "' vs '" << text << "'");
      CHECK(glob_match(pat, text) == (fnmatch(pat.c_str(), text.c_str(), 0) == 0));
      CHECK(glob_match(pat, text, false) ==
            (fnmatch(pat.c_str(), text.c_str(), FNM_NOESCAPE) == 0));
      CHECK(glob_match(pat, text, false, true) ==
            (fnmatch(pat.c_str(), text.c_str(), FNM_NOESCAPE | FNM_LEADING_DIR) == 0));
      ++n;
    }
  }
  CHECK(n == 2400);
}

TEST_CASE("glob_match has no recursion and no exponential backtracking", "[engine][pattern]") {
  const std::string name(200 * 1024, 'a');
  const std::string stars(100000, '*');
  CHECK(glob_match(stars, name));
  CHECK_FALSE(glob_match(stars + "b", name));
  std::string pat;
  for (int i = 0; i < 10; ++i) pat += "*a";
  const std::string forty(40, 'a');
  CHECK_FALSE(glob_match(pat + "*b", forty));
  CHECK(glob_match(pat + "*b", forty + "b"));
  CHECK(kstatsql::engine::Pattern::glob(pat + "*b").matches(forty + "b"));
}
