// libFuzzer target: arbitrary bytes through the kstat -p text parser, then read in
// full and written back as -p text and -j JSON, which must load back equal
// (tests/fuzz/dump_fuzz.hpp says what is a finding).
//   build-fuzz/kstat_p_fuzz -max_len=65536 WORK_DIR tests/fuzz/corpus/kstat_p_fuzz
#include "fuzz/dump_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // -p text from its second writing on: the writer turns what a -p line
  // cannot hold into '_' after sorting by the original bytes, so the first
  // reload may order (or merge) such kstats differently; from then on the
  // text is a fixed point.
  return kstatsql::fuzz::fuzz_dump(data, size, kstatsql::engine::file::parse_kstat_text, 2);
}
