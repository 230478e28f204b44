// shell/dot_data.cpp — the dot-commands that deal with databases rather than
// kstats, with sqlite3's meaning: .open, .load, .dump, .import, .show,
// .width (rows of the table in dot_commands.cpp), and opening the database
// the shell runs on.
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/posix_error.hpp"
#include "kstatsql/error.hpp"
#include "shell/dot_commands.hpp"
#include "shell/kstat_mode.hpp"
#include "shell/options.hpp"
#include "shell/repl.hpp"

namespace kstatsql::shell {

namespace {

// The first 16 bytes of every SQLite database file.
constexpr char kSqliteHeader[] = "SQLite format 3";

// Refuses an existing, non-empty file that is not an SQLite database: the
// usual mistake is a kstat dump or .kss given where --source was meant.
void check_database_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // a new file: SQLite creates it
  char head[16] = {};
  in.read(head, sizeof head);
  if (in.gcount() == 0) return;  // an empty file is an empty database
  if (in.gcount() < 16 || std::string_view(head, 16) != std::string_view(kSqliteHeader, 16)) {
    throw Error(Errc::parse,
                fmt::format("\"{}\" is not an SQLite database (a kstat dump or .kss recording is "
                            "read with --source {}; SQL in a file runs with -f {})",
                            path, path, path));
  }
}

// An SQL identifier as sqlite3's .dump writes it: bare when it is a plain
// word that is not a keyword, else in double quotes.
std::string identifier(std::string_view name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    plain = plain && (c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                      (c >= 'A' && c <= 'Z'));
  }
  if (plain && !sqlite3_keyword_check(name.data(), static_cast<int>(name.size()))) {
    return std::string(name);
  }
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Runs `sql` with `bind` as ?1 (when given) and calls `row` for each row
// with the row's text columns; throws Error with SQLite's message.
template <class F>
void each_row(sqlite3* db, const std::string& sql, const std::string* bind, F&& row) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    throw Error(Errc::internal, sqlite3_errmsg(db));
  }
  if (bind) sqlite3_bind_text(st, 1, bind->c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::string> cols;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    cols.clear();
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const unsigned char* t = sqlite3_column_text(st, i);
      cols.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    row(cols);
  }
  std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(st);
  if (!err.empty()) throw Error(Errc::internal, err);
}

// The INSERT statements that recreate the rows of `table`, written as insert
// mode writes them (so values come back exactly, as from sqlite3's .dump).
void dump_rows(sqlite3* db, const std::string& table, std::string& out) {
  // Generated columns (hidden 2 and 3) are computed, not inserted: with any,
  // the INSERTs name their columns.
  std::string columns;
  bool generated = false;
  const std::string xinfo = "SELECT name, hidden FROM pragma_table_xinfo(?1)";
  each_row(db, xinfo, &table, [&](const std::vector<std::string>& c) {
    if (c[1] == "2" || c[1] == "3") {
      generated = true;
    } else {
      columns += (columns.empty() ? "" : ",") + identifier(c[0]);
    }
  });
  sqlite3_stmt* st = nullptr;
  const std::string sql = "SELECT " + columns + " FROM " + identifier(table);
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    throw Error(Errc::internal, sqlite3_errmsg(db));
  }
  RenderOptions o;
  o.mode = Mode::insert;
  o.insert_table = table;
  o.headers = generated;
  Renderer r(o, out);
  std::vector<std::string> names;
  for (int i = 0; i < sqlite3_column_count(st); ++i) names.emplace_back(sqlite3_column_name(st, i));
  r.begin(names);
  std::vector<Cell> cells;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_row(st, cells);
    r.row(cells);
  }
  r.end();
  std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(st);
  if (!err.empty()) throw Error(Errc::internal, err);
}

// A table's CREATE statement as sqlite3's .dump writes it: a quoted name
// gets IF NOT EXISTS.
std::string create_statement(const std::string& sql) {
  if (sql.size() > 14 && sql.compare(0, 13, "CREATE TABLE ") == 0 &&
      (sql[13] == '"' || sql[13] == '\'')) {
    return "CREATE TABLE IF NOT EXISTS " + sql.substr(13);
  }
  return sql;
}

}  // namespace

void Shell::open_database(const std::string& path) {
  const std::string name = path.empty() ? ":memory:" : path;
  if (name != ":memory:") check_database_file(name);
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI;
  if (sqlite3_open_v2(name.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw Error(Errc::io, fmt::format("cannot open database \"{}\": {}", name, msg));
  }
  try {
    session_.register_on(db);
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  if (db_) {
    set_interrupt_db(nullptr);
    sqlite3_close(db_);
  }
  db_ = db;
  db_name_ = name;
  // Ctrl-C interrupts the running statement except in --interval/--report
  // runs, where it ends the run after the current iteration (run_repeated).
  if (o_.interval <= 0 && o_.report.empty()) set_interrupt_db(db_);
  if (reader_) reader_->invalidate();
}

const std::string& Shell::database_name() const noexcept {
  return db_name_;
}

bool DotData::open(Shell& s, const DotArgs& a) {
  if (a.count() > 2) throw InvalidDotArgs{};
  s.open_database(a.arg());
  return true;
}

bool DotData::load(Shell& s, const DotArgs& a) {
  if (a.count() < 2 || a.count() > 3) throw InvalidDotArgs{};
  sqlite3_enable_load_extension(s.db_, 1);
  char* err = nullptr;
  const char* entry = a.count() == 3 ? a.arg(2).c_str() : nullptr;
  const int rc = sqlite3_load_extension(s.db_, a.arg().c_str(), entry, &err);
  sqlite3_enable_load_extension(s.db_, 0);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw Error(Errc::io, msg);
  }
  if (s.reader_) s.reader_->invalidate();
  return true;
}

bool DotData::dump(Shell& s, const DotArgs& a) {
  if (a.count() > 2) throw InvalidDotArgs{};
  const std::string pattern = a.count() == 2 ? a.arg() : "%";
  std::string out = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n";
  std::vector<std::string> later;   // indexes, triggers and views, after every table
  std::vector<std::string> shadow;  // the tables virtual tables keep their rows in
  each_row(s.db_, "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'",
           nullptr, [&](const std::vector<std::string>& c) { shadow.push_back(c[0]); });
  bool any = false;
  each_row(s.db_,
           "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND tbl_name LIKE ?1 "
           "ORDER BY type = 'table' DESC, rowid",
           &pattern, [&](const std::vector<std::string>& c) {
             any = true;
             const std::string& type = c[0];
             const std::string& name = c[1];
             if (type != "table") {
               later.push_back(c[2] + ";\n");
             } else if (name == "sqlite_sequence") {
               out += "DELETE FROM sqlite_sequence;\n";
               dump_rows(s.db_, name, out);
             } else if (name.rfind("sqlite_", 0) == 0) {
               // sqlite_stat1 and the like: SQLite's own, rebuilt by ANALYZE.
             } else if (sqlite3_strnicmp(c[2].c_str(), "CREATE VIRTUAL TABLE", 20) == 0) {
               std::string sql = c[2];
               for (char& ch : sql) ch = ch == '\n' || ch == '\r' ? ' ' : ch;
               out += fmt::format(
                   "-- virtual table {} skipped (its rows come from its module): "
                   "{};\n",
                   name, sql);
             } else if (std::find(shadow.begin(), shadow.end(), name) != shadow.end()) {
               // A virtual table's own storage: skipped with the table.
             } else {
               out += create_statement(c[2]) + ";\n";
               dump_rows(s.db_, name, out);
             }
           });
  if (!any && a.count() == 2) {
    throw Error(Errc::constraint, fmt::format("no table of the database matches \"{}\" (kstatsql's "
                                              "own tables are virtual: they have no rows to dump)",
                                              pattern));
  }
  for (const std::string& l : later) out += l;
  out += "COMMIT;\n";
  s.write(out);
  return true;
}

bool DotData::show(Shell& s, const DotArgs& a) {
  if (a.count() != 1) throw InvalidDotArgs{};
  const RenderOptions& r = s.o_.render;
  std::string widths;
  for (int w : r.widths) widths += fmt::format("{} ", w);
  auto on = [](bool b) { return b ? "on" : "off"; };
  auto quoted = [](const std::string& t) {
    std::string q;
    append_json(q, t);
    return q;
  };
  std::string source;
  try {
    source = s.session_.source_spec();
  } catch (const std::exception& e) {
    source = e.what();
  }
  const std::pair<const char*, std::string> rows[] = {
      {"bail", on(s.o_.bail)},
      {"echo", on(s.o_.echo)},
      {"headers", on(r.headers)},
      {"kql", on(s.kql_mode_)},
      {"mode", std::string(mode_name(r.mode)) +
                   (r.mode == Mode::insert ? " " + r.insert_table : std::string())},
      {"nullvalue", quoted(r.null_value)},
      {"output", s.out_name_.empty() ? "stdout" : s.out_name_},
      {"colseparator", quoted(r.separator)},
      {"stats", on(s.stats_)},
      {"timer", on(s.timer_)},
      {"width", widths},
      {"filename", s.db_name_},
      {"source", source},
  };
  std::string out;
  for (const auto& [k, v] : rows) out += fmt::format("{:>12}: {}\n", k, v);
  s.write(out);
  return true;
}

bool DotData::width(Shell& s, const DotArgs& a) {
  std::vector<int> widths;
  for (std::size_t i = 1; i < a.count(); ++i) {
    std::string error;
    auto w = parse_integer_option(".width", a.arg(i), -kMaxColumnWidth, kMaxColumnWidth, error);
    if (!w) throw Error(Errc::parse, error);
    widths.push_back(static_cast<int>(*w));
  }
  s.o_.render.widths = std::move(widths);
  return true;
}

}  // namespace kstatsql::shell
