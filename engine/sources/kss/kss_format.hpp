// engine/sources/kss/kss_format.hpp — the on-disk layout of the native .kss snapshot file.
//
// docs/kss-format.md is the manual; this header is the normative layout. Every
// struct here is written to disk byte for byte (little-endian, no pointers,
// only offsets), so each has a static_assert on its size and nothing in it may
// change without bumping kVersion.
//
//   file   := FileHeader host-strings pad8  Block*
//   Block  := BlockHeader KstatRecord[kstat_count] meta-pool pad8  Extent*  BlockTrailer
//   Extent := NamedRecord[named_count] TimerRecord[timer_count] IoStats? IntrStats+pad?
//             raw-bytes pad8  value-strings pad8          (one per kstat, 8-aligned)
//
// Offsets: FileHeader strings are relative to the file start; everything in a
// block (KstatRecord strings and extent_off, NamedRecord name_off/str_off,
// TimerRecord name_off) is relative to the block start, so a block can be
// checked and read on its own. Inside an extent, the KstatRecord's *_off
// fields are relative to the extent start.
//
// Checksums are CRC32C (Castagnoli, reflected polynomial 0x82F63B78, initial
// value and final xor 0xFFFFFFFF — the iSCSI/ext4 CRC; crc32c("123456789") =
// 0xE3069283), in three tiers so a reader touches only what it uses:
//   BlockHeader::header_crc   the block header, checked when the file is opened
//   BlockHeader::meta_crc     the records and meta pool, checked at first enumerate
//   KstatRecord::extent_crc   one kstat's extent, checked at its first read
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/kstat.hpp"

namespace kstatsql::engine::kss {

// "\x89KSS\r\n\x1a\n": a non-ASCII first byte and CR/LF/^Z catch text-mode
// transfers (the PNG trick).
inline constexpr char kFileMagic[8] = {'\x89', 'K', 'S', 'S', '\r', '\n', '\x1a', '\n'};
inline constexpr char kBlockMagic[8] = {'K', 'S', 'S', 'G', 'E', 'N', '0', '1'};
inline constexpr char kTrailerMagic[8] = {'K', 'S', 'S', 'E', 'N', 'D', '0', '1'};
inline constexpr std::uint32_t kVersion = 1;
// Written as a native uint32: reads back as 0x0D0C0B0A on the other endianness.
inline constexpr std::uint32_t kEndianMark = 0x0A0B0C0D;
// Value of an absent *_off field inside an extent.
inline constexpr std::uint32_t kAbsent = 0xFFFFFFFFu;
// A block's length must fit 32-bit block-relative offsets.
inline constexpr std::uint64_t kMaxBlock = 0xFFFFFFF0ull;

struct Str {  // a string as (offset, length); offset 0 with length 0 = empty
  std::uint32_t off = 0;
  std::uint32_t len = 0;
};
static_assert(sizeof(Str) == 8);

struct FileHeader {
  char magic[8];
  std::uint32_t version;      // kVersion
  std::uint32_t endian;       // kEndianMark
  std::uint32_t header_size;  // FileHeader + strings + padding; the first block starts here
  std::uint32_t flags;        // 0
  std::int64_t created_ns;    // wall clock when the file was created
  Str host;                   // uname nodename   (offsets from the file start)
  Str sysname;                // uname sysname ("Linux", "SunOS", "OpenBSD")
  Str release;                // uname release
  Str version_str;            // uname version
  Str machine;                // uname machine
  std::uint32_t header_crc;   // CRC32C of bytes [0, header_size) with this field zero
  std::uint32_t reserved;
};
static_assert(sizeof(FileHeader) == 80);

struct BlockHeader {
  char magic[8];         // kBlockMagic
  std::uint64_t length;  // whole block incl. header and trailer; multiple of 8
  std::uint64_t index;   // generation index, 0, 1, 2, ... in file order
  std::int64_t wall_ns;  // CLOCK_REALTIME when the generation was taken
  std::int64_t mono_ns;  // CLOCK_MONOTONIC at the same moment (intervals)
  std::uint32_t kstat_count;
  std::uint32_t flags;     // 0
  std::uint32_t meta_end;  // end of records + meta pool (block-relative, 8-aligned)
  std::uint32_t meta_crc;  // CRC32C of [sizeof(BlockHeader), meta_end)
  std::uint32_t reserved;
  std::uint32_t header_crc;  // CRC32C of bytes [0, offsetof(header_crc))
};
static_assert(sizeof(BlockHeader) == 64);

struct BlockTrailer {        // the block's last 16 bytes: written last, proves the block whole
  char magic[8];             // kTrailerMagic
  std::uint32_t header_crc;  // copy of BlockHeader::header_crc
  std::uint32_t reserved;
};
static_assert(sizeof(BlockTrailer) == 16);

// KstatRecord::parts bits.
inline constexpr std::uint8_t kHasIo = 1;
inline constexpr std::uint8_t kHasIntr = 2;

struct KstatRecord {
  Str module, name, klass, host;  // meta pool
  std::int64_t instance;
  std::int64_t unit;  // -1: none
  std::int64_t id;
  std::int64_t crtime;
  std::int64_t snaptime;        // KstatData::snaptime
  std::uint64_t hdr_data_size;  // KstatHeader::data_size
  std::uint64_t data_size;      // KstatData::data_size
  std::uint32_t hdr_ndata;      // KstatHeader::ndata
  std::uint32_t ndata;          // KstatData::ndata
  std::int32_t err;             // KstatData::err
  std::uint8_t type;            // KstatType
  std::uint8_t flags;           // ks_flags
  std::uint8_t parts;           // kHasIo | kHasIntr
  std::uint8_t reserved0;
  std::uint32_t extent_off;  // block-relative, 8-aligned
  std::uint32_t extent_len;
  std::uint32_t extent_crc;   // CRC32C of the extent
  std::uint32_t named_count;  // NamedRecords start at the extent's offset 0
  std::uint32_t timer_count;
  std::uint32_t timers_off;  // extent-relative
  std::uint32_t io_off;      // kAbsent unless parts & kHasIo
  std::uint32_t intr_off;    // kAbsent unless parts & kHasIntr
  std::uint32_t raw_off;
  std::uint32_t raw_len;
  Str error;  // extent-relative offset; empty when the read succeeded
  std::uint32_t reserved1;
  std::uint32_t reserved2;
};
static_assert(sizeof(KstatRecord) == 160);

struct NamedRecord {       // 32 bytes, like NamedStat with offsets for pointers
  std::uint32_t name_off;  // block-relative, meta pool
  std::uint32_t name_len;
  std::uint8_t type;  // ValueType
  std::uint8_t unit;  // Unit
  std::uint16_t reserved0;
  std::uint32_t str_len;  // strings and blobs
  union {
    std::int64_t i;
    std::uint64_t u;
    double d;
    std::uint64_t str_off;  // block-relative, inside this kstat's extent
  } v;
  std::uint64_t reserved1;
};
static_assert(sizeof(NamedRecord) == 32);

struct TimerRecord {
  std::uint32_t name_off;  // block-relative, meta pool
  std::uint32_t name_len;
  std::uint64_t num_events;
  std::int64_t elapsed_time, min_time, max_time, start_time, stop_time;
};
static_assert(sizeof(TimerRecord) == 56);

static_assert(sizeof(IoStats) == 80, "IoStats is stored verbatim");
static_assert(sizeof(IntrStats) == 20, "IntrStats is stored verbatim (padded to 24)");

constexpr std::uint64_t align8(std::uint64_t n) noexcept {
  return (n + 7) & ~std::uint64_t{7};
}

// CRC32C as described above; `crc` chains calls (pass the previous result).
std::uint32_t crc32c(const void* data, std::size_t n, std::uint32_t crc = 0) noexcept;

// True when `prefix` (the first bytes of a file) starts with kFileMagic.
bool has_file_magic(std::string_view prefix) noexcept;

}  // namespace kstatsql::engine::kss
