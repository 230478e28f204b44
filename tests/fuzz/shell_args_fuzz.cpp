// libFuzzer target: the shell's command-line parsers (shell/args.cpp's
// parse_shell_args and, for `kstat …`, shell/kstat_mode.cpp's
// parse_kstat_args) on argument vectors made from the input, one argument per
// NUL-separated piece. Nothing runs: these are pure functions.
// Findings: an exception, a sanitizer report (float-to-integer overflow of an
// --interval included), a usage error without a message, or accepted numbers
// out of range (a negative or non-finite interval, a count below -1).
//   build-fuzz/shell_args_fuzz -max_len=4096 WORK_DIR tests/fuzz/corpus/shell_args_fuzz
#include <cmath>
#include <string>
#include <vector>

#include "shell/kstat_mode.hpp"
#include "shell/repl.hpp"

using namespace kstatsql::shell;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  for (std::size_t from = 0; from <= in.size() && args.size() < 64;) {
    std::size_t nul = in.find('\0', from);
    if (nul == std::string_view::npos) nul = in.size();
    args.emplace_back(in.substr(from, nul - from));
    from = nul + 1;
  }
  const ShellArgs r = parse_shell_args(args);
  if (r.action == ShellArgs::Action::usage_error && r.message.empty()) __builtin_trap();
  if (r.action == ShellArgs::Action::run) {
    const ShellOptions& o = r.options;
    if (!std::isfinite(o.interval) || o.interval < 0 || o.count < -1) __builtin_trap();
  }
  if (r.action == ShellArgs::Action::kstat) {
    const KstatArgs k = parse_kstat_args(r.rest);
    if (k.status > 0 && k.message.empty()) __builtin_trap();
    if (k.status < 0) {
      if (k.options.interval_ns < 0 || k.options.count < -1 || k.options.count == 0)
        __builtin_trap();
      if (k.options.selectors.empty()) __builtin_trap();
    }
  }
  return 0;
}
