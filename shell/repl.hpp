// shell/repl.hpp — the SQL shell: arguments, statement execution, dot-commands.
//
// `kstatsql [options] [SQL…]` (docs/shell.md). Like sqlite3:
//  * -cmd commands run first, then the SQL arguments / -c / -f inputs in the
//    order given; with none, standard input is read (interactive with line
//    editing when it is a terminal, else as a script);
//  * input is split into complete statements (sqlite3_complete); a line that
//    starts with '.' where no statement is pending is a dot-command;
//  * an SQL error prints SQLite's message on stderr ("Parse error near line N:"
//    with the statement line and a caret for prepare errors, "Runtime error
//    near line N:" for step errors), sets exit status 1 and, unless -bail,
//    later statements still run;
//  * --interval S [--count N] re-runs the inputs every S seconds (S may be
//    fractional) on a fresh generation held for the whole iteration, so
//    rates are per interval; --report NAME [interval [count]] runs
//    reports/NAME.sql the same way. SIGINT stops after the current iteration.
// Exit status: 0 ok, 1 an SQL error (or a failing dot-command), 2 usage
// error, or the code given to .exit.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kstatsql/kstatsql.hpp"
#include "shell/render.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace kstatsql::shell {

struct Input {
  enum class Kind { sql, file, kql } kind = Kind::sql;
  std::string text;  // the SQL (or dot-command), or the file path
};

struct ShellOptions {
  std::string source;  // --source; "" = KSTATSQL_SOURCE or "live"
  RenderOptions render;
  bool bail = false;                  // -bail: stop at the first error
  bool echo = false;                  // -echo: print each statement before running it
  std::optional<bool> interactive;    // -interactive / -batch (default: isatty(stdin))
  std::vector<std::string> commands;  // -cmd, run before anything else
  std::vector<Input> inputs;          // SQL arguments, -c SQL, -f FILE, in order
  double interval = 0;                // --interval seconds; 0 = run once
  long count = -1;                    // --count; -1 = until interrupted (with an interval)
  std::string report;                 // --report NAME
  std::string database;               // the database file argument; "" = in memory
};

struct ShellArgs {
  enum class Action { run, help, version, kstat, record, convert, usage_error };
  Action action = Action::run;
  ShellOptions options;
  std::vector<std::string> rest;  // arguments after `kstat`, `record`, `convert`
  std::string message;            // usage error text
};

// Parses argv[1..]. Options take one or two dashes (-json, --json).
ShellArgs parse_shell_args(std::span<const std::string> args);
std::string shell_usage();

// The file a report NAME runs: NAME itself when it contains '/' or ends in
// ".sql", else $KSTATSQL_REPORTS (or the installed share/kstatsql/reports, or the source tree's
// reports/ when run from the build folder)/NAME.sql.
std::string report_path(const std::string& name);
// The folder report_path() looks in, and the report names found there (sorted).
std::string reports_dir();
std::vector<std::string> available_reports();

// True when a positional argument names a database file rather than SQL:
// one word (no blank, ';', quote or parenthesis, and not a dot-command such
// as ".help") that is ":memory:", contains '.' or '/', or is an existing
// regular file.
bool names_database(const std::string& arg);

// complete.cpp: interactive input through libedit — line editing, history
// ($KSTATSQL_HISTORY, else ~/.kstatsql_history) and TAB completion of
// dot-commands, tables, columns, functions, keywords and, after a quote, kstat
// module names.
class Shell;
class LineReader {
 public:
  explicit LineReader(Shell& shell);
  ~LineReader();
  std::optional<std::string> read(const std::string& prompt);  // nullopt at end of input
  void invalidate();  // the source changed: module names are re-read when needed

 private:
  Shell& shell_;
  std::string history_;
};

// What completion offers, read from the connection (kstat_columns,
// pragma_function_list, sqlite_schema, SQLite's keywords, `SELECT DISTINCT
// module FROM kstat` when with_modules).
struct CompletionData {
  std::vector<std::string> tables, columns, functions, keywords, modules;
  bool have_modules = false;
};
CompletionData load_completion_data(sqlite3* db, bool with_modules);
// Candidates for `word`, the text being completed, given the line before it.
// Matching ignores ASCII case; a lowercase word gets lowercase keywords; a
// word where a module name goes (wants_module_names) completes module names
// (quoted); a line starting with '.' completes dot-commands, then their
// arguments (modes, tables, on/off, and file names from the file system
// for the commands that take a file: `.read reports/io` -> `iostat.sql`).
std::vector<std::string> complete_word(const CompletionData& d, std::string_view before,
                                       std::string_view word);
// True when `word` is where a module name goes: it starts with ', or follows
// `module =`, `module IN (` or a ',' in that list. Completion then offers
// the current source's module names, quoted.
bool wants_module_names(std::string_view before, std::string_view word);

class Shell {
 public:
  // Opens options.database (default: in memory) and registers kstatsql on
  // it over `session`; throws Error when the database cannot be opened.
  Shell(ShellOptions options, Session session, std::FILE* out, std::FILE* err);
  ~Shell();
  Shell(const Shell&) = delete;
  Shell& operator=(const Shell&) = delete;

  // Everything the options ask for; returns the exit status.
  int run();

  // Runs script text: statements and dot-commands, line by line. `origin`
  // names it in error messages ("" for stdin and arguments). Returns false
  // when the shell must stop (.quit, or an error under -bail).
  bool run_script(std::string_view text, std::string_view origin = "");
  // Feeds one input line (without its newline); same return rule.
  bool feed_line(std::string_view line, int lineno, std::string_view origin);
  // Runs whatever statement text is pending (end of input).
  bool flush_pending(std::string_view origin);
  bool statement_pending() const;

  int status() const noexcept { return status_; }
  bool quitting() const noexcept { return quit_; }
  sqlite3* db() const noexcept { return db_; }
  Session& session() noexcept { return session_; }
  ShellOptions& options() noexcept { return o_; }

  // Dot-commands (shell/dot_commands.hpp). `line` starts with '.'. Returns false to stop.
  bool dot_command(std::string_view line);

  // dot_data.cpp: makes `path` ("" or ":memory:": a new in-memory database)
  // the connection's main database, with kstatsql registered on it; the old
  // connection is closed. Throws Error (the current one is kept) when the
  // file is not an SQLite database or cannot be opened.
  void open_database(const std::string& path);
  const std::string& database_name() const noexcept;
  // A message on stderr that does not change the exit status.
  void warn(const std::string& message) { error(message); }

 private:
  bool execute(std::string_view sql, int lineno, std::string_view origin);
  // KQL (docs/kql.md): compiles to SQL and runs it; errors keep their caret.
  bool run_kql(std::string_view kql, int lineno, std::string_view origin);
  // A KQL line at the prompt: "kql …", or any line in .kql mode; a line
  // ending in '|' continues on the next.
  bool feed_kql_line(std::string_view line, int lineno, std::string_view origin);
  bool run_statement(std::string_view sql, int lineno, std::string_view origin);
  // EXPLAIN QUERY PLAN: the plan drawn as a tree (render_query_plan); finalizes `st`.
  bool run_query_plan(sqlite3_stmt* st, int lineno, std::string_view origin);
  void report_prepare_error(std::string_view sql, int lineno, std::string_view origin);
  bool run_inputs(const std::vector<Input>& inputs);
  bool run_file(const std::string& path);
  int run_repeated(const std::vector<Input>& inputs);
  void run_interactive();
  void run_stdin();
  void error(const std::string& message);
  void write(std::string_view text);
  void after_output();
  // dot_commands.cpp: the commands' run functions, and their helpers.
  friend struct DotCommands;
  friend struct DotData;
  void list_tables(std::string_view pattern);
  void show_schema(std::string_view table);
  bool set_output(std::string_view path, bool once);

  ShellOptions o_;
  Session session_;
  sqlite3* db_ = nullptr;
  std::string db_name_;   // what .show calls the main database
  std::string out_name_;  // the .output/.once file; "" = standard output
  std::FILE* stdout_;
  std::FILE* out_;
  std::FILE* err_;
  bool out_owned_ = false;
  bool once_ = false;
  bool timer_ = false;
  bool stats_ = false;
  bool quit_ = false;
  int status_ = 0;
  std::optional<int> exit_code_;
  std::string pending_;
  int pending_line_ = 0;
  bool kql_mode_ = false;    // .kql on: input lines are KQL
  std::string pending_kql_;  // a KQL pipeline continued with a trailing '|'
  int read_depth_ = 0;
  std::unique_ptr<LineReader> reader_;
};

// `kstatsql …` after the subcommand dispatch: opens the session and runs.
int shell_main(ShellOptions options);

}  // namespace kstatsql::shell
