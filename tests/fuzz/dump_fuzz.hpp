// tests/fuzz/dump_fuzz.hpp — the body of the dump-format targets
// (kstat_p_fuzz, kstat_j_fuzz, openbsd_text_fuzz).
//
// The input goes through one parser. Only kstatsql::Error(Errc::parse) may
// escape it; a parsed source is then read in full (every byte touched), and
// written back as kstat -p text and as kstat -j JSON, each of which must load
// again and write the very same text: a writer's output always loads back,
// equal (JSON from its second writing on: see round_trip). Anything else (another exception, a
// sanitizer report, a failed round trip) is a finding.
#pragma once

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kstat_rules.hpp"
#include "engine/sources/dump/dump_source.hpp"
#include "engine/sources/dump/dump_writer.hpp"
#include "fuzz/fuzz_support.hpp"

namespace kstatsql::fuzz {

// Every kstat of `src` written in `format`.
inline std::string write_all(engine::Source& src, engine::DumpOptions::Format format) {
  engine::Arena arena(4096);
  std::vector<engine::KstatHeader> headers;
  src.begin_generation();
  src.enumerate(arena, headers);
  std::vector<engine::KstatData> data(headers.size());
  std::vector<engine::DumpEntry> entries;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    src.read(headers[i], arena, data[i]);
    entries.push_back({&headers[i], &data[i]});
  }
  engine::DumpOptions o;
  o.format = format;
  std::string out;
  engine::write_dump(entries, o, out);
  return out;
}

using DumpParser = std::shared_ptr<engine::Source> (*)(std::string_view, const std::string&);

// Writes `src` in `format`, loads that with `parse` and writes it again: the
// two texts must be equal. `passes` > 1 starts from the text written after
// that many loads: JSON writes each byte of invalid UTF-8 as \u00XX, which
// loads back as that code point (two bytes of valid UTF-8), so JSON is
// compared from its second writing on, when the text is valid UTF-8.
inline std::shared_ptr<engine::Source> load_written(const std::string& text, DumpParser parse) {
  try {
    return parse(text, "written");
  } catch (const Error& e) {
    std::fprintf(stderr, "the reader refuses what the writer wrote: %s\n", e.what());
    __builtin_trap();
  }
}

inline void round_trip(engine::Source& src, engine::DumpOptions::Format format, DumpParser parse,
                       int passes = 1) {
  std::string once = write_all(src, format);
  // Nothing the writer writes (hidden and raw kstats only): no dump to load.
  {
    std::string none;
    const std::vector<engine::DumpEntry> no_entries;
    engine::DumpOptions o;
    o.format = format;
    engine::write_dump(no_entries, o, none);
    if (once == none) return;
  }
  for (int p = 1; p < passes; ++p) once = write_all(*load_written(once, parse), format);
  const std::shared_ptr<engine::Source> again = load_written(once, parse);
  const std::string twice = write_all(*again, format);
  if (twice != once) {
    std::size_t at = 0;
    while (at < once.size() && at < twice.size() && once[at] == twice[at]) ++at;
    const std::size_t line =
        once.rfind('\n', at) == std::string::npos ? 0 : once.rfind('\n', at) + 1;
    std::fprintf(
        stderr,
        "written, loaded and written again differs at byte %zu:\n  first:  %s\n  again:  %s\n", at,
        engine::file::excerpt(std::string_view(once).substr(line), 120).c_str(),
        engine::file::excerpt(std::string_view(twice).substr(line), 120).c_str());
    __builtin_trap();
  }
}

// `text_passes`: as round_trip's `passes` for -p text (OpenBSD kstats have a
// fourth identity part, the unit, that -p text has no place for: kstats that
// differ only by unit merge on the first load).
// True when `src` has what -p text cannot hold so that it loads back, so the
// round trip leaves it out: a NUL byte, a tab, a line break or leading or
// trailing blanks in a module, name, class or statistic name (written as they
// are), a ':' in a module or name (the field separator), an empty statistic
// name (JSON takes one, -p text does not), or a statistic named like a
// pseudo-statistic of the text format (crtime, snaptime, class), which then
// appears twice. Hidden kstats (kstat_* names, as kstat(8) hides them) are
// never written, so their names do not count.
inline bool round_trip_unsupported(engine::Source& src) {
  engine::Arena arena(4096);
  std::vector<engine::KstatHeader> headers;
  src.begin_generation();
  src.enumerate(arena, headers);
  auto bad = [](std::string_view s) {
    return s.find_first_of(std::string_view("\0\t\n\r", 4)) != std::string_view::npos ||
           (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  };
  for (const auto& h : headers) {
    if (engine::kstat8::hidden(h)) continue;  // never written: kstat(8) hides it
    if (bad(h.module) || bad(h.name) || bad(h.klass)) return true;
    if (h.module.find(':') != std::string_view::npos || h.name.find(':') != std::string_view::npos)
      return true;
    engine::KstatData d;
    src.read(h, arena, d);
    for (const auto& st : d.named) {
      const std::string_view n = st.name_view();
      if (bad(n) || n.empty() || n == "crtime" || n == "snaptime" || n == "class") return true;
    }
  }
  return false;
}

// `text_passes` 0: no -p text round trip (kstat -j JSON and OpenBSD text,
// whose names -p text cannot all hold: blanks inside a module, and more).
inline int fuzz_dump(const std::uint8_t* data, std::size_t size, DumpParser parse,
                     int text_passes = 1) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<engine::Source> src;
  try {
    src = parse(in, "fuzz");
  } catch (const Error& e) {
    if (e.code() != Errc::parse) __builtin_trap();
    return 0;  // rejected input: the expected outcome for most bytes
  }
  drain(*src);
  if (round_trip_unsupported(*src)) return 0;
  if (text_passes > 0)
    round_trip(*src, engine::DumpOptions::Format::text, engine::file::parse_kstat_text,
               text_passes);
  round_trip(*src, engine::DumpOptions::Format::json, engine::file::parse_kstat_json,
             std::max(text_passes, 2));
  return 0;
}

}  // namespace kstatsql::fuzz
