// shell/dot_commands.hpp — the dot-commands, as one table.
//
// Each row is one command: its name, what its arguments look like, one line
// of help, the function that runs it and what TAB completes its arguments to.
// `.help` prints the table, Shell::dot_command dispatches through it and
// completion (complete.cpp) offers its names and arguments, so a command
// added here is documented and completed with no other change.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kstatsql::shell {

class Shell;

// A dot-command line split into words (quotes removed); words[0] is the name.
struct DotArgs {
  std::string_view line;           // the whole line, from the '.'
  std::vector<std::string> words;  // a trailing ';' removed unless keep_semicolon
  std::size_t count() const noexcept { return words.size(); }
  const std::string& arg(std::size_t i = 1) const;  // "" when missing
};

// What TAB offers after a command's name (flags, or'ed).
enum DotCompletion : unsigned {
  kCompleteNothing = 0,
  kCompleteOnOff = 1,   // on, off
  kCompleteModes = 2,   // output modes (render.hpp)
  kCompleteTables = 4,  // table names
  kCompleteLive = 8,    // "live"
  kCompleteFiles = 16,  // file names, when nothing else matched
};

struct DotCommand {
  std::string_view name;   // without the '.'
  std::string_view usage;  // its arguments, e.g. "on|off", "?FILE?"
  std::string_view help;   // one line for .help
  // Runs the command; returns false when the shell must stop. Throws
  // InvalidDotArgs for a wrong number of arguments, Error for failures.
  bool (*run)(Shell& shell, const DotArgs& args);
  unsigned complete = kCompleteNothing;
  std::string_view alias = {};  // a second accepted name (.q, .header), not listed
  bool keep_semicolon = false;  // the argument is text: a trailing ';' is kept
};

// Thrown by a command's run function: reported as sqlite3 does for an
// unknown command ("unknown command or invalid arguments").
struct InvalidDotArgs {};

// The run functions of dot_data.cpp and dot_import.cpp (sqlite3's commands
// about databases rather than kstats); a struct so Shell can befriend them.
struct DotData {
  static bool open(Shell& s, const DotArgs& a);
  static bool load(Shell& s, const DotArgs& a);
  static bool dump(Shell& s, const DotArgs& a);
  static bool import(Shell& s, const DotArgs& a);
  static bool show(Shell& s, const DotArgs& a);
  static bool width(Shell& s, const DotArgs& a);
};

// Every dot-command, in .help order.
std::span<const DotCommand> dot_commands();
// The command named `name` (without '.'; its alias also matches), or nullptr.
const DotCommand* find_dot_command(std::string_view name);
// The command `word` names: its name or alias, else the one command whose
// name starts with `word` (.he is not enough: .headers and .help; .hel is).
// nullptr when none does; when several do, nullptr with `candidates` set to
// their names, in table order.
const DotCommand* resolve_dot_command(std::string_view word,
                                      std::vector<std::string_view>& candidates);
// The .help text: one line per command (name and usage padded to 25 columns).
std::string dot_help();

}  // namespace kstatsql::shell
