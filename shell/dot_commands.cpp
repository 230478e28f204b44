// shell/dot_commands.cpp — the shell's dot-commands (.help lists them).
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "kstatsql/error.hpp"
#include "kstatsql/kql.hpp"
#include "shell/repl.hpp"

namespace kstatsql::shell {

const char Shell::kHelp[] =
    ".bail on|off             stop at the first error\n"
    ".echo on|off             print each statement before running it\n"
    ".exit ?CODE?             exit with status CODE (default: 0, or 1 after an error)\n"
    ".explain KQL             show the SQL a KQL pipeline compiles to\n"
    ".headers on|off          show column names\n"
    ".help                    this text\n"
    ".kql on|off              read input lines as KQL pipelines (or prefix one line with `kql `)\n"
    ".mode MODE               output mode: list csv tabs(tsv) json jsonl line column\n"
    "                         table box markdown quote kstat (module:instance:name:statistic<TAB>value)\n"
    ".nullvalue TEXT          text shown for NULL\n"
    ".once FILE               send the next statement's output to FILE\n"
    ".output ?FILE?           send output to FILE, or back to standard output\n"
    ".print TEXT...           print TEXT\n"
    ".quit                    exit\n"
    ".read FILE               run the statements and dot-commands in FILE\n"
    ".refresh                 the next statement reads a fresh generation\n"
    ".schema ?TABLE?          the columns of kstatsql's tables (and your own tables)\n"
    ".separator SEP           column separator of list mode\n"
    ".source ?PATH|live?      show or switch the source (a dump, a .kss recording, procfs:DIR)\n"
    ".stats ?on|off?          kstats enumerated, matched and read by the last statement\n"
    ".tables ?PATTERN?        list tables (LIKE pattern)\n"
    ".timer on|off            time each statement\n";

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
                    "UNION SELECT 'kstat_columns' UNION SELECT name FROM sqlite_schema WHERE type IN ('table','view') "
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
  auto tables = query(db_,
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
      out += fmt::format("  {} {}{}  -- {}\n", cols[i][0], cols[i][1], i + 1 < cols.size() ? "," : "",
                         cols[i][2]);
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
  if (path.empty() || path == "stdout" || path == "-") return true;
  std::string p(path);
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) throw Error(Errc::io, fmt::format("cannot open \"{}\": {}", p, std::strerror(errno)));
  out_ = f;
  out_owned_ = true;
  once_ = once;
  return true;
}

bool Shell::dot_command(std::string_view line) {
  std::vector<std::string> w = words_of(line.substr(1));
  if (w.empty()) return true;
  const std::string cmd = w[0];
  // `.schema named;` and the like: a trailing ';' is not part of the argument.
  if (cmd != "print" && cmd != "separator" && cmd != "nullvalue") {
    while (!w.empty() && !w.back().empty() && w.back().back() == ';') w.back().pop_back();
    if (w.size() > 1 && w.back().empty()) w.pop_back();
  }
  const std::string arg = w.size() > 1 ? w[1] : std::string();
  auto flag = [&](bool& target) {
    auto b = boolean(arg);
    if (w.size() != 2 || !b) throw Error(Errc::parse, fmt::format("usage: .{} on|off", cmd));
    target = *b;
  };
  try {
    if (cmd == "quit" || cmd == "q") {
      quit_ = true;
      return false;
    } else if (cmd == "exit") {
      quit_ = true;
      if (w.size() > 1) exit_code_ = std::atoi(arg.c_str());
      return false;
    } else if (cmd == "help") {
      write(kHelp);
    } else if (cmd == "tables") {
      list_tables(arg);
    } else if (cmd == "schema") {
      show_schema(arg);
    } else if (cmd == "mode") {
      if (w.size() == 1) {
        write(fmt::format("current output mode: {}\n", mode_name(o_.render.mode)));
      } else if (auto m = parse_mode(arg)) {
        o_.render.mode = *m;
      } else {
        throw Error(Errc::parse, fmt::format("unknown mode \"{}\"; use list csv tabs json jsonl line "
                                             "column table box markdown quote kstat", arg));
      }
    } else if (cmd == "headers" || cmd == "header") {
      flag(o_.render.headers);
    } else if (cmd == "timer") {
      flag(timer_);
    } else if (cmd == "kql") {
      if (w.size() == 1) kql_mode_ = true; else flag(kql_mode_);
    } else if (cmd == "explain") {
      // `.explain KQL…` shows the SQL a pipeline compiles to. sqlite3's own
      // `.explain on|off|auto` (EXPLAIN layout) has no meaning here.
      if (w.size() == 1 || arg == "on" || arg == "off" || arg == "auto") {
        throw Error(Errc::parse, "usage: .explain KQL   (shows the SQL a KQL pipeline compiles to)");
      }
      std::size_t at = line.find("explain") + 7;
      write(kql_to_sql(line.substr(at)) + "\n");
    } else if (cmd == "bail") {
      flag(o_.bail);
    } else if (cmd == "echo") {
      flag(o_.echo);
    } else if (cmd == "separator" && w.size() == 2) {
      o_.render.separator = arg;
    } else if (cmd == "nullvalue" && w.size() == 2) {
      o_.render.null_value = arg;
    } else if (cmd == "print") {
      std::string text;
      for (std::size_t i = 1; i < w.size(); ++i) text += (i > 1 ? " " : "") + w[i];
      write(text + "\n");
    } else if ((cmd == "read") && w.size() == 2) {
      return run_file(arg);
    } else if (cmd == "once" && w.size() == 2) {
      set_output(arg, true);
    } else if (cmd == "output" && w.size() <= 2) {
      set_output(arg, false);
    } else if (cmd == "source") {
      if (w.size() == 1) {
        write(fmt::format("{} ({})\n", session_->source_spec(), session_->source_description()));
      } else {
        session_->set_source(arg);
        if (reader_) reader_->invalidate();
      }
    } else if (cmd == "refresh" && w.size() == 1) {
      session_->refresh();
    } else if (cmd == "stats") {
      if (w.size() == 2) {
        flag(stats_);
      } else {
        const engine::Counters& c = *session_->counters();
        write(fmt::format("kstats enumerated: {}  matched: {}  read: {}  generation: {}\n",
                          c.enumerated.load(), c.matched.load(), c.read.load(), c.generation.load()));
      }
    } else {
      error(fmt::format("Error: unknown command or invalid arguments:  \"{}\". Enter \".help\" for help",
                        cmd));
      status_ = 1;
      return !o_.bail;
    }
  } catch (const std::exception& e) {
    error(fmt::format("Error: .{}: {}", cmd, e.what()));
    status_ = 1;
    return !o_.bail;
  }
  return true;
}

}  // namespace kstatsql::shell
