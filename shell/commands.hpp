// shell/commands.hpp — `kstatsql record …` and `kstatsql convert …`.
//
// Both take argv starting at the subcommand's name (argv[0] == "record" or
// "convert") and return the process exit status, as kstat(8) does: 0 done,
// 2 usage error, 3 failure (the message is printed on stderr).
#pragma once

#include <string>

namespace kstatsql::shell {

// kstatsql record -o FILE [--interval S] [--count N] [--select SPEC]... [--source SPEC]...
//                 [--append | --force] [--no-sync] [-q] [SPEC...]
// `default_source` is sampled when no --source follows `record` (the shell
// passes its own --source); without it, KSTATSQL_SOURCE, else "live".
int run_record(int argc, char** argv, const std::string& default_source);
int run_record(int argc, char** argv);

// kstatsql convert IN OUT [--format kss|text|json] [--generation N] [--select SPEC]...
int run_convert(int argc, char** argv);

}  // namespace kstatsql::shell

// The shell's main.cpp dispatches to these unqualified names.
using kstatsql::shell::run_convert;
using kstatsql::shell::run_record;
