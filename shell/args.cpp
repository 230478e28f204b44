// shell/args.cpp — command-line parsing of the SQL shell (shell/repl.hpp).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <optional>
#include <cstdlib>

#include <fmt/format.h>

#include "shell/options.hpp"
#include "shell/repl.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

// The build tree's reports/ (the fallback when the shell runs from its build folder).
#ifndef KSTATSQL_REPORTS_DIR
#define KSTATSQL_REPORTS_DIR "reports"
#endif
// The installed reports, relative to the installed executable's folder
// (bin/ -> ../share/kstatsql/reports; shell/CMakeLists.txt computes it).
#ifndef KSTATSQL_REPORTS_REL
#define KSTATSQL_REPORTS_REL "../share/kstatsql/reports"
#endif

namespace kstatsql::shell {

namespace {

// "-list -csv -tabs ...": the output modes as options, from render.cpp's table.
std::string mode_options() {
  std::string out = " ";
  for (const ModeInfo& m : output_modes()) out += fmt::format(" -{}", m.name);
  return out + "\n";
}

}  // namespace

std::string shell_usage() {
  return "usage: kstatsql [OPTIONS] [DATABASE] [SQL ...]\n"
         "       kstatsql [--source SPEC] [--interval S [--count N]] kstat [-qlpjC] [-T u|d]\n"
         "                [-c class] [-m module] [-i instance] [-n name] [-s statistic]\n"
         "                [spec ...] [interval [count]]\n"
         "       kstatsql [--source SPEC] record ... | kstatsql convert ...  (each has --help)\n"
         "Runs SQL over kernel statistics (tables kstat, named, io, ... ; see .help).\n"
         "With no SQL, reads standard input: interactively on a terminal, else as a script.\n"
         "DATABASE, as in sqlite3, is an SQLite file opened as the main database (created if\n"
         "missing), so CREATE TABLE t AS SELECT ... keeps results: the first argument when it\n"
         "is one word, not a dot-command, that contains '.' or '/', is :memory:, or is an\n"
         "existing file.\n"
         "Options (one or two dashes):\n"
         "  --source SPEC     'live' (default), a kstat -p / -j dump, a .kss recording,\n"
         "                    'procfs:DIR'; KSTATSQL_SOURCE sets the default\n"
         "  -c SQL            run SQL (like a positional argument)\n"
         "  -k, --kql KQL     run a KQL pipeline (docs/kql.md), e.g. -k 'io class=disk | rate | "
         "top 5 by nread'\n"
         "  -f FILE           run the statements and dot-commands in FILE\n"
         "  -cmd COMMAND      run COMMAND (SQL or dot-command) first\n"
         "  -init FILE        same as -cmd '.read FILE'\n"
         "  -bail             stop at the first error\n"
         "  -echo             print each statement before running it\n"
         "  -header / -noheader   column names on or off\n" +
         mode_options() +
         "  -mode MODE        output mode (same names)\n"
         "  -separator SEP    list mode column separator (default '|')\n"
         "  -nullvalue TEXT   text for NULL\n"
         "  -batch / -interactive   force non-interactive / interactive input\n"
         "  --interval S      re-run the SQL (or kstat mode) every S seconds, 0.001 to 31536000\n"
         "                    (fractions allowed), on fresh samples\n"
         "  --count N         number of runs with --interval, 1 to 2147483647 (default: until\n"
         "                    Ctrl-C)\n"
         "  --report NAME [interval [count]]   run reports/NAME.sql ($KSTATSQL_REPORTS)\n"
         "  --version, --help\n"
         "Exit status: 0 ok; 1 an SQL error or failed dot-command, or a source or DATABASE\n"
         "that cannot be opened; 2 usage error; or the code given to .exit (.exit alone: 1\n"
         "after an error, else 0). Interactively, the end of input exits 0.\n";
}

namespace {

// <folder of this executable>/KSTATSQL_REPORTS_REL when that folder exists
// (an installed or moved prefix), else the build tree's reports/.
std::string default_reports_dir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    std::string exe(buf, static_cast<size_t>(n));
    std::string::size_type slash = exe.rfind('/');
    if (slash != std::string::npos) {
      std::string dir = exe.substr(0, slash + 1) + KSTATSQL_REPORTS_REL;
      if (::access(dir.c_str(), X_OK) == 0) return dir;
    }
  }
  return KSTATSQL_REPORTS_DIR;
}

}  // namespace

bool names_database(const std::string& arg) {
  if (arg.empty() || arg.find_first_of(" \t\r\n;'\"()") != std::string::npos) return false;
  // `.help`, `.tables`: a dot-command (a database file there is spelt ./.name).
  if (arg.size() > 1 && arg[0] == '.' && std::isalpha(static_cast<unsigned char>(arg[1]))) {
    return false;
  }
  if (arg == ":memory:" || arg.find_first_of("./") != std::string::npos) return true;
  struct stat st {};
  return ::stat(arg.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string report_path(const std::string& name) {
  if (name.find('/') != std::string::npos ||
      (name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0)) {
    return name;
  }
  return reports_dir() + "/" + name + ".sql";
}

std::string reports_dir() {
  const char* env = std::getenv("KSTATSQL_REPORTS");
  return env && *env ? env : default_reports_dir();
}

std::vector<std::string> available_reports() {
  std::vector<std::string> names;
  const std::string dir = reports_dir();
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 4 && n[0] != '.' && n.compare(n.size() - 4, 4, ".sql") == 0) {
        names.push_back(n.substr(0, n.size() - 4));
      }
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

ShellArgs usage_error(std::string message) {
  ShellArgs r;
  r.action = ShellArgs::Action::usage_error;
  r.message = "kstatsql: " + std::move(message) + "\n(kstatsql --help lists the options)\n";
  return r;
}

}  // namespace

namespace {

// What parse_shell_args learns across arguments.
struct ArgState {
  bool seen_sql = false;
  bool seen_positional = false;  // only the first positional argument may name a database
  bool layout_set = false;       // -mode/-header given: reports keep the user's layout
  std::vector<std::string> report_numbers;
};

// Applies the option `name` (spelt `a` on the command line) with `value`.
// Returns a result to hand back at once (help, version, usage error), else nullopt.
std::optional<ShellArgs> apply_option(const std::string& a, const std::string& name,
                                      const std::string& value, ShellArgs& r, ArgState& st) {
  ShellOptions& o = r.options;
  auto input = [&](Input::Kind kind) {
    o.inputs.push_back({kind, value});
    st.seen_sql = true;
  };
  if (name == "h" || name == "help" || name == "version") {
    r.action = name == "version" ? ShellArgs::Action::version : ShellArgs::Action::help;
    return r;
  } else if (name == "source") {
    o.source = value;
  } else if (name == "c") {
    input(Input::Kind::sql);
  } else if (name == "k" || name == "kql") {
    input(Input::Kind::kql);
  } else if (name == "f") {
    input(Input::Kind::file);
  } else if (name == "cmd" || name == "init") {
    o.commands.push_back(name == "init" ? ".read " + value : value);
  } else if (name == "bail") {
    o.bail = true;
  } else if (name == "echo") {
    o.echo = true;
  } else if (name == "batch" || name == "interactive") {
    o.interactive = name == "interactive";
  } else if (name == "header" || name == "headers" || name == "noheader" || name == "noheaders") {
    o.render.headers = name.rfind("no", 0) != 0;
    st.layout_set = true;
  } else if (name == "separator") {
    o.render.separator = value;
  } else if (name == "nullvalue") {
    o.render.null_value = value;
  } else if (name == "interval") {
    std::string error;
    auto v = parse_interval_option("--interval", value, error);
    if (!v) return usage_error(error);
    o.interval = *v;
  } else if (name == "count") {
    std::string error;
    auto v = parse_integer_option("--count", value, 1, kMaxCount, error);
    if (!v) return usage_error(error);
    o.count = static_cast<long>(*v);
  } else if (name == "report") {
    o.report = value;
  } else if (auto m = parse_mode(name == "mode" ? value : name)) {
    o.render.mode = *m;
    st.layout_set = true;
  } else if (name == "mode") {
    return usage_error(fmt::format("unknown mode '{}'", value));
  } else {
    return usage_error(fmt::format("unknown option {}", a));
  }
  return std::nullopt;
}

// --report NAME [interval [count]]: its numbers and its default layout.
std::optional<ShellArgs> finish_report(ShellOptions& o, const ArgState& st) {
  if (!o.inputs.empty())
    return usage_error("--report runs a report file; it takes no SQL arguments");
  if (!st.layout_set) {  // reports read like the tools they replace: aligned, with headers
    o.render.mode = Mode::column;
    o.render.headers = true;
  }
  const auto& nums = st.report_numbers;
  if (nums.size() > 2) return usage_error("--report NAME takes at most an interval and a count");
  std::string error;
  if (nums.size() >= 1) {
    auto v = parse_interval_option("--report interval", nums[0], error);
    if (!v) return usage_error(error);
    o.interval = *v;
  }
  if (nums.size() == 2) {
    auto v = parse_integer_option("--report count", nums[1], 1, kMaxCount, error);
    if (!v) return usage_error(error);
    o.count = static_cast<long>(*v);
  }
  return std::nullopt;
}

// The subcommand `word` with the arguments after it. Options given before
// it are checked here: kstat mode repeats with --interval/--count; record
// takes --source as its default source; nothing else carries over.
ShellArgs subcommand(ShellArgs& r, const std::string& word, std::span<const std::string> rest) {
  const ShellOptions& o = r.options;
  r.rest.assign(rest.begin(), rest.end());
  r.action = word == "kstat"    ? ShellArgs::Action::kstat
             : word == "record" ? ShellArgs::Action::record
                                : ShellArgs::Action::convert;
  if (r.action == ShellArgs::Action::kstat) {
    if (o.count > 0 && o.interval <= 0) return usage_error("--count needs --interval");
    return r;
  }
  if (o.interval > 0 || o.count > 0) {
    return usage_error(
        fmt::format("--interval and --count go after `{0}` (kstatsql {0} --help)", word));
  }
  if (r.action == ShellArgs::Action::convert && !o.source.empty()) {
    return usage_error("convert reads the source named by its IN argument, not --source");
  }
  return r;
}

bool takes_value(const std::string& name) {
  static const char* const kWithValue[] = {"source",   "c",     "f",     "k",         "kql",
                                           "cmd",      "init",  "mode",  "separator", "nullvalue",
                                           "interval", "count", "report"};
  return std::any_of(std::begin(kWithValue), std::end(kWithValue),
                     [&](const char* w) { return name == w; });
}

}  // namespace

ShellArgs parse_shell_args(std::span<const std::string> args) {
  ShellArgs r;
  ShellOptions& o = r.options;
  ArgState st;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool is_opt = !options_done && a.size() > 1 && a[0] == '-';
    if (!is_opt) {
      if (!st.seen_sql && o.report.empty() && o.database.empty() &&
          (a == "kstat" || a == "record" || a == "convert")) {
        return subcommand(r, a, args.subspan(i + 1));
      }
      const bool first = !st.seen_positional;
      st.seen_positional = true;
      if (first && o.report.empty() && names_database(a)) {
        o.database = a;
      } else if (!o.report.empty()) {
        st.report_numbers.push_back(a);
      } else {
        o.inputs.push_back({Input::Kind::sql, a});
        st.seen_sql = true;
      }
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    std::string value;
    if (auto eq = name.find('='); eq != std::string::npos && a[1] == '-') {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (takes_value(name) && value.empty()) {
      if (i + 1 >= args.size()) return usage_error(fmt::format("{} needs an argument", a));
      value = args[++i];
    }
    if (auto done = apply_option(a, name, value, r, st)) return *done;
  }
  if (!o.report.empty()) {
    if (auto bad = finish_report(o, st)) return *bad;
  }
  if ((o.interval > 0 || o.count > 0) && o.inputs.empty() && o.report.empty()) {
    return usage_error("--interval and --count repeat SQL given as arguments, -c, -f or --report");
  }
  if (o.count > 0 && o.interval <= 0) {
    return usage_error("--count needs --interval");
  }
  return r;
}

}  // namespace kstatsql::shell
