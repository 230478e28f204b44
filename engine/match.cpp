#include "engine/match.hpp"

#include <algorithm>

#include "engine/text.hpp"

namespace kstatsql::engine {

namespace {

// One character as SQLite's GLOB and LIKE read it (sqlite3Utf8Read), so that
// pushdown agrees with SQLite on any bytes: a byte below 0xC0 (ASCII or a
// stray continuation byte) is itself; a lead byte takes every continuation
// byte after it, and a value below 0x80, a surrogate or U+FFFE/U+FFFF reads
// as U+FFFD. REQUIRES: i < s.size().
struct SqlChar {
  std::uint32_t value;
  std::size_t length;
};

SqlChar sql_char(std::string_view s, std::size_t i) noexcept {
  std::uint32_t c = static_cast<unsigned char>(s[i]);
  std::size_t n = 1;
  if (c < 0xC0) return {c, n};
  // The lead byte's payload: 5 bits (110xxxxx), 4, 3, 2, 1, none (0xFE, 0xFF).
  c = c < 0xE0   ? c & 0x1F
      : c < 0xF0 ? c & 0x0F
      : c < 0xF8 ? c & 0x07
      : c < 0xFC ? c & 0x03
      : c < 0xFE ? c & 0x01
                 : 0;
  while (i + n < s.size() && text::is_utf8_continuation(s[i + n])) {
    c = (c << 6) + (static_cast<unsigned char>(s[i + n]) & 0x3F);  // wraps as SQLite's u32 does
    ++n;
  }
  if (c < 0x80 || (c & 0xFFFFF800) == 0xD800 || (c & 0xFFFFFFFE) == 0xFFFE) c = 0xFFFD;
  return {c, n};
}

// Length in bytes of the character starting at s[i].
std::size_t char_len(std::string_view s, std::size_t i) noexcept {
  return sql_char(s, i).length;
}

// Matches a [...] class at p[pi] (just after '['); sets pi past ']'.
bool glob_class(std::string_view p, std::size_t& pi, std::uint32_t ch, bool& ok) noexcept {
  bool invert = false, seen = false;
  if (pi < p.size() && p[pi] == '^') {
    invert = true;
    ++pi;
  }
  if (pi < p.size() && p[pi] == ']') {
    seen = ch == ']';
    ++pi;
  }
  std::uint32_t prev = 0;
  while (pi < p.size() && p[pi] != ']') {
    if (p[pi] == '-' && prev != 0 && pi + 1 < p.size() && p[pi + 1] != ']') {
      ++pi;
      const SqlChar hi = sql_char(p, pi);
      pi += hi.length;
      if (ch >= prev && ch <= hi.value) seen = true;
      prev = 0;
    } else {
      const SqlChar cp = sql_char(p, pi);
      prev = cp.value;
      pi += cp.length;
      if (ch == prev) seen = true;
    }
  }
  if (pi >= p.size()) {
    ok = false;
    return false;
  }  // unterminated class matches nothing
  ++pi;
  return seen != invert;
}

// One pattern token (not the star) against the character at s[si]. Sets
// `plen` to the token's length in the pattern; false when it does not match
// (an unterminated [...] matches nothing, as in SQLite).
bool glob_token(std::string_view p, std::size_t pi, std::string_view s, std::size_t si,
                std::size_t& plen) noexcept {
  const char c = p[pi];
  if (c == '?') {
    plen = 1;
    return true;
  }
  if (c == '[') {
    std::size_t end = pi + 1;
    bool ok = true;
    const bool in = glob_class(p, end, sql_char(s, si).value, ok);
    plen = end - pi;
    return in && ok;
  }
  const SqlChar pc = sql_char(p, pi);
  plen = pc.length;
  return pc.value == sql_char(s, si).value;
}

// LIKE's single-character tokens: '_' is one character, anything else one
// character compared by value, ASCII letters case-folded.
bool like_token(std::string_view p, std::size_t pi, std::string_view s, std::size_t si,
                std::size_t& plen, std::size_t& slen) noexcept {
  const SqlChar tc = sql_char(s, si);
  slen = tc.length;
  if (p[pi] == '_') {
    plen = 1;
    return true;
  }
  const SqlChar pc = sql_char(p, pi);
  plen = pc.length;
  if (pc.value == tc.value) return true;
  return pc.value < 0x80 && tc.value < 0x80 &&
         text::ascii_lower(static_cast<char>(pc.value)) ==
             text::ascii_lower(static_cast<char>(tc.value));
}

// The classic two-pointer matcher: on a mismatch, go back to just after the
// last star and let that star take one more character of the text. Every
// other token matches exactly one character, so earlier stars never need to
// be revisited; the work is O(|pattern| x |text|) with no recursion.
template <char Star, typename Token>
bool wildcard_match(std::string_view p, std::string_view s, Token token) noexcept {
  constexpr std::size_t none = std::string_view::npos;
  std::size_t pi = 0, si = 0;
  std::size_t star_p = none, star_s = 0;
  while (true) {
    if (pi < p.size() && p[pi] == Star) {
      star_p = ++pi;
      star_s = si;
      if (pi == p.size()) return true;  // a trailing star takes the rest
      continue;
    }
    if (pi < p.size() && si < s.size()) {
      std::size_t plen = 1, slen = 1;
      if (token(p, pi, s, si, plen, slen)) {
        pi += plen;
        si += slen;
        continue;
      }
    } else if (pi == p.size() && si == s.size()) {
      return true;
    }
    if (star_p == none || star_s >= s.size()) return false;
    star_s += char_len(s, star_s);
    pi = star_p;
    si = star_s;
  }
}

bool glob_at(std::string_view p, std::string_view s) noexcept {
  return wildcard_match<'*'>(p, s,
                             [](std::string_view pp, std::size_t pi, std::string_view ss,
                                std::size_t si, std::size_t& plen, std::size_t& slen) {
                               slen = char_len(ss, si);
                               return glob_token(pp, pi, ss, si, plen);
                             });
}

bool like_at(std::string_view p, std::string_view s) noexcept {
  return wildcard_match<'%'>(
      p, s,
      [](std::string_view pp, std::size_t pi, std::string_view ss, std::size_t si,
         std::size_t& plen, std::size_t& slen) { return like_token(pp, pi, ss, si, plen, slen); });
}

// SQLite compares C strings: a pattern or a text ends at its first NUL byte.
std::string_view c_string(std::string_view s) noexcept {
  return s.substr(0, s.find('\0'));
}

// Decimal text of an instance, without allocation.
std::string_view instance_text(std::int64_t v, char (&buf)[24]) noexcept {
  char* end = buf + sizeof buf;
  char* p = end;
  std::uint64_t u = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) *--p = '-';
  return {p, static_cast<std::size_t>(end - p)};
}

}  // namespace

bool sql_glob(std::string_view pattern, std::string_view text) noexcept {
  return glob_at(c_string(pattern), c_string(text));
}

bool sql_like(std::string_view pattern, std::string_view text) noexcept {
  return like_at(c_string(pattern), c_string(text));
}

bool Predicate::matches(std::string_view value) const noexcept {
  for (const std::string& alt : text) {
    switch (op) {
      case MatchOp::eq:
        if (value == alt) return true;
        break;
      case MatchOp::glob:
        if (sql_glob(alt, value)) return true;
        break;
      case MatchOp::like:
        if (sql_like(alt, value)) return true;
        break;
    }
  }
  return false;
}

bool Predicate::matches(std::int64_t value) const noexcept {
  if (op == MatchOp::eq) return std::find(ints.begin(), ints.end(), value) != ints.end();
  char buf[24];
  return matches(instance_text(value, buf));
}

bool Filter::matches_header(const KstatHeader& h) const noexcept {
  if (empty_result || (type && h.type != *type)) return false;
  for (const Predicate& p : preds) {
    switch (p.col) {
      case KeyCol::module:
        if (!p.matches(h.module)) return false;
        break;
      case KeyCol::name:
        if (!p.matches(h.name)) return false;
        break;
      case KeyCol::klass:
        if (!p.matches(h.klass)) return false;
        break;
      case KeyCol::instance:
        if (!p.matches(h.instance)) return false;
        break;
      case KeyCol::statistic:
        break;
    }
  }
  return true;
}

bool Filter::has_statistic() const noexcept {
  return std::any_of(preds.begin(), preds.end(),
                     [](const Predicate& p) { return p.col == KeyCol::statistic; });
}

bool Filter::matches_statistic(std::string_view stat) const noexcept {
  for (const Predicate& p : preds) {
    if (p.col == KeyCol::statistic && !p.matches(stat)) return false;
  }
  return true;
}

const std::vector<std::string>* Filter::eq_text(KeyCol col) const noexcept {
  const std::vector<std::string>* best = nullptr;
  for (const Predicate& p : preds) {
    if (p.col == col && p.op == MatchOp::eq && (!best || p.text.size() < best->size())) {
      best = &p.text;
    }
  }
  return best;
}

const std::vector<std::int64_t>* Filter::eq_ints() const noexcept {
  for (const Predicate& p : preds) {
    if (p.col == KeyCol::instance && p.op == MatchOp::eq) return &p.ints;
  }
  return nullptr;
}

}  // namespace kstatsql::engine
