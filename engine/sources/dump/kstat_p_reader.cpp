// engine/sources/dump/kstat_p_reader.cpp — the `kstat -p` text parser.
//
// One line per statistic: `module:instance:name:statistic<TAB>value`. The rules
// for the quirks of real dumps (TAB expanded to spaces, indentation, comma
// decimals, CRLF, repeated intervals) are in docs/file-formats.md; the comments
// here say why each rule is shaped the way it is.
#include <cstring>
#include <limits>

#include "engine/sources/dump/dump_source.hpp"
#include "engine/text.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine::file {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view rtrim_blanks(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// What a space-separated value must look like to count as a number when
// choosing the separator: an integer or kstat(8)'s seconds ("35.240997153",
// "35,240997153"), optionally followed by blanks.
bool looks_numeric(std::string_view v) {
  v = rtrim_blanks(v);
  if (!v.empty() && v[0] == '-') v.remove_prefix(1);
  if (v.empty() || !is_digit(v[0])) return false;
  bool sep = false;
  for (char c : v) {
    if (is_digit(c)) continue;
    if ((c == '.' || c == ',') && !sep) {
      sep = true;
      continue;
    }
    return false;
  }
  return is_digit(v.back());
}

struct Split {
  std::string_view stat;
  std::string_view value;
};

// Splits `rest` (everything after the third ':') into statistic and value when
// no TAB is present. Statistics may contain single spaces (sderr's
// "Hard Errors") and string values may contain any spaces, so every run of
// spaces is a separator candidate. A candidate is plausible when it is what
// expanding kstat(8)'s TAB would produce (the value starts on a multiple of 8
// columns from the key, after 1..8 spaces) or when it is 2+ spaces wide
// (column -t style).
//   1. If the last candidate before any trailing spaces is followed by a
//      number and is plausible (or no candidate is), take it: numbers hold no
//      spaces, statistics may.
//   2. Otherwise take the first plausible candidate (trailing spaces included:
//      "Serial No" followed by spaces only is an empty value): string values
//      hold spaces, statistics rarely do.
//   3. Otherwise the first candidate.
// `key_cols` is the width of `module:instance:name:`. Returns false when
// there is no space at all.
bool split_on_spaces(std::string_view rest, std::size_t key_cols, Split& out) {
  constexpr std::size_t npos = std::string_view::npos;
  std::size_t first = npos, first_end = 0;  // first candidate
  std::size_t plaus = npos, plaus_end = 0;  // first plausible candidate
  std::size_t last = npos, last_end = 0;    // last candidate not at the end
  bool last_plausible = false;
  std::size_t i = 0;
  while (i < rest.size()) {
    if (rest[i] != ' ') {
      ++i;
      continue;
    }
    std::size_t s = i;
    while (i < rest.size() && rest[i] == ' ') ++i;
    if (s == 0) continue;  // the statistic would be empty
    std::size_t width = i - s;
    bool aligned = width <= 8 && (key_cols + i) % 8 == 0;
    bool plausible = aligned || width >= 2;
    if (first == npos) first = s, first_end = i;
    if (plausible && plaus == npos) plaus = s, plaus_end = i;
    if (i < rest.size()) last = s, last_end = i, last_plausible = plausible;
  }
  if (first == npos) return false;
  std::size_t s = first, e = first_end;
  if (last != npos && looks_numeric(rest.substr(last_end)) && (last_plausible || plaus == npos)) {
    s = last, e = last_end;
  } else if (plaus != npos) {
    s = plaus, e = plaus_end;
  }
  out = {rest.substr(0, s), rest.substr(e)};
  return true;
}

class TextParser {
 public:
  TextParser(std::string_view data, const std::string& path) : data_(data), path_(path) {}

  std::shared_ptr<Source> run();

 private:
  void line(std::string_view l);
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(Errc::parse, path_ + ":" + std::to_string(line_no_) + ": " + what);
  }
  [[noreturn]] void bad_key(std::string_view l) const {
    fail("expected 'module:instance:name:statistic<TAB>value', found " + excerpt(l));
  }

  std::string_view data_;
  const std::string& path_;
  std::size_t line_no_ = 0;
  Reports reports_;
  bool after_blank_ = false;  // a blank line since the last statistic
};

std::shared_ptr<Source> TextParser::run() {
  for (const text::Line& l : text::lines(without_bom(data_), true)) {
    line_no_ = l.number;
    line(l.text);
  }
  return reports_.finish(path_ + " (kstat -p text)", path_, "kstat -p text");
}

void TextParser::line(std::string_view l) {
  if (std::memchr(l.data(), '\0', l.size()) != nullptr) {
    fail("unexpected NUL byte (binary data?), expected kstat -p text");
  }
  std::size_t b = 0;
  while (b < l.size() && (l[b] == ' ' || l[b] == '\t')) ++b;
  l.remove_prefix(b);
  if (l.empty()) {
    after_blank_ = true;
    return;
  }
  if (l[0] == '#') return;  // a comment (man pages and notes put them between reports)
  // `kstat -T u` / `-T d` print a time line before each report.
  if (auto t = parse_time_line(l)) {
    reports_.time_line(*t);
    after_blank_ = false;
    return;
  }

  // module: no blanks, no ':'.
  std::size_t c1 = l.find(':');
  if (c1 == 0 || c1 == std::string_view::npos) bad_key(l);
  std::string_view module = l.substr(0, c1);
  if (module.find_first_of(" \t") != std::string_view::npos) bad_key(l);

  // instance: decimal digits.
  std::size_t c2 = l.find(':', c1 + 1);
  std::string_view inst = l.substr(c1 + 1, c2 == std::string_view::npos ? c2 : c2 - c1 - 1);
  auto instance = parse_u64(inst);
  if (!instance ||
      *instance > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    fail("expected a decimal instance number after " + excerpt(std::string(module) + ":") +
         ", found " + excerpt(c2 == std::string_view::npos ? l.substr(c1 + 1) : inst));
  }
  if (c2 == std::string_view::npos) bad_key(l);

  // name: anything but ':' and TAB (it may hold spaces and commas: "sd0,err").
  std::size_t c3 = l.find(':', c2 + 1);
  if (c3 == std::string_view::npos || c3 == c2 + 1) bad_key(l);
  std::string_view name = l.substr(c2 + 1, c3 - c2 - 1);
  if (name.find('\t') != std::string_view::npos) bad_key(l);

  // statistic and value.
  std::string_view rest = l.substr(c3 + 1);
  Split sp;
  std::size_t tab = rest.find('\t');
  if (tab != std::string_view::npos) {
    sp = {rtrim_blanks(rest.substr(0, tab)), rest.substr(tab + 1)};
  } else if (!split_on_spaces(rest, c3 + 1, sp)) {
    fail("expected '<TAB>value' after " + excerpt(l, 64) +
         ", found end of line (kstat -l and -C output are not dumps)");
  }
  if (sp.stat.empty()) fail("empty statistic name in " + excerpt(l));

  // A blank line between reports: the kstats come again (interval output).
  auto inst64 = static_cast<std::int64_t>(*instance);
  if (after_blank_ && reports_.sink().seen(module, inst64, name)) reports_.next();
  after_blank_ = false;
  reports_.sink().select(module, inst64, name);
  if (std::string e = add_text_value(reports_.sink(), sp.stat, sp.value); !e.empty()) fail(e);
}

}  // namespace

std::shared_ptr<Source> parse_kstat_text(std::string_view data, const std::string& path) {
  TextParser p(data, path);
  return p.run();
}

}  // namespace kstatsql::engine::file
