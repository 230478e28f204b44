// libFuzzer target: arbitrary bytes through the KQL parser and compiler.
//
// Build (tests/fuzz/CMakeLists.txt does this with clang):
//   clang++ -std=c++20 -fsanitize=fuzzer,address -I. -Iinclude tests/fuzz/kql_fuzz.cpp \
//     grammar/kql.cpp vtab/kql_compile.cpp vtab/kql_sql.cpp grammar/selector.cpp
// Seeds: the examples of docs/kql.md, one per file, e.g.
//   mkdir corpus && echo 'io class=disk | rate | top 5 by nread' > corpus/1
//   build-fuzz/kql_fuzz corpus -max_total_time=60
// Only kstatsql::Error(Errc::parse) may escape; anything else (another
// exception, a sanitizer report, a NUL byte or an unterminated line comment in
// the SQL, a different result on a second compile) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kstatsql/error.hpp"
#include "kstatsql/kql.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string sql;
  try {
    sql = kstatsql::kql_to_sql(in);
  } catch (const kstatsql::Error& e) {
    if (e.code() != kstatsql::Errc::parse) __builtin_trap();
    return 0;  // rejected input: the expected outcome for most bytes
  }
  if (sql.find('\0') != std::string::npos) __builtin_trap();
  // Outside quotes, "--" may only start a comment line ("\n  -- …"): anywhere
  // else it would comment out the rest of a line of SQL.
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;  // a doubled quote re-enters at once
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      if (i < 3 || sql.compare(i - 3, 3, "\n  ") != 0) __builtin_trap();
      i = sql.find('\n', i);
      if (i == std::string::npos) __builtin_trap();  // the last line is SQL, never a comment
    }
  }
  if (quote) __builtin_trap();
  if (kstatsql::kql_to_sql(in) != sql) __builtin_trap();
  return 0;
}
