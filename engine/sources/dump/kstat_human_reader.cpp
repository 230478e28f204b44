// engine/sources/dump/kstat_human_reader.cpp — kstat(8)'s default (human)
// output, the format most dumps in bug reports and forum posts are in:
//
//   module: cpu_info                        instance: 0
//   name:   cpu_info0                       class:    misc
//           brand                           Intel(r) Xeon(r) CPU E5-2670 0 @ 2.60GHz
//           crtime                          35.240997153
//
// kstat.c prints the header as "module: %-30.30s  instance: %-6d" and
// "name:   %-30.30s  class:    %-.30s", each statistic as TAB, "%-30s", two
// spaces and the value, and a blank line after each kstat. The Perl kstat of
// Solaris 10/11 prints the same columns (and pads the instance with trailing
// spaces); copies often have the TAB expanded to 8 spaces. The value starts at
// column 32 after the indentation when the statistic fits in 30 columns
// (string values may hold runs of spaces: "CPU           E5620  @"), and two
// spaces after a longer statistic. Statistic names may hold single spaces
// (sderr's "Hard Errors"). The rules are in docs/file-formats.md.
#include <cstring>
#include <limits>

#include "engine/sources/dump/dump_source.hpp"
#include "engine/text.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine::file {

namespace {

constexpr std::size_t kNameCols = 30;  // "%-30s"
constexpr std::size_t kValueCol = 32;  // name columns plus two spaces

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// A value that holds no spaces and reads as a number: what a statistic line
// whose separator was squeezed to one space ends in.
bool looks_numeric(std::string_view v) {
  if (!v.empty() && v[0] == '-') v.remove_prefix(1);
  if (v.empty()) return false;
  bool sep = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') continue;
    if ((c == '.' || c == ',') && !sep) {
      sep = true;
      continue;
    }
    return false;
  }
  return v.back() >= '0' && v.back() <= '9';
}

struct StatLine {
  std::string_view stat;
  std::string_view value;
};

// Splits an unindented statistic line. The separator is the first run of two
// or more spaces (a TAB counts as one); a statistic of up to 30 columns has
// its value at column 32 exactly, so a value's own leading spaces survive.
// With no such run, a last single-space-separated number is the value (a
// squeezed copy); otherwise the line is a statistic with an empty value.
StatLine split_stat(std::string_view l) {
  std::size_t i = 0;
  while (i < l.size()) {
    if (l[i] != ' ' && l[i] != '\t') {
      ++i;
      continue;
    }
    std::size_t s = i;
    while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
    bool tab = l.substr(s, i - s).find('\t') != std::string_view::npos;
    if (i - s < 2 && !tab) continue;
    std::size_t v = i;
    if (s <= kNameCols && i >= kValueCol && !tab) v = kValueCol;
    return {l.substr(0, s), l.substr(v)};
  }
  std::string_view t = rtrim(l);
  std::size_t sp = t.rfind(' ');
  if (sp != std::string_view::npos && sp > 0 && looks_numeric(t.substr(sp + 1))) {
    return {rtrim(t.substr(0, sp)), t.substr(sp + 1)};
  }
  return {t, {}};
}

class HumanParser {
 public:
  HumanParser(std::string_view data, const std::string& path) : data_(data), path_(path) {}
  std::shared_ptr<Source> run();

 private:
  void line(std::string_view raw);
  void module_line(std::string_view l);
  void name_line(std::string_view l);
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(Errc::parse, path_ + ":" + std::to_string(line_no_) + ": " + what);
  }

  std::string_view data_;
  const std::string& path_;
  std::size_t line_no_ = 0;
  Reports reports_;
  std::string module_;
  std::int64_t instance_ = 0;
  bool want_name_ = false;  // a module line was read, its name line comes next
  bool in_kstat_ = false;   // statistic lines belong to a kstat
};

std::shared_ptr<Source> HumanParser::run() {
  for (const text::Line& l : text::lines(without_bom(data_), true)) {
    line_no_ = l.number;
    line(l.text);
  }
  if (want_name_) fail("expected 'name: … class: …' after the module line, found end of file");
  return reports_.finish(path_ + " (kstat text)", path_, "kstat text");
}

void HumanParser::line(std::string_view raw) {
  if (std::memchr(raw.data(), '\0', raw.size()) != nullptr) {
    fail("unexpected NUL byte (binary data?), expected kstat text");
  }
  std::string_view l = trim(raw);
  if (l.empty() || l[0] == '#') return;  // blank lines end kstats; comments
  if (want_name_) {
    if (!starts_with(l, "name:")) {
      fail("expected 'name: … class: …' after the module line, found " + excerpt(l));
    }
    name_line(l);
    return;
  }
  if (starts_with(l, "module:") && l.find("instance:") != std::string_view::npos) {
    module_line(l);
    return;
  }
  bool indented = raw[0] == ' ' || raw[0] == '\t';  // statistics are, time lines are not
  if (auto t = indented ? std::nullopt : parse_time_line(l)) {  // `kstat -T u|d`
    reports_.time_line(*t);
    in_kstat_ = false;
    return;
  }
  if (!in_kstat_) {
    fail("expected 'module: … instance: …' (kstat text), found " + excerpt(l));
  }
  // A statistic: indented by a TAB or spaces; columns count from the indent.
  std::size_t indent = 0;
  while (indent < raw.size() && (raw[indent] == ' ' || raw[indent] == '\t')) ++indent;
  if (indent == 0) fail("expected an indented 'statistic  value' line, found " + excerpt(l));
  StatLine sl = split_stat(raw.substr(indent));
  if (std::string e = add_text_value(reports_.sink(), sl.stat, sl.value); !e.empty()) fail(e);
}

void HumanParser::module_line(std::string_view l) {
  std::size_t at = l.rfind("instance:");
  std::string_view module = trim(l.substr(7, at - 7));
  std::string_view inst = trim(l.substr(at + 9));
  auto n = parse_u64(inst);
  if (module.empty()) fail("empty module name in " + excerpt(l));
  if (!n || *n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    fail("expected a decimal instance number after 'instance:', found " + excerpt(inst));
  }
  module_.assign(module);
  instance_ = static_cast<std::int64_t>(*n);
  want_name_ = true;
  in_kstat_ = false;
}

void HumanParser::name_line(std::string_view l) {
  std::size_t at = l.rfind("class:");
  if (at == std::string_view::npos) fail("expected 'class:' in " + excerpt(l));
  std::string_view name = trim(l.substr(5, at - 5));
  if (name.empty()) fail("empty kstat name in " + excerpt(l));
  std::string_view klass = trim(l.substr(at + 6));
  KstatSink& sink = reports_.sink();
  // The same kstat again within a report: kstat(8) printed the next interval.
  if (sink.seen(module_, instance_, name)) reports_.next();
  sink.select(module_, instance_, name);
  sink.set_class(klass);
  want_name_ = false;
  in_kstat_ = true;
}

}  // namespace

// A first meaningful line `module: X   instance: N`.
bool looks_like_human_text(std::string_view line) noexcept {
  std::string_view l = trim(line);
  if (!starts_with(l, "module:")) return false;
  std::size_t at = l.rfind("instance:");
  if (at == std::string_view::npos || at < 8) return false;
  std::string_view inst = trim(l.substr(at + 9));
  return !inst.empty() && parse_u64(inst).has_value();
}

std::shared_ptr<Source> parse_kstat_human(std::string_view data, const std::string& path) {
  HumanParser p(data, path);
  return p.run();
}

}  // namespace kstatsql::engine::file
