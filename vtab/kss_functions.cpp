/*
** Recorded generations (.kss files, multi-host sources) from SQL.
**
**   SELECT kstat_generation();            -- selected generation index; NULL for live sources
**   SELECT kstat_generation(0);           -- select generation 0 (negative: from the end, -1 =
*last)
**   SELECT kstat_generation('first'|'last'|'next'|'prev');
**   SELECT kstat_generation('2024-06-01T12:00:00Z');  -- the last generation recorded at or
**                                                     -- before that time (no Z: local time)
**   SELECT kss_warnings();                -- 'FILE: torn tail at offset N skipped (...)', read
**                                         -- warnings of other sources (one a line), or NULL
**   SELECT * FROM kstat_generations;      -- one row per generation (per host when multi-host)
**
** kstat_generation(x) returns the index it selected. The choice takes effect
** at the NEXT statement (the running statement keeps its generation), and
** lasts until another kstat_generation(x) or kstat_source(). Out of range, or
** a live source, is an SQLITE_CONSTRAINT error naming the valid range.
**
** kstat_generations(generation, time_ns, time, kstats, host, bytes, selected):
**   generation INTEGER  index in the recording (0 = first)
**   time_ns    INTEGER  wall clock when it was recorded, ns since the epoch
**   time       TEXT     the same as ISO 8601 UTC, 'YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ'
**   kstats     INTEGER  kstats in the generation (of that host)
**   host       TEXT     recorded host name
**   bytes      INTEGER  size of the generation's block in the file
**   selected   INTEGER  1 for the generation statements currently see
** Empty for live sources. Read-only, eponymous, INNOCUOUS like every kstatsql
** table (it lists the current source, which no schema can switch).
**
** kstat_generation(x) is DIRECTONLY and refuses inside a statement that
** writes (vtab/functions.cpp, require_top_level): a database file's CHECK or
** trigger must not move the generation the user's next statement sees.
**
** HOW IT WORKS: the functions go through Session::select_recorded; the table
** lists Source::recorded_info(), which reads only what the source fixed when it
** opened the file (block headers), so listing generations touches no data.
*/
#include <algorithm>
#include <cstdint>
#include <ctime>
#include <iterator>
#include <string>
#include <vector>

#include "engine/sources/kss/kss_reader.hpp"
#include "engine/text.hpp"
#include "vtab/functions.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

// The selected generation, resolved (-1 = last); -1 when not recorded.
std::int64_t selected(engine::Session& s) {
  std::int64_t n = static_cast<std::int64_t>(s.recorded_count());
  if (n == 0) return -1;
  std::int64_t g = s.recorded_selected();
  return g < 0 || g >= n ? n - 1 : g;
}

std::string iso_utc(std::int64_t ns) {
  std::int64_t sec = ns / 1000000000;
  std::int64_t frac = ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --sec;
  }
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[96];
  std::snprintf(out, sizeof out, "%s.%09lldZ", buf, static_cast<long long>(frac));
  return out;
}

// "kstat_generation('TEXT')" for messages, TEXT as a short escaped excerpt.
std::string call_text(std::string_view text) {
  return "kstat_generation(" + engine::text::quote_excerpt(text) + ")";
}

// The n decimal digits at t[pos..pos+n) as a number, or -1 when any is not a digit.
int digits(std::string_view t, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return -1;
    v = v * 10 + (t[i] - '0');
  }
  return v;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Throws naming the field when v is outside lo..hi.
void check_field(std::string_view text, const char* field, int v, int lo, int hi,
                 const std::string& where = {}) {
  if (v >= lo && v <= hi) return;
  throw Error(Errc::constraint, call_text(text) + ": " + field + " " + std::to_string(v) +
                                    " is out of range" + where + " (" + std::to_string(lo) + ".." +
                                    std::to_string(hi) + ")");
}

// 'YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z]' (fraction: 1 to 9 digits) into tm and
// nanoseconds; every field is range-checked (leap years included). Returns
// whether the time is UTC ('Z'); without it the time is local.
bool parse_fields(std::string_view t, std::tm& tm, std::int64_t& frac) {
  const bool shape = t.size() >= 19 && t[4] == '-' && t[7] == '-' &&
                     (t[10] == 'T' || t[10] == 't' || t[10] == ' ') && t[13] == ':' && t[16] == ':';
  const int f[6] = {shape ? digits(t, 0, 4) : -1,  shape ? digits(t, 5, 2) : -1,
                    shape ? digits(t, 8, 2) : -1,  shape ? digits(t, 11, 2) : -1,
                    shape ? digits(t, 14, 2) : -1, shape ? digits(t, 17, 2) : -1};
  if (std::any_of(std::begin(f), std::end(f), [](int v) { return v < 0; })) {
    throw Error(Errc::constraint, call_text(t) +
                                      ": expected an index, 'first', 'last', 'next', 'prev' or "
                                      "a time 'YYYY-MM-DDTHH:MM:SS[.fraction][Z]'");
  }
  check_field(t, "year", f[0], 1, 9999);
  check_field(t, "month", f[1], 1, 12);
  check_field(t, "day", f[2], 1, days_in_month(f[0], f[1]), " for " + std::string(t.substr(0, 7)));
  check_field(t, "hour", f[3], 0, 23);
  check_field(t, "minute", f[4], 0, 59);
  check_field(t, "second", f[5], 0, 59);
  std::string_view rest = t.substr(19);
  frac = 0;
  if (!rest.empty() && rest[0] == '.') {
    std::size_t k = 1;
    for (std::int64_t scale = 100000000; k < rest.size() && rest[k] >= '0' && rest[k] <= '9';
         ++k, scale /= 10) {
      if (k > 9) throw Error(Errc::constraint, call_text(t) + ": more than 9 fraction digits");
      frac += (rest[k] - '0') * scale;
    }
    if (k == 1) throw Error(Errc::constraint, call_text(t) + ": expected digits after '.'");
    rest.remove_prefix(k);
  }
  const bool utc = rest == "Z" || rest == "z";
  if (!utc && !rest.empty()) {
    throw Error(Errc::constraint,
                call_text(t) + ": expected 'Z' (UTC) or nothing (local time) after the seconds");
  }
  tm = {};
  tm.tm_year = f[0] - 1900;
  tm.tm_mon = f[1] - 1;
  tm.tm_mday = f[2];
  tm.tm_hour = f[3];
  tm.tm_min = f[4];
  tm.tm_sec = f[5];
  tm.tm_isdst = -1;
  return utc;
}

// The time as ns since the epoch, clamped to what int64 ns can hold.
std::int64_t parse_time(std::string_view text) {
  std::tm tm{};
  std::int64_t frac = 0;
  const bool utc = parse_fields(text, tm, frac);
  std::time_t t = utc ? timegm(&tm) : std::mktime(&tm);
  constexpr std::int64_t kMaxSec = INT64_MAX / 1000000000 - 1;  // ns since 1970 end in 2262
  if (t > kMaxSec) return INT64_MAX;
  if (t < -kMaxSec) return INT64_MIN;
  return static_cast<std::int64_t>(t) * 1000000000 + frac;
}

std::int64_t by_time(engine::Session& s, const std::string& text) {
  std::int64_t ns = parse_time(text);
  auto gen = s.current();
  const engine::Source& src = *gen->source().source;
  std::int64_t found = -1;
  for (std::size_t g = 0; g < src.recorded_count(); ++g) {
    if (src.recorded_time(g) <= ns) found = static_cast<std::int64_t>(g);
  }
  if (found < 0) {
    throw Error(Errc::constraint,
                call_text(text) +
                    ": nothing recorded at or before it; the first generation is from " +
                    iso_utc(src.recorded_time(0)));
  }
  return found;
}

}  // namespace

void fn_generation(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept {
  guard_fn(ctx, [&] {
    engine::Session& s = session_of(ctx);
    if (argc == 0) {
      std::int64_t g = selected(s);
      if (g < 0) {
        sqlite3_result_null(ctx);
      } else {
        sqlite3_result_int64(ctx, g);
      }
      return;
    }
    std::string arg(sqlite3_value_type(argv[0]) == SQLITE_NULL
                        ? "NULL"
                        : reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
    require_top_level(ctx, "kstat_generation", call_text(arg));
    const std::int64_t n = static_cast<std::int64_t>(s.recorded_count());
    std::int64_t want;
    int type = sqlite3_value_numeric_type(argv[0]);
    if (type == SQLITE_INTEGER) {
      want = sqlite3_value_int64(argv[0]);
    } else if (type == SQLITE_TEXT) {
      const std::string& t = arg;
      std::int64_t cur = selected(s);
      if (t == "first") {
        want = 0;
      } else if (t == "last") {
        want = -1;
      } else if (t == "next") {
        want = cur + 1;
      } else if (t == "prev") {
        want = cur - 1;
      } else if (n > 0) {
        want = by_time(s, t);
      } else {
        parse_time(t);  // a bad time is named before select_recorded says "not a recording"
        want = 0;
      }
      if ((t == "next" && n > 0 && want >= n) || (t == "prev" && n > 0 && want < 0)) {
        throw Error(Errc::constraint, call_text(t) + ": generation " + std::to_string(cur) +
                                          " is the " + (t == "next" ? "last" : "first") + " one");
      }
    } else {
      throw Error(Errc::constraint,
                  "kstat_generation(): expected an integer index or a text keyword or time");
    }
    s.select_recorded(want);
    // Outside a statement that reads kstats, start the chosen generation now,
    // so kstat_generation() and 'next'/'prev' see it at once (Session reports
    // the current generation's index over a pending selection).
    if (s.open_cursors() == 0) {
      s.open_cursor();
      s.close_cursor();
    }
    sqlite3_result_int64(ctx, want < 0 ? want + n : want);
  });
}

void fn_warnings(sqlite3_context* ctx, int, sqlite3_value**) noexcept {
  guard_fn(ctx, [&] {
    engine::Session& s = session_of(ctx);
    // A recording's torn tail, or what reads of any source found without
    // failing (an SPL file whose row count differs from its header's).
    std::string w = s.source_handle()->source->warnings();
    if (w.empty()) {
      sqlite3_result_null(ctx);
    } else {
      sqlite3_result_text(ctx, w.c_str(), static_cast<int>(w.size()), SQLITE_TRANSIENT);
    }
  });
}

// ---- kstat_generations ------------------------------------------------------

namespace {

struct GenTable : sqlite3_vtab {
  std::shared_ptr<engine::Session> session;
};

struct GenCursor : sqlite3_vtab_cursor {
  std::vector<engine::RecordedInfo> rows;
  std::vector<std::string> times;
  std::int64_t selected = -1;
  std::size_t i = 0;
};

// The module_of<> Impl (vtab/simple_module.hpp).
struct GenerationsTable {
  using VTab = GenTable;
  using Cur = GenCursor;
  static constexpr int kConfig = SQLITE_VTAB_INNOCUOUS;  // reads the current source only

  static void connect(GenTable& t, const ModuleAux& aux) { t.session = aux.session; }

  static int best_index(GenTable&, sqlite3_index_info* info) {
    info->estimatedCost = 10;
    info->estimatedRows = 10;
    return SQLITE_OK;
  }

  static void filter(GenCursor& c, int, const char*, int, sqlite3_value**) {
    c.rows.clear();
    c.times.clear();
    c.i = 0;
    engine::Session& s = *static_cast<GenTable*>(c.pVtab)->session;
    c.selected = selected(s);
    if (c.selected >= 0) c.rows = s.source_handle()->source->recorded_info();
    for (const auto& r : c.rows) c.times.push_back(iso_utc(r.wall_ns));
  }

  static void next(GenCursor& c) { ++c.i; }

  static bool eof(const GenCursor& c) noexcept { return c.i >= c.rows.size(); }

  static void column(GenCursor& c, sqlite3_context* ctx, int col) {
    const engine::RecordedInfo& r = c.rows[c.i];
    switch (col) {
      case 0:
        sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(r.index));
        break;
      case 1:
        sqlite3_result_int64(ctx, r.wall_ns);
        break;
      case 2:
        sqlite3_result_text(ctx, c.times[c.i].c_str(), -1, SQLITE_TRANSIENT);
        break;
      case 3:
        sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(r.kstats));
        break;
      case 4:
        if (r.host.empty())
          sqlite3_result_null(ctx);
        else
          sqlite3_result_text(ctx, r.host.c_str(), -1, SQLITE_TRANSIENT);
        break;
      case 5:
        sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(r.bytes));
        break;
      default:
        sqlite3_result_int(ctx, static_cast<std::int64_t>(r.index) == c.selected);
        break;
    }
  }

  static sqlite3_int64 rowid(const GenCursor& c) { return static_cast<sqlite3_int64>(c.i); }
};

}  // namespace

int register_generations_table(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                               const TableSpec& spec) {
  return register_module<GenerationsTable>(db, session, spec);
}

}  // namespace kstatsql::vtab
