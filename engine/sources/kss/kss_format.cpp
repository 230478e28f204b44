// engine/sources/kss/kss_format.cpp — CRC32C for the .kss format
// (engine/sources/kss/kss_format.hpp).
//
// Slicing-by-8: eight 256-entry tables let the loop consume 8 bytes per step
// (about 1 byte per cycle without hardware CRC instructions), which keeps the
// per-read check of a kstat's extent well below the cost of building its rows.
#include "engine/sources/kss/kss_format.hpp"

#include <array>
#include <cstring>

namespace kstatsql::engine::kss {

namespace {

constexpr std::uint32_t kPoly = 0x82F63B78u;  // Castagnoli, reflected

struct Tables {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  constexpr Tables() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      t[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i) {
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    }
  }
};

constexpr Tables kTables;

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t n, std::uint32_t crc) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto& t = kTables.t;
  std::uint32_t c = ~crc;
  while (n >= 8) {
    // Little-endian assembly of the two words (the format is little-endian;
    // big-endian hosts are refused before any checksum is computed).
    std::uint32_t lo = static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                       static_cast<std::uint32_t>(p[2]) << 16 |
                       static_cast<std::uint32_t>(p[3]) << 24;
    std::uint32_t hi = static_cast<std::uint32_t>(p[4]) | static_cast<std::uint32_t>(p[5]) << 8 |
                       static_cast<std::uint32_t>(p[6]) << 16 |
                       static_cast<std::uint32_t>(p[7]) << 24;
    lo ^= c;
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
        t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xff];
  return ~c;
}

bool has_file_magic(std::string_view prefix) noexcept {
  return prefix.size() >= sizeof(kFileMagic) &&
         std::memcmp(prefix.data(), kFileMagic, sizeof(kFileMagic)) == 0;
}

}  // namespace kstatsql::engine::kss
