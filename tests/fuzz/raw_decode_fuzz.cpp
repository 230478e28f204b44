// libFuzzer target: the raw struct decoders (engine/raw_decode) on arbitrary
// bytes. The first input byte picks a known layout (its module and name, with
// the second byte as the digits kstat(8) strips) or, past the last layout, a
// module:name given by the input's first line; the rest is the kstat's data.
// Findings: a sanitizer report; a decoded kstat without every field of a
// layout of exactly that size; a size mismatch without an error; a decode
// that differs between decode_raw and finish_raw.
//   build-fuzz/raw_decode_fuzz -max_len=4096 WORK_DIR tests/fuzz/corpus/raw_decode_fuzz
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/raw_decode.hpp"
#include "fuzz/fuzz_support.hpp"

using namespace kstatsql::engine;

namespace {

// The layout of `h`'s key whose size is `size`, or nullptr.
const RawLayout* layout_of(const KstatHeader& h, std::size_t size) {
  for (const RawLayout& l : raw_layouts()) {
    if (raw_key_matches(h.module, h.name, l.key) && l.size == size) return &l;
  }
  return nullptr;
}

[[noreturn]] void fail(const KstatHeader& h, std::size_t size, const char* what) {
  std::fprintf(stderr, "raw kstat %.*s:%.*s of %zu bytes: %s\n", static_cast<int>(h.module.size()),
               h.module.data(), static_cast<int>(h.name.size()), h.name.data(), size, what);
  __builtin_trap();
}

void check(const KstatHeader& h, std::span<const std::byte> bytes) {
  Arena arena(4096);
  KstatData out;
  const RawDecode r = decode_raw(h, bytes, arena, out);
  const RawLayout* l = layout_of(h, bytes.size());
  switch (r) {
    case RawDecode::no_decoder:
      if (find_raw_key(h.module, h.name) != nullptr) fail(h, bytes.size(), "no decoder, but a key");
      if (!out.named.empty()) fail(h, bytes.size(), "no decoder, but statistics");
      break;
    case RawDecode::decoded:
      if (l == nullptr || out.named.size() != l->fields.size() || !out.error.empty())
        __builtin_trap();
      break;
    case RawDecode::size_mismatch:
      if (l != nullptr) fail(h, bytes.size(), "size mismatch, but a layout has that size");
      if (out.error.empty() || out.err == 0)
        fail(h, bytes.size(), "size mismatch without an error");
      break;
  }
  if (out.raw.size() != bytes.size() || out.data_size != bytes.size())
    fail(h, bytes.size(), "raw bytes or data_size not kept");
  (void)kstatsql::fuzz::touch(h, out);
  for (std::size_t i = 0; i < out.named.size(); ++i) {
    if (find_stat(out.named, out.named[i].name_view(), static_cast<std::ptrdiff_t>(i)) < 0)
      fail(h, bytes.size(), "find_stat misses a decoded statistic");
  }
  // finish_raw on the same bytes decodes the same way (empty bytes are "no
  // raw data": it leaves those alone).
  if (bytes.empty()) return;
  KstatData again;
  again.raw = bytes;
  KstatHeader raw_h = h;
  raw_h.type = KstatType::raw;
  if (finish_raw(raw_h, arena, again) != r || again.named.size() != out.named.size())
    fail(h, bytes.size(), "finish_raw decodes otherwise than decode_raw");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto layouts = raw_layouts();
  const std::size_t pick = data[0] % (layouts.size() + 1);
  std::string module, name;
  std::size_t from = 2;
  if (pick < layouts.size()) {
    const std::string_view key = layouts[pick].key;
    const std::size_t colon = key.find(':');
    module = std::string(key.substr(0, colon));
    name = std::string(key.substr(colon + 1));
    if (data[1] & 1) name += std::to_string(data[1] >> 1);
  } else {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const std::size_t eol = in.find('\n', 1);
    const std::string_view id = in.substr(1, eol == std::string_view::npos ? eol : eol - 1);
    const std::size_t colon = id.find(':');
    module = std::string(id.substr(0, colon));
    if (colon != std::string_view::npos) name = std::string(id.substr(colon + 1));
    from = eol == std::string_view::npos ? size : eol + 1;
  }
  // The data in a buffer of its own, so reading one byte past it is a report.
  std::vector<std::byte> bytes(size - from);
  if (!bytes.empty()) std::memcpy(bytes.data(), data + from, bytes.size());
  KstatHeader h;
  h.module = module;
  h.name = name;
  h.type = KstatType::raw;
  h.data_size = bytes.size();
  check(h, bytes);
  return 0;
}
