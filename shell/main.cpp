// shell/main.cpp — `kstatsql`: dispatches to the SQL shell, kstat(8) mode,
// `record` and `convert` (shell/repl.hpp, shell/kstat_mode.hpp,
// shell/commands.hpp). Exit statuses are those of each mode.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kstatsql/kstatsql.h"
#include "shell/commands.hpp"
#include "shell/kstat_mode.hpp"
#include "shell/repl.hpp"

int main(int argc, char** argv) {
  using namespace kstatsql::shell;
  std::vector<std::string> args(argv + 1, argv + argc);
  ShellArgs parsed = parse_shell_args(args);
  switch (parsed.action) {
    case ShellArgs::Action::help:
      std::fputs(shell_usage().c_str(), stdout);
      return 0;
    case ShellArgs::Action::version:
      std::printf("kstatsql %s (SQLite %s)\n", KSTATSQL_VERSION, sqlite3_libversion());
      return 0;
    case ShellArgs::Action::usage_error:
      std::fputs(parsed.message.c_str(), stderr);
      return 2;
    case ShellArgs::Action::kstat: {
      std::string spec = parsed.options.source;
      if (spec.empty()) {
        const char* env = std::getenv("KSTATSQL_SOURCE");
        spec = env && *env ? env : "live";
      }
      return kstat_main(parsed.rest, spec, parsed.options.interval, parsed.options.count);
    }
    case ShellArgs::Action::record:
    case ShellArgs::Action::convert: {
      // The subcommands parse their own options; argv[0] is the subcommand's name.
      int first = argc - static_cast<int>(parsed.rest.size()) - 1;
      // record samples the source --source (or KSTATSQL_SOURCE) names unless
      // its own --source says otherwise.
      return parsed.action == ShellArgs::Action::record
                 ? run_record(argc - first, argv + first,
                              parsed.options.source.empty() ? kstatsql::default_source_spec()
                                                            : parsed.options.source)
                 : run_convert(argc - first, argv + first);
    }
    case ShellArgs::Action::run:
      break;
  }
  return shell_main(std::move(parsed.options));
}
