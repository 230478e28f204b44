// libFuzzer target: arbitrary bytes opened as a .kss file, every generation
// listed and every kstat read.
//
// Build (tests/fuzz/CMakeLists.txt does this with clang), then seed it with a
// real recording so the fuzzer starts from valid structure:
//   build-fuzz/kstatsql convert tests/data/dumps/illumos-kstat-p.txt corpus/seed.kss
//   build-fuzz/kss_fuzz corpus -max_total_time=60
// Checksums would reject almost every mutation before the structural checks
// run, so when the input's last byte is odd the harness first recomputes
// every CRC it can locate (file header, block headers and trailers, records,
// extents): the parser's bounds checks are then what stands between the bytes
// and a wild pointer. Only kstatsql::Error may escape; anything else (another
// exception, a sanitizer report) is a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engine/sources/kss/kss_format.hpp"
#include "engine/sources/kss/kss_reader.hpp"
#include "kstatsql/error.hpp"

namespace kss = kstatsql::engine::kss;

namespace {

template <typename T>
bool get(const std::vector<std::uint8_t>& b, std::size_t off, T& out) {
  if (off > b.size() || sizeof(T) > b.size() - off) return false;
  std::memcpy(&out, b.data() + off, sizeof(T));
  return true;
}

template <typename T>
void put(std::vector<std::uint8_t>& b, std::size_t off, const T& v) {
  std::memcpy(b.data() + off, &v, sizeof(T));
}

// Recomputes every checksum whose region is in bounds.
void fix_checksums(std::vector<std::uint8_t>& b) {
  kss::FileHeader fh;
  if (!get(b, 0, fh) || fh.header_size < sizeof fh || fh.header_size > b.size()) return;
  fh.header_crc = 0;
  put(b, 0, fh);
  fh.header_crc = kss::crc32c(b.data(), fh.header_size);
  put(b, 0, fh);
  std::size_t off = fh.header_size;
  kss::BlockHeader bh;
  while (get(b, off, bh) && bh.length >= sizeof bh + sizeof(kss::BlockTrailer) &&
         bh.length <= b.size() - off) {
    const std::size_t end = off + bh.length;
    for (std::uint32_t i = 0; i < bh.kstat_count; ++i) {
      const std::size_t at = off + sizeof bh + std::size_t{i} * sizeof(kss::KstatRecord);
      kss::KstatRecord r;
      if (!get(b, at, r)) break;
      if (r.extent_off <= bh.length && r.extent_len <= bh.length - r.extent_off) {
        r.extent_crc = kss::crc32c(b.data() + off + r.extent_off, r.extent_len);
        put(b, at, r);
      }
    }
    if (bh.meta_end >= sizeof bh && bh.meta_end <= bh.length) {
      bh.meta_crc = kss::crc32c(b.data() + off + sizeof bh, bh.meta_end - sizeof bh);
    }
    bh.header_crc = kss::crc32c(&bh, offsetof(kss::BlockHeader, header_crc));
    put(b, off, bh);
    kss::BlockTrailer t;
    std::memcpy(t.magic, kss::kTrailerMagic, sizeof t.magic);
    t.header_crc = bh.header_crc;
    t.reserved = 0;
    put(b, end - sizeof t, t);
    off = end;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> bytes(data, data + size);
  if (size > 0 && (data[size - 1] & 1)) fix_checksums(bytes);
  int fd = memfd_create("kss_fuzz", 0);
  if (fd < 0) return 0;
  if (!bytes.empty() &&
      ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
    ::close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  try {
    kstatsql::engine::KssSource src(path);
    (void)src.description();
    (void)src.recorded_info();
    for (std::size_t g = 0; g < src.recorded_count(); ++g) {
      kstatsql::engine::Arena arena(4096);
      std::vector<kstatsql::engine::KstatHeader> headers;
      try {
        src.enumerate_recorded(g, arena, headers);
      } catch (const kstatsql::Error&) {
        continue;
      }
      for (const auto& h : headers) {
        kstatsql::engine::KstatData d;
        try {
          src.read(h, arena, d);
        } catch (const kstatsql::Error&) {
          continue;
        }
        std::size_t sum =
            h.module.size() + h.name.size() + h.klass.size() + d.error.size() + d.raw.size();
        for (const auto& st : d.named) {
          sum += st.name_view().size();
          if (kstatsql::engine::repr_of(st.type) == kstatsql::engine::Repr::str) {
            for (char c : st.str()) sum += static_cast<unsigned char>(c);  // touch every byte
          }
        }
        for (const auto& t : d.timers) sum += t.name_view().size();
        if (d.io) sum += d.io->reads;
        if (d.intr) sum += d.intr->intrs[0];
        (void)sum;
      }
    }
  } catch (const kstatsql::Error&) {
  }
  ::close(fd);
  return 0;
}
