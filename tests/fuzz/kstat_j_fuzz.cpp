// libFuzzer target: arbitrary bytes through the kstat -j JSON parser, then read in
// full and written back as -j JSON, which must load back equal
// (tests/fuzz/dump_fuzz.hpp says what is a finding; -p text cannot hold every
// JSON name, so there is no text round trip here).
//   build-fuzz/kstat_j_fuzz -max_len=65536 WORK_DIR tests/fuzz/corpus/kstat_j_fuzz
#include "fuzz/dump_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return kstatsql::fuzz::fuzz_dump(data, size, kstatsql::engine::file::parse_kstat_json, 0);
}
