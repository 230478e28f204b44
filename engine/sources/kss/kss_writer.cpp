// engine/sources/kss/kss_writer.cpp — building and appending .kss generation blocks.
//
// A block is built whole in memory (two passes: first intern every identity
// and statistic name into the meta pool, so the records' size and the pool's
// are known; then lay out each kstat's extent), then written with one
// write(2) loop and fsync'ed. Building in memory keeps the file append-only:
// nothing is ever patched in place.
#include "engine/sources/kss/kss_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <unordered_map>

#include "engine/sources/kss/kss_reader.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

using namespace kss;

KssHostInfo KssHostInfo::local() {
  KssHostInfo h;
  struct utsname u {};
  if (::uname(&u) == 0) {
    h.host = u.nodename;
    h.sysname = u.sysname;
    h.release = u.release;
    h.version = u.version;
    h.machine = u.machine;
  }
  return h;
}

namespace {

void require_little_endian(const std::string& path) {
  if constexpr (std::endian::native != std::endian::little) {
    throw Error(Errc::unsupported, path +
                                       ": .kss files are little-endian; this big-endian build "
                                       "cannot write them (docs/kss-format.md)");
  }
}

// A growing byte buffer with 8-byte alignment helpers.
class Buf {
 public:
  std::size_t size() const noexcept { return b_.size(); }
  std::byte* at(std::size_t off) noexcept { return b_.data() + off; }
  const std::byte* data() const noexcept { return b_.data(); }
  std::size_t put(const void* p, std::size_t n) {
    std::size_t off = b_.size();
    const auto* bytes = static_cast<const std::byte*>(p);
    if (n) b_.insert(b_.end(), bytes, bytes + n);
    return off;
  }
  void pad8() { b_.resize(align8(b_.size())); }
  void reserve(std::size_t n) { b_.reserve(n); }
  template <typename T>
  T* obj(std::size_t off) noexcept {
    return reinterpret_cast<T*>(b_.data() + off);
  }

 private:
  std::vector<std::byte> b_;
};

std::uint32_t u32(std::uint64_t v, const std::string& path) {
  if (v > kMaxBlock) {
    throw Error(Errc::unsupported, path + ": generation too large for one .kss block (over 4 GiB)");
  }
  return static_cast<std::uint32_t>(v);
}

// The meta pool: identity strings and statistic names, each stored once.
class Pool {
 public:
  explicit Pool(std::size_t base) : base_(base) {}
  void add(std::string_view s) {
    if (s.empty()) return;
    auto [it, inserted] = index_.try_emplace(s, 0);
    if (inserted) {
      it->second = base_ + bytes_.size();
      bytes_.append(s);
    }
  }
  Str get(std::string_view s) const {
    if (s.empty()) return {};
    return {static_cast<std::uint32_t>(index_.at(s)), static_cast<std::uint32_t>(s.size())};
  }
  void rebase(std::size_t base) {
    for (auto& [k, v] : index_) v = v - base_ + base;
    base_ = base;
  }
  const std::string& bytes() const noexcept { return bytes_; }

 private:
  std::size_t base_;
  std::string bytes_;
  std::unordered_map<std::string_view, std::uint64_t> index_;
};

// Lays out one kstat's extent at the end of `b`; fills the extent fields of `r`.
void put_extent(Buf& b, std::size_t block_off, const KssEntry& e, const Pool& pool, KstatRecord& r,
                const std::string& path) {
  const KstatData& d = *e.data;
  const std::size_t ext = b.size();
  // Named records first, their string values at the end of the extent.
  std::size_t named_at = b.size();
  for (std::size_t k = 0; k < d.named.size(); ++k) {
    NamedRecord n{};
    b.put(&n, sizeof n);
  }
  std::size_t timers_at = b.size();
  for (const TimerStat& t : d.timers) {
    TimerRecord tr{};
    Str s = pool.get(t.name_view());
    tr.name_off = s.off;
    tr.name_len = s.len;
    tr.num_events = t.num_events;
    tr.elapsed_time = t.elapsed_time;
    tr.min_time = t.min_time;
    tr.max_time = t.max_time;
    tr.start_time = t.start_time;
    tr.stop_time = t.stop_time;
    b.put(&tr, sizeof tr);
  }
  r.io_off = r.intr_off = kAbsent;
  if (d.io) {
    r.io_off = u32(b.put(d.io, sizeof(IoStats)) - ext, path);
    r.parts |= kHasIo;
  }
  if (d.intr) {
    r.intr_off = u32(b.put(d.intr, sizeof(IntrStats)) - ext, path);
    r.parts |= kHasIntr;
    b.pad8();
  }
  r.raw_off = u32(b.size() - ext, path);
  r.raw_len = u32(d.raw.size(), path);
  b.put(d.raw.data(), d.raw.size());
  b.pad8();
  for (std::size_t k = 0; k < d.named.size(); ++k) {
    const NamedStat& s = d.named[k];
    NamedRecord n{};
    Str nm = pool.get(s.name_view());
    n.name_off = nm.off;
    n.name_len = nm.len;
    n.type = static_cast<std::uint8_t>(s.type);
    n.unit = static_cast<std::uint8_t>(s.unit);
    Repr rep = repr_of(s.type);
    if (rep == Repr::str || rep == Repr::blob) {
      n.str_len = s.str_len;
      n.v.str_off = s.str_len ? b.put(s.v.s, s.str_len) - block_off : 0;
    } else if (rep == Repr::null) {
      n.v.u = 0;
    } else {
      n.v.u = s.v.u;
    }
    std::memcpy(b.at(named_at + k * sizeof(NamedRecord)), &n, sizeof n);
  }
  if (!d.error.empty()) {
    r.error.off = u32(b.put(d.error.data(), d.error.size()) - ext, path);
    r.error.len = u32(d.error.size(), path);
  }
  b.pad8();
  r.named_count = static_cast<std::uint32_t>(d.named.size());
  r.timer_count = static_cast<std::uint32_t>(d.timers.size());
  r.timers_off = u32(timers_at - ext, path);
  r.extent_off = u32(ext - block_off, path);
  r.extent_len = u32(b.size() - ext, path);
  r.extent_crc = crc32c(b.at(ext), b.size() - ext);
}

}  // namespace

KssWriter::KssWriter(std::string path, Mode mode, const KssHostInfo& info)
    : path_(std::move(path)) {
  require_little_endian(path_);
  if (mode == Mode::append && open_existing()) return;
  const Created c = create_file(mode);
  try {
    write_file_header(info);
    if (!c.temp.empty() && ::rename(c.temp.c_str(), path_.c_str()) != 0) {
      throw_errno(path_ + ": replacing it with " + c.temp, errno);
    }
    sync_directory();
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    // A failed creation leaves nothing behind: not a 0-byte file, not the temporary.
    if (!c.temp.empty())
      ::unlink(c.temp.c_str());
    else if (c.created)
      ::unlink(path_.c_str());
    throw;
  }
}

// Mode::append over a non-empty file: validates it, cuts its torn tail and
// opens it for appending. False when there is nothing to append to.
bool KssWriter::open_existing() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0 || st.st_size == 0) return false;
  KssSource existing(path_);  // validates; throws on damage other than a torn tail
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) throw_errno(path_, errno);
  end_ = existing.valid_end();
  next_index_ = existing.recorded_count();
  if (existing.torn_offset() >= 0) {
    cut_at_ = existing.torn_offset();
    if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0)
      throw_errno(path_ + ": cutting torn tail", errno);
  }
  return true;
}

// Opens the file a new recording is written to. Mode::truncate never
// shrinks a regular file in place (a reader may have it mapped, and would
// fault): it writes a new file beside it, renamed over it once its header
// is written, keeping the old file's permissions. Other files (devices)
// are opened in place.
KssWriter::Created KssWriter::create_file(Mode mode) {
  Created c;
  struct stat st {};
  const bool exists = ::stat(path_.c_str(), &st) == 0;
  if (mode == Mode::truncate && (!exists || S_ISREG(st.st_mode))) {
    for (int attempt = 0; fd_ < 0 && attempt < 100; ++attempt) {
      c.temp = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
      fd_ = ::open(c.temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd_ < 0 && errno != EEXIST) break;
    }
    if (fd_ < 0) throw_errno(path_ + ": creating " + c.temp, errno);
    if (exists) (void)::fchmod(fd_, st.st_mode & 07777);
    return c;
  }
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == Mode::create ? O_EXCL : 0);
  fd_ = ::open(path_.c_str(), flags, 0644);
  if (fd_ < 0) throw_errno(path_, errno);
  c.created = mode == Mode::create || !exists;
  return c;
}

void KssWriter::write_file_header(const KssHostInfo& info) {
  Buf b;
  FileHeader fh{};
  b.put(&fh, sizeof fh);
  auto put_str = [&](const std::string& s) {
    return Str{static_cast<std::uint32_t>(b.put(s.data(), s.size())),
               static_cast<std::uint32_t>(s.size())};
  };
  Str host = put_str(info.host), sys = put_str(info.sysname), rel = put_str(info.release),
      ver = put_str(info.version), mach = put_str(info.machine);
  b.pad8();
  FileHeader* h = b.obj<FileHeader>(0);
  std::memcpy(h->magic, kFileMagic, sizeof kFileMagic);
  h->version = kVersion;
  h->endian = kEndianMark;
  h->header_size = static_cast<std::uint32_t>(b.size());
  h->created_ns = realtime_ns();
  h->host = host;
  h->sysname = sys;
  h->release = rel;
  h->version_str = ver;
  h->machine = mach;
  h->header_crc = crc32c(b.data(), b.size());
  write_all(b.data(), b.size(), "writing the file header");
  end_ = b.size();
  if (::fsync(fd_) != 0) throw_errno(path_ + ": fsync", errno);
}

// Makes the new directory entry durable too.
void KssWriter::sync_directory() const {
  std::string dir =
      path_.find('/') == std::string::npos ? "." : path_.substr(0, path_.rfind('/') + 1);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

KssWriter::~KssWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void KssWriter::write_all(const void* p, std::size_t n, const std::string& what) {
  const auto* c = static_cast<const char*>(p);
  std::size_t done = 0;
  while (done < n) {
    ssize_t w = ::pwrite(fd_, c + done, n - done, static_cast<off_t>(end_ + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int err = w < 0 ? errno : EIO;
      (void)::ftruncate(fd_, static_cast<off_t>(end_));  // drop the partial block
      throw_errno(path_ + ": " + what + " at offset " + std::to_string(end_), err);
    }
    done += static_cast<std::size_t>(w);
  }
}

std::uint64_t KssWriter::append(std::span<const KssEntry> entries, std::int64_t wall_ns,
                                std::int64_t mono_ns) {
  const std::size_t n = entries.size();
  const std::size_t records_at = sizeof(BlockHeader);
  Pool pool(0);
  for (const KssEntry& e : entries) {
    pool.add(e.header->module);
    pool.add(e.header->name);
    pool.add(e.header->klass);
    pool.add(e.header->host);
    for (const NamedStat& s : e.data->named) pool.add(s.name_view());
    for (const TimerStat& t : e.data->timers) pool.add(t.name_view());
  }
  const std::size_t pool_at = records_at + n * sizeof(KstatRecord);
  pool.rebase(pool_at);
  Buf b;
  BlockHeader bh{};
  b.put(&bh, sizeof bh);
  {
    std::vector<KstatRecord> zero(n);
    b.put(zero.data(), n * sizeof(KstatRecord));
  }
  b.put(pool.bytes().data(), pool.bytes().size());
  b.pad8();
  const std::uint64_t meta_end = b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const KstatHeader& h = *entries[i].header;
    const KstatData& d = *entries[i].data;
    KstatRecord r{};
    r.module = pool.get(h.module);
    r.name = pool.get(h.name);
    r.klass = pool.get(h.klass);
    r.host = pool.get(h.host);
    r.instance = h.instance;
    r.unit = h.unit;
    r.id = h.id;
    r.crtime = h.crtime;
    r.snaptime = d.snaptime;
    r.hdr_data_size = h.data_size;
    r.data_size = d.data_size;
    r.hdr_ndata = h.ndata;
    r.ndata = d.ndata;
    r.err = d.err;
    r.type = static_cast<std::uint8_t>(h.type);
    r.flags = h.flags;
    put_extent(b, 0, entries[i], pool, r, path_);
    std::memcpy(b.at(records_at + i * sizeof(KstatRecord)), &r, sizeof r);
  }
  BlockTrailer tr{};
  b.put(&tr, sizeof tr);
  BlockHeader* hp = b.obj<BlockHeader>(0);
  std::memcpy(hp->magic, kBlockMagic, sizeof kBlockMagic);
  hp->length = b.size();
  hp->index = next_index_;
  hp->wall_ns = wall_ns;
  hp->mono_ns = mono_ns;
  hp->kstat_count = static_cast<std::uint32_t>(n);
  hp->meta_end = u32(meta_end, path_);
  (void)u32(b.size(), path_);
  hp->meta_crc = crc32c(b.at(records_at), meta_end - records_at);
  hp->header_crc = crc32c(b.data(), offsetof(BlockHeader, header_crc));
  BlockTrailer* tp = b.obj<BlockTrailer>(b.size() - sizeof(BlockTrailer));
  std::memcpy(tp->magic, kTrailerMagic, sizeof kTrailerMagic);
  tp->header_crc = hp->header_crc;

  write_all(b.data(), b.size(), "writing generation " + std::to_string(next_index_));
  if (sync_ && ::fsync(fd_) != 0) {
    int err = errno;
    (void)::ftruncate(fd_, static_cast<off_t>(end_));
    throw_errno(path_ + ": fsync of generation " + std::to_string(next_index_), err);
  }
  end_ += b.size();
  ++next_index_;
  last_kstats_ = n;
  return b.size();
}

std::uint64_t KssWriter::append(const Generation& gen, const SelectorSet* select) {
  std::vector<KssEntry> entries;
  std::vector<KstatData> filtered;  // statistic-filtered copies (stable addresses: reserved)
  std::vector<std::vector<NamedStat>> rows;
  const bool by_stat = select && !select->empty() &&
                       std::any_of(select->selectors().begin(), select->selectors().end(),
                                   [](const Selector& s) { return !s.matches_every_statistic(); });
  const std::vector<std::uint32_t> every = gen.all();
  entries.reserve(every.size());
  if (by_stat) {
    filtered.reserve(every.size());
    rows.reserve(every.size());
  }
  for (std::uint32_t i : every) {
    const KstatHeader& h = gen.header(i);
    if (select && !select->empty() && !select->matches(h)) continue;
    const KstatData& d = gen.data(i);
    if (!by_stat) {
      entries.push_back({&h, &d});
      continue;
    }
    std::vector<NamedStat> keep;
    for (const NamedStat& s : d.named) {
      if (select->matches_statistic(h, s.name_view())) keep.push_back(s);
    }
    if (keep.empty()) continue;
    rows.push_back(std::move(keep));
    KstatData copy = d;
    copy.named = rows.back();
    filtered.push_back(copy);
    entries.push_back({&h, &filtered.back()});
  }
  std::int64_t wall = gen.started_ns();
  std::int64_t mono = monotonic_ns();
  if (gen.replayable()) {  // a converted recording: keep its time; its monotonic clock is unknown
    wall = gen.source().source->recorded_time(static_cast<std::size_t>(gen.recorded_index()));
    mono = 0;
  }
  return append(entries, wall, mono);
}

}  // namespace kstatsql::engine
