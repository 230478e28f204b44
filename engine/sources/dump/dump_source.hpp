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

#include "engine/static_source.hpp"

namespace kstatsql::engine {

// Opens a dump file; its format is detected from its content. Throws Error
// naming the file and line.
std::shared_ptr<Source> open_file_source(const std::string& path);

}  // namespace kstatsql::engine

namespace kstatsql::engine::file {

enum class Format { unknown, kstat_text, kstat_json };

// `data` without the UTF-8 byte order mark it may start with (an editor's).
constexpr std::string_view without_bom(std::string_view data) noexcept {
  return data.substr(0, 3) == "\xEF\xBB\xBF" ? data.substr(3) : data;
}

// Looks at the first meaningful bytes of `data` (after an optional UTF-8 BOM,
// blank lines and `kstat -T u` timestamp lines): '[' means kstat -j JSON, a line
// that starts like `module:digits:` means kstat -p text.
Format detect_format(std::string_view data) noexcept;
// True when the first line that is not blank or a time stamp is a whole
// kstat -p record: module:instance:name:statistic, a blank, then the value.
bool first_line_is_record(std::string_view data) noexcept;

// Parse a whole file's bytes. `path` is used in descriptions and error messages.
// Throw Error(Errc::parse, "path:LINE: …") (text) or "path:LINE:COLUMN: …" (JSON).
std::shared_ptr<Source> parse_kstat_text(std::string_view data, const std::string& path);
std::shared_ptr<Source> parse_kstat_json(std::string_view data, const std::string& path);

// "35.240997153", "35,240997153", "35" or "0" (seconds, at most 9 decimals) to
// nanoseconds, exactly (digits only, never through a double). Returns nullopt when
// `s` is not of that shape or does not fit int64 nanoseconds.
std::optional<std::int64_t> parse_seconds_ns(std::string_view s) noexcept;

// Decimal digits (at least one, nothing else) to uint64; nullopt on overflow or
// on any non-digit.
std::optional<std::uint64_t> parse_u64(std::string_view digits) noexcept;

// `s` quoted for an error message: at most `max` bytes, non-printable bytes as
// \xNN, in single quotes ("'abc'"); "end of line" when s is empty.
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

  std::size_t kstats() const noexcept { return kstats_; }

 private:
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
};

}  // namespace kstatsql::engine::file
