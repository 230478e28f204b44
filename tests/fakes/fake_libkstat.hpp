// tests/fakes/fake_libkstat.hpp — a fake illumos kernel behind a fake libkstat.
//
// fake_libkstat.cpp defines kstat_open, kstat_close, kstat_chain_update,
// kstat_read, kstat_lookup (C linkage, test binary only) with libkstat's
// semantics (usr/src/lib/libkstat/common/kstat.c): the chain is a linked list
// of kstat_t owned by the handle; kstat_chain_update() returns 0 when the
// kernel's chain id is unchanged, else frees the kstat_t of removed kstats,
// appends new ones and returns the new id; kstat_read() fills ksp->ks_data
// (named arrays with their STRING values copied after the array, pointers
// into the same buffer), updates ks_ndata/ks_data_size/ks_snaptime and
// returns the kernel's current chain id; VAR_SIZE kstats are re-sized with
// libkstat's ENOMEM dance.
//
// This header exposes only plain C++ types, so tests that include it need no
// illumos headers. The kernel is thread-safe; each kstat_ctl_t must be used by
// one thread at a time, and any overlap is counted in concurrent_use.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kstatsql::fakes {

// KSTAT_DATA_* numbers (sys/kstat.h).
enum class IlType : std::uint8_t {
  char_ = 0,
  int32 = 1,
  uint32 = 2,
  int64 = 3,
  uint64 = 4,
  float_ = 5,
  double_ = 6,
  string = 9
};

struct IlNamed {
  std::string name;
  IlType type = IlType::uint64;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string s;  // CHAR (up to 16 bytes, not NUL-terminated at 16) and STRING

  static IlNamed u64(std::string n, std::uint64_t v) {
    return {std::move(n), IlType::uint64, 0, v, 0, {}};
  }
  static IlNamed u32(std::string n, std::uint32_t v) {
    return {std::move(n), IlType::uint32, 0, v, 0, {}};
  }
  static IlNamed i64(std::string n, std::int64_t v) {
    return {std::move(n), IlType::int64, v, 0, 0, {}};
  }
  static IlNamed i32(std::string n, std::int32_t v) {
    return {std::move(n), IlType::int32, v, 0, 0, {}};
  }
  static IlNamed str(std::string n, std::string v) {
    return {std::move(n), IlType::string, 0, 0, 0, std::move(v)};
  }
  static IlNamed chr(std::string n, std::string v) {
    return {std::move(n), IlType::char_, 0, 0, 0, std::move(v)};
  }
  static IlNamed dbl(std::string n, double v) {
    return {std::move(n), IlType::double_, 0, 0, v, {}};
  }
  static IlNamed flt(std::string n, double v) {
    return {std::move(n), IlType::float_, 0, 0, v, {}};
  }
};

// One kstat of the fake kernel. type: 0 raw, 1 named, 2 intr, 3 io, 4 timer.
struct IlKstat {
  std::string module;
  int instance = 0;
  std::string name;
  std::string klass = "misc";
  std::uint8_t type = 1;
  std::uint8_t flags = 0;  // KSTAT_FLAG_* (0x02 VAR_SIZE)
  std::int64_t crtime = 0;
  std::vector<IlNamed> named;   // type 1
  std::vector<std::byte> data;  // other types: the ks_data bytes
  std::uint32_t ndata = 1;      // other types: ks_ndata (number of timers for type 4)

  // Faults, consumed by kstat_read().
  int eagain = 0;               // the next n reads fail with EAGAIN
  int fail = 0;                 // every read fails with this errno (EOVERFLOW, EIO, ...)
  bool vanish_on_read = false;  // removed from the kernel by the next read (which fails ENXIO)
  bool bad_string_ptr = false;  // STRING pointers point past ks_data_size
};

// The fake kernel. kstat_open() connects to the one installed.
class IlKernel {
 public:
  // Adds a kstat (new kid, chain id moves). Returns its kid.
  int add(IlKstat k);
  // Removes a kstat (chain id moves). No-op for an unknown kid.
  void remove(int kid);
  // Changes a kstat in place (values, faults); the chain id does not move.
  void modify(int kid, const std::function<void(IlKstat&)>& f);
  int chain_id() const;
  std::size_t size() const;

  // Called inside kstat_read() (kernel unlocked), for re-entrancy tests.
  std::function<void()> on_read;

  std::atomic<int> reads{0};          // kstat_read calls
  std::atomic<int> chain_updates{0};  // kstat_chain_update calls that rebuilt the chain
  std::atomic<int> open_handles{0};
  std::atomic<int> concurrent_use{0};  // overlapping calls on one kstat_ctl_t

  // Internal (used by fake_libkstat.cpp).
  struct Entry {
    int kid;
    IlKstat k;
  };
  mutable std::mutex mu;
  std::vector<Entry> entries;  // in kid order
  int chain = 1;
  int next_kid = 1;
  std::int64_t clock = 1000000000;
};

// Installs the kernel kstat_open() will use (nullptr: kstat_open fails ENOENT).
void install_il_kernel(std::shared_ptr<IlKernel> kernel);

}  // namespace kstatsql::fakes
