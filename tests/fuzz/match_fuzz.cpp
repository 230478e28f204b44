// libFuzzer target: the pattern matchers against oracles, aborting on any
// disagreement.
//  * engine::sql_glob / sql_like (GLOB and LIKE pushed down from SQL) against
//    SQLite's own sqlite3_strglob / sqlite3_strlike (no escape character);
//  * engine::glob_match (kstat(8)'s shell globs) against fnmatch(3) in the C
//    locale, with and without escapes, with and without FNM_LEADING_DIR
//    (except where POSIX leaves it open and the two differ: an unterminated
//    '[', a trailing unpaired backslash, [= [. and [: ; see below).
// Input: a flags byte, then the pattern up to the first NUL, then the text up
// to the next NUL (C strings, as the oracles take them). Also a finding: a
// sanitizer report, or a match that takes seconds (-timeout).
//   build-fuzz/match_fuzz -max_len=65536 WORK_DIR tests/fuzz/corpus/match_fuzz
#include <fnmatch.h>
#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "engine/match.hpp"
#include "engine/pattern.hpp"

namespace {

[[noreturn]] void disagree(const char* what, const std::string& p, const std::string& t,
                           bool ours) {
  std::fprintf(stderr, "%s disagrees with its oracle: pattern '%s' text '%s': ours %d\n", what,
               p.c_str(), t.c_str(), ours ? 1 : 0);
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t flags = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t nul = in.find('\0');
  const std::string pat(in.substr(0, nul));
  std::string text;
  if (nul != std::string_view::npos) {
    const std::string_view rest = in.substr(nul + 1);
    text = std::string(rest.substr(0, rest.find('\0')));
  }
  using kstatsql::engine::glob_match;
  using kstatsql::engine::sql_glob;
  using kstatsql::engine::sql_like;
  if (flags & 1) {
    const bool ours = sql_glob(pat, text);
    if (ours != (sqlite3_strglob(pat.c_str(), text.c_str()) == 0))
      disagree("sql_glob", pat, text, ours);
  }
  if (flags & 2) {
    const bool ours = sql_like(pat, text);
    if (ours != (sqlite3_strlike(pat.c_str(), text.c_str(), 0) == 0))
      disagree("sql_like", pat, text, ours);
  }
  // A '[' whose bracket expression never closes (a ']' right after '[', '[!'
  // or '[^' is a member, not the end): POSIX and engine/pattern.hpp make it an
  // ordinary character; glibc's fnmatch matches nothing for some ("[a-",
  // "[[.", "[]x-"), so such patterns have no oracle.
  // With escapes, a backslash inside a bracket quotes the next byte (a quoted
  // ']' is a member, not the end).
  const bool escapes = flags & 8, leading_dir = flags & 16;
  bool unterminated = false;
  for (std::size_t at = pat.find('['); at != std::string::npos && !unterminated;
       at = pat.find('[', at + 1)) {
    std::size_t i = at + 1;
    if (i < pat.size() && (pat[i] == '!' || pat[i] == '^')) ++i;
    if (i < pat.size() && pat[i] == ']') ++i;
    while (i < pat.size() && pat[i] != ']') i += escapes && pat[i] == '\\' ? 2 : 1;
    unterminated = i >= pat.size();
  }
  // With escapes, a pattern ending in an unpaired '\\' is unspecified by
  // POSIX: glibc matches nothing, glob_match a literal backslash.
  std::size_t trailing = 0;
  while (trailing < pat.size() && pat[pat.size() - 1 - trailing] == '\\') ++trailing;
  // Equivalence classes and collating symbols ([=a=], [.a.]) are glibc's
  // locale machinery, which glob_match does not reproduce; and glibc fails a
  // whole pattern over an unknown or malformed [:class:], which glob_match
  // takes as a class that matches nothing. Patterns with any of them have no
  // oracle.
  const bool collating = pat.find("[=") != std::string::npos ||
                         pat.find("[.") != std::string::npos || pat.find("[:") != std::string::npos;
  if ((flags & 4) && !unterminated && !collating && !(escapes && trailing % 2 == 1)) {
    const int fl = (escapes ? 0 : FNM_NOESCAPE) | (leading_dir ? FNM_LEADING_DIR : 0);
    const bool ours = glob_match(pat, text, escapes, leading_dir);
    if (ours != (fnmatch(pat.c_str(), text.c_str(), fl) == 0))
      disagree("glob_match", pat, text, ours);
  }
  return 0;
}
