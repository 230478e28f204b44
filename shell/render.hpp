// shell/render.hpp — the shell's output modes (sqlite3's `.mode` set plus `kstat`).
//
// A Renderer turns one result set into text appended to a std::string; the
// caller writes that string out (and may flush it between rows). Usage:
//   Renderer r(options, out);
//   r.begin(column_names);      // may throw Error (kstat mode: missing columns)
//   r.row(cells); ...            // one call per row
//   r.end();                     // columnar modes print everything here
// Modes (docs/shell.md has examples):
//   list      values joined by the separator ("|"), header optional
//   csv       RFC 4180-ish like sqlite3: text quoted when it holds a space,
//             a quote, an apostrophe, a control or non-ASCII byte, or the
//             separator, or is empty; "" doubles quotes
//   tabs      list with TAB (alias tsv)
//   json      one array per result set, one object per row, typed values,
//             real nulls, RFC 8259 strings (UTF-8 kept); `[]` for no rows
//   jsonl     one object per line (JSON Lines)
//   line      one `name = value` per line, a blank line between rows
//   column    aligned columns, header underlined with dashes
//   table / box / markdown   bordered tables (ASCII, Unicode box, GitHub);
//             these always show the header, like sqlite3
//   quote     SQL literals ('text', NULL, X'blob')
//   html      <TR><TD>…</TD></TR> rows as sqlite3 writes them (& < > " '
//             escaped; <TH> header with .headers on)
//   insert    one `INSERT INTO table VALUES(…);` per row (sqlite3's; column
//             names listed with .headers on)
//   ascii     fields separated by 0x1F (US), records by 0x1E (RS), unquoted
//   kstat     kstat -p lines `module:instance:name:statistic<TAB>value` for
//             result sets that have module, instance and name columns: with a
//             `statistic` column, the value is the `value` column (or the one
//             other column; none: names only, like kstat -l); without one,
//             every other column is printed as a statistic (crtime and
//             snaptime as kstat(8) hrtime seconds)
// Widths are display widths of UTF-8 text (East Asian wide characters count
// 2, combining marks 0); cells with newlines span several lines in columnar
// modes.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3_stmt;

namespace kstatsql::shell {

enum class Mode {
  list,
  csv,
  tabs,
  json,
  jsonl,
  line,
  column,
  table,
  box,
  markdown,
  quote,
  kstat,
  html,
  insert,
  ascii
};

// One output mode: the name .mode and --MODE take, a second accepted name,
// and a line of help. output_modes() is the one list of them.
struct ModeInfo {
  std::string_view name;
  Mode mode;
  std::string_view help;
  std::string_view alias = {};
};
std::span<const ModeInfo> output_modes();
// "list", "csv", "tabs" (or "tsv"), ...; nullopt for an unknown name.
std::optional<Mode> parse_mode(std::string_view name);
std::string_view mode_name(Mode m);
// Every mode's name, space-separated, aliases in parentheses: "list csv tabs(tsv) ...".
std::string mode_names();
// Modes that print one JSON document per result set or per row.
inline bool is_json(Mode m) {
  return m == Mode::json || m == Mode::jsonl;
}

struct RenderOptions {
  Mode mode = Mode::list;
  bool headers = false;                // list, csv, tabs, column, quote (others: always / never)
  std::string separator = "|";         // list mode; csv uses ",", tabs "\t"
  std::string null_value;              // text shown for NULL in text modes
  std::string insert_table = "table";  // insert mode: the table the INSERTs name
  // .width: per column, its width in columnar modes (0 or missing: as wide
  // as its widest value; negative: that width, right-aligned). A value wider
  // than its column is wrapped onto more lines.
  std::vector<int> widths;
};

// One value of a row: SQLite's fundamental type and its text (blobs: raw bytes).
struct Cell {
  int type = 5;  // SQLITE_INTEGER 1, SQLITE_FLOAT 2, SQLITE_TEXT 3, SQLITE_BLOB 4, SQLITE_NULL 5
  std::string text;
  double real = 0;  // SQLITE_FLOAT: the value itself (text has 15 digits)
};

class Renderer {
 public:
  Renderer(const RenderOptions& options, std::string& out) : o_(options), out_(out) {}

  void begin(std::span<const std::string> names);
  void row(std::span<const Cell> cells);
  void end();
  std::size_t rows() const noexcept { return nrows_; }

 private:
  void row_list(std::span<const Cell> cells, std::string_view sep, std::string_view end = "\n");
  void row_csv(std::span<const Cell> cells);
  void row_json(std::span<const Cell> cells);
  void row_line(std::span<const Cell> cells);
  void row_quote(std::span<const Cell> cells);
  void row_kstat(std::span<const Cell> cells);
  void row_html(std::span<const Cell> cells, bool header);
  void row_insert(std::span<const Cell> cells);
  void end_columnar();
  // Every buffered cell split into lines (wrapped at its .width), and each
  // column's width over those lines (and the header's when shown).
  std::vector<std::vector<std::vector<std::string_view>>> columnar_lines(
      bool header, std::vector<std::size_t>& width) const;

  const RenderOptions& o_;
  std::string& out_;
  std::vector<std::string> names_;
  std::vector<std::vector<Cell>> buffered_;  // columnar modes
  std::size_t nrows_ = 0;
  // kstat mode: positions of the identity columns and the value columns.
  int k_module_ = -1, k_instance_ = -1, k_name_ = -1, k_stat_ = -1;
  std::vector<int> k_values_;
};

// Reads the current row of `stmt` into `cells` (resized to the column count).
void read_row(sqlite3_stmt* stmt, std::vector<Cell>& cells);

// EXPLAIN QUERY PLAN drawn as sqlite3 draws it: "QUERY PLAN", then each
// row under its parent with |-- (more siblings follow) or `-- (the last).
struct PlanRow {
  int id = 0;
  int parent = 0;
  std::string detail;
};
std::string render_query_plan(std::span<const PlanRow> rows);

// Display width of UTF-8 text in terminal columns (invalid bytes count 1).
std::size_t display_width(std::string_view s);

// Appends `s` as a JSON string literal (engine::append_json_string's rules).
void append_json(std::string& out, std::string_view s);

}  // namespace kstatsql::shell
