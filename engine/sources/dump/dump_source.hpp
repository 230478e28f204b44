// engine/sources/dump/dump_source.hpp — dump files: `kstat -p` text, `kstat -j`
// JSON, OpenBSD kstat(1) text.
//
// open_file_source reads a whole file, detects its format and hands
// the bytes to one of the parsers below. Both parsers build a StaticSource via
// StaticBuilder, through a KstatSink that applies the rules the two formats share:
// "last value wins" for a repeated statistic and the io/intr/timer classification.
// The formats and every rule are documented in docs/file-formats.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/static_source.hpp"

namespace kstatsql::engine {

// Opens a dump file; its format is detected from its content. Throws Error
// naming the file and line.
std::shared_ptr<Source> open_file_source(const std::string& path);

}  // namespace kstatsql::engine

namespace kstatsql::engine::file {

enum class Format { unknown, kstat_text, kstat_json, kstat_human };

// `data` without the UTF-8 byte order mark it may start with (an editor's).
constexpr std::string_view without_bom(std::string_view data) noexcept {
  return data.substr(0, 3) == "\xEF\xBB\xBF" ? data.substr(3) : data;
}

// Looks at the first meaningful line of `data` (after an optional UTF-8 BOM,
// blank lines, `#` comments and `kstat -T u|d` time lines): '[' means kstat -j
// JSON, a line that starts like `module:digits:` kstat -p text, `module: X
// instance: N` kstat's default (human) text. `line`/`text` say which line
// decided (text: at most 256 bytes of it, empty when there was none).
struct Detected {
  Format format = Format::unknown;
  std::size_t line = 0;
  std::string_view text;
};
Detected detect(std::string_view data) noexcept;
Format detect_format(std::string_view data) noexcept;
// True when the first line that is not blank or a time stamp is a whole
// kstat -p record: module:instance:name:statistic, a blank, then the value.
bool first_line_is_record(std::string_view data) noexcept;

// Parse a whole file's bytes. `path` is used in descriptions and error messages.
// Throw Error(Errc::parse, "path:LINE: …") (text) or "path:LINE:COLUMN: …" (JSON).
std::shared_ptr<Source> parse_kstat_text(std::string_view data, const std::string& path);
std::shared_ptr<Source> parse_kstat_json(std::string_view data, const std::string& path);
// kstat(8)'s default (human) output (kstat_human_reader.cpp); errors as text.
std::shared_ptr<Source> parse_kstat_human(std::string_view data, const std::string& path);
// True when `line` is a `module: X  instance: N` header line.
bool looks_like_human_text(std::string_view line) noexcept;

// "35.240997153", "35,240997153", "35" or "0" (seconds, at most 9 decimals) to
// nanoseconds, exactly (digits only, never through a double). Returns nullopt when
// `s` is not of that shape or does not fit int64 nanoseconds.
std::optional<std::int64_t> parse_seconds_ns(std::string_view s) noexcept;

// kstat(8) prints hrtimes through a double (format_hrtime), so from about
// 2^23 s on the printed digits are not the counter's, and the exact value of
// `text` may print differently. Returns the nanosecond count nearest to `ns`
// (the exact value of `text`) that prints as `text`, so a replayed dump
// prints its times byte for byte; `ns` itself when `text` is not in
// kstat(8)'s "%.9f" form or no count near it prints so.
std::int64_t hrtime_printing_as(std::int64_t ns, std::string_view text);

// Decimal digits (at least one, nothing else) to uint64; nullopt on overflow or
// on any non-digit.
std::optional<std::uint64_t> parse_u64(std::string_view digits) noexcept;

// `s` quoted for an error message: at most `max` bytes between the quotes
// (escapes included, "..." after when cut), control bytes as \t or \xNN, in
// single quotes ("'abc'"); "end of line" when s is empty.
std::string excerpt(std::string_view s, std::size_t max = 48);

// ASCII case-insensitive three-way compare with a byte-wise tie break: the
// order kstat(8) sorts statistics in (strcasecmp), made total.
int compare_stat_names(std::string_view a, std::string_view b) noexcept;

// Wraps a StaticBuilder for the parsers.
// - select() begins a kstat only when the identity differs from the current one,
//   so a sorted dump costs one begin() per kstat, not per line.
// - add_*() replaces the value of a statistic the current kstat already has
//   ("last value wins"): a dump of several intervals loads as its last values.
//   Sorted input (kstat(8) order) costs no search; unsorted input a binary or
//   hashed search.
// - close() runs when a kstat is left: a kstat whose statistics are exactly the
//   12 io (or 5 intr, or 7 timer) names with values that fit the record becomes
//   an io (intr, timer) kstat with its record set and its named rows kept. A
//   declared type (kstat -j "type") is honoured the same way: 2/3/4 only when the
//   record is complete, otherwise named; 0 stays raw.
class KstatSink {
 public:
  explicit KstatSink(StaticBuilder& builder) : b_(&builder) {}

  void reset(StaticBuilder& builder);  // starts over on another (fresh) builder
  StaticBuilder& builder() noexcept { return *b_; }

  void select(std::string_view module, std::int64_t instance, std::string_view name);
  void declare_type(std::optional<KstatType> type) noexcept { declared_ = type; }
  void close();

  void add_uint(std::string_view stat, std::uint64_t v);
  void add_int(std::string_view stat, std::int64_t v);
  void add_double(std::string_view stat, double v);
  void add_bool(std::string_view stat, bool v);
  void add_null(std::string_view stat);
  void add_string(std::string_view stat, std::string_view v);
  // The pseudo-statistics, on the current kstat. A kstat left without one is
  // marked absent (KstatHeader::absent) when closed.
  void set_class(std::string_view klass);
  void set_crtime(std::int64_t ns);
  void set_snaptime(std::int64_t ns);
  // Gives every kstat selected since reset() that got no snaptime `ns`.
  void fill_snaptime(std::int64_t ns);

  std::size_t kstats() const noexcept { return kstats_; }
  // True when module:instance:name was selected since reset().
  bool seen(std::string_view module, std::int64_t instance, std::string_view name) const;

 private:
  struct Seen {
    std::string module, name;
    std::int64_t instance;
    std::uint8_t given;  // kAbsent* bits of what the dump gave
  };
  void mark_absent(const Seen& s);
  // Index of an existing statistic named `stat` in the current kstat, or npos.
  std::size_t find(std::string_view stat);
  void note_appended();
  void classify();

  StaticBuilder* b_;
  bool open_ = false;
  std::string module_;
  std::string name_;
  std::int64_t instance_ = 0;
  std::optional<KstatType> declared_;
  bool sorted_ = true;  // current kstat's statistics are in compare_stat_names order
  std::unordered_map<std::string_view, std::size_t> index_;  // unsorted big kstats only
  std::size_t kstats_ = 0;
  std::vector<Seen> seen_;                                   // kstats in the order first selected
  std::unordered_map<std::string, std::size_t> seen_index_;  // "module:instance:name" -> seen_
  std::size_t current_seen_ = 0;
};

// The reports of one dump: `kstat -p 5 3`, `kstat -j -T u 5 3` and the like
// print the same kstats several times, each report after a blank line or a
// time line. Each report becomes one generation; a file with one report is
// a plain StaticSource.
class Reports {
 public:
  Reports();

  KstatSink& sink() noexcept { return sink_; }
  // A report boundary: starts a new report when the current one holds kstats.
  void next();
  // A `-T u` / `-T d` time line (ns since the epoch): it starts a new report
  // when the current one holds kstats, and is that report's time.
  void time_line(std::int64_t wall_ns);
  std::size_t count() const noexcept { return done_.size() + (sink_.kstats() > 0 ? 1 : 0); }
  // All reports as one source; `description` names file and format. Throws
  // when there is no kstat at all (`what` says what was expected).
  std::shared_ptr<Source> finish(const std::string& description, const std::string& path,
                                 const std::string& what);

 private:
  void close_report();

  std::unique_ptr<StaticBuilder> builder_;
  KstatSink sink_;
  std::optional<std::int64_t> time_;  // of the current report
  std::vector<std::unique_ptr<StaticBuilder>> done_;
  std::vector<std::int64_t> times_;  // per finished report, 0 when none
};

// A `kstat -T` time line, as ns since the epoch: `-T u` prints time(2)
// seconds ("1733212345"), `-T d` date(1)'s layout ("Mon Dec  2 05:46:36 UTC
// 2024", the zone optional; a zone other than UTC/GMT/Z is read as UTC, which
// keeps differences between reports exact). nullopt when `line` is neither.
std::optional<std::int64_t> parse_time_line(std::string_view line) noexcept;

// The value of a statistic as kstat(8)'s text prints it, added to `sink`:
// crtime/snaptime/class fill the header; canonical non-negative integers
// become uint64, canonical negative ones int64, everything else a string
// kept byte for byte. Returns "" or what is wrong (without file and line).
std::string add_text_value(KstatSink& sink, std::string_view stat, std::string_view value);

}  // namespace kstatsql::engine::file
