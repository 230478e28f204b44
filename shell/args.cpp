// shell/args.cpp — command-line parsing of the SQL shell (shell/repl.hpp).
#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <cstdlib>

#include <fmt/format.h>

#include "shell/repl.hpp"

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
  return "usage: kstatsql [OPTIONS] [SQL ...]\n"
         "       kstatsql [--source SPEC] kstat [-qlpjC] [-T u|d] [-c class] [-m module]\n"
         "                [-i instance] [-n name] [-s statistic] [spec ...] [interval [count]]\n"
         "       kstatsql record ... | kstatsql convert ...\n"
         "Runs SQL over kernel statistics (tables kstat, named, io, ... ; see .help).\n"
         "With no SQL, reads standard input: interactively on a terminal, else as a script.\n"
         "Options (one or two dashes):\n"
         "  --source SPEC     'live' (default), a kstat -p / -j dump, a .kss recording,\n"
         "                    'procfs:DIR'; KSTATSQL_SOURCE sets the default\n"
         "  --safe            for SQL you do not trust: kstat_source('x') and the\n"
         "                    dot-commands that open files (.source X, .read, .once,\n"
         "                    .output FILE) are refused\n"
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
         "  --interval S      re-run the SQL every S seconds (fractions allowed) on fresh samples\n"
         "  --count N         number of runs with --interval (default: until Ctrl-C)\n"
         "  --report NAME [interval [count]]   run reports/NAME.sql ($KSTATSQL_REPORTS)\n"
         "  --version, --help\n"
         "Exit status: 0 ok, 1 SQL error, 2 usage error.\n";
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

std::string report_path(const std::string& name) {
  if (name.find('/') != std::string::npos ||
      (name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0)) {
    return name;
  }
  const char* env = std::getenv("KSTATSQL_REPORTS");
  std::string dir = env && *env ? env : default_reports_dir();
  return dir + "/" + name + ".sql";
}

namespace {

bool parse_seconds(const std::string& s, double& v) {
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return !s.empty() && *end == '\0' && std::isfinite(v) && v > 0 && v < 1e9;
}

bool parse_count(const std::string& s, long& v) {
  char* end = nullptr;
  v = std::strtol(s.c_str(), &end, 10);
  return !s.empty() && *end == '\0' && v >= 1;
}

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
  bool layout_set = false;  // -mode/-header given: reports keep the user's layout
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
  } else if (name == "safe") {
    o.safe = true;
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
    if (!parse_seconds(value, o.interval)) {
      return usage_error(fmt::format("--interval {}: expected a number of seconds > 0", value));
    }
  } else if (name == "count") {
    if (!parse_count(value, o.count))
      return usage_error(fmt::format("--count {}: expected an integer >= 1", value));
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
  if (nums.size() >= 1 && !parse_seconds(nums[0], o.interval)) {
    return usage_error(
        fmt::format("--report interval {}: expected a number of seconds > 0", nums[0]));
  }
  if (nums.size() == 2 && !parse_count(nums[1], o.count)) {
    return usage_error(fmt::format("--report count {}: expected an integer >= 1", nums[1]));
  }
  return std::nullopt;
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
      if (!st.seen_sql && o.report.empty() && (a == "kstat" || a == "record" || a == "convert")) {
        r.action = a == "kstat"    ? ShellArgs::Action::kstat
                   : a == "record" ? ShellArgs::Action::record
                                   : ShellArgs::Action::convert;
        r.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
        return r;
      }
      if (!o.report.empty()) {
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
