// engine/sources/dump/dump_writer.cpp — kstat(8) -p/-C/-l/-j output
// (engine/sources/dump/dump_writer.hpp).
#include "engine/sources/dump/dump_writer.hpp"

#include "engine/kstat_rules.hpp"
#include "engine/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace kstatsql::engine {

namespace {

bool kstat_less(const DumpEntry& x, const DumpEntry& y) noexcept {
  return kstat8::kstat_less(*x.header, *y.header);
}

// printf("%-W.Ps") by bytes, as kstat(8) prints (not by display width).
void pad_bytes(std::string& out, std::string_view s, std::size_t width,
               std::size_t max = SIZE_MAX) {
  s = s.substr(0, std::min(s.size(), max));
  out += s;
  if (s.size() < width) out.append(width - s.size(), ' ');
}

// One output row: a named statistic or a pseudo-statistic.
struct Row {
  std::string_view name;
  const NamedStat* stat;  // null for pseudo rows
  enum Pseudo { none, klass, crtime, snaptime } pseudo;
};

std::string_view until_nul(std::string_view s) noexcept {
  std::size_t z = s.find('\0');
  return z == std::string_view::npos ? s : s.substr(0, z);
}

void append_hex(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 15];
  }
}

void append_double(std::string& out, double d, bool json) {
  if (!std::isfinite(d)) {
    out += json ? "null" : fmt::format("{}", d);
    return;
  }
  std::string s = fmt::format("{}", d);
  // Keep doubles recognisable as doubles when read back.
  if (json && s.find_first_of(".eE") == std::string::npos) s += ".0";
  out += s;
}

// The value of a named statistic; `json` selects JSON literals.
void append_value(std::string& out, const NamedStat& s, bool json) {
  switch (repr_of(s.type)) {
    case Repr::i64:
      if (s.type == ValueType::hrtime) {
        out += format_hrtime(s.v.i);
      } else {
        out += fmt::format("{}", s.v.i);
      }
      return;
    case Repr::u64:
      if (s.type == ValueType::boolean) {
        out += s.v.u ? "true" : "false";
      } else {
        out += fmt::format("{}", s.v.u);
      }
      return;
    case Repr::f64:
      append_double(out, s.v.d, json);
      return;
    case Repr::str:
      if (json) {
        append_json_string(out, s.str());
      } else {
        out += until_nul(s.str());
      }
      return;
    case Repr::blob:
      if (json) out += '"';
      append_hex(out, s.str());
      if (json) out += '"';
      return;
    case Repr::null:
      if (json) out += "null";
      return;
  }
}

void rows_of(const KstatHeader& h, const KstatData& d, const DumpOptions& o,
             std::vector<Row>& rows) {
  rows.clear();
  auto keep = [&](std::string_view name) {
    return !o.statistics || o.statistics->empty() || o.statistics->matches_statistic(h, name);
  };
  // A statistic named like a pseudo-statistic would be read back as the
  // header field (or fail to parse as one): the pseudo-statistic wins.
  for (const NamedStat& s : d.named) {
    std::string_view n = s.name_view();
    if (n == "crtime" || n == "snaptime" || n == "class") continue;
    if (keep(n)) rows.push_back({n, &s, Row::none});
  }
  // Pseudo-statistics a filtered dump did not give are not invented.
  if (o.format == DumpOptions::Format::text && o.class_pseudo && !(h.absent & kAbsentClass) &&
      keep("class")) {
    rows.push_back({"class", nullptr, Row::klass});
  }
  if (!(h.absent & kAbsentCrtime) && keep("crtime")) {
    rows.push_back({"crtime", nullptr, Row::crtime});
  }
  if (d.ok() && !(h.absent & kAbsentSnaptime) && keep("snaptime")) {
    rows.push_back({"snaptime", nullptr, Row::snaptime});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return kstat8::statistic_less(a.name, b.name);
  });
}

void append_pseudo(std::string& out, const Row& r, const KstatHeader& h, const KstatData& d,
                   bool json) {
  switch (r.pseudo) {
    case Row::klass: {  // as %s, without the trailing blanks a reader drops
      std::string_view k = until_nul(h.klass);
      while (!k.empty() && (k.back() == ' ' || k.back() == '\t')) k.remove_suffix(1);
      out += k;
      break;
    }
    case Row::crtime:
      out += format_hrtime(h.crtime);
      break;
    case Row::snaptime:
      out += format_hrtime(d.snaptime);
      break;
    case Row::none:
      break;
  }
  (void)json;
}

// Which bytes a field of a `-p` line cannot hold for the -p reader to take
// it back.
enum class Field { module, name, statistic };

// A field of a `-p` line as the -p reader can take it back: control bytes
// (NUL, newline, CR, TAB) become '_', and so do ':' in the module and name,
// blanks in the module, a leading '#' (a comment line) and the trailing
// blanks of a statistic; an empty field is "_". kstat(8) prints such bytes
// raw, which breaks the line; names from illumos and Linux never hold them.
void append_field(std::string& out, std::string_view s, Field f) {
  if (s.empty()) {
    out += '_';
    return;
  }
  std::size_t keep_blanks = s.size();
  if (f == Field::statistic) {
    while (keep_blanks > 0 && s[keep_blanks - 1] == ' ') --keep_blanks;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    auto u = static_cast<unsigned char>(c);
    bool bad = u < 0x20 || u == 0x7f || (c == ':' && f != Field::statistic) ||
               (c == ' ' && (f == Field::module || i >= keep_blanks)) ||
               (c == '#' && i == 0 && f == Field::module);
    out += bad ? '_' : c;
  }
}

// The text value appended from `from` on: up to its first NUL (C's %s, as
// kstat(8) prints strings and the class); newline and CR, which would end or
// corrupt the line, become '?'.
void append_text_field(std::string& out, std::size_t from) {
  std::size_t nul = out.find('\0', from);
  if (nul != std::string::npos) out.resize(nul);
  for (std::size_t i = from; i < out.size(); ++i) {
    if (out[i] == '\n' || out[i] == '\r') out[i] = '?';
  }
}

void write_text(const KstatHeader& h, const KstatData& d, const std::vector<Row>& rows,
                const DumpOptions& o, std::string& out) {
  for (const Row& r : rows) {
    append_field(out, h.module, Field::module);
    out += ':';
    out += fmt::format("{}", h.instance);
    out += ':';
    append_field(out, h.name, Field::name);
    out += ':';
    append_field(out, r.name, Field::statistic);
    if (!o.names_only) {
      out += o.separator;
      std::size_t from = out.size();
      if (r.stat) {
        append_value(out, *r.stat, false);
      } else {
        append_pseudo(out, r, h, d, false);
      }
      append_text_field(out, from);
    }
    out += '\n';
  }
}

void write_json(const KstatHeader& h, const KstatData& d, const std::vector<Row>& rows, bool first,
                std::string& out) {
  out += first ? "{\n" : ", {\n";
  out += "\t\"module\": ";
  append_json_string(out, h.module);
  out += fmt::format(",\n\t\"instance\": {},\n\t\"name\": ", h.instance);
  append_json_string(out, h.name);
  out += ",\n\t\"class\": ";
  append_json_string(out, h.klass);
  out += fmt::format(",\n\t\"type\": {},\n\t\"snaptime\": {},\n\t\"data\": {{\n",
                     static_cast<int>(h.type), format_hrtime(d.ok() ? d.snaptime : 0));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Row& r = rows[k];
    out += "\t\t";
    append_json_string(out, r.name);
    out += ": ";
    if (r.stat) {
      append_value(out, *r.stat, true);
    } else {
      append_pseudo(out, r, h, d, true);
    }
    out += k + 1 < rows.size() ? ",\n" : "\n";
  }
  out += "\t}\n}";
}

}  // namespace

// kstat(8)'s default layout for one kstat and one selector; returns the
// number of statistics printed.
std::size_t write_human_kstat(const KstatHeader& h, const KstatData& d, const Selector& sel,
                              std::string& out) {
  struct Line {
    std::string_view name;
    const NamedStat* stat;
    std::int64_t hrtime;
  };
  std::vector<Line> rows;
  for (const NamedStat& s : d.named) {
    if (sel.matches_statistic(s.name_view())) rows.push_back({s.name_view(), &s, 0});
  }
  if (!(h.absent & kAbsentCrtime) && sel.matches_statistic("crtime"))
    rows.push_back({"crtime", nullptr, h.crtime});
  if (d.ok() && !(h.absent & kAbsentSnaptime) && sel.matches_statistic("snaptime"))
    rows.push_back({"snaptime", nullptr, d.snaptime});
  if (rows.empty()) return 0;
  std::stable_sort(rows.begin(), rows.end(), [](const Line& a, const Line& b) {
    return kstat8::statistic_less(a.name, b.name);
  });
  out += "module: ";
  pad_bytes(out, h.module, 30, 30);
  out += "  instance: ";
  pad_bytes(out, std::to_string(h.instance), 6);
  out += "\nname:   ";
  pad_bytes(out, h.name, 30, 30);
  out += "  class:    ";
  pad_bytes(out, h.klass, 0, 30);
  out += '\n';
  for (const Line& r : rows) {
    out += '\t';
    pad_bytes(out, r.name, 30);
    out += "  ";
    if (r.stat) {
      append_text_value(out, *r.stat);
    } else {
      out += format_hrtime(r.hrtime);
    }
    out += '\n';
  }
  out += '\n';
  return rows.size();
}

void append_text_value(std::string& out, const NamedStat& s) {
  append_value(out, s, false);
}

// kstat(8) prints printf("%.9f", ns / 1000000000.0): the nanoseconds go
// through a double, so from about 2^23 seconds (97 days) on the last digit is
// the double's, not the counter's (9305222459039730 ns prints
// 9305222.459039729). The C library's printf does the same here, byte for byte.
std::string format_hrtime(std::int64_t ns) {
  if (ns == 0) return "0";
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%.9f", static_cast<double>(ns) / 1000000000.0);
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const text::CodePoint cp = text::decode_utf8(s, i);
      if (cp.valid) {
        out.append(s.substr(i, cp.length));
        i += cp.length;
      } else {
        out += fmt::format("\\u{:04x}", c);
        ++i;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
}

std::size_t write_dump(std::span<const DumpEntry> entries, const DumpOptions& o, std::string& out) {
  std::vector<DumpEntry> list(entries.begin(), entries.end());
  if (o.sort) std::stable_sort(list.begin(), list.end(), kstat_less);
  const bool json = o.format == DumpOptions::Format::json;
  if (json) out += '[';
  std::size_t printed = 0;
  bool first = true;
  std::vector<Row> rows;
  for (const DumpEntry& e : list) {
    const KstatHeader& h = *e.header;
    const KstatData& d = *e.data;
    if (o.skip_kstat_prefix && kstat8::hidden(h)) continue;
    if (h.type == KstatType::raw && d.ok() && d.named.empty()) continue;  // no decoder
    rows_of(h, d, o, rows);
    if (rows.empty()) continue;
    printed += rows.size();
    if (json) {
      write_json(h, d, rows, first, out);
      first = false;
    } else {
      write_text(h, d, rows, o, out);
    }
  }
  if (json) out += "]\n";
  return printed;
}

}  // namespace kstatsql::engine
