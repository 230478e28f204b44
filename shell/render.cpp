// shell/render.cpp — output modes (shell/render.hpp).
#include "shell/render.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>

#include "engine/sources/dump/dump_writer.hpp"
#include "engine/text.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::shell {

namespace {

// The output modes: .mode, --MODE options, .help and completion all read this.
constexpr ModeInfo kModes[] = {
    {"list", Mode::list, "values joined by the separator (default \"|\")"},
    {"csv", Mode::csv, "comma-separated values, quoted as sqlite3 quotes them"},
    {"tabs", Mode::tabs, "values separated by TABs", "tsv"},
    {"json", Mode::json, "one JSON array per result set"},
    {"jsonl", Mode::jsonl, "one JSON object per row (JSON Lines)"},
    {"line", Mode::line, "one `name = value` line per column"},
    {"column", Mode::column, "aligned columns"},
    {"table", Mode::table, "an ASCII table"},
    {"box", Mode::box, "a table drawn with Unicode box characters"},
    {"markdown", Mode::markdown, "a GitHub Markdown table"},
    {"quote", Mode::quote, "SQL literals"},
    {"kstat", Mode::kstat, "kstat -p lines module:instance:name:statistic<TAB>value"},
    {"html", Mode::html, "HTML table rows <TR><TD>...</TD></TR>"},
    {"insert", Mode::insert, "SQL INSERT statements (.mode insert TABLE)"},
    {"ascii", Mode::ascii, "fields separated by 0x1F, rows by 0x1E"},
};

int char_width(char32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
      (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x200B && cp <= 0x200F)) {
    return 0;
  }
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

void pad(std::string& out, std::size_t n, std::string_view fill = " ") {
  for (std::size_t i = 0; i < n; ++i) out += fill;
}

// Appends `text` padded to `width` columns: left-aligned, centered, or
// right-aligned.
void cell(std::string& out, std::string_view text, std::size_t width, bool center,
          bool right = false) {
  std::size_t w = display_width(text);
  std::size_t extra = width > w ? width - w : 0;
  std::size_t left = right ? extra : center ? extra / 2 : 0;
  pad(out, left);
  out += text;
  pad(out, extra - left);
}

// The lines of a cell: every '\n' ends one, so "a\n" is "a" and "", and ""
// is one empty line.
std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  for (const engine::text::Line& l : engine::text::lines(s, true)) lines.push_back(l.text);
  if (s.empty() || s.back() == '\n') lines.emplace_back();
  return lines;
}

// `lines` with every line wider than `width` columns cut into pieces that fit
// (at character boundaries; a character wider than `width` gets a line).
std::vector<std::string_view> wrap(const std::vector<std::string_view>& lines, std::size_t width) {
  std::vector<std::string_view> out;
  for (std::string_view l : lines) {
    std::size_t start = 0, used = 0;
    for (std::size_t i = 0; i < l.size();) {
      const engine::text::CodePoint cp = engine::text::decode_utf8(l, i);
      const auto w = static_cast<std::size_t>(char_width(cp.valid ? cp.value : 0xFFFD));
      if (used + w > width && i > start) {
        out.push_back(l.substr(start, i - start));
        start = i;
        used = 0;
      }
      used += w;
      i += cp.length;
    }
    out.push_back(l.substr(start));
  }
  return out;
}

// s between two `q`s, each `q` in it doubled (CSV's "", SQL's '').
void append_quoted(std::string& out, std::string_view s, char q) {
  out += q;
  for (char ch : s) {
    if (ch == q) out += q;
    out += ch;
  }
  out += q;
}

bool csv_needs_quote(std::string_view s, std::string_view sep) {
  if (s.empty()) return true;
  if (!sep.empty() && s.find(sep) != std::string_view::npos) return true;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == '"' || c == '\'' || c >= 0x7f) return true;
  }
  return false;
}

void append_hex(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
}

// A JSON value for a cell: numbers bare (non-finite reals as null), text as
// strings, blobs as lowercase hex strings.
void append_json_value(std::string& out, const Cell& c) {
  switch (c.type) {
    case SQLITE_INTEGER:
      out += c.text;
      return;
    case SQLITE_FLOAT:
      if (c.text.find_first_of("IiNn") != std::string::npos) {
        out += "null";
      } else {
        out += c.text;
      }
      return;
    case SQLITE_TEXT:
      append_json(out, c.text);
      return;
    case SQLITE_BLOB:
      out += '"';
      append_hex(out, c.text);
      out += '"';
      return;
    default:
      out += "null";
  }
}

}  // namespace

std::span<const ModeInfo> output_modes() {
  return kModes;
}

std::optional<Mode> parse_mode(std::string_view name) {
  for (const ModeInfo& m : kModes) {
    if (m.name == name || (!m.alias.empty() && m.alias == name)) return m.mode;
  }
  return std::nullopt;
}

std::string_view mode_name(Mode m) {
  for (const ModeInfo& info : kModes) {
    if (info.mode == m) return info.name;
  }
  return "list";
}

std::string mode_names() {
  std::string out;
  for (const ModeInfo& m : kModes) {
    if (!out.empty()) out += ' ';
    out += m.name;
    if (!m.alias.empty()) {
      out += '(';
      out += m.alias;
      out += ')';
    }
  }
  return out;
}

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const engine::text::CodePoint cp = engine::text::decode_utf8(s, i);
    i += cp.length;
    w += static_cast<std::size_t>(char_width(cp.valid ? cp.value : 0xFFFD));
  }
  return w;
}

void append_json(std::string& out, std::string_view s) {
  engine::append_json_string(out, s);
}

void read_row(sqlite3_stmt* stmt, std::vector<Cell>& cells) {
  int n = sqlite3_column_count(stmt);
  cells.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Cell& c = cells[static_cast<std::size_t>(i)];
    c.type = sqlite3_column_type(stmt, i);
    if (c.type == SQLITE_NULL) {
      c.text.clear();
    } else if (c.type == SQLITE_BLOB) {
      const void* p = sqlite3_column_blob(stmt, i);
      c.text.assign(static_cast<const char*>(p),
                    static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    } else {
      if (c.type == SQLITE_FLOAT) c.real = sqlite3_column_double(stmt, i);
      const unsigned char* t = sqlite3_column_text(stmt, i);
      c.text.assign(reinterpret_cast<const char*>(t),
                    static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    }
  }
}

void Renderer::begin(std::span<const std::string> names) {
  names_.assign(names.begin(), names.end());
  buffered_.clear();
  nrows_ = 0;
  if (o_.mode == Mode::kstat) {
    k_module_ = k_instance_ = k_name_ = k_stat_ = -1;
    k_values_.clear();
    int value = -1;
    for (int i = 0; i < static_cast<int>(names_.size()); ++i) {
      const std::string& n = names_[static_cast<std::size_t>(i)];
      int* slot = n == "module"      ? &k_module_
                  : n == "instance"  ? &k_instance_
                  : n == "name"      ? &k_name_
                  : n == "statistic" ? &k_stat_
                                     : nullptr;
      if (slot && *slot < 0) {
        *slot = i;
      } else {
        if (n == "value" && value < 0) value = i;
        k_values_.push_back(i);
      }
    }
    if (k_module_ < 0 || k_instance_ < 0 || k_name_ < 0) {
      throw Error(
          Errc::constraint,
          ".mode kstat needs columns named module, instance and name (and statistic, value)");
    }
    if (k_stat_ >= 0) {
      if (value >= 0) {
        k_values_.assign(1, value);
      } else if (k_values_.size() > 1) {
        throw Error(Errc::constraint,
                    ".mode kstat: with a statistic column, name the value column `value`");
      }
    }
  }
  bool header = o_.headers && !names_.empty();
  switch (o_.mode) {
    case Mode::list:
    case Mode::tabs:
    case Mode::csv:
    case Mode::quote:
    case Mode::ascii:
      if (header) {
        std::vector<Cell> cells;
        for (const std::string& n : names_) cells.push_back({SQLITE_TEXT, n});
        if (o_.mode == Mode::csv) {
          row_csv(cells);
        } else if (o_.mode == Mode::ascii) {
          row_list(cells, "\x1f", "\x1e");
        } else if (o_.mode == Mode::quote) {
          row_quote(cells);
        } else {
          row_list(cells, o_.mode == Mode::tabs ? "\t" : o_.separator);
        }
      }
      break;
    case Mode::html:
      if (header) {
        std::vector<Cell> cells;
        for (const std::string& n : names_) cells.push_back({SQLITE_TEXT, n});
        row_html(cells, true);
      }
      break;
    default:
      break;
  }
}

void Renderer::row(std::span<const Cell> cells) {
  ++nrows_;
  switch (o_.mode) {
    case Mode::list:
      row_list(cells, o_.separator);
      break;
    case Mode::tabs:
      row_list(cells, "\t");
      break;
    case Mode::csv:
      row_csv(cells);
      break;
    case Mode::json:
    case Mode::jsonl:
      row_json(cells);
      break;
    case Mode::line:
      row_line(cells);
      break;
    case Mode::quote:
      row_quote(cells);
      break;
    case Mode::kstat:
      row_kstat(cells);
      break;
    case Mode::html:
      row_html(cells, false);
      break;
    case Mode::insert:
      row_insert(cells);
      break;
    case Mode::ascii:
      row_list(cells, "\x1f", "\x1e");
      break;
    case Mode::column:
    case Mode::table:
    case Mode::box:
    case Mode::markdown:
      buffered_.emplace_back(cells.begin(), cells.end());
      break;
  }
}

void Renderer::end() {
  switch (o_.mode) {
    case Mode::json:
      if (names_.empty()) break;  // not a query (CREATE, PRAGMA with no result)
      out_ += nrows_ == 0 ? "[]\n" : "]\n";
      break;
    case Mode::column:
    case Mode::table:
    case Mode::box:
    case Mode::markdown:
      end_columnar();
      break;
    default:
      break;
  }
}

void Renderer::row_list(std::span<const Cell> cells, std::string_view sep, std::string_view end) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out_ += sep;
    out_ += cells[i].type == SQLITE_NULL ? std::string_view(o_.null_value)
                                         : std::string_view(cells[i].text);
  }
  out_ += end;
}

void Renderer::row_csv(std::span<const Cell> cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out_ += ',';
    const Cell& c = cells[i];
    if (c.type == SQLITE_NULL) {
      out_ += o_.null_value;
    } else if ((c.type == SQLITE_TEXT || c.type == SQLITE_BLOB) && csv_needs_quote(c.text, ",")) {
      append_quoted(out_, c.text, '"');
    } else {
      out_ += c.text;
    }
  }
  out_ += '\n';
}

void Renderer::row_json(std::span<const Cell> cells) {
  if (o_.mode == Mode::json) out_ += nrows_ == 1 ? "[" : ",\n";
  out_ += '{';
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out_ += ',';
    append_json(out_, i < names_.size() ? names_[i] : std::string());
    out_ += ':';
    append_json_value(out_, cells[i]);
  }
  out_ += '}';
  if (o_.mode == Mode::jsonl) out_ += '\n';
}

void Renderer::row_line(std::span<const Cell> cells) {
  std::size_t w = 5;
  for (const std::string& n : names_) w = std::max(w, display_width(n));
  if (nrows_ > 1) out_ += '\n';
  for (std::size_t i = 0; i < cells.size() && i < names_.size(); ++i) {
    pad(out_, w - display_width(names_[i]));
    out_ += names_[i];
    out_ += " = ";
    out_ += cells[i].type == SQLITE_NULL ? std::string_view(o_.null_value)
                                         : std::string_view(cells[i].text);
    out_ += '\n';
  }
}

void Renderer::row_quote(std::span<const Cell> cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out_ += ',';
    const Cell& c = cells[i];
    if (c.type == SQLITE_NULL) {
      out_ += "NULL";
    } else if (c.type == SQLITE_BLOB) {
      out_ += "X'";
      append_hex(out_, c.text);
      out_ += '\'';
    } else if (c.type == SQLITE_TEXT) {
      append_quoted(out_, c.text, '\'');
    } else {
      out_ += c.text;
    }
  }
  out_ += '\n';
}

void Renderer::row_kstat(std::span<const Cell> cells) {
  auto at = [&](int i) -> const Cell& { return cells[static_cast<std::size_t>(i)]; };
  std::string prefix =
      at(k_module_).text + ':' + at(k_instance_).text + ':' + at(k_name_).text + ':';
  auto value_of = [&](int i) {
    const Cell& c = at(i);
    if (c.type == SQLITE_NULL) return o_.null_value;
    const std::string& n = names_[static_cast<std::size_t>(i)];
    if (k_stat_ < 0 && c.type == SQLITE_INTEGER && (n == "crtime" || n == "snaptime")) {
      return engine::format_hrtime(std::stoll(c.text));
    }
    return c.text;
  };
  if (k_stat_ >= 0) {
    out_ += prefix;
    out_ += at(k_stat_).text;
    if (!k_values_.empty()) {
      out_ += '\t';
      out_ += value_of(k_values_[0]);
    }
    out_ += '\n';
    return;
  }
  for (int i : k_values_) {
    out_ += prefix;
    out_ += names_[static_cast<std::size_t>(i)];
    out_ += '\t';
    out_ += value_of(i);
    out_ += '\n';
  }
}

std::vector<std::vector<std::vector<std::string_view>>> Renderer::columnar_lines(
    bool header, std::vector<std::size_t>& width) const {
  const std::size_t nc = names_.size();
  width.assign(nc, 0);
  std::vector<std::vector<std::vector<std::string_view>>> lines(buffered_.size());
  if (header) {
    for (std::size_t c = 0; c < nc; ++c) width[c] = display_width(names_[c]);
  }
  for (std::size_t c = 0; c < nc && c < o_.widths.size(); ++c) {
    width[c] = std::max(width[c], static_cast<std::size_t>(std::abs(o_.widths[c])));
  }
  for (std::size_t r = 0; r < buffered_.size(); ++r) {
    lines[r].resize(nc);
    for (std::size_t c = 0; c < nc && c < buffered_[r].size(); ++c) {
      const Cell& cl = buffered_[r][c];
      std::string_view t =
          cl.type == SQLITE_NULL ? std::string_view(o_.null_value) : std::string_view(cl.text);
      lines[r][c] = split_lines(t);
      if (c < o_.widths.size() && o_.widths[c] != 0) {
        lines[r][c] = wrap(lines[r][c], static_cast<std::size_t>(std::abs(o_.widths[c])));
      }
      for (std::string_view l : lines[r][c]) width[c] = std::max(width[c], display_width(l));
    }
  }
  return lines;
}

void Renderer::end_columnar() {
  const Mode m = o_.mode;
  if (buffered_.empty() || names_.empty()) return;
  const std::size_t nc = names_.size();
  const bool header = m != Mode::column || o_.headers;
  std::vector<std::size_t> width;
  const auto lines = columnar_lines(header, width);
  auto right = [&](std::size_t c) { return c < o_.widths.size() && o_.widths[c] < 0; };
  // Border pieces: left, fill, joint, right for the top, middle and bottom rules; cell edges.
  const bool box = m == Mode::box;
  const std::string_view vbar = box ? "│" : "|";
  auto rule = [&](std::string_view l, std::string_view j, std::string_view r) {
    out_ += l;
    for (std::size_t c = 0; c < nc; ++c) {
      if (c) out_ += j;
      pad(out_, width[c] + 2, box ? "─" : "-");
    }
    out_ += r;
    out_ += '\n';
  };
  auto line = [&](const std::vector<std::vector<std::string_view>>& cells, bool center) {
    std::size_t height = 1;
    for (const auto& c : cells) height = std::max(height, c.size());
    for (std::size_t k = 0; k < height; ++k) {
      if (m != Mode::column) out_ += vbar;
      for (std::size_t c = 0; c < nc; ++c) {
        std::string_view t =
            c < cells.size() && k < cells[c].size() ? cells[c][k] : std::string_view();
        if (m == Mode::column) {
          if (c) out_ += "  ";
          cell(out_, t, width[c], false, right(c));
        } else {
          out_ += ' ';
          cell(out_, t, width[c], center, !center && right(c));
          out_ += ' ';
          out_ += vbar;
        }
      }
      out_ += '\n';
    }
  };
  std::vector<std::vector<std::string_view>> head(nc);
  for (std::size_t c = 0; c < nc; ++c) head[c] = {names_[c]};
  if (m == Mode::table) rule("+", "+", "+");
  if (box) rule("┌", "┬", "┐");
  if (header) {
    line(head, m != Mode::column);
    if (m == Mode::column) {
      for (std::size_t c = 0; c < nc; ++c) {
        if (c) out_ += "  ";
        pad(out_, width[c], "-");
      }
      out_ += '\n';
    } else if (m == Mode::table) {
      rule("+", "+", "+");
    } else if (box) {
      rule("├", "┼", "┤");
    } else {
      rule("|", "|", "|");
    }
  }
  for (const auto& r : lines) line(r, false);
  if (m == Mode::table) rule("+", "+", "+");
  if (box) rule("└", "┴", "┘");
  buffered_.clear();
}

}  // namespace kstatsql::shell
