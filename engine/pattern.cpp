// engine/pattern.cpp — one selector field's matcher: the glob matcher, POSIX
// EREs with a cost bound, and Pattern (pattern.hpp).
#include "engine/pattern.hpp"

#include <regex.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "engine/text.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

// ---------------------------------------------------------------------------
// Glob

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_alpha(unsigned char c) noexcept {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
bool is_digit(unsigned char c) noexcept {
  return c >= '0' && c <= '9';
}

// ASCII character classes, so matching does not depend on the locale.
bool in_class(std::string_view cls, unsigned char c) noexcept {
  const bool upper = text::ascii_is_upper(static_cast<char>(c));
  const bool lower = c >= 'a' && c <= 'z';
  const bool digit = is_digit(c);
  const bool graph = c > 0x20 && c < 0x7F;
  if (cls == "alpha") return upper || lower;
  if (cls == "digit") return digit;
  if (cls == "alnum") return upper || lower || digit;
  if (cls == "upper") return upper;
  if (cls == "lower") return lower;
  if (cls == "space") return c == ' ' || (c >= '\t' && c <= '\r');
  if (cls == "blank") return c == ' ' || c == '\t';
  if (cls == "punct") return graph && !upper && !lower && !digit;
  if (cls == "print") return graph || c == ' ';
  if (cls == "graph") return graph;
  if (cls == "cntrl") return c < 0x20 || c == 0x7F;
  if (cls == "xdigit") return digit || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
  return false;
}

// Length of a "[:name:]" at pat[i], or 0. Mirrors grammar sel::char_class.
std::size_t class_length(std::string_view pat, std::size_t i) noexcept {
  if (i + 1 >= pat.size() || pat[i] != '[' || pat[i + 1] != ':') return 0;
  std::size_t j = i + 2;
  while (j < pat.size() && is_alpha(static_cast<unsigned char>(pat[j]))) ++j;
  if (j == i + 2 || j + 1 >= pat.size() || pat[j] != ':' || pat[j + 1] != ']') return 0;
  return j + 2 - i;
}

// One bracket-expression element character at pat[i] (maybe escaped); advances i.
unsigned char bracket_char(std::string_view pat, std::size_t& i, bool escapes) noexcept {
  if (escapes && pat[i] == '\\' && i + 1 < pat.size()) {
    i += 2;
    return static_cast<unsigned char>(pat[i - 1]);
  }
  return static_cast<unsigned char>(pat[i++]);
}

// The bracket expression starting at pat[p] == '['. Returns the index just
// past its ']' and sets `matched`, or npos when there is no closing ']' (the
// '[' is then an ordinary character). Where it ends agrees with the grammar's
// sel::bracket rule, so ':' protection and matching see the same brackets.
std::size_t match_bracket(std::string_view pat, std::size_t p, unsigned char c, bool escapes,
                          bool& matched) noexcept {
  std::size_t i = p + 1;
  bool negate = false;
  if (i < pat.size() && (pat[i] == '!' || pat[i] == '^')) {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;
  while (i < pat.size()) {
    if (pat[i] == ']' && !first) {
      matched = found != negate;
      return i + 1;
    }
    first = false;
    if (const std::size_t n = class_length(pat, i); n != 0) {
      found = found || in_class(pat.substr(i + 2, n - 4), c);
      i += n;
      continue;
    }
    const unsigned char lo = bracket_char(pat, i, escapes);
    // A range "lo-hi"; a '-' before ']' or before a [:class:] is literal.
    if (i + 1 < pat.size() && pat[i] == '-' && pat[i + 1] != ']' && class_length(pat, i + 1) == 0) {
      ++i;
      const unsigned char hi = bracket_char(pat, i, escapes);
      found = found || (lo <= c && c <= hi);
      continue;
    }
    found = found || c == lo;
  }
  return npos;
}

}  // namespace

bool glob_match(std::string_view pat, std::string_view s, bool escapes, bool leading_dir) noexcept {
  // Iterative matching with backtracking to the last '*' only: every other
  // token matches exactly one character, so that is sufficient. O(|pat|·|s|).
  std::size_t p = 0, t = 0;
  std::size_t star_p = npos, star_t = 0;
  for (;;) {
    if (p < pat.size()) {
      const char pc = pat[p];
      if (pc == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (t < s.size()) {
        const auto c = static_cast<unsigned char>(s[t]);
        bool ok = false;
        std::size_t next = p + 1;
        if (pc == '?') {
          ok = true;
        } else if (pc == '[') {
          bool m = false;
          if (const std::size_t e = match_bracket(pat, p, c, escapes, m); e != npos) {
            ok = m;
            next = e;
          } else {
            ok = c == '[';
          }
        } else if (pc == '\\' && escapes && p + 1 < pat.size()) {
          ok = c == static_cast<unsigned char>(pat[p + 1]);
          next = p + 2;
        } else {
          ok = c == static_cast<unsigned char>(pc);
        }
        if (ok) {
          p = next;
          ++t;
          continue;
        }
      }
    } else if (t == s.size() || (leading_dir && s[t] == '/')) {
      return true;
    }
    if (star_p == npos || star_t >= s.size()) return false;
    p = star_p;
    t = ++star_t;
  }
}

// ---------------------------------------------------------------------------
// Regex

namespace detail {

class Regex {
 public:
  // Compiles `body` (REG_EXTENDED|REG_NOSUB). On failure sets `error` to the
  // regerror text and leaves the object unusable (ok() false).
  Regex(const std::string& body, std::string& error) {
    const int rc = regcomp(&re_, body.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
      char buf[256];
      regerror(rc, &re_, buf, sizeof buf);
      error = std::string("bad regular expression: ") + buf;
      return;  // regcomp frees its own state on failure
    }
    ok_ = true;
  }
  ~Regex() {
    if (ok_) regfree(&re_);
  }
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  bool ok() const noexcept { return ok_; }

  // Unanchored search of the whole of `s`. regexec() wants a NUL-terminated
  // subject and sanitizer interceptors strlen() it even under REG_STARTEND,
  // so the subject is copied to a stack buffer (kstat names are <= 31 bytes;
  // only subjects of 256 bytes or more take a heap copy).
  bool search(std::string_view s) const noexcept {
    char stack[256];
    std::string heap;
    const char* subject = stack;
    if (s.size() < sizeof stack) {
      if (!s.empty()) std::memcpy(stack, s.data(), s.size());
      stack[s.size()] = '\0';
    } else {
      try {
        heap.assign(s);
      } catch (...) {
        return false;  // out of memory: report no match rather than throw
      }
      subject = heap.c_str();
    }
#ifdef REG_STARTEND
    // REG_STARTEND bounds the subject by pmatch[0], so embedded NUL bytes are
    // part of it (glibc, the BSDs, illumos).
    regmatch_t m[1];
    m[0].rm_so = 0;
    m[0].rm_eo = static_cast<regoff_t>(s.size());
    return regexec(&re_, subject, 0, m, REG_STARTEND) == 0;
#else
    return regexec(&re_, subject, 0, nullptr, 0) == 0;
#endif
  }

 private:
  regex_t re_{};
  bool ok_ = false;
};

}  // namespace detail

namespace {

// A rough upper bound of the size of the automaton glibc's regcomp builds.
// It copies the operand of '+' and of {m,n}, so stacked and nested
// repetitions grow multiplicatively, and {0,n} costs about n^2: "a{0,32767}"
// alone takes 8 GB and 7 s, "a" followed by 24 '+' 12 GB. kstat(8) has the
// same exposure; a selector should not be able to take a process down, so
// compile_regex() refuses REs whose bound exceeds kMaxBound or whose weight
// exceeds kMaxReWeight. Unbalanced input is left to regcomp to reject.
constexpr std::size_t kMaxBound = 255;  // POSIX's minimum RE_DUP_MAX
constexpr std::size_t kMaxReWeight = 4096;
constexpr std::size_t kCap = std::size_t{1} << 30;  // saturation point of the weight

// The index of the ']' closing the bracket expression opening at re[i]
// ([:class:], [=equiv=] and [.coll.] included), or re.size().
std::size_t bracket_end(std::string_view re, std::size_t i) {
  const std::size_t n = re.size();
  std::size_t j = i + 1;
  if (j < n && re[j] == '^') ++j;
  if (j < n && re[j] == ']') ++j;
  while (j < n && re[j] != ']') {
    if (re[j] == '[' && j + 1 < n && (re[j + 1] == ':' || re[j + 1] == '=' || re[j + 1] == '.')) {
      const char close[] = {re[j + 1], ']', '\0'};
      const std::size_t e = re.find(close, j + 2);
      j = e == npos ? n : e + 2;
    } else {
      ++j;
    }
  }
  return j;
}

// An interval "{lo}", "{lo,}" or "{lo,hi}" starting at re[i]: valid when it
// has digits and ends in '}' (at re[end]). Bounds saturate at kCap.
struct Interval {
  std::size_t end = 0;
  std::size_t lo = 0;
  std::size_t hi = 0;
  bool comma = false;
  bool valid = false;
};

Interval parse_interval(std::string_view re, std::size_t i) {
  const std::size_t n = re.size();
  Interval iv;
  bool digits = false;
  std::size_t j = i + 1;
  for (; j < n && (is_digit(static_cast<unsigned char>(re[j])) || re[j] == ','); ++j) {
    if (re[j] == ',') {
      if (iv.comma) break;
      iv.comma = true;
    } else {
      digits = true;
      std::size_t& v = iv.comma ? iv.hi : iv.lo;
      v = std::min(kCap, v * 10 + static_cast<std::size_t>(re[j] - '0'));
    }
  }
  iv.end = j;
  iv.valid = j < n && re[j] == '}' && digits;
  return iv;
}

// The weights of the open groups of an RE being scanned: the innermost last.
class ReWeights {
 public:
  // A new element of weight w in the innermost group.
  void atom(std::size_t w) {
    st_.back().last = w;
    st_.back().total = std::min(kCap, st_.back().total + w);
  }
  // The innermost group's last element, repeated factor times.
  void repeat(std::size_t factor) {
    Frame& f = st_.back();
    const std::size_t grown = std::min(kCap, f.last * factor);
    f.total = std::min(kCap, f.total - f.last + grown);
    f.last = grown;
  }
  void open() { st_.emplace_back(); }
  // Closes the innermost group (an element of the one around it); at top
  // level a ')' is an ordinary character.
  void close() {
    if (st_.size() > 1) {
      const std::size_t w = st_.back().total + 1;
      st_.pop_back();
      atom(w);
    } else {
      atom(1);
    }
  }
  void alternative() { st_.back().last = 0; }
  // The weight of the whole RE, closing unbalanced '(' for the estimate.
  std::size_t total() {
    while (st_.size() > 1) close();
    return st_.back().total;
  }

 private:
  struct Frame {
    std::size_t total = 0;  // weight of the group so far
    std::size_t last = 0;   // weight of its last element (what a quantifier repeats)
  };
  std::vector<Frame> st_ = std::vector<Frame>(1);
};

std::size_t re_weight(std::string_view re) {
  ReWeights w;
  const std::size_t n = re.size();
  for (std::size_t i = 0; i < n; ++i) {
    switch (re[i]) {
      case '\\':
        ++i;
        w.atom(1);
        break;
      case '[':
        i = bracket_end(re, i);
        w.atom(1);
        break;
      case '(':
        w.open();
        break;
      case ')':
        w.close();
        break;
      case '|':
        w.alternative();
        break;
      case '*':
      case '?':
      case '+':
        // Each adds an epsilon loop or bypass whose closure regcomp computes
        // per node: stacked ones ("x?????++++++++") cost minutes unless weighed.
        w.repeat(2);
        break;
      case '{': {
        const Interval iv = parse_interval(re, i);
        if (iv.valid) {
          if (iv.lo > kMaxBound || iv.hi > kMaxBound) return kCap;
          w.repeat(std::max<std::size_t>({iv.lo, iv.hi, 1}) + (iv.comma && iv.hi == 0 ? 1 : 0));
          i = iv.end;
        } else {
          w.atom(1);
        }
        break;
      }
      default:
        w.atom(1);
        break;
    }
  }
  return w.total();
}

// `re` with each run of stacked '*', '+' and '?' after an atom written as
// the one quantifier it equals ("a+++" is "a+", "a???" is "a?", any mix is
// "a*"). regcomp builds a node per quantifier and closes over them, so
// "c?????++++++" alone costs a second and "(c?????++++++d????????)+++" over
// a minute; the single quantifier matches the same strings. A run after no
// atom (at the start, after '(' or '|') is left as written.
std::string collapse_quantifiers(std::string_view re) {
  std::string out;
  out.reserve(re.size());
  const std::size_t n = re.size();
  bool after_atom = false;
  for (std::size_t i = 0; i < n;) {
    const char c = re[i];
    if ((c == '*' || c == '+' || c == '?') && after_atom) {
      std::size_t j = i;
      bool plus = false, opt = false;
      for (; j < n && (re[j] == '*' || re[j] == '+' || re[j] == '?'); ++j) {
        plus = plus || re[j] != '?';
        opt = opt || re[j] != '+';
      }
      out += plus && opt ? '*' : plus ? '+' : '?';
      after_atom = false;
      i = j;
      continue;
    }
    std::size_t end = i + 1;
    if (c == '\\') {
      end = std::min(n, i + 2);
    } else if (c == '[') {
      end = std::min(n, bracket_end(re, i) + 1);
    }
    out.append(re.substr(i, end - i));
    after_atom = !(c == '(' || c == '|' || c == '^' || c == '{' || c == '}' || c == '*' ||
                   c == '+' || c == '?');
    i = end;
  }
  return out;
}

// What kstat(8)'s EREs cannot hold but glibc's regcomp would take: a
// back-reference \1..\9 (not part of POSIX EREs; with one, matching is
// exponential: "(a*)(a*)(a*)\3\2\1b" takes seconds on 100 bytes), and groups
// nested deeper than kMaxReDepth (regcomp recurses per group and overflows
// the stack at some ten thousand). Returns the reason, or nullptr.
constexpr std::size_t kMaxReDepth = 64;

const char* re_refusal(std::string_view re) {
  std::size_t depth = 0;
  for (std::size_t i = 0; i < re.size(); ++i) {
    switch (re[i]) {
      case '\\':
        if (i + 1 < re.size() && re[i + 1] >= '1' && re[i + 1] <= '9') {
          return "back-references (\\1 to \\9) are not part of extended regular expressions";
        }
        ++i;
        break;
      case '[':
        i = bracket_end(re, i);
        break;
      case '(':
        if (++depth > kMaxReDepth)
          return "regular expression nested too deeply (more than 64 groups)";
        break;
      case ')':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return nullptr;
}

bool has_glob_syntax(std::string_view text) noexcept {
  return text.find_first_of("*?[\\") != npos;
}

}  // namespace

namespace detail {

// Compiles an RE body; on failure returns null and sets `error`.
std::shared_ptr<const Regex> compile_regex(std::string_view body, std::string& error) {
  if (body.find('\0') != npos) {
    error = "NUL byte in regular expression";
    return nullptr;
  }
  if (const char* why = re_refusal(body)) {
    error = why;
    return nullptr;
  }
  std::string simple = collapse_quantifiers(body);
  if (re_weight(simple) > kMaxReWeight) {
    error = "regular expression too complex (bounds above 255, or nested repetition)";
    return nullptr;
  }
  auto re = std::make_shared<const Regex>(simple, error);
  if (!re->ok()) return nullptr;
  return re;
}

}  // namespace detail

// ---------------------------------------------------------------------------
// Pattern

Pattern Pattern::glob(std::string_view text, bool escapes, bool leading_dir) {
  Pattern p;
  p.escapes_ = escapes;
  p.leading_dir_ = leading_dir;
  if (text.empty() || text == "*") return p;
  p.text_ = std::string(text);
  // With leading_dir even a plain string matches more than itself ("a" matches "a/b").
  const bool special = escapes ? has_glob_syntax(text) : text.find_first_of("*?[") != npos;
  p.kind_ = special || leading_dir ? Kind::glob : Kind::literal;
  return p;
}

Pattern Pattern::regex(std::string_view body) {
  std::string error;
  auto re = detail::compile_regex(body, error);
  if (!re) {
    throw Error(Errc::parse, "selector: " + error + " (in /" + std::string(body) + "/)");
  }
  return from_regex(body, std::move(re));
}

Pattern Pattern::from_regex(std::string_view body, std::shared_ptr<const detail::Regex> re) {
  Pattern p;
  p.kind_ = Kind::regex;
  p.text_ = std::string(body);
  p.re_ = std::move(re);
  return p;
}

Pattern Pattern::compile(std::string_view text) {
  if (text.size() >= 2 && text.front() == '/' && text.back() == '/') {
    return regex(text.substr(1, text.size() - 2));
  }
  return glob(text);
}

bool Pattern::matches(std::string_view s) const noexcept {
  switch (kind_) {
    case Kind::any:
      return true;
    case Kind::literal:
      return s == text_;
    case Kind::glob:
      return glob_match(text_, s, escapes_, leading_dir_);
    case Kind::regex:
      return re_->search(s);
  }
  return false;
}

std::optional<std::string_view> Pattern::literal() const noexcept {
  if (kind_ != Kind::literal) return std::nullopt;
  return std::string_view(text_);
}

std::string Pattern::to_string() const {
  switch (kind_) {
    case Kind::any:
      return "*";
    case Kind::regex:
      return "/" + text_ + "/";
    default:
      return text_;
  }
}

}  // namespace kstatsql::engine
