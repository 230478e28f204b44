// shell/dot_commands.cpp — the shell's dot-commands: one table
// (shell/dot_commands.hpp) feeds .help, dispatch and completion.
#include "shell/dot_commands.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "engine/posix_error.hpp"
#include "kstatsql/error.hpp"
#include "kstatsql/kql.hpp"
#include "shell/options.hpp"
#include "shell/repl.hpp"

namespace kstatsql::shell {

namespace {

// Splits a dot-command line into words; '…' and "…" quote (with \" escapes in "…").
std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::string w;
    char q = line[i];
    if (q == '\'' || q == '"') {
      ++i;
      while (i < line.size() && line[i] != q) {
        if (q == '"' && line[i] == '\\' && i + 1 < line.size()) ++i;
        w += line[i++];
      }
      ++i;
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') w += line[i++];
    }
    out.push_back(std::move(w));
  }
  return out;
}

std::optional<bool> boolean(std::string_view v) {
  if (v == "on" || v == "yes" || v == "1" || v == "true") return true;
  if (v == "off" || v == "no" || v == "0" || v == "false") return false;
  return std::nullopt;
}

// Rows of a query as text (NULL as ""); throws on error.
std::vector<std::vector<std::string>> query(sqlite3* db, const std::string& sql,
                                            const std::string& arg = {}) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    throw Error(Errc::internal, sqlite3_errmsg(db));
  }
  if (sqlite3_bind_parameter_count(st) > 0) {
    sqlite3_bind_text(st, 1, arg.c_str(), static_cast<int>(arg.size()), SQLITE_TRANSIENT);
  }
  std::vector<std::vector<std::string>> rows;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::vector<std::string> r;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const unsigned char* t = sqlite3_column_text(st, i);
      r.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(r));
  }
  std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(st);
  if (!err.empty()) throw Error(Errc::internal, err);
  return rows;
}

}  // namespace

void Shell::list_tables(std::string_view pattern) {
  auto rows = query(db_,
                    "SELECT name FROM (SELECT DISTINCT table_name AS name FROM kstat_columns "
                    "UNION SELECT 'kstat_columns' UNION SELECT name FROM sqlite_schema WHERE type "
                    "IN ('table','view') "
                    "AND name NOT LIKE 'sqlite_%' UNION SELECT name FROM temp.sqlite_schema "
                    "WHERE type IN ('table','view')) WHERE name LIKE ?1 ORDER BY 1",
                    pattern.empty() ? "%" : std::string(pattern));
  // sqlite3's layout: column-major, columns as wide as the longest name.
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r[0].size());
  if (rows.empty()) return;
  std::size_t ncol = std::max<std::size_t>(1, 80 / (width + 2));
  std::size_t nrow = (rows.size() + ncol - 1) / ncol;
  std::string out;
  for (std::size_t i = 0; i < nrow; ++i) {
    for (std::size_t j = i; j < rows.size(); j += nrow) {
      if (j != i) out += "  ";
      out += rows[j][0];
      out.append(width - rows[j][0].size(), ' ');
    }
    out += '\n';
  }
  write(out);
}

void Shell::show_schema(std::string_view table) {
  std::string pattern = table.empty() ? "%" : std::string(table);
  std::string out;
  auto tables =
      query(db_,
            "SELECT table_name, max(table_doc) FROM kstat_columns WHERE table_name LIKE ?1 "
            "GROUP BY table_name ORDER BY min(rowid)",
            pattern);
  for (const auto& t : tables) {
    auto cols = query(db_,
                      "SELECT column_name, type, doc FROM kstat_columns WHERE table_name = ?1 "
                      "ORDER BY position",
                      t[0]);
    out += fmt::format("CREATE TABLE {}(  -- {}\n", t[0], t[1]);
    for (std::size_t i = 0; i < cols.size(); ++i) {
      out += fmt::format("  {} {}{}  -- {}\n", cols[i][0], cols[i][1],
                         i + 1 < cols.size() ? "," : "", cols[i][2]);
    }
    out += ");\n";
  }
  auto user = query(db_,
                    "SELECT sql FROM (SELECT sql, name FROM sqlite_schema UNION ALL "
                    "SELECT sql, name FROM temp.sqlite_schema) WHERE sql IS NOT NULL "
                    "AND name NOT LIKE 'sqlite_%' AND name LIKE ?1",
                    pattern);
  for (const auto& u : user) out += u[0] + ";\n";
  if (out.empty() && !table.empty()) {
    throw Error(Errc::constraint, fmt::format("no table matches \"{}\"", table));
  }
  write(out);
}

bool Shell::set_output(std::string_view path, bool once) {
  if (out_owned_) std::fclose(out_);
  out_ = stdout_;
  out_owned_ = false;
  once_ = false;
  out_name_.clear();
  if (path.empty() || path == "stdout" || path == "-") return true;
  std::string p(path);
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) {
    const int err = errno;
    throw Error(Errc::io, engine::errno_message(fmt::format("cannot open \"{}\"", p), err));
  }
  out_ = f;
  out_name_ = p;
  out_owned_ = true;
  once_ = once;
  return true;
}

const std::string& DotArgs::arg(std::size_t i) const {
  static const std::string kNone;
  return i < words.size() ? words[i] : kNone;
}

// The run functions of the table below; a struct so that Shell can befriend
// them all at once.
struct DotCommands {
  static bool quit(Shell& s, const DotArgs&) {
    s.quit_ = true;
    return false;
  }
  // `.exit` alone: 1 after an error in this session, else 0 (in every mode).
  static bool exit(Shell& s, const DotArgs& a) {
    if (a.count() > 2) throw InvalidDotArgs{};
    std::string error;
    auto code = a.count() == 2 ? parse_integer_option(".exit", a.arg(), 0, 255, error)
                               : std::optional<long long>(s.status_);
    if (!code) throw Error(Errc::parse, error);
    s.quit_ = true;
    s.exit_code_ = static_cast<int>(*code);
    return false;
  }
  static bool help(Shell& s, const DotArgs&) {
    s.write(dot_help());
    return true;
  }
  static bool tables(Shell& s, const DotArgs& a) {
    s.list_tables(a.arg());
    return true;
  }
  static bool schema(Shell& s, const DotArgs& a) {
    s.show_schema(a.arg());
    return true;
  }
  static bool mode(Shell& s, const DotArgs& a) {
    if (a.count() == 1) {
      s.write(fmt::format("current output mode: {}\n", mode_name(s.o_.render.mode)));
    } else if (auto m = parse_mode(a.arg())) {
      if (a.count() > (*m == Mode::insert ? 3u : 2u)) throw InvalidDotArgs{};
      s.o_.render.mode = *m;
      if (*m == Mode::insert) s.o_.render.insert_table = a.count() == 3 ? a.arg(2) : "table";
    } else {
      throw Error(Errc::parse, fmt::format("unknown mode \"{}\"; use {}", a.arg(), mode_names()));
    }
    return true;
  }
  // `.NAME on|off` into `target`.
  static bool flag(const DotArgs& a, bool& target) {
    auto b = boolean(a.arg());
    if (a.count() != 2 || !b)
      throw Error(Errc::parse, fmt::format("usage: .{} on|off", a.words[0]));
    target = *b;
    return true;
  }
  static bool headers(Shell& s, const DotArgs& a) { return flag(a, s.o_.render.headers); }
  static bool timer(Shell& s, const DotArgs& a) { return flag(a, s.timer_); }
  static bool bail(Shell& s, const DotArgs& a) { return flag(a, s.o_.bail); }
  static bool echo(Shell& s, const DotArgs& a) { return flag(a, s.o_.echo); }
  static bool kql(Shell& s, const DotArgs& a) {
    if (a.count() == 1) {
      s.kql_mode_ = true;
      return true;
    }
    return flag(a, s.kql_mode_);
  }
  // `.explain KQL…` shows the SQL a pipeline compiles to. sqlite3's own
  // `.explain on|off|auto` (EXPLAIN layout) has no meaning here.
  static bool explain(Shell& s, const DotArgs& a) {
    const std::string& first = a.arg();
    if (a.count() == 1 || first == "on" || first == "off" || first == "auto") {
      throw Error(Errc::parse, "usage: .explain KQL   (shows the SQL a KQL pipeline compiles to)");
    }
    // The pipeline: everything after the command's name (which may be a prefix, `.expl`).
    std::size_t at = std::min(a.line.size(), a.line.find_first_of(" \t"));
    s.write(kql_to_sql(a.line.substr(at)) + "\n");
    return true;
  }
  static bool separator(Shell& s, const DotArgs& a) {
    if (a.count() != 2) throw InvalidDotArgs{};
    s.o_.render.separator = a.arg();
    return true;
  }
  static bool nullvalue(Shell& s, const DotArgs& a) {
    if (a.count() != 2) throw InvalidDotArgs{};
    s.o_.render.null_value = a.arg();
    return true;
  }
  static bool print(Shell& s, const DotArgs& a) {
    std::string text;
    for (std::size_t i = 1; i < a.count(); ++i) text += (i > 1 ? " " : "") + a.words[i];
    s.write(text + "\n");
    return true;
  }
  static bool read(Shell& s, const DotArgs& a) {
    if (a.count() != 2) throw InvalidDotArgs{};
    return s.run_file(a.arg());
  }
  static bool once(Shell& s, const DotArgs& a) {
    if (a.count() != 2) throw InvalidDotArgs{};
    return s.set_output(a.arg(), true);
  }
  static bool output(Shell& s, const DotArgs& a) {
    if (a.count() > 2) throw InvalidDotArgs{};
    return s.set_output(a.arg(), false);
  }
  static bool source(Shell& s, const DotArgs& a) {
    if (a.count() == 1) {
      s.write(fmt::format("{} ({})\n", s.session_.source_spec(), s.session_.source_description()));
    } else {
      s.session_.set_source(a.arg());
      if (s.reader_) s.reader_->invalidate();
    }
    return true;
  }
  static bool refresh(Shell& s, const DotArgs& a) {
    if (a.count() != 1) throw InvalidDotArgs{};
    s.session_.refresh();
    return true;
  }
  static bool stats(Shell& s, const DotArgs& a) {
    if (a.count() == 2) return flag(a, s.stats_);
    Counters c = s.session_.counters();
    s.write(fmt::format("kstats enumerated: {}  matched: {}  read: {}  generation: {}\n",
                        c.enumerated, c.matched, c.read, c.generation));
    return true;
  }

  static const DotCommand kTable[];
};

const DotCommand DotCommands::kTable[] = {
    {"bail", "on|off", "stop at the first error", bail, kCompleteOnOff},
    {"dump", "?TABLE?", "SQL that recreates the database's tables (LIKE pattern; not virtual ones)",
     DotData::dump, kCompleteTables},
    {"echo", "on|off", "print each statement before running it", echo, kCompleteOnOff},
    {"exit", "?CODE?", "exit with status CODE (default: 0, or 1 after an error)", exit},
    {"explain", "KQL", "show the SQL a KQL pipeline compiles to", explain},
    {"headers", "on|off", "show column names", headers, kCompleteOnOff, "header"},
    {"help", "", "this text", help},
    {"import", "FILE TABLE", "read CSV FILE into TABLE, made from its header row if missing",
     DotData::import, kCompleteFiles},
    {"kql", "?on|off?", "read input lines as KQL pipelines (or prefix one line with `kql `)", kql,
     kCompleteOnOff},
    {"load", "FILE ?ENTRY?", "load an SQLite extension", DotData::load, kCompleteFiles},
    {"mode", "MODE ?TABLE?", "output mode (list below; TABLE names insert mode's table)", mode,
     kCompleteModes},
    {"nullvalue", "TEXT", "text shown for NULL", nullvalue, kCompleteNothing, {}, true},
    {"once", "FILE", "send the next statement's output to FILE", once, kCompleteFiles},
    {"open", "?FILE?", "make FILE (created if missing) the main database; none: in memory",
     DotData::open, kCompleteFiles},
    {"output", "?FILE?", "send output to FILE, or back to standard output", output, kCompleteFiles},
    {"print", "TEXT...", "print TEXT", print, kCompleteNothing, {}, true},
    {"quit", "", "exit", quit, kCompleteNothing, "q"},
    {"read", "FILE", "run the statements and dot-commands in FILE", read, kCompleteFiles},
    {"refresh", "", "the next statement reads a fresh generation", refresh},
    {"schema", "?TABLE?", "the columns of kstatsql's tables (and your own tables)", schema,
     kCompleteTables},
    {"separator", "SEP", "column separator of list mode", separator, kCompleteNothing, {}, true},
    {"show", "", "the current settings", DotData::show},
    {"source", "?PATH|live?", "show or switch the source (a dump, a .kss recording, procfs:DIR)",
     source, kCompleteLive | kCompleteFiles},
    {"stats", "?on|off?", "kstats enumerated, matched and read by the last statement", stats,
     kCompleteOnOff},
    {"tables", "?PATTERN?", "list tables (LIKE pattern)", tables, kCompleteTables},
    {"timer", "on|off", "time each statement", timer, kCompleteOnOff},
    {"width", "N...", "column widths of the columnar modes (negative: right-aligned, 0: auto)",
     DotData::width},
};

std::span<const DotCommand> dot_commands() {
  return DotCommands::kTable;
}

const DotCommand* find_dot_command(std::string_view name) {
  for (const DotCommand& c : DotCommands::kTable) {
    if (c.name == name || (!c.alias.empty() && c.alias == name)) return &c;
  }
  return nullptr;
}

const DotCommand* resolve_dot_command(std::string_view word,
                                      std::vector<std::string_view>& candidates) {
  candidates.clear();
  if (const DotCommand* exact = find_dot_command(word)) return exact;
  const DotCommand* found = nullptr;
  for (const DotCommand& c : DotCommands::kTable) {
    if (!word.empty() && c.name.substr(0, word.size()) == word) {
      candidates.push_back(c.name);
      found = &c;
    }
  }
  if (candidates.size() == 1) return found;
  return nullptr;
}

std::string dot_help() {
  std::string out;
  for (const DotCommand& c : DotCommands::kTable) {
    std::string head = fmt::format(".{} {}", c.name, c.usage);
    out += fmt::format("{:<24} {}\n", head, c.help);
  }
  out += "Output modes (.mode MODE, or -MODE on the command line):\n";
  for (const ModeInfo& m : output_modes()) {
    std::string name =
        m.alias.empty() ? std::string(m.name) : fmt::format("{} ({})", m.name, m.alias);
    out += fmt::format("  {:<22} {}\n", name, m.help);
  }
  return out;
}

bool Shell::dot_command(std::string_view line) {
  DotArgs a{line, words_of(line.substr(1))};
  if (a.words.empty()) return true;
  std::vector<std::string_view> candidates;
  const DotCommand* c = resolve_dot_command(a.words[0], candidates);
  const std::string cmd = c ? std::string(c->name) : a.words[0];
  if (!c && candidates.size() > 1) {
    std::string names;
    for (std::string_view n : candidates) names += fmt::format(" .{}", n);
    error(fmt::format("Error: \".{}\" is ambiguous: it may be{}", cmd, names));
    status_ = 1;
    return !o_.bail;
  }
  // `.schema named;` and the like: a trailing ';' is not part of the argument.
  if (!c || !c->keep_semicolon) {
    std::vector<std::string>& w = a.words;
    while (!w.empty() && !w.back().empty() && w.back().back() == ';') w.back().pop_back();
    if (w.size() > 1 && w.back().empty()) w.pop_back();
  }
  try {
    if (!c) throw InvalidDotArgs{};
    a.words[0] = c->name;  // messages name the command, not the prefix typed
    return c->run(*this, a);
  } catch (const InvalidDotArgs&) {
    error(fmt::format(
        "Error: unknown command or invalid arguments:  \"{}\". Enter \".help\" for help", cmd));
  } catch (const std::exception& e) {
    error(fmt::format("Error: .{}: {}", cmd, e.what()));
  }
  status_ = 1;
  return !o_.bail;
}

}  // namespace kstatsql::shell
