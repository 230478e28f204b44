// engine/sources/openbsd/openbsd_source.cpp — the OpenBSD live source, over /dev/kstat ioctls.
//
// Compiled natively on OpenBSD (real <sys/kstat.h>) and, on Linux, into the
// test binary against tests/fakes/openbsd with a fake /dev/kstat injected
// through DevKstatOps.
//
// Why it is shaped this way:
//  * The kernel answers every request against a version of the kstat set;
//    a request carrying an old version fails with EINVAL. The source keeps
//    the version it enumerated with; EINVAL means "resynchronise": re-read
//    the version, note that the set changed, and retry.
//  * FIND_ID copies min(our buffer, ks_datalen) bytes and reports the full
//    ks_datalen, so a short buffer is detected after the call: grow, retry.
//  * kv data: a kstat_kv (40 bytes) per entry; STR and BYTES carry v_len
//    trailing bytes after their kv, padded to 8 (kstat(1)'s walk). Every
//    length is checked against ks_datalen.
//  * Class: OpenBSD has none; klass is "" (the type column already says
//    kv/raw). The fourth identity part is kept in KstatHeader::unit.
// <sys/kstat.h> expects uint64_t and struct timespec to be declared already.
#include <sys/types.h>
#include <sys/time.h>
#include <sys/kstat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/sources/openbsd/openbsd_source.hpp"
#include "engine/posix_error.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

namespace {

constexpr int kTries = 5;               // EINVAL resyncs / buffer growths per read
constexpr int kEnumerateRestarts = 16;  // version changes tolerated during one listing
constexpr std::size_t kMinBuffer = 4096;

std::int64_t ns(const timespec& ts) {
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL +
         static_cast<std::int64_t>(ts.tv_nsec);
}

std::string_view bounded(const char* s, std::size_t max) {
  return {s, ::strnlen(s, max)};
}

std::string identity(const KstatHeader& h) {
  return fmt::format("{}:{}:{}:{}", h.module, h.instance, h.name, h.unit);
}

// KSTAT_KV_T_* and KSTAT_KV_U_* by number (sys/kstat.h v1.4): older system
// headers lack the newer names, and a newer kernel may send any of them.
enum Kv : unsigned {
  kv_null = 0,
  kv_bool = 1,
  kv_counter64 = 2,
  kv_counter32 = 3,
  kv_uint64 = 4,
  kv_int64 = 5,
  kv_uint32 = 6,
  kv_int32 = 7,
  kv_istr = 8,
  kv_str = 9,
  kv_bytes = 10,
  kv_temp = 11,
  kv_counter16 = 12,
  kv_uint16 = 13,
  kv_int16 = 14,
  kv_freq = 15,
  kv_volts_dc = 16,
  kv_volts_ac = 17,
  kv_amps = 18,
  kv_watts = 19,
};
enum KvUnit : unsigned { kvu_none = 0, kvu_packets = 1, kvu_bytes = 2, kvu_cycles = 3 };

// KSTAT_KV_T_* → ValueType, and the unit a type implies.
struct KvKind {
  ValueType type;
  Unit unit;
};
bool kv_kind(unsigned t, KvKind& k) {
  switch (t) {
    case kv_null:
      k = {ValueType::null, Unit::none};
      return true;
    case kv_bool:
      k = {ValueType::boolean, Unit::none};
      return true;
    case kv_counter64:
    case kv_counter32:
    case kv_counter16:
      k = {ValueType::counter, Unit::none};
      return true;
    case kv_uint64:
      k = {ValueType::uint64, Unit::none};
      return true;
    case kv_int64:
      k = {ValueType::int64, Unit::none};
      return true;
    case kv_uint32:
    case kv_uint16:
      k = {ValueType::uint32, Unit::none};
      return true;
    case kv_int32:
    case kv_int16:
      k = {ValueType::int32, Unit::none};
      return true;
    case kv_istr:
    case kv_str:
      k = {ValueType::string, Unit::none};
      return true;
    case kv_bytes:
      k = {ValueType::bytes, Unit::none};
      return true;
    case kv_temp:
      k = {ValueType::temp, Unit::ukelvin};
      return true;
    case kv_freq:
      k = {ValueType::freq, Unit::hz};
      return true;
    case kv_volts_dc:
      k = {ValueType::volts_dc, Unit::uvolts};
      return true;
    case kv_volts_ac:
      k = {ValueType::volts_ac, Unit::uvolts};
      return true;
    case kv_amps:
      k = {ValueType::amps, Unit::uamps};
      return true;
    case kv_watts:
      k = {ValueType::watts, Unit::uwatts};
      return true;
    default:
      return false;
  }
}

Unit kv_unit(unsigned u, Unit implied) {
  switch (u) {
    case kvu_packets:
      return Unit::packets;
    case kvu_bytes:
      return Unit::bytes;
    case kvu_cycles:
      return Unit::cycles;
    default:
      return implied;  // NONE, or a unit this build does not know
  }
}

// The first n bytes of the value union as an integer (v_u16, v_s32, ...).
template <typename T>
T kv_value(const kstat_kv& kv) {
  T v;
  std::memcpy(&v, &kv.kv_v, sizeof v);
  return v;
}

static_assert(sizeof(kstat_kv::kv_type) == sizeof(unsigned) &&
              sizeof(kstat_kv::kv_unit) == sizeof(unsigned));

// Decodes a kv buffer. Returns an error message for a malformed buffer.
// An unknown kv type (a newer kernel) ends the walk like kstat(1) does: its
// trailing length is unknowable. The entry is kept as a NULL-valued statistic
// so the truncation is visible.
std::string decode_kv(const std::byte* data, std::size_t len, Arena& arena, KstatData& out) {
  std::vector<NamedStat> stats;
  std::size_t off = 0;
  while (len - off >= sizeof(kstat_kv)) {
    kstat_kv kv;
    std::memcpy(&kv, data + off, sizeof kv);
    off += sizeof kv;
    NamedStat s;
    std::string_view key = arena.copy(bounded(kv.kv_key, KSTAT_KV_NAMELEN));
    s.name = key.data();
    s.name_len = static_cast<std::uint32_t>(key.size());
    KvKind k;
    // kv_type and kv_unit are C enums; a newer kernel may send values the
    // enum cannot hold in C++, so they are read as plain integers.
    unsigned type = 0, unit = 0;
    std::memcpy(&type, data + off - sizeof kv + offsetof(kstat_kv, kv_type), sizeof type);
    std::memcpy(&unit, data + off - sizeof kv + offsetof(kstat_kv, kv_unit), sizeof unit);
    if (!kv_kind(type, k)) {
      s.type = ValueType::null;
      stats.push_back(s);
      break;
    }
    s.type = k.type;
    s.unit = kv_unit(unit, k.unit);
    switch (type) {
      case kv_bool:
        s.v.u = kv_value<unsigned>(kv) != 0 ? 1 : 0;
        break;
      case kv_counter32:
      case kv_uint32:
        s.v.u = kv_value<std::uint32_t>(kv);
        break;
      case kv_counter16:
      case kv_uint16:
        s.v.u = kv_value<std::uint16_t>(kv);
        break;
      case kv_int64:
        s.v.i = kv_value<std::int64_t>(kv);
        break;
      case kv_int32:
        s.v.i = kv_value<std::int32_t>(kv);
        break;
      case kv_int16:
        s.v.i = kv_value<std::int16_t>(kv);
        break;
      case kv_istr: {
        std::string_view v = arena.copy(bounded(kv.kv_v.v_istr, sizeof kv.kv_v.v_istr));
        s.v.s = v.data();
        s.str_len = static_cast<std::uint32_t>(v.size());
        break;
      }
      case kv_str:
      case kv_bytes: {
        const std::size_t blen = kv.kv_v.v_len;
        if (blen > len - off)
          return fmt::format("kv '{}': {} trailing bytes, only {} left in ks_datalen {}", key, blen,
                             len - off, len);
        const char* p = reinterpret_cast<const char*>(data + off);
        std::string_view v =
            type == kv_str ? arena.copy(bounded(p, blen)) : arena.copy(std::string_view(p, blen));
        s.v.s = v.data();
        s.str_len = static_cast<std::uint32_t>(v.size());
        const std::size_t padded = (blen + KSTAT_KV_ALIGN - 1) / KSTAT_KV_ALIGN * KSTAT_KV_ALIGN;
        off += padded < len - off ? padded : len - off;
        break;
      }
      case kv_null:
        break;
      default:
        s.v.u = kv_value<std::uint64_t>(kv);
        break;  // COUNTER64 UINT64 TEMP FREQ VOLTS AMPS WATTS
    }
    stats.push_back(s);
  }
  out.named = arena.copy_span(std::span<const NamedStat>(stats));
  out.ndata = static_cast<std::uint32_t>(stats.size());
  return {};
}

class OpenBsdSource final : public Source {
 public:
  explicit OpenBsdSource(const DevKstatOps& ops) : ops_(ops) {
    fd_ = ops_.open("/dev/kstat", O_RDONLY);
    if (fd_ == -1) throw posix_error("/dev/kstat", errno);
    try {
      version_ = current_version();
    } catch (...) {
      ops_.close(fd_);
      throw;
    }
  }
  ~OpenBsdSource() override { ops_.close(fd_); }
  OpenBsdSource(const OpenBsdSource&) = delete;
  OpenBsdSource& operator=(const OpenBsdSource&) = delete;

  std::string description() const override { return "live OpenBSD (/dev/kstat)"; }
  bool changed() override {
    return !enumerated_ || resync_ || current_version() != enumerated_version_;
  }
  void enumerate(Arena& arena, std::vector<KstatHeader>& out) override;
  void read(const KstatHeader& h, Arena& arena, KstatData& out) override;

 private:
  unsigned current_version() {
    unsigned v = 0;
    if (ops_.ioctl(fd_, KSTATIOC_VERSION, &v) == -1)
      throw posix_error("/dev/kstat: KSTATIOC_VERSION", errno);
    return v;
  }
  bool list(Arena& arena, std::vector<KstatHeader>& out);

  DevKstatOps ops_;
  int fd_ = -1;
  unsigned version_ = 0;             // the version requests carry
  unsigned enumerated_version_ = 0;  // the version of the last complete listing
  bool enumerated_ = false;
  bool resync_ = false;  // an EINVAL seen since the last listing
  std::vector<std::byte> buf_;
};

// One NFIND_ID walk. Returns false when the version moved under it (the
// caller restarts); throws on any other failure.
bool OpenBsdSource::list(Arena& arena, std::vector<KstatHeader>& out) {
  std::uint64_t id = 1;  // ids start at 1; NFIND finds the first id >= ks_id
  for (;;) {
    kstat_req req;
    std::memset(&req, 0, sizeof req);
    req.ks_version = version_;
    req.ks_id = id;
    if (ops_.ioctl(fd_, KSTATIOC_NFIND_ID, &req) == -1) {
      if (errno == ENOENT) return true;
      if (errno == EINVAL) return false;
      const int err = errno;
      throw posix_error(fmt::format("/dev/kstat: KSTATIOC_NFIND_ID {}", id), err);
    }
    KstatHeader h;
    h.module = arena.copy(bounded(req.ks_provider, KSTAT_STRLEN));
    h.name = arena.copy(bounded(req.ks_name, KSTAT_STRLEN));
    h.klass = arena.copy("");
    h.instance = req.ks_instance;
    h.unit = req.ks_unit;
    h.id = static_cast<std::int64_t>(req.ks_id);
    h.crtime = ns(req.ks_created);
    h.type = req.ks_type == KSTAT_T_KV ? KstatType::named : KstatType::raw;
    h.data_size = req.ks_datalen;
    h.cookie = req.ks_id;
    out.push_back(h);
    if (req.ks_id == UINT64_MAX) return true;
    id = req.ks_id + 1;
  }
}

void OpenBsdSource::enumerate(Arena& arena, std::vector<KstatHeader>& out) {
  const std::size_t start = out.size();
  for (int restart = 0; restart < kEnumerateRestarts; ++restart) {
    version_ = current_version();
    if (list(arena, out)) {
      enumerated_version_ = version_;
      enumerated_ = true;
      resync_ = false;
      return;
    }
    out.resize(start);  // the set changed while we listed it: list again
  }
  throw Error(Errc::io, fmt::format("/dev/kstat: the kstat set kept changing during {} listings",
                                    kEnumerateRestarts));
}

void OpenBsdSource::read(const KstatHeader& h, Arena& arena, KstatData& out) {
  out = KstatData{};
  if (buf_.size() < h.data_size || buf_.size() < kMinBuffer)
    buf_.resize(h.data_size > kMinBuffer ? h.data_size : kMinBuffer);
  kstat_req req;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    std::memset(&req, 0, sizeof req);
    req.ks_version = version_;
    req.ks_id = h.cookie;
    req.ks_data = buf_.data();
    req.ks_datalen = buf_.size();
    if (ops_.ioctl(fd_, KSTATIOC_FIND_ID, &req) == -1) {
      int err = errno;
      if (err == EINVAL) {  // the set changed: resynchronise and ask again
        version_ = current_version();
        resync_ = true;
        continue;
      }
      const std::string context = fmt::format("{}: KSTATIOC_FIND_ID", identity(h));
      set_read_error(
          out, arena, err,
          err == ENOENT ? context + ": kstat no longer exists" : errno_message(context, err));
      return;
    }
    if (req.ks_datalen > buf_.size()) {  // data grew beyond our buffer
      buf_.resize(req.ks_datalen);
      continue;
    }
    out.snaptime = ns(req.ks_updated);
    out.data_size = req.ks_datalen;
    if (req.ks_type == KSTAT_T_KV) {
      if (std::string msg = decode_kv(buf_.data(), req.ks_datalen, arena, out); !msg.empty())
        set_read_error(out, arena, EOVERFLOW, identity(h) + ": " + msg);
    } else if (req.ks_datalen > 0) {
      out.raw = arena.copy_span(std::span<const std::byte>(buf_.data(), req.ks_datalen));
    }
    return;
  }
  set_read_error(
      out, arena, req.ks_datalen > buf_.size() ? EOVERFLOW : EAGAIN,
      fmt::format("{}: KSTATIOC_FIND_ID: no stable answer after {} tries", identity(h), kTries));
}

}  // namespace

std::shared_ptr<Source> make_openbsd_source(const DevKstatOps* ops) {
  return std::make_shared<OpenBsdSource>(ops != nullptr ? *ops : kSystemDevKstatOps);
}

}  // namespace kstatsql::engine
