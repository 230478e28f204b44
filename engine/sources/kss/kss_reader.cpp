// engine/sources/kss/kss_reader.cpp — KssSource: a .kss file served from its mapping.
//
// Why three checksum tiers (kss_format.hpp): a keyed query on a 100,000-kstat
// recording must not fault in the whole file. Opening touches one page per
// block; listing a generation touches its records and meta pool; reading a
// kstat touches its extent only. Every offset read from the file is checked
// against the bounds of the region it must lie in before it is used, so a
// damaged or hostile file gives an Error, never a wild pointer.
#include "engine/sources/kss/kss_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include "kstatsql/error.hpp"

namespace kstatsql::engine {

using namespace kss;

namespace {

template <typename T>
T load(const std::byte* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool within(std::uint64_t off, std::uint64_t len, std::uint64_t lo, std::uint64_t hi) noexcept {
  return off >= lo && off <= hi && len <= hi - off;
}

constexpr std::uint8_t kMaxValueType = static_cast<std::uint8_t>(ValueType::null);
constexpr std::uint8_t kMaxUnit = static_cast<std::uint8_t>(Unit::pages);
constexpr std::uint8_t kMaxKstatType = static_cast<std::uint8_t>(KstatType::timer);

}  // namespace

KssSource::KssSource(std::string path) : path_(std::move(path)) {
  if constexpr (std::endian::native != std::endian::little) {
    throw Error(Errc::unsupported, path_ +
                                       ": .kss files are little-endian; this big-endian build "
                                       "cannot read them (docs/kss-format.md)");
  }
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno(path_, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    throw_errno(path_, err);
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ == 0) {
    ::close(fd);
    throw Error(Errc::parse, path_ + ": empty file");
  }
  void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  if (m == MAP_FAILED) {
    ::close(fd);
    throw_errno(path_ + ": mmap", err);
  }
  fd_ = fd;
  map_ = static_cast<const std::byte*>(m);
  guard_ = std::make_unique<kss::MapGuard>(map_, size_);
  // Keyed queries jump around: no read-ahead around each fault, and no 2 MiB
  // mappings of large page-cache folios (one point read would map 2 MiB).
  (void)::madvise(m, size_, MADV_RANDOM);
#ifdef MADV_NOHUGEPAGE
  (void)::madvise(m, size_, MADV_NOHUGEPAGE);
#endif
  try {
    validate_file_header();
    scan_blocks();
  } catch (...) {
    guard_.reset();
    ::munmap(m, size_);
    ::close(fd_);
    throw;
  }
  meta_ok_.assign(blocks_.size(), false);
  extent_ok_.resize(blocks_.size());
}

KssSource::~KssSource() {
  guard_.reset();  // unguard before unmapping
  if (map_) ::munmap(const_cast<std::byte*>(map_), size_);
  if (fd_ >= 0) ::close(fd_);
}

void KssSource::check_size() const {
  if (truncated_to_ < 0) {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return;
    const bool shrunk = static_cast<std::uint64_t>(st.st_size) < size_;
    if (!shrunk && !guard_->faulted()) return;
    truncated_to_ = st.st_size;
    // Zero pages over what the file lost: a view handed out earlier then
    // reads zeros instead of raising SIGBUS.
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t from = (static_cast<std::uint64_t>(st.st_size) + page - 1) / page * page;
    if (from < size_) {
      guard_->mark();  // before the zeros appear, so a reader seeing them sees the mark
      (void)::mmap(const_cast<std::byte*>(map_) + from, size_ - from, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    }
  }
  throw Error(Errc::io,
              path_ + ": truncated to " + std::to_string(truncated_to_) + " bytes while open");
}

void KssSource::fail(std::uint64_t offset, const std::string& what) const {
  // Bytes that went bad because the file shrank under the mapping (zero pages
  // now) are the truncation, not damage: say so.
  if (fd_ >= 0) check_size();
  throw Error(Errc::parse, path_ + ": offset " + std::to_string(offset) + ": " + what);
}

void KssSource::validate_file_header() {
  if (size_ < sizeof kFileMagic || std::memcmp(map_, kFileMagic, sizeof kFileMagic) != 0) {
    fail(0, "not a .kss file (bad magic)");
  }
  if (size_ < sizeof(FileHeader)) fail(size_, "file header cut short (truncated file)");
  FileHeader h = load<FileHeader>(map_);
  if (h.endian != kEndianMark) {
    if (h.endian == __builtin_bswap32(kEndianMark)) {
      fail(offsetof(FileHeader, endian),
           "written big-endian; this build reads little-endian .kss only");
    }
    fail(offsetof(FileHeader, endian), "bad endianness marker");
  }
  if (h.version != kVersion) {
    fail(offsetof(FileHeader, version), "unsupported .kss version " + std::to_string(h.version) +
                                            " (this build reads version " +
                                            std::to_string(kVersion) + ")");
  }
  if (h.header_size < sizeof(FileHeader) || h.header_size % 8 != 0) {
    fail(offsetof(FileHeader, header_size),
         "bad file header size " + std::to_string(h.header_size));
  }
  if (h.header_size > size_) fail(size_, "file header cut short (truncated file)");
  const std::uint32_t zero = 0;
  constexpr std::size_t kCrcAt = offsetof(FileHeader, header_crc);
  std::uint32_t crc = crc32c(map_, kCrcAt);
  crc = crc32c(&zero, sizeof zero, crc);
  crc = crc32c(map_ + kCrcAt + 4, h.header_size - kCrcAt - 4, crc);
  if (crc != h.header_crc) fail(kCrcAt, "file header checksum mismatch");
  auto str = [&](Str s, const char* what) -> std::string {
    if (s.len == 0) return {};
    if (!within(s.off, s.len, sizeof(FileHeader), h.header_size)) {
      fail(offsetof(FileHeader, host), std::string("file header ") + what + " out of bounds");
    }
    return std::string(reinterpret_cast<const char*>(map_ + s.off), s.len);
  };
  host_ = str(h.host, "host");
  sysname_ = str(h.sysname, "sysname");
  valid_end_ = h.header_size;
}

void KssSource::scan_blocks() {
  std::uint64_t off = valid_end_;
  while (off < size_) {
    const std::uint64_t left = size_ - off;
    if (left < sizeof(BlockHeader)) {
      torn_at_ = static_cast<std::int64_t>(off);
      break;
    }
    BlockHeader h = load<BlockHeader>(map_ + off);
    if (std::memcmp(h.magic, kBlockMagic, sizeof kBlockMagic) != 0) {
      bool zeros = true;  // a crash may leave the file extended with zeros
      for (std::uint64_t k = off; k < size_ && zeros; ++k) zeros = map_[k] == std::byte{0};
      if (zeros) {
        torn_at_ = static_cast<std::int64_t>(off);
        break;
      }
      fail(off, "bad block magic (expected generation " + std::to_string(blocks_.size()) + ")");
    }
    if (crc32c(map_ + off, offsetof(BlockHeader, header_crc)) != h.header_crc) {
      fail(off, "generation block header checksum mismatch");
    }
    if (h.length < sizeof(BlockHeader) + sizeof(BlockTrailer) || h.length % 8 != 0 ||
        h.length > kMaxBlock) {
      fail(off + offsetof(BlockHeader, length), "bad block length " + std::to_string(h.length));
    }
    if (h.index != blocks_.size()) {
      fail(off + offsetof(BlockHeader, index), "generation index " + std::to_string(h.index) +
                                                   ", expected " + std::to_string(blocks_.size()));
    }
    if (h.length > left) {
      torn_at_ = static_cast<std::int64_t>(off);
      break;
    }
    BlockTrailer t = load<BlockTrailer>(map_ + off + h.length - sizeof(BlockTrailer));
    if (std::memcmp(t.magic, kTrailerMagic, sizeof kTrailerMagic) != 0 ||
        t.header_crc != h.header_crc) {
      if (off + h.length == size_) {  // the last block, never finished
        torn_at_ = static_cast<std::int64_t>(off);
        break;
      }
      fail(off + h.length - sizeof(BlockTrailer),
           "generation " + std::to_string(h.index) + ": bad block trailer");
    }
    const std::uint64_t records_end =
        sizeof(BlockHeader) + std::uint64_t{h.kstat_count} * sizeof(KstatRecord);
    if (h.meta_end < records_end || h.meta_end > h.length - sizeof(BlockTrailer) ||
        h.meta_end % 8) {
      fail(off + offsetof(BlockHeader, meta_end),
           "generation " + std::to_string(h.index) + ": records out of bounds");
    }
    blocks_.push_back({off, h.length, h.wall_ns, h.mono_ns, h.kstat_count, h.meta_end});
    off += h.length;
    valid_end_ = off;
  }
  if (torn_at_ >= 0) {
    warnings_ = path_ + ": torn tail at offset " + std::to_string(torn_at_) + " skipped (" +
                std::to_string(size_ - static_cast<std::uint64_t>(torn_at_)) +
                " bytes of an unfinished generation)";
  }
}

std::string KssSource::description() const {
  std::string d = path_ + " (.kss, " + std::to_string(blocks_.size()) + " generation" +
                  (blocks_.size() == 1 ? "" : "s");
  if (!host_.empty()) d += ", host " + host_;
  d += ")";
  if (torn_at_ >= 0) d += " (torn tail at offset " + std::to_string(torn_at_) + " skipped)";
  return d;
}

void KssSource::check_meta(std::size_t g) {
  if (meta_ok_[g]) return;
  const Block& b = blocks_[g];
  BlockHeader h = load<BlockHeader>(map_ + b.off);
  if (crc32c(map_ + b.off + sizeof(BlockHeader), b.meta_end - sizeof(BlockHeader)) != h.meta_crc) {
    fail(b.off + sizeof(BlockHeader),
         "generation " + std::to_string(g) + ": records checksum mismatch");
  }
  meta_ok_[g] = true;
}

std::string_view KssSource::meta_str(std::size_t g, Str s, std::uint64_t rec_off) const {
  if (s.len == 0) return {};
  const Block& b = blocks_[g];
  const std::uint64_t lo = sizeof(BlockHeader) + std::uint64_t{b.kstats} * sizeof(KstatRecord);
  if (!within(s.off, s.len, lo, b.meta_end)) {
    fail(rec_off, "generation " + std::to_string(g) + ": string out of bounds");
  }
  return {reinterpret_cast<const char*>(map_ + b.off + s.off), s.len};
}

void KssSource::enumerate(Arena& arena, std::vector<KstatHeader>& out) {
  enumerated_ = true;
  if (!blocks_.empty()) enumerate_recorded(blocks_.size() - 1, arena, out);
}

void KssSource::enumerate_recorded(std::size_t g, Arena&, std::vector<KstatHeader>& out) {
  check_size();
  if (g >= blocks_.size()) {
    throw Error(Errc::constraint, path_ + ": no generation " + std::to_string(g));
  }
  check_meta(g);
  const Block& b = blocks_[g];
  out.reserve(out.size() + b.kstats);
  for (std::uint32_t i = 0; i < b.kstats; ++i) {
    const std::uint64_t rec_off =
        b.off + sizeof(BlockHeader) + std::uint64_t{i} * sizeof(KstatRecord);
    KstatRecord r = load<KstatRecord>(map_ + rec_off);
    if (r.type > kMaxKstatType)
      fail(rec_off, "generation " + std::to_string(g) + ": bad kstat type");
    if (r.extent_off % 8 != 0 ||
        !within(r.extent_off, r.extent_len, b.meta_end, b.length - sizeof(BlockTrailer))) {
      fail(rec_off, "generation " + std::to_string(g) + ": kstat data out of bounds");
    }
    KstatHeader h;
    h.module = meta_str(g, r.module, rec_off);
    h.name = meta_str(g, r.name, rec_off);
    h.klass = meta_str(g, r.klass, rec_off);
    h.host = meta_str(g, r.host, rec_off);
    h.instance = r.instance;
    h.id = r.id;
    h.crtime = r.crtime;
    h.unit = r.unit;
    h.data_size = r.hdr_data_size;
    h.ndata = r.hdr_ndata;
    h.type = static_cast<KstatType>(r.type);
    h.flags = r.flags;
    h.cookie = (static_cast<std::uint64_t>(g) << 32) | i;
    out.push_back(h);
  }
}

void KssSource::check_extent(std::size_t g, std::uint32_t i, const KstatRecord& r) {
  std::vector<bool>& ok = extent_ok_[g];
  if (ok.empty()) ok.assign(blocks_[g].kstats, false);
  if (ok[i]) return;
  const std::uint64_t at = blocks_[g].off + r.extent_off;
  if (crc32c(map_ + at, r.extent_len) != r.extent_crc) {
    fail(at, "generation " + std::to_string(g) + ": checksum mismatch in the data of kstat " +
                 std::to_string(i));
  }
  ok[i] = true;
}

// The map is MADV_RANDOM so point reads fault single pages; a full scan asks
// for the whole block at once instead. The block goes back to MADV_NORMAL
// first: under MADV_RANDOM the kernel also reads no pages ahead of a fault
// for WILLNEED's pages still in flight, so a cold scan took one major fault
// per 4 KiB page.
void KssSource::will_read_all(std::size_t g) {
  check_size();
  if (g >= blocks_.size()) return;
  const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t start = blocks_[g].off / page * page;
  const std::uint64_t end = std::min<std::uint64_t>(blocks_[g].off + blocks_[g].length, size_);
  void* at = const_cast<std::byte*>(map_) + start;
  (void)::madvise(at, end - start, MADV_NORMAL);
  (void)::madvise(at, end - start, MADV_WILLNEED);
}

void KssSource::read(const KstatHeader& header, Arena&, KstatData& out) {
  const std::size_t g = static_cast<std::size_t>(header.cookie >> 32);
  const auto i = static_cast<std::uint32_t>(header.cookie & 0xffffffffu);
  check_size();
  if (g < blocks_.size() && i < blocks_[g].kstats) {
    if (cache_.size() < blocks_.size()) cache_.resize(blocks_.size());
    std::vector<const KstatData*>& c = cache_[g];
    if (c.empty()) c.assign(blocks_[g].kstats, nullptr);
    if (const KstatData* d = c[i]) {
      out = *d;
      return;
    }
    KstatData* d = cache_arena_.make_array<KstatData>(1);
    read_uncached(header, cache_arena_, *d);  // throws before caching when the data is bad
    c[i] = d;
    out = *d;
    return;
  }
  read_uncached(header, cache_arena_, out);  // reports the bad cookie
}

void KssSource::bad_extent(std::size_t g, std::uint32_t i, const KstatRecord& r,
                           const char* what) const {
  fail(blocks_[g].off + r.extent_off,
       "generation " + std::to_string(g) + ": kstat " + std::to_string(i) + ": " + what);
}

void KssSource::read_uncached(const KstatHeader& header, Arena& arena, KstatData& out) {
  const std::size_t g = static_cast<std::size_t>(header.cookie >> 32);
  const auto i = static_cast<std::uint32_t>(header.cookie & 0xffffffffu);
  if (g >= blocks_.size() || i >= blocks_[g].kstats) {
    throw Error(Errc::internal, path_ + ": read of a kstat this source never listed");
  }
  check_meta(g);
  const Block& b = blocks_[g];
  const std::uint64_t rec_off =
      b.off + sizeof(BlockHeader) + std::uint64_t{i} * sizeof(KstatRecord);
  const KstatRecord r = load<KstatRecord>(map_ + rec_off);
  if (r.extent_off % 8 != 0 ||
      !within(r.extent_off, r.extent_len, b.meta_end, b.length - sizeof(BlockTrailer))) {
    fail(rec_off, "generation " + std::to_string(g) + ": kstat data out of bounds");
  }
  check_extent(g, i, r);
  const std::byte* ext = map_ + b.off + r.extent_off;
  const std::uint64_t len = r.extent_len;
  auto bad = [&](const char* what) { bad_extent(g, i, r, what); };
  if (!within(0, std::uint64_t{r.named_count} * sizeof(NamedRecord), 0, len))
    bad("named records out of bounds");
  if (!within(r.timers_off, std::uint64_t{r.timer_count} * sizeof(TimerRecord), 0, len) ||
      r.timers_off % 8) {
    bad("timer records out of bounds");
  }
  if (!within(r.raw_off, r.raw_len, 0, len)) bad("raw bytes out of bounds");
  if (!within(r.error.off, r.error.len, 0, len)) bad("error message out of bounds");
  out.snaptime = r.snaptime;
  out.err = r.err;
  out.error = r.error.len
                  ? std::string_view(reinterpret_cast<const char*>(ext + r.error.off), r.error.len)
                  : std::string_view{};
  out.ndata = r.ndata;
  out.data_size = r.data_size;
  if (r.parts & kHasIo) {
    if (!within(r.io_off, sizeof(IoStats), 0, len) || r.io_off % 8) bad("io record out of bounds");
    out.io = reinterpret_cast<const IoStats*>(ext + r.io_off);
  }
  if (r.parts & kHasIntr) {
    if (!within(r.intr_off, sizeof(IntrStats), 0, len) || r.intr_off % 4)
      bad("intr record out of bounds");
    out.intr = reinterpret_cast<const IntrStats*>(ext + r.intr_off);
  }
  if (r.raw_len) out.raw = {ext + r.raw_off, r.raw_len};
  if (r.named_count) read_named(g, i, rec_off, r, arena, out);
  if (r.timer_count) read_timers(g, rec_off, r, arena, out);
}

// The named statistics: names from the generation's metadata, string values
// within the kstat's extent.
void KssSource::read_named(std::size_t g, std::uint32_t i, std::uint64_t rec_off,
                           const KstatRecord& r, Arena& arena, KstatData& out) const {
  const std::byte* block = map_ + blocks_[g].off;
  const std::byte* ext = block + r.extent_off;
  const std::uint64_t len = r.extent_len;
  NamedStat* st = arena.make_array<NamedStat>(r.named_count);
  for (std::uint32_t k = 0; k < r.named_count; ++k) {
    const NamedRecord n = load<NamedRecord>(ext + std::uint64_t{k} * sizeof(NamedRecord));
    if (n.type > kMaxValueType || n.unit > kMaxUnit)
      bad_extent(g, i, r, "bad statistic type or unit");
    std::string_view name = meta_str(g, {n.name_off, n.name_len}, rec_off);
    st[k].name = name.data();
    st[k].name_len = n.name_len;
    st[k].type = static_cast<ValueType>(n.type);
    st[k].unit = static_cast<Unit>(n.unit);
    Repr rep = repr_of(st[k].type);
    if (rep == Repr::str || rep == Repr::blob) {
      if (n.str_len &&
          !within(n.v.str_off, n.str_len, r.extent_off, std::uint64_t{r.extent_off} + len)) {
        bad_extent(g, i, r, "string value out of bounds");
      }
      st[k].v.s = n.str_len ? reinterpret_cast<const char*>(block + n.v.str_off) : "";
      st[k].str_len = n.str_len;
    } else {
      st[k].v.u = n.v.u;
    }
  }
  out.named = {st, r.named_count};
}

void KssSource::read_timers(std::size_t g, std::uint64_t rec_off, const KstatRecord& r,
                            Arena& arena, KstatData& out) const {
  const std::byte* ext = map_ + blocks_[g].off + r.extent_off;
  TimerStat* ts = arena.make_array<TimerStat>(r.timer_count);
  for (std::uint32_t k = 0; k < r.timer_count; ++k) {
    const TimerRecord t =
        load<TimerRecord>(ext + r.timers_off + std::uint64_t{k} * sizeof(TimerRecord));
    std::string_view name = meta_str(g, {t.name_off, t.name_len}, rec_off);
    ts[k].name = name.data();
    ts[k].name_len = t.name_len;
    ts[k].num_events = t.num_events;
    ts[k].elapsed_time = t.elapsed_time;
    ts[k].min_time = t.min_time;
    ts[k].max_time = t.max_time;
    ts[k].start_time = t.start_time;
    ts[k].stop_time = t.stop_time;
  }
  out.timers = {ts, r.timer_count};
}

std::vector<RecordedInfo> KssSource::recorded_info() const {
  std::vector<RecordedInfo> v;
  v.reserve(blocks_.size());
  for (std::size_t g = 0; g < blocks_.size(); ++g) {
    v.push_back({g, blocks_[g].wall_ns, blocks_[g].kstats, blocks_[g].length, host_});
  }
  return v;
}

bool is_kss_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[sizeof kFileMagic];
  ssize_t n;
  do {
    n = ::read(fd, buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  return n == static_cast<ssize_t>(sizeof buf) && has_file_magic({buf, sizeof buf});
}

std::shared_ptr<Source> open_kss_source(const std::string& path) {
  return std::make_shared<KssSource>(path);
}

}  // namespace kstatsql::engine
