// engine/sources/dump/dump_writer.hpp — kstat(8)'s -p / -C / -l text and -j JSON output.
//
// Byte-compatible with illumos kstat(8) (docs/kstat-mode.md, §1.7) for the
// data kstat(8) can show, so `kstatsql convert` and the shell's kstat mode
// print what kstat(8) would:
//  * kstats ordered by module (strcasecmp), instance (numeric), name
//    (strcasecmp); kstats named `kstat_*`, and raw kstats with no decoded
//    statistics, are skipped as kstat(8) skips them;
//  * per kstat the statistics plus the pseudo-statistics `crtime` (always),
//    `snaptime` (when the read succeeded) and, in text modes, `class`, all
//    sorted together by name with strcasecmp;
//  * text: `module:instance:name:statistic<TAB>value` (`:` with -C, no value
//    with -l); hrtime values as seconds with 9 decimals or `0`; strings up to
//    their first NUL byte (C's %s);
//  * JSON: kstat(8)'s layout (`[{` ... `}, {` ... `}]`, TAB indentation, keys
//    module instance name class type snaptime data) but valid RFC 8259: only
//    `"` `\` and control bytes are escaped, valid UTF-8 is kept as is, and each
//    byte of an invalid UTF-8 sequence becomes \u00XX (U+0080..U+00FF);
//    non-finite doubles are null; strings keep NUL bytes (\u0000).
// Values kstat(8) has no type for: bool as true/false, bytes as lowercase hex,
// null as an empty text value / JSON null, doubles in shortest round-trip form.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "engine/kstat.hpp"
#include "engine/selector.hpp"

namespace kstatsql::engine {

struct DumpEntry {
  const KstatHeader* header;
  const KstatData* data;
};

struct DumpOptions {
  enum class Format { text, json };
  Format format = Format::text;
  char separator = '\t';          // ':' for kstat -C
  bool names_only = false;        // kstat -l: `m:i:n:s` lines only (text)
  bool class_pseudo = true;       // text: the `class` pseudo-statistic
  bool sort = true;               // order kstats as kstat(8) does (else as given)
  bool skip_kstat_prefix = true;  // skip `kstat_*` kstats, as kstat(8) does
  // Statistic filter (kstat -s, or a selector's 4th field): a statistic
  // (pseudo ones included) is printed when some selector matches the kstat and
  // it. nullptr: every statistic. A kstat with no statistic left prints nothing.
  const SelectorSet* statistics = nullptr;
};

// Appends the output for `entries` to `out`; returns the number of statistics
// printed (0 means "nothing matched": kstat(8)'s exit status 1).
std::size_t write_dump(std::span<const DumpEntry> entries, const DumpOptions& options,
                       std::string& out);

// Appends the value of `s` as the text modes print it (kstat(8)'s
// ks_value_print): integers in decimal, hrtime as format_hrtime(), bool as
// true/false, doubles in shortest round-trip form, strings up to their first
// NUL byte, bytes as lowercase hex, null as nothing. Shared with the shell's
// kstat(8) default layout.
void append_text_value(std::string& out, const NamedStat& s);

// kstat(8)'s default (human) layout of one kstat, the statistics `sel`
// selects in kstat(8)'s order: a `module: … instance: …` / `name: … class: …`
// header, one TAB-indented `statistic  value` line each, a blank line.
// Returns the number of statistics printed (0: nothing is written).
std::size_t write_human_kstat(const KstatHeader& h, const KstatData& d, const Selector& sel,
                              std::string& out);

// kstat(8)'s hrtime: "%.9f" of ns / 1e9 as a double ("9013.271863046"), or "0"
// for zero. From about 2^23 s on the last digit is the double's, as on illumos.
std::string format_hrtime(std::int64_t ns);

// Appends `s` as a JSON string literal (quotes included), per the rules above.
void append_json_string(std::string& out, std::string_view s);

}  // namespace kstatsql::engine
