// libFuzzer target: arbitrary bytes through the OpenBSD kstat(1) text parser,
// then read in full and written back as -j JSON, which must load back equal
// (tests/fuzz/dump_fuzz.hpp says what is a finding). There is no -p text round
// trip: OpenBSD names may hold blanks, and kstats differing only by unit merge.
//   build-fuzz/openbsd_text_fuzz -max_len=65536 WORK_DIR tests/fuzz/corpus/openbsd_text_fuzz
#include "fuzz/dump_fuzz.hpp"

namespace kstatsql::engine::file {
// dump_source.cpp's entry for this format (not in the header: only format
// detection calls it).
std::shared_ptr<Source> parse_openbsd_text(std::string_view data, const std::string& path);
}  // namespace kstatsql::engine::file

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return kstatsql::fuzz::fuzz_dump(data, size, kstatsql::engine::file::parse_openbsd_text, 0);
}
