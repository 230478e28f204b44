// engine/kstat.hpp — the value model: kstat identity, headers and read data.
//
// Everything here is plain data that lives in an Arena (or in a source's own
// immutable storage). Views (string_view, span, pointers) stay valid for as
// long as the Generation that handed them out is alive.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace kstatsql::engine {

// ks_type, with illumos' numbering (sys/kstat.h).
enum class KstatType : std::uint8_t { raw = 0, named = 1, intr = 2, io = 3, timer = 4 };
const char* type_name(KstatType t) noexcept;

// The type of one named statistic. The first group are illumos KSTAT_DATA_*
// types; hrtime is kstat(8)'s pseudo type for crtime/snaptime; the rest are
// OpenBSD kstat_kv types that carry their own meaning.
enum class ValueType : std::uint8_t {
  char_ = 0,  // KSTAT_DATA_CHAR: up to 16 bytes, shown as text
  int32,
  uint32,
  int64,
  uint64,
  float_,    // obsolete KSTAT_DATA_FLOAT
  double_,   // obsolete KSTAT_DATA_DOUBLE
  string,    // KSTAT_DATA_STRING
  hrtime,    // nanoseconds
  boolean,   // OpenBSD KSTAT_KV_T_BOOL
  counter,   // OpenBSD COUNTER16/32/64
  temp,      // OpenBSD TEMP: micro-kelvin
  freq,      // OpenBSD FREQ: Hz
  volts_dc,  // micro-volts
  volts_ac,
  amps,   // micro-amps
  watts,  // micro-watts
  bytes,  // OpenBSD BYTES: opaque bytes, shown as a BLOB
  null,   // OpenBSD KSTAT_KV_T_NULL
};
const char* type_name(ValueType t) noexcept;

// How the value is stored in NamedStat::v.
enum class Repr : std::uint8_t { i64, u64, f64, str, blob, null };
Repr repr_of(ValueType t) noexcept;

// A unit attached to a value (OpenBSD KSTAT_KV_U_*, or what a source knows).
enum class Unit : std::uint8_t {
  none = 0,
  packets,
  bytes,
  cycles,
  ns,
  ukelvin,
  hz,
  uvolts,
  uamps,
  uwatts,
  pages
};
const char* unit_name(Unit u) noexcept;  // nullptr for none

// One named statistic: 32 bytes. name and (for strings) s point into an arena
// or a source's immutable storage; neither is necessarily NUL-terminated.
struct NamedStat {
  const char* name = nullptr;
  union {
    std::int64_t i;
    std::uint64_t u;
    double d;
    const char* s;
  } v{0};
  std::uint32_t name_len = 0;
  std::uint32_t str_len = 0;  // strings and blobs only
  ValueType type = ValueType::null;
  Unit unit = Unit::none;

  std::string_view name_view() const noexcept { return {name, name_len}; }
  std::string_view str() const noexcept { return {v.s, str_len}; }
};
static_assert(sizeof(NamedStat) == 32);

// kstat_io_t, field for field (sys/kstat.h). Times are nanoseconds.
struct IoStats {
  std::uint64_t nread = 0;
  std::uint64_t nwritten = 0;
  std::uint32_t reads = 0;
  std::uint32_t writes = 0;
  std::int64_t wtime = 0;
  std::int64_t wlentime = 0;
  std::int64_t wlastupdate = 0;
  std::int64_t rtime = 0;
  std::int64_t rlentime = 0;
  std::int64_t rlastupdate = 0;
  std::uint32_t wcnt = 0;
  std::uint32_t rcnt = 0;
};
static_assert(sizeof(IoStats) == 80);

// kstat_intr_t: hard, soft, watchdog, spurious, multiple_service.
struct IntrStats {
  std::uint32_t intrs[5] = {0, 0, 0, 0, 0};
};

// One kstat_timer_t record.
struct TimerStat {
  const char* name = nullptr;
  std::uint32_t name_len = 0;
  std::uint64_t num_events = 0;
  std::int64_t elapsed_time = 0;
  std::int64_t min_time = 0;
  std::int64_t max_time = 0;
  std::int64_t start_time = 0;
  std::int64_t stop_time = 0;
  std::string_view name_view() const noexcept { return {name, name_len}; }
};

// What enumeration yields: identity and metadata, no data.
struct KstatHeader {
  std::string_view module;
  std::string_view name;
  std::string_view klass;
  std::string_view host;  // the recording's host for multi-host sources, else empty
  std::int64_t instance = 0;
  std::int64_t id = 0;          // ks_kid / ks_id, or a synthetic id
  std::int64_t crtime = 0;      // ns
  std::int64_t unit = -1;       // OpenBSD's 4th identity part; -1 where there is none
  std::uint64_t data_size = 0;  // as advertised by the chain (0 when unknown)
  std::uint64_t cookie = 0;     // private to the source that produced the header
  std::uint32_t ndata = 0;
  KstatType type = KstatType::named;
  std::uint8_t flags = 0;   // ks_flags
  std::uint8_t absent = 0;  // kAbsent* bits: what a filtered dump did not give
};

// Bits of KstatHeader::absent. A dump filtered to some statistics may lack the
// crtime, snaptime or class lines; the fields then hold 0 / "", and writers
// print no such line and SQL shows NULL for crtime and snaptime.
inline constexpr std::uint8_t kAbsentCrtime = 1;
inline constexpr std::uint8_t kAbsentSnaptime = 2;
inline constexpr std::uint8_t kAbsentClass = 4;

// What reading one kstat yields. `named` holds every statistic kstat(8) would
// print for the kstat, whatever its type (io fields, intr counters, decoded
// raw structs), so one scan of `named` sees everything `kstat -p` shows.
struct KstatData {
  std::int64_t snaptime = 0;  // ns; 0 when the read failed
  int err = 0;                // errno-style code, 0 when the read succeeded
  std::string_view error;     // message; empty when the read succeeded
  std::span<const NamedStat> named;
  const IoStats* io = nullptr;
  const IntrStats* intr = nullptr;
  std::span<const TimerStat> timers;
  std::span<const std::byte> raw;
  std::uint32_t ndata = 0;
  std::uint64_t data_size = 0;

  bool ok() const noexcept { return error.empty(); }
};

// The twelve io statistic names in kstat(8)'s order.
inline constexpr std::string_view kIoNames[12] = {
    "nread",       "nwritten", "reads",    "writes",      "wtime", "wlentime",
    "wlastupdate", "rtime",    "rlentime", "rlastupdate", "wcnt",  "rcnt"};
inline constexpr std::string_view kIntrNames[5] = {"hard", "soft", "watchdog", "spurious",
                                                   "multiple_service"};

}  // namespace kstatsql::engine
