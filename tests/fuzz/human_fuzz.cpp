// libFuzzer target: arbitrary bytes as kstat(8)'s default (human) output, then
// the replay written as `kstat -p` text and read back.
//
// Build (tests/fuzz/CMakeLists.txt does this with clang) and seed it with the
// human fixtures:
//   mkdir -p corpus && cp tests/data/dumps/human-*.txt corpus/
//   build-fuzz/human_fuzz corpus -max_total_time=60
// Only kstatsql::Error may escape the parse; what the parse accepted must be
// written as -p text that parses again and is then stable under write and
// read (anything else, or a sanitizer report, is a finding).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sources/dump/dump_source.hpp"
#include "engine/sources/dump/dump_writer.hpp"
#include "kstatsql/error.hpp"

namespace {

std::string as_p_text(kstatsql::engine::Source& src) {
  using namespace kstatsql::engine;
  Arena arena;
  std::vector<KstatHeader> headers;
  src.enumerate(arena, headers);
  std::vector<KstatData> data(headers.size());
  std::vector<DumpEntry> entries;
  for (std::size_t i = 0; i < headers.size(); ++i) src.read(headers[i], arena, data[i]);
  for (std::size_t i = 0; i < headers.size(); ++i) entries.push_back({&headers[i], &data[i]});
  std::string out;
  write_dump(entries, DumpOptions{}, out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<kstatsql::engine::Source> src;
  try {
    src = kstatsql::engine::file::parse_kstat_human(in, "fuzz.txt");
  } catch (const kstatsql::Error&) {
    return 0;  // a clear error is the expected outcome for most inputs
  }
  std::string p = as_p_text(*src);
  if (p.empty()) return 0;  // e.g. only kstat_* kstats, which are never printed
  // The writer's escapes ('_' for bytes a -p line cannot hold) may reorder or
  // merge identities that differed only in those bytes, so the first text
  // read back is the normal form: it must load, and write itself again.
  auto again = kstatsql::engine::file::parse_kstat_text(p, "fuzz.p");  // must not throw
  std::string q = as_p_text(*again);
  auto third = kstatsql::engine::file::parse_kstat_text(q, "fuzz.q");
  if (as_p_text(*third) != q) std::abort();
  return 0;
}
