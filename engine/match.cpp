#include "engine/match.hpp"

#include <algorithm>

#include "engine/text.hpp"

namespace kstatsql::engine {

namespace {

// Length in bytes of the character starting at s[i] (1 for an ill-formed byte).
std::size_t char_len(std::string_view s, std::size_t i) noexcept {
  return text::decode_utf8(s, i).length;
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
      const text::CodePoint hi = text::decode_utf8(p, pi);
      pi += hi.length;
      if (ch >= prev && ch <= hi.value) seen = true;
      prev = 0;
    } else {
      const text::CodePoint cp = text::decode_utf8(p, pi);
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
  const std::size_t n = char_len(s, si);
  const char c = p[pi];
  if (c == '?') {
    plen = 1;
    return true;
  }
  if (c == '[') {
    std::size_t end = pi + 1;
    bool ok = true;
    const bool in = glob_class(p, end, text::decode_utf8(s, si).value, ok);
    plen = end - pi;
    return in && ok;
  }
  plen = char_len(p, pi);
  return plen == n && p.compare(pi, plen, s.substr(si, n)) == 0;
}

// LIKE's single-character tokens: '_' is one character, anything else one
// byte compared with ASCII case folding.
bool like_token(std::string_view p, std::size_t pi, std::string_view s, std::size_t si,
                std::size_t& slen) noexcept {
  if (p[pi] == '_') {
    slen = char_len(s, si);
    return true;
  }
  slen = 1;
  return text::ascii_lower(p[pi]) == text::ascii_lower(s[si]);
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
  return wildcard_match<'%'>(p, s,
                             [](std::string_view pp, std::size_t pi, std::string_view ss,
                                std::size_t si, std::size_t& plen, std::size_t& slen) {
                               plen = 1;
                               return like_token(pp, pi, ss, si, slen);
                             });
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
  return glob_at(pattern, text);
}

bool sql_like(std::string_view pattern, std::string_view text) noexcept {
  return like_at(pattern, text);
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
  if (empty_result) return false;
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
