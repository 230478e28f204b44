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
  if (pi < p.size() && p[pi] == '^') { invert = true; ++pi; }
  if (pi < p.size() && p[pi] == ']') { seen = ch == ']'; ++pi; }
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
  if (pi >= p.size()) { ok = false; return false; }  // unterminated class matches nothing
  ++pi;
  return seen != invert;
}

bool glob_at(std::string_view p, std::size_t pi, std::string_view s, std::size_t si) noexcept {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      while (pi < p.size() && (p[pi] == '*' || p[pi] == '?')) {
        if (p[pi] == '?') {
          if (si >= s.size()) return false;
          si += char_len(s, si);
        }
        ++pi;
      }
      if (pi == p.size()) return true;
      for (; si <= s.size(); si += (si < s.size() ? char_len(s, si) : 1)) {
        if (glob_at(p, pi, s, si)) return true;
        if (si == s.size()) break;
      }
      return false;
    }
    if (si >= s.size()) return false;
    std::size_t n = char_len(s, si);
    if (c == '?') {
      ++pi;
    } else if (c == '[') {
      ++pi;
      bool ok = true;
      if (!glob_class(p, pi, text::decode_utf8(s, si).value, ok) || !ok) return false;
    } else {
      std::size_t m = char_len(p, pi);
      if (m != n || p.compare(pi, m, s.substr(si, n)) != 0) return false;
      pi += m;
    }
    si += n;
  }
  return si == s.size();
}

bool like_at(std::string_view p, std::size_t pi, std::string_view s, std::size_t si) noexcept {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '%') {
      while (pi < p.size() && (p[pi] == '%' || p[pi] == '_')) {
        if (p[pi] == '_') {
          if (si >= s.size()) return false;
          si += char_len(s, si);
        }
        ++pi;
      }
      if (pi == p.size()) return true;
      for (; si <= s.size(); si += (si < s.size() ? char_len(s, si) : 1)) {
        if (like_at(p, pi, s, si)) return true;
        if (si == s.size()) break;
      }
      return false;
    }
    if (si >= s.size()) return false;
    std::size_t n = char_len(s, si);
    if (c == '_') {
      ++pi;
      si += n;
      continue;
    }
    if (text::ascii_lower(c) != text::ascii_lower(s[si])) return false;
    ++pi;
    ++si;
  }
  return si == s.size();
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
  return glob_at(pattern, 0, text, 0);
}

bool sql_like(std::string_view pattern, std::string_view text) noexcept {
  return like_at(pattern, 0, text, 0);
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
