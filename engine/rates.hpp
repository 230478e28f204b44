// engine/rates.hpp — deltas and rates between a generation and the previous one.
//
// The rules are iostat's (docs/reports.md):
//  * The previous sample of kstat i is the same identity (module, instance,
//    name, unit) in the generation that was current before, if that
//    generation read it. A kstat whose crtime or id changed in between was
//    re-created: like a kstat with no previous sample, it counts from zero.
//  * With no usable previous sample, the old value is 0 and the interval runs
//    from crtime ("since creation", iostat's first line).
//  * Deltas are defined for every pair of values (no signed overflow):
//      uint32 (and io reads/writes)  modulo 2^32: a counter that wrapped
//                                    gives its true increase;
//      uint64                        modulo 2^64, read as a two's-complement
//                                    int64: a wrap gives the true increase,
//                                    a counter that went down a negative delta;
//      int32, int64                  the exact difference, saturated to the
//                                    int64 range (1 -> INT64_MIN is INT64_MIN);
//      float, double                 IEEE difference.
//  * The interval (elapsed_ns) is the exact difference of the times,
//    saturated to INT64_MAX.
#pragma once

#include <cstdint>
#include <optional>

#include "engine/session.hpp"

namespace kstatsql::engine {

struct Baseline {
  const KstatData* before = nullptr;  // previous sample, or null (counting from zero)
  std::int64_t elapsed_ns = 0;        // interval the delta covers; 0 when unknown
};

// Baseline of kstat i of `cur`, whose data is `now`, against `prev` (may be null).
Baseline baseline(const Generation& cur, std::uint32_t i, const KstatData& now,
                  const Generation* prev);

// The previous sample of one statistic (same name) or null. `hint` is the
// statistic's index in `now`, tried first.
const NamedStat* previous_stat(const Baseline& b, const NamedStat& now, std::size_t hint) noexcept;

// Delta of a numeric statistic (integer types: exact, 32-bit wrap-safe);
// nullopt for strings, blobs and nulls.
std::optional<double> delta_of(const NamedStat& now, const NamedStat* before) noexcept;
std::optional<std::int64_t> int_delta_of(const NamedStat& now, const NamedStat* before) noexcept;

// 32-bit wrap-safe delta (iostat's u32_delta).
inline std::uint32_t u32_delta(std::uint32_t now, std::uint32_t before) noexcept {
  return now - before;
}

// now - before, saturated to the int64 range instead of overflowing.
inline std::int64_t i64_delta(std::int64_t now, std::int64_t before) noexcept {
  std::int64_t d = 0;
  if (!__builtin_sub_overflow(now, before, &d)) return d;
  return now < before ? INT64_MIN : INT64_MAX;
}

// now - before modulo 2^64, as a two's-complement int64.
inline std::int64_t u64_delta(std::uint64_t now, std::uint64_t before) noexcept {
  return static_cast<std::int64_t>(now - before);
}

}  // namespace kstatsql::engine
