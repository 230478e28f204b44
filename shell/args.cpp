// shell/args.cpp — command-line parsing of the SQL shell (shell/repl.hpp).
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "shell/repl.hpp"

#ifndef KSTATSQL_REPORTS_DIR
#define KSTATSQL_REPORTS_DIR "reports"
#endif

namespace kstatsql::shell {

std::string shell_usage() {
  return
      "usage: kstatsql [OPTIONS] [SQL ...]\n"
      "       kstatsql [--source SPEC] kstat [-qlpjC] [-T u|d] [-c class] [-m module]\n"
      "                [-i instance] [-n name] [-s statistic] [spec ...] [interval [count]]\n"
      "       kstatsql record ... | kstatsql convert ...\n"
      "Runs SQL over kernel statistics (tables kstat, named, io, ... ; see .help).\n"
      "With no SQL, reads standard input: interactively on a terminal, else as a script.\n"
      "Options (one or two dashes):\n"
      "  --source SPEC     'live' (default), a kstat -p / -j dump, a .kss recording,\n"
      "                    'procfs:DIR'; KSTATSQL_SOURCE sets the default\n"
      "  -c SQL            run SQL (like a positional argument)\n"
      "  -k, --kql KQL     run a KQL pipeline (docs/kql.md), e.g. -k 'io class=disk | rate | top 5 by nread'\n"
      "  -f FILE           run the statements and dot-commands in FILE\n"
      "  -cmd COMMAND      run COMMAND (SQL or dot-command) first\n"
      "  -init FILE        same as -cmd '.read FILE'\n"
      "  -bail             stop at the first error\n"
      "  -echo             print each statement before running it\n"
      "  -header / -noheader   column names on or off\n"
      "  -list -csv -tabs -json -jsonl -line -column -table -box -markdown -quote -kstat\n"
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

std::string report_path(const std::string& name) {
  if (name.find('/') != std::string::npos ||
      (name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0)) {
    return name;
  }
  const char* env = std::getenv("KSTATSQL_REPORTS");
  std::string dir = env && *env ? env : KSTATSQL_REPORTS_DIR;
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

ShellArgs parse_shell_args(std::span<const std::string> args) {
  ShellArgs r;
  ShellOptions& o = r.options;
  bool options_done = false;
  bool seen_sql = false;
  std::vector<std::string> report_numbers;
  bool layout_set = false;  // -mode/-header given: reports keep the user's layout
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool is_opt = !options_done && a.size() > 1 && a[0] == '-';
    if (!is_opt) {
      if (!seen_sql && o.report.empty() && (a == "kstat" || a == "record" || a == "convert")) {
        r.action = a == "kstat"    ? ShellArgs::Action::kstat
                   : a == "record" ? ShellArgs::Action::record
                                   : ShellArgs::Action::convert;
        r.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
        return r;
      }
      if (!o.report.empty()) {
        report_numbers.push_back(a);
      } else {
        o.inputs.push_back({Input::Kind::sql, a});
        seen_sql = true;
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
    static const char* const kWithValue[] = {"source", "c", "f", "k", "kql", "cmd", "init", "mode", "separator",
                                             "nullvalue", "interval", "count", "report"};
    bool wants = false;
    for (const char* w : kWithValue) wants |= name == w;
    if (wants && value.empty()) {
      if (i + 1 >= args.size()) return usage_error(fmt::format("{} needs an argument", a));
      value = args[++i];
    }
    if (name == "h" || name == "help") {
      r.action = ShellArgs::Action::help;
      return r;
    } else if (name == "version") {
      r.action = ShellArgs::Action::version;
      return r;
    } else if (name == "source") {
      o.source = value;
    } else if (name == "c") {
      o.inputs.push_back({Input::Kind::sql, value});
      seen_sql = true;
    } else if (name == "k" || name == "kql") {
      o.inputs.push_back({Input::Kind::kql, value});
      seen_sql = true;
    } else if (name == "f") {
      o.inputs.push_back({Input::Kind::file, value});
      seen_sql = true;
    } else if (name == "cmd") {
      o.commands.push_back(value);
    } else if (name == "init") {
      o.commands.push_back(".read " + value);
    } else if (name == "bail") {
      o.bail = true;
    } else if (name == "echo") {
      o.echo = true;
    } else if (name == "batch") {
      o.interactive = false;
    } else if (name == "interactive") {
      o.interactive = true;
    } else if (name == "header" || name == "headers") {
      o.render.headers = true;
      layout_set = true;
    } else if (name == "noheader" || name == "noheaders") {
      o.render.headers = false;
      layout_set = true;
    } else if (name == "separator") {
      o.render.separator = value;
    } else if (name == "nullvalue") {
      o.render.null_value = value;
    } else if (name == "interval") {
      if (!parse_seconds(value, o.interval)) {
        return usage_error(fmt::format("--interval {}: expected a number of seconds > 0", value));
      }
    } else if (name == "count") {
      if (!parse_count(value, o.count)) {
        return usage_error(fmt::format("--count {}: expected an integer >= 1", value));
      }
    } else if (name == "report") {
      o.report = value;
    } else if (auto m = parse_mode(name == "mode" ? value : name)) {
      o.render.mode = *m;
      layout_set = true;
    } else if (name == "mode") {
      return usage_error(fmt::format("unknown mode '{}'", value));
    } else {
      return usage_error(fmt::format("unknown option {}", a));
    }
  }
  if (!o.report.empty()) {
    if (!o.inputs.empty()) return usage_error("--report runs a report file; it takes no SQL arguments");
    if (!layout_set) {  // reports read like the tools they replace: aligned, with headers
      o.render.mode = Mode::column;
      o.render.headers = true;
    }
    if (report_numbers.size() > 2) {
      return usage_error("--report NAME takes at most an interval and a count");
    }
    if (report_numbers.size() >= 1 && !parse_seconds(report_numbers[0], o.interval)) {
      return usage_error(fmt::format("--report interval {}: expected a number of seconds > 0",
                                     report_numbers[0]));
    }
    if (report_numbers.size() == 2 && !parse_count(report_numbers[1], o.count)) {
      return usage_error(fmt::format("--report count {}: expected an integer >= 1", report_numbers[1]));
    }
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
