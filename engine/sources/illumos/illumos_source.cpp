// engine/sources/illumos/illumos_source.cpp — the illumos / Solaris live source, over libkstat.
//
// Compiled natively on SunOS (real <kstat.h>, -lkstat) and, on Linux, into the
// test binary against tests/fakes/illumos (same include paths, same ABI).
//
// Why it is shaped this way:
//  * libkstat owns every kstat_t and frees the ones that left the chain at
//    kstat_chain_update(). A header of an older generation may name a kstat
//    that is gone, so headers carry only ks_kid (ids are never reused), and
//    read() finds the kstat_t through a kid → kstat_t* index that is rebuilt
//    whenever the chain id moved. No pointer survives a chain update.
//  * kstat_read() leaves the data in ksp->ks_data (a libkstat buffer that the
//    next read overwrites or reallocates), so everything is copied into the
//    generation arena before read() returns; STRING values are bounded by
//    ks_data_size, never followed blindly.
//  * The source is not thread-safe (libkstat is MT-unsafe per handle); the
//    Session serialises calls. One kstat_ctl_t per source.
#include <kstat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "engine/sources/illumos/illumos_source.hpp"
#include "engine/posix_error.hpp"
#include "engine/raw_decode.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

namespace {

constexpr int kReadTries = 5;  // EAGAIN retries before the kstat is recorded as failed

std::string_view bounded(const char* s, std::size_t max) {
  return {s, ::strnlen(s, max)};
}

std::string identity(const KstatHeader& h) {
  return fmt::format("{}:{}:{}", h.module, h.instance, h.name);
}

class IllumosSource final : public Source {
 public:
  IllumosSource() {
    errno = 0;
    kc_ = ::kstat_open();
    if (kc_ == nullptr) {
      int e = errno != 0 ? errno : EIO;
      throw posix_error("kstat_open", e);
    }
  }
  ~IllumosSource() override { ::kstat_close(kc_); }
  IllumosSource(const IllumosSource&) = delete;
  IllumosSource& operator=(const IllumosSource&) = delete;

  std::string description() const override { return "live illumos (libkstat)"; }
  bool changed() override;
  void enumerate(Arena& arena, std::vector<KstatHeader>& out) override;
  void read(const KstatHeader& h, Arena& arena, KstatData& out) override;

 private:
  void update_chain();
  kstat_t* find(kid_t kid);
  std::string copy_data(const KstatHeader& h, const kstat_t& ks, Arena& arena, KstatData& out);
  std::string copy_named(const kstat_t& ks, Arena& arena, KstatData& out);

  kstat_ctl_t* kc_ = nullptr;
  bool enumerated_ = false;
  bool moved_ = true;       // the chain changed since the last enumerate()
  kid_t index_chain_ = -1;  // kc_chain_id the index was built from
  std::unordered_map<kid_t, kstat_t*> index_;
};

// kstat_chain_update(): 0 unchanged, -1 error, else the new chain id.
void IllumosSource::update_chain() {
  kid_t r = ::kstat_chain_update(kc_);
  if (r == -1) throw posix_error("kstat_chain_update", errno);
  if (r != 0) moved_ = true;
}

bool IllumosSource::changed() {
  update_chain();
  return moved_ || !enumerated_;
}

kstat_t* IllumosSource::find(kid_t kid) {
  if (index_chain_ != kc_->kc_chain_id) {
    index_.clear();
    for (kstat_t* k = kc_->kc_chain; k != nullptr; k = k->ks_next) index_.emplace(k->ks_kid, k);
    index_chain_ = kc_->kc_chain_id;
  }
  auto it = index_.find(kid);
  return it == index_.end() ? nullptr : it->second;
}

void IllumosSource::enumerate(Arena& arena, std::vector<KstatHeader>& out) {
  update_chain();
  for (const kstat_t* k = kc_->kc_chain; k != nullptr; k = k->ks_next) {
    KstatHeader h;
    h.module = arena.copy(bounded(k->ks_module, KSTAT_STRLEN));
    h.name = arena.copy(bounded(k->ks_name, KSTAT_STRLEN));
    h.klass = arena.copy(bounded(k->ks_class, KSTAT_STRLEN));
    h.instance = k->ks_instance;
    h.id = k->ks_kid;
    h.crtime = k->ks_crtime;
    h.type = k->ks_type < KSTAT_NUM_TYPES ? static_cast<KstatType>(k->ks_type) : KstatType::raw;
    h.flags = k->ks_flags;
    h.ndata = k->ks_ndata;
    h.data_size = k->ks_data_size;
    h.cookie = static_cast<std::uint64_t>(static_cast<std::uint32_t>(k->ks_kid));
    out.push_back(h);
  }
  enumerated_ = true;
  moved_ = false;
}

void IllumosSource::read(const KstatHeader& h, Arena& arena, KstatData& out) {
  out = KstatData{};
  const kid_t kid = static_cast<kid_t>(h.id);
  int err = 0;
  for (int attempt = 0; attempt < kReadTries; ++attempt) {
    kstat_t* ks = find(kid);
    if (ks == nullptr) {
      set_read_error(out, arena, ENXIO, identity(h) + ": kstat no longer exists (chain changed)");
      return;
    }
    errno = 0;
    kid_t r = ::kstat_read(kc_, ks, nullptr);
    if (r != -1) {
      // The read returns the kernel's current chain id: a different one means
      // kstats came or went; the next generation re-enumerates.
      if (r != kc_->kc_chain_id) moved_ = true;
      std::string msg = copy_data(h, *ks, arena, out);
      if (!msg.empty()) set_read_error(out, arena, EOVERFLOW, msg);
      return;
    }
    err = errno != 0 ? errno : EIO;
    if (err == EAGAIN) continue;
    if (err == ENXIO) {
      // Gone since enumeration: drop it from the chain (this frees its
      // kstat_t; the index is rebuilt on next use).
      update_chain();
      set_read_error(out, arena, ENXIO, identity(h) + ": kstat_read: kstat no longer exists");
      return;
    }
    break;
  }
  std::string msg = errno_message(fmt::format("{}: kstat_read", identity(h)), err);
  if (err == EAGAIN) msg += fmt::format(" (still busy after {} tries)", kReadTries);
  set_read_error(out, arena, err, msg);
}

std::string IllumosSource::copy_data(const KstatHeader& h, const kstat_t& ks, Arena& arena,
                                     KstatData& out) {
  out.snaptime = ks.ks_snaptime;
  out.ndata = ks.ks_ndata;
  out.data_size = ks.ks_data_size;
  if (ks.ks_data == nullptr && ks.ks_data_size > 0)
    return fmt::format("{}: kstat_read left no data ({} bytes advertised)", identity(h),
                       ks.ks_data_size);
  const auto* bytes = static_cast<const std::byte*>(ks.ks_data);
  switch (ks.ks_type) {
    case KSTAT_TYPE_NAMED: {
      std::string msg = copy_named(ks, arena, out);
      return msg.empty() ? msg : identity(h) + ": " + msg;
    }
    case KSTAT_TYPE_IO: {
      if (ks.ks_data_size < sizeof(kstat_io_t))
        return fmt::format("{}: io kstat has {} bytes, kstat_io_t needs {}", identity(h),
                           ks.ks_data_size, sizeof(kstat_io_t));
      static_assert(sizeof(IoStats) == sizeof(kstat_io_t));
      auto* io = arena.make_array<IoStats>(1);
      std::memcpy(static_cast<void*>(io), bytes, sizeof(IoStats));
      out.io = io;
      out.named = io_as_named(*io, arena);
      return {};
    }
    case KSTAT_TYPE_INTR: {
      if (ks.ks_data_size < sizeof(kstat_intr_t))
        return fmt::format("{}: intr kstat has {} bytes, kstat_intr_t needs {}", identity(h),
                           ks.ks_data_size, sizeof(kstat_intr_t));
      auto* intr = arena.make_array<IntrStats>(1);
      std::memcpy(intr->intrs, bytes, sizeof(intr->intrs));
      out.intr = intr;
      out.named = intr_as_named(*intr, arena);
      return {};
    }
    case KSTAT_TYPE_TIMER: {
      if (static_cast<std::uint64_t>(ks.ks_ndata) * sizeof(kstat_timer_t) > ks.ks_data_size)
        return fmt::format("{}: {} timers do not fit in {} bytes", identity(h), ks.ks_ndata,
                           ks.ks_data_size);
      auto* timers = arena.make_array<TimerStat>(ks.ks_ndata);
      for (uint_t i = 0; i < ks.ks_ndata; ++i) {
        kstat_timer_t t;
        std::memcpy(&t, bytes + i * sizeof(kstat_timer_t), sizeof t);
        std::string_view name = arena.copy(bounded(t.name, KSTAT_STRLEN));
        timers[i].name = name.data();
        timers[i].name_len = static_cast<std::uint32_t>(name.size());
        timers[i].num_events = t.num_events;
        timers[i].elapsed_time = t.elapsed_time;
        timers[i].min_time = t.min_time;
        timers[i].max_time = t.max_time;
        timers[i].start_time = t.start_time;
        timers[i].stop_time = t.stop_time;
      }
      out.timers = {timers, ks.ks_ndata};
      out.named = timers_as_named(out.timers, arena);
      return {};
    }
    default: {
      // RAW (and any type this build does not know): the bytes, as read,
      // then kstat(8)'s decoders (raw_decode.hpp) for the structs it knows;
      // a known struct of the wrong size is recorded as the kstat's error.
      if (ks.ks_data_size > 0) {
        auto* copy = static_cast<std::byte*>(arena.allocate(ks.ks_data_size, 8));
        std::memcpy(copy, bytes, ks.ks_data_size);
        out.raw = {copy, ks.ks_data_size};
        if (ks.ks_type == KSTAT_TYPE_RAW) finish_raw(h, arena, out);
      }
      return {};
    }
  }
}

// The named array, then (for KSTAT_DATA_STRING) the strings the kernel copied
// after it; ks_data_size covers both. A string pointer is accepted only when
// it points inside [ks_data, ks_data + ks_data_size).
std::string IllumosSource::copy_named(const kstat_t& ks, Arena& arena, KstatData& out) {
  const std::uint64_t n = ks.ks_ndata;
  if (n * sizeof(kstat_named_t) > ks.ks_data_size)
    return fmt::format("{} named statistics do not fit in {} bytes", n, ks.ks_data_size);
  const char* base = static_cast<const char*>(ks.ks_data);
  const char* end = base + ks.ks_data_size;
  auto* stats = arena.make_array<NamedStat>(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    kstat_named_t kn;
    std::memcpy(&kn, base + i * sizeof(kstat_named_t), sizeof kn);
    NamedStat& s = stats[i];
    std::string_view name = arena.copy(bounded(kn.name, KSTAT_STRLEN));
    s.name = name.data();
    s.name_len = static_cast<std::uint32_t>(name.size());
    switch (kn.data_type) {
      case KSTAT_DATA_CHAR: {
        std::string_view c = arena.copy(bounded(kn.value.c, sizeof kn.value.c));
        s.type = ValueType::char_;
        s.v.s = c.data();
        s.str_len = static_cast<std::uint32_t>(c.size());
        break;
      }
      case KSTAT_DATA_INT32:
        s.type = ValueType::int32;
        s.v.i = kn.value.i32;
        break;
      case KSTAT_DATA_UINT32:
        s.type = ValueType::uint32;
        s.v.u = kn.value.ui32;
        break;
      case KSTAT_DATA_INT64:
        s.type = ValueType::int64;
        s.v.i = kn.value.i64;
        break;
      case KSTAT_DATA_UINT64:
        s.type = ValueType::uint64;
        s.v.u = kn.value.ui64;
        break;
      case KSTAT_DATA_FLOAT:
        s.type = ValueType::float_;
        s.v.d = kn.value.f;
        break;
      case KSTAT_DATA_DOUBLE:
        s.type = ValueType::double_;
        s.v.d = kn.value.d;
        break;
      case KSTAT_DATA_STRING: {
        const char* p = KSTAT_NAMED_STR_PTR(&kn);
        std::string_view str;
        if (p != nullptr) {
          if (p < base || p >= end)
            return fmt::format("string '{}' points outside the kstat's {} bytes", name,
                               ks.ks_data_size);
          std::size_t room = static_cast<std::size_t>(end - p);
          std::size_t len = KSTAT_NAMED_STR_BUFLEN(&kn);
          str = bounded(p, len != 0 && len < room ? len : room);
        }
        std::string_view copy = arena.copy(str);
        s.type = ValueType::string;
        s.v.s = copy.data();
        s.str_len = static_cast<std::uint32_t>(copy.size());
        break;
      }
      default:
        s.type = ValueType::null;
        break;  // kstat(8) asserts; we show a NULL value
    }
  }
  out.named = {stats, static_cast<std::size_t>(n)};
  return {};
}

}  // namespace

std::shared_ptr<Source> make_illumos_source() {
  return std::make_shared<IllumosSource>();
}

}  // namespace kstatsql::engine
