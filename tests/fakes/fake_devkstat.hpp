// tests/fakes/fake_devkstat.hpp — a fake OpenBSD kernel behind a fake /dev/kstat.
//
// fake_devkstat_ops() returns DevKstatOps whose open/ioctl/close behave like
// OpenBSD's sys/dev/kstat.c: KSTATIOC_VERSION returns the version of the
// kstat set (it moves whenever a kstat is added or removed); FIND_ID and
// NFIND_ID fail with EINVAL when the request carries another version (unless
// KSTATIOC_F_IGNVER), ENOENT when nothing is found; with ks_data set they
// copy min(ks_datalen, size) bytes and report the full size in ks_datalen.
// Other requests fail with ENOTTY. KV data is laid out as the kernel does:
// one struct kstat_kv per entry, STR/BYTES trailing data after their kv,
// padded to 8 bytes.
//
// Plain C++ types only: tests need no OpenBSD header. Thread-safe kernel;
// overlapping calls on one descriptor are counted in concurrent_use.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/sources/openbsd/openbsd_source.hpp"

namespace kstatsql::fakes {

// KSTAT_KV_T_* numbers (sys/kstat.h v1.4).
enum class KvType : unsigned {
  null = 0,
  boolean,
  counter64,
  counter32,
  uint64,
  int64,
  uint32,
  int32,
  istr,
  str,
  bytes,
  temp,
  counter16,
  uint16,
  int16,
  freq,
  volts_dc,
  volts_ac,
  amps,
  watts,
};
// KSTAT_KV_U_* numbers.
enum class KvUnit : unsigned { none = 0, packets, bytes, cycles };

struct ObKv {
  std::string key;  // up to 15 characters are kept
  KvType type = KvType::uint64;
  KvUnit unit = KvUnit::none;
  std::uint64_t u = 0;             // unsigned, bool, temp, freq, volts, amps, watts
  std::int64_t i = 0;              // signed types
  std::string s;                   // ISTR, STR, BYTES
  std::int64_t len_override = -1;  // fault: the v_len the kernel claims for STR/BYTES

  static ObKv uint(std::string k, KvType t, std::uint64_t v, KvUnit un = KvUnit::none) {
    ObKv kv;
    kv.key = std::move(k), kv.type = t, kv.u = v, kv.unit = un;
    return kv;
  }
  static ObKv sint(std::string k, KvType t, std::int64_t v) {
    ObKv kv;
    kv.key = std::move(k), kv.type = t, kv.i = v;
    return kv;
  }
  static ObKv text(std::string k, KvType t, std::string v) {
    ObKv kv;
    kv.key = std::move(k), kv.type = t, kv.s = std::move(v);
    return kv;
  }
};

// One kstat. type: 0 raw, 1 kv, 2 counters.
struct ObKstat {
  std::string provider;
  unsigned instance = 0;
  std::string name;
  unsigned unit = 0;
  unsigned type = 1;
  std::vector<ObKv> kv;        // type 1
  std::vector<std::byte> raw;  // other types
  std::int64_t created_ns = 0;

  // Faults, consumed by FIND_ID.
  int fail = 0;                 // every FIND_ID fails with this errno
  bool vanish_on_read = false;  // removed (version moves) by the next FIND_ID, which fails ENOENT
};

class ObKernel {
 public:
  std::uint64_t add(ObKstat k);  // ids from 1; the version moves
  void remove(std::uint64_t id);
  void modify(std::uint64_t id, const std::function<void(ObKstat&)>& f);  // version unchanged
  void bump_version();  // as if a kstat came and went
  unsigned version() const;

  // Called (kernel unlocked) at every NFIND_ID, e.g. to move the version
  // while a listing is under way.
  std::function<void()> on_nfind;

  std::atomic<int> finds{0};        // FIND_ID requests
  std::atomic<int> einval{0};       // requests refused for a stale version
  std::atomic<int> short_reads{0};  // FIND_ID answers larger than the caller's buffer
  std::atomic<int> open_fds{0};
  std::atomic<int> concurrent_use{0};

  struct Entry {
    std::uint64_t id;
    ObKstat k;
  };
  mutable std::mutex mu;
  std::vector<Entry> entries;  // in id order
  unsigned ver = 1;
  std::uint64_t next_id = 1;
  std::int64_t clock = 5000000000;
};

void install_ob_kernel(std::shared_ptr<ObKernel> kernel);
// The fake /dev/kstat: open() fails with ENOENT when no kernel is installed.
const engine::DevKstatOps* fake_devkstat_ops();

}  // namespace kstatsql::fakes
