// engine/rates.hpp — deltas and rates between a generation and the previous one.
//
// The rules are iostat's (kstat-facts.md §3.6):
//  * The previous sample of kstat i is the same identity (module, instance,
//    name, unit) in the generation that was current before, if that
//    generation read it. A kstat whose crtime or id changed in between was
//    re-created: like a kstat with no previous sample, it counts from zero.
//  * With no usable previous sample, the old value is 0 and the interval runs
//    from crtime ("since creation", iostat's first line).
//  * 32-bit counters (uint32, and io reads/writes) wrap: the delta is taken
//    modulo 2^32. 64-bit deltas are plain differences.
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

}  // namespace kstatsql::engine
