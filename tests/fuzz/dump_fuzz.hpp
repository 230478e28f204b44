// tests/fuzz/dump_fuzz.hpp — the body of the dump-format targets
// (kstat_p_fuzz, kstat_j_fuzz, openbsd_text_fuzz).
//
// The input goes through one parser. Only kstatsql::Error(Errc::parse) may
// escape it; a parsed source is then read in full (every byte touched), and
// written back as kstat -p text and as kstat -j JSON, each of which must load
// again and write the very same text: a writer's output always loads back,
// equal. Anything else (another exception, a sanitizer report, a failed
// round trip) is a finding.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
// two texts must be equal.
inline void round_trip(engine::Source& src, engine::DumpOptions::Format format, DumpParser parse) {
  const std::string once = write_all(src, format);
  std::shared_ptr<engine::Source> again;
  try {
    again = parse(once, "written");
  } catch (const Error&) {
    __builtin_trap();  // the writer wrote something its reader refuses
  }
  if (write_all(*again, format) != once) __builtin_trap();
}

inline int fuzz_dump(const std::uint8_t* data, std::size_t size, DumpParser parse) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<engine::Source> src;
  try {
    src = parse(in, "fuzz");
  } catch (const Error& e) {
    if (e.code() != Errc::parse) __builtin_trap();
    return 0;  // rejected input: the expected outcome for most bytes
  }
  drain(*src);
  round_trip(*src, engine::DumpOptions::Format::text, engine::file::parse_kstat_text);
  round_trip(*src, engine::DumpOptions::Format::json, engine::file::parse_kstat_json);
  return 0;
}

}  // namespace kstatsql::fuzz
