// libFuzzer target: the times kstat_generation() takes, through SQL, over a
// three-generation recording made at start (2026-01-01T00:00:00Z, one second
// later, one day later). The input is bound as the text argument.
// Findings: a sanitizer report; no row and no error message; a well-formed
// time ('YYYY-MM-DD[T ]HH:MM:SS[.1 to 9 digits][Z]', fields in range, at or after the
// first generation) that selects another generation than the last one recorded
// at or before it, or is refused. With KSTATSQL_FUZZ_TIME_RANGES=1, a time with
// a field out of range (month 13, second 99) that is accepted is one too.
//   build-fuzz/kstat_time_fuzz -max_len=256 WORK_DIR tests/fuzz/corpus/kstat_time_fuzz
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/sources/kss/kss_writer.hpp"
#include "fuzz/fuzz_support.hpp"
#include "support/db.hpp"

namespace fs = std::filesystem;
using namespace kstatsql;

namespace {

constexpr std::int64_t kFirst = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kTimes[] = {kFirst, kFirst + 1, kFirst + 86400};

// The recording, written once; its folder is removed at exit. (Allocated and
// never freed: static objects are destroyed before atexit handlers run.)
const std::string& recording() {
  static const std::string* path = [] {
    std::string dir = (fs::temp_directory_path() / "kstatsql-time-fuzz-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) __builtin_trap();
    auto src = test::small_machine();
    engine::Arena arena(4096);
    std::vector<engine::KstatHeader> headers;
    src->enumerate(arena, headers);
    std::vector<engine::KstatData> data(headers.size());
    std::vector<engine::KssEntry> entries;
    for (std::size_t i = 0; i < headers.size(); ++i) {
      src->read(headers[i], arena, data[i]);
      entries.push_back({&headers[i], &data[i]});
    }
    auto* file = new std::string(dir + "/r.kss");
    engine::KssWriter w(*file, engine::KssWriter::Mode::create);
    w.set_sync(false);
    for (std::int64_t t : kTimes) w.append(entries, t * 1000000000, t * 1000000000);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(fs::path(recording()).parent_path(), ec);
    });
    return file;
  }();
  return *path;
}

// Digits at s[at, at + n) as a number, or -1.
int digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

struct Shape {
  std::int64_t sec = 0;  // seconds since the epoch (UTC: the process runs with TZ=UTC)
  bool in_range = false;
};

// The reference: the input's time when it has exactly the documented shape.
std::optional<Shape> reference(std::string_view s) {
  const int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2), h = digits(s, 11, 2),
            mi = digits(s, 14, 2), se = digits(s, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {  // a fraction has 1 to 9 digits
    const std::size_t from = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == from || i - from > 9) return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) ++i;
  if (i != s.size()) return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  Shape r;
  r.in_range = mo >= 1 && mo <= 12 && d >= 1 && d <= kDays[mo - 1] && h < 24 && mi < 60 && se < 60;
  std::tm tm{};
  tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
  tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = se;
  r.sec = timegm(&tm);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  (void)recording();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find('\0') != std::string::npos) return 0;  // SQL text ends there
  test::Db db(recording());
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT kstat_generation(?1)", -1, &st, nullptr) != SQLITE_OK)
    __builtin_trap();
  sqlite3_bind_text(st, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(st);
  const bool ok = rc == SQLITE_ROW;
  const std::int64_t got = ok ? sqlite3_column_int64(st, 0) : -1;
  if (!ok && (rc == SQLITE_DONE || sqlite3_errmsg(db.get())[0] == '\0')) __builtin_trap();
  sqlite3_finalize(st);
  const auto ref = reference(text);
  if (!ref) return 0;
  if (ref->in_range && ref->sec >= kFirst) {
    std::int64_t want = 0;
    for (std::int64_t g = 0; g < 3; ++g)
      if (kTimes[g] <= ref->sec) want = g;
    if (!ok || got != want) __builtin_trap();
  }
  static const bool strict = std::getenv("KSTATSQL_FUZZ_TIME_RANGES") != nullptr;
  if (strict && !ref->in_range && ok) __builtin_trap();
  return 0;
}
