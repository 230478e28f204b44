// libFuzzer target: arbitrary bytes as the file `--source FILE` names, opened
// through engine::open_source (the one entry every spec goes through), so
// format detection and then whichever reader it picks run: kstat -p text,
// kstat -j JSON, OpenBSD text, .kss recordings, and any format added there
// later. Every kstat of every generation is then read and every byte touched.
// Only kstatsql::Error may escape; anything else (another exception, a
// sanitizer report, a hang, a blow-up) is a finding.
//   build-fuzz/source_file_fuzz -max_len=65536 WORK_DIR tests/fuzz/corpus/source_file_fuzz
#include "engine/sources/open_source.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kstatsql::fuzz::MemFile file({reinterpret_cast<const char*>(data), size});
  if (file.path().empty()) return 0;
  try {
    auto src = kstatsql::engine::open_source(file.path());
    kstatsql::fuzz::drain(*src);
  } catch (const kstatsql::Error&) {
    // Refused input (unknown format, parse error, truncated recording).
  }
  return 0;
}
