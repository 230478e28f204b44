// shell/repl.cpp — statement execution and input loops (shell/repl.hpp).
#include "shell/repl.hpp"

#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/posix_error.hpp"
#include "engine/text.hpp"
#include "kstatsql/error.hpp"
#include "kstatsql/kql.hpp"
#include "shell/kstat_mode.hpp"

namespace kstatsql::shell {

namespace {

// True when `s` holds only whitespace and SQL comments (sqlite3's _all_whitespace).
bool all_whitespace(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      std::size_t nl = s.find('\n', i);
      if (nl == std::string_view::npos) return true;
      i = nl;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      std::size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 1;
      continue;
    }
    return false;
  }
  return true;
}

bool complete(std::string_view sql) {
  std::string z(sql);
  return sqlite3_complete(z.c_str()) != 0;
}

// Splits text into single statements: cut after every ';' that completes one.
std::vector<std::pair<std::size_t, std::size_t>> split_statements(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t start = 0;
  for (std::size_t pos = text.find(';'); pos != std::string_view::npos;
       pos = text.find(';', pos + 1)) {
    if (complete(text.substr(start, pos + 1 - start))) {
      out.emplace_back(start, pos + 1 - start);
      start = pos + 1;
    }
  }
  if (!all_whitespace(text.substr(start))) out.emplace_back(start, text.size() - start);
  return out;
}

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

std::string where(std::string_view origin, int line) {
  return origin.empty() ? fmt::format("near line {}", line)
                        : fmt::format("in {} near line {}", origin, line);
}

}  // namespace

Shell::Shell(ShellOptions options, Session session, std::FILE* out, std::FILE* err)
    : o_(std::move(options)), session_(std::move(session)), stdout_(out), out_(out), err_(err) {
  open_database(o_.database);
}

Shell::~Shell() {
  reader_.reset();
  set_interrupt_db(nullptr);
  if (out_owned_) std::fclose(out_);
  sqlite3_close(db_);
}

void Shell::write(std::string_view text) {
  if (!text.empty()) std::fwrite(text.data(), 1, text.size(), out_);
}

void Shell::error(const std::string& message) {
  std::fflush(out_);
  std::fprintf(err_, "%s\n", message.c_str());
  std::fflush(err_);
}

void Shell::after_output() {
  std::fflush(out_);
  if (once_) {
    if (out_owned_) std::fclose(out_);
    out_ = stdout_;
    out_name_.clear();
    out_owned_ = false;
    once_ = false;
  }
}

bool Shell::statement_pending() const {
  return !all_whitespace(pending_);
}

bool Shell::feed_line(std::string_view line, int lineno, std::string_view origin) {
  if (!pending_kql_.empty()) return feed_kql_line(line, lineno, origin);
  if (!statement_pending()) {
    pending_.clear();  // blank lines and comments before a statement
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] == '.') {
      if (o_.echo) {  // as sqlite3 does, dot-commands are echoed too
        write(line.substr(first));
        write("\n");
      }
      bool ok = dot_command(line.substr(first));
      return ok && !quit_;
    }
    std::string_view rest =
        first == std::string_view::npos ? std::string_view() : line.substr(first);
    if (kql_mode_ && !rest.empty()) return feed_kql_line(rest, lineno, origin);
    if (rest.size() > 4 && (rest.substr(0, 4) == "kql " || rest.substr(0, 4) == "KQL ")) {
      return feed_kql_line(rest.substr(4), lineno, origin);
    }
    if (all_whitespace(line)) return true;
    pending_line_ = lineno;
  }
  pending_ += line;
  pending_ += '\n';
  if (!complete(pending_)) return true;
  std::string text = std::move(pending_);
  pending_.clear();
  return execute(text, pending_line_, origin);
}

bool Shell::feed_kql_line(std::string_view line, int lineno, std::string_view origin) {
  if (pending_kql_.empty()) pending_line_ = lineno;
  pending_kql_ += line;
  std::size_t last = pending_kql_.find_last_not_of(" \t\r");
  if (last != std::string::npos && pending_kql_[last] == '|') {
    pending_kql_ += '\n';
    return true;  // the pipeline goes on
  }
  std::string text = std::move(pending_kql_);
  pending_kql_.clear();
  return run_kql(text, pending_line_, origin);
}

bool Shell::run_kql(std::string_view kql, int lineno, std::string_view origin) {
  std::string sql;
  try {
    sql = kql_to_sql(kql);
  } catch (const Error& e) {
    error(origin.empty() ? std::string(e.what())
                         : fmt::format("{}:{}: {}", origin, lineno, e.what()));
    status_ = 1;
    return !o_.bail;
  }
  return execute(sql, lineno, origin);
}

bool Shell::flush_pending(std::string_view origin) {
  if (!pending_kql_.empty()) {
    std::string text = std::move(pending_kql_);
    pending_kql_.clear();
    return run_kql(text, pending_line_, origin);
  }
  if (!statement_pending()) {
    pending_.clear();
    return true;
  }
  std::string text = std::move(pending_);
  pending_.clear();
  return execute(text, pending_line_, origin);
}

bool Shell::run_script(std::string_view text, std::string_view origin) {
  for (const engine::text::Line& line : engine::text::lines(text, true)) {
    if (!feed_line(line.text, static_cast<int>(line.number), origin)) return false;
  }
  return flush_pending(origin);
}

bool Shell::execute(std::string_view sql, int lineno, std::string_view origin) {
  int line = lineno;
  std::size_t done = 0;
  for (auto [off, len] : split_statements(sql)) {
    for (std::size_t i = done; i < off; ++i) line += sql[i] == '\n';
    done = off;
    // The statement starts at its first non-blank character.
    std::string_view stmt = sql.substr(off, len);
    std::size_t lead = stmt.find_first_not_of(" \t\r\n");
    if (lead == std::string_view::npos) continue;
    for (std::size_t i = 0; i < lead; ++i) line += stmt[i] == '\n';
    done = off + lead;
    if (!run_statement(stmt.substr(lead), line, origin)) return false;
    if (quit_) return false;
  }
  return true;
}

void Shell::report_prepare_error(std::string_view sql, int lineno, std::string_view origin) {
  int off = sqlite3_error_offset(db_);
  std::string msg = sqlite3_errmsg(db_);
  int line = lineno;
  if (off >= 0 && static_cast<std::size_t>(off) <= sql.size()) {
    for (int i = 0; i < off; ++i) line += sql[static_cast<std::size_t>(i)] == '\n';
  }
  std::string text = fmt::format("Parse error {}: {}", where(origin, line), msg);
  if (off >= 0 && static_cast<std::size_t>(off) <= sql.size()) {
    std::size_t o = static_cast<std::size_t>(off);
    std::size_t ls = sql.rfind('\n', o == 0 ? 0 : o - 1);
    ls = (ls == std::string_view::npos || ls >= o) ? 0 : ls + 1;
    if (o > 0 && sql[o - 1] == '\n') ls = o;
    std::size_t le = sql.find('\n', o);
    std::string src(sql.substr(ls, (le == std::string_view::npos ? sql.size() : le) - ls));
    std::size_t col = o - ls;
    if (col > 60) {  // keep the caret on screen: show the text around it
      std::size_t cut = col - 40;
      while (cut > 0 && engine::text::is_utf8_continuation(src[cut])) --cut;
      src = "..." + src.substr(cut);
      col = col - cut + 3;
    }
    for (char& c : src) {
      if (c == '\t') c = ' ';
    }
    std::size_t caret = display_width(std::string_view(src).substr(0, col));
    text += fmt::format("\n  {}\n  {}^--- error here", src, std::string(caret, ' '));
  }
  error(text);
}

bool Shell::run_statement(std::string_view sql, int lineno, std::string_view origin) {
  if (o_.echo) {  // the statement as written, without the newlines that followed it
    const std::size_t end = sql.find_last_not_of(" \t\r\n");
    write(sql.substr(0, end == std::string_view::npos ? 0 : end + 1));
    write("\n");
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) !=
      SQLITE_OK) {
    report_prepare_error(sql, lineno, origin);
    status_ = 1;
    after_output();
    return !o_.bail;
  }
  if (!st) return true;
  if (sqlite3_stmt_isexplain(st) == 2) return run_query_plan(st, lineno, origin);
  rusage ru0{};
  getrusage(RUSAGE_SELF, &ru0);
  std::int64_t t0 = monotonic_ns();
  std::string buf;
  Renderer r(o_.render, buf);
  int ncol = sqlite3_column_count(st);
  std::vector<std::string> names;
  for (int i = 0; i < ncol; ++i) names.emplace_back(sqlite3_column_name(st, i));
  try {
    r.begin(names);
  } catch (const std::exception& e) {
    sqlite3_finalize(st);
    error(fmt::format("Error {}: {}", where(origin, lineno), e.what()));
    status_ = 1;
    return !o_.bail;
  }
  int rc;
  std::vector<Cell> cells;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_row(st, cells);
    r.row(cells);
    if (buf.size() > (1u << 16)) {
      write(buf);
      buf.clear();
    }
  }
  r.end();
  write(buf);
  bool ok = rc == SQLITE_DONE;
  if (!ok) error(fmt::format("Runtime error {}: {}", where(origin, lineno), sqlite3_errmsg(db_)));
  sqlite3_finalize(st);
  if (timer_) {
    rusage ru1{};
    getrusage(RUSAGE_SELF, &ru1);
    write(fmt::format("Run Time: real {:.3f} user {:.6f} sys {:.6f}\n",
                      static_cast<double>(monotonic_ns() - t0) / 1e9,
                      seconds(ru1.ru_utime) - seconds(ru0.ru_utime),
                      seconds(ru1.ru_stime) - seconds(ru0.ru_stime)));
  }
  if (stats_) dot_command(".stats");
  after_output();
  if (!ok) status_ = 1;
  return ok || !o_.bail;
}

bool Shell::run_query_plan(sqlite3_stmt* st, int lineno, std::string_view origin) {
  std::vector<PlanRow> rows;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char* detail = sqlite3_column_text(st, 3);
    rows.push_back({sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
                    detail ? reinterpret_cast<const char*>(detail) : ""});
  }
  const bool ok = rc == SQLITE_DONE;
  if (ok) {
    write(render_query_plan(rows));
  } else {
    error(fmt::format("Runtime error {}: {}", where(origin, lineno), sqlite3_errmsg(db_)));
    status_ = 1;
  }
  sqlite3_finalize(st);
  after_output();
  return ok || !o_.bail;
}

bool Shell::run_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    error("Error: " + engine::errno_message(fmt::format("cannot open \"{}\"", path), err));
    status_ = 1;
    return !o_.bail;
  }
  if (read_depth_ >= 25) {
    error(fmt::format("Error: .read nested too deeply (at \"{}\")", path));
    status_ = 1;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string saved = std::move(pending_);
  int saved_line = pending_line_;
  pending_.clear();
  ++read_depth_;
  bool ok = run_script(ss.str(), path);
  --read_depth_;
  pending_ = std::move(saved);
  pending_line_ = saved_line;
  return ok;
}

bool Shell::run_inputs(const std::vector<Input>& inputs) {
  for (const Input& in : inputs) {
    bool ok = in.kind == Input::Kind::file  ? run_file(in.text)
              : in.kind == Input::Kind::kql ? run_kql(in.text, 1, "")
                                            : run_script(in.text);
    if (!ok || quit_) return false;
    if (stop_requested() && o_.interval <= 0) return false;
  }
  return true;
}

int Shell::run_repeated(const std::vector<Input>& inputs) {
  const auto interval_ns = static_cast<std::int64_t>(std::llround(o_.interval * 1e9));
  const std::int64_t start = monotonic_ns();
  set_interrupt_db(nullptr);  // Ctrl-C ends the run after the current iteration
  for (long k = 0;; ++k) {
    if (k > 0 && !is_json(o_.render.mode)) {
      write("\n");
      std::fflush(out_);
    }
    session_.refresh();
    session_.pin();
    bool ok = run_inputs(inputs);
    session_.unpin();
    if (!ok || quit_ || interval_ns == 0) break;
    if ((o_.count > 0 && k + 1 >= o_.count) || stop_requested()) break;
    if (!sleep_until(next_deadline(start, interval_ns, k + 1, monotonic_ns()))) break;
  }
  return exit_code_.value_or(status_);
}

void Shell::run_stdin() {
  char* line = nullptr;
  std::size_t cap = 0;
  int lineno = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) >= 0) {
    // What getline read is one line, its '\n' included (n >= 1).
    const std::string_view l =
        engine::text::lines(std::string_view(line, static_cast<std::size_t>(n)), true)
            .begin()
            ->text;
    if (!feed_line(l, ++lineno, "") || stop_requested()) {
      std::free(line);
      return;
    }
  }
  std::free(line);
  flush_pending("");
}

int Shell::run() {
  set_interrupt_db(db_);
  for (const std::string& c : o_.commands) {
    if (!run_script(c) || quit_) return exit_code_.value_or(status_);
  }
  if (!o_.report.empty()) {
    std::string path = report_path(o_.report);
    if (access(path.c_str(), R_OK) != 0) {
      const int err = errno;
      std::string known;
      for (const std::string& n : available_reports()) known += " " + n;
      error(fmt::format("kstatsql: no report '{}': {}\n{}", o_.report,
                        engine::errno_message("cannot read " + path, err),
                        known.empty() ? fmt::format("no reports in {}", reports_dir())
                                      : fmt::format("reports in {}:{}", reports_dir(), known)));
      return 2;
    }
    return run_repeated({{Input::Kind::file, path}});
  }
  if (!o_.inputs.empty()) {
    if (o_.interval > 0) return run_repeated(o_.inputs);
    run_inputs(o_.inputs);
    return exit_code_.value_or(status_);
  }
  if (o_.interactive.value_or(isatty(STDIN_FILENO) != 0)) {
    run_interactive();
    return exit_code_.value_or(0);  // errors were shown as they happened
  } else {
    run_stdin();
  }
  return exit_code_.value_or(status_);
}

int shell_main(ShellOptions options) {
  Session session(options.source.empty() ? default_source_spec() : options.source);
  if (!options.source.empty()) {
    try {
      session.open();  // a bad --source is reported now, not at the first query
    } catch (const std::exception& e) {
      std::fprintf(stderr, "kstatsql: %s\n", e.what());
      return 1;
    }
  }
  install_stop_handler();
  std::unique_ptr<Shell> shell;
  try {
    shell = std::make_unique<Shell>(std::move(options), session, stdout, stderr);
  } catch (const std::exception& e) {  // the database argument, like a bad --source
    std::fprintf(stderr, "kstatsql: %s\n", e.what());
    return 1;
  }
  try {
    return shell->run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kstatsql: %s\n", e.what());
    return 3;
  }
}

}  // namespace kstatsql::shell
