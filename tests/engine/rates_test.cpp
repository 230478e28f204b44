// Tests for engine/rates.hpp: the delta arithmetic at the extremes of every
// integer type (run under UBSan in the sanitizer build: no signed overflow).
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

#include "engine/rates.hpp"

using namespace kstatsql::engine;

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kUMax = std::numeric_limits<std::uint64_t>::max();

NamedStat i64(std::int64_t v, ValueType t = ValueType::int64) {
  NamedStat s;
  s.type = t;
  s.v.i = v;
  return s;
}

NamedStat u64(std::uint64_t v, ValueType t = ValueType::uint64) {
  NamedStat s;
  s.type = t;
  s.v.u = v;
  return s;
}

}  // namespace

TEST_CASE("int64 deltas are exact differences saturated to the int64 range", "[engine][rates]") {
  const NamedStat one = i64(1), min = i64(kMin), max = i64(kMax), zero = i64(0);
  CHECK(*int_delta_of(min, &one) == kMin);  // 1 -> INT64_MIN: -2^63-1, saturated
  CHECK(*int_delta_of(one, &min) == kMax);  // INT64_MIN -> 1: 2^63+1, saturated
  CHECK(*int_delta_of(max, &min) == kMax);
  CHECK(*int_delta_of(min, &max) == kMin);
  CHECK(*int_delta_of(max, &one) == kMax - 1);
  CHECK(*int_delta_of(min, &zero) == kMin);
  CHECK(*int_delta_of(min, nullptr) == kMin);
  CHECK(*int_delta_of(i64(-5), &one) == -6);
  CHECK(*delta_of(min, &one) == static_cast<double>(kMin));
  CHECK(i64_delta(kMin, kMin) == 0);
  CHECK(i64_delta(-1, kMax) == kMin);
  CHECK(i64_delta(kMax, -1) == kMax);
  CHECK(i64_delta(kMin, -1) == kMin + 1);
}

TEST_CASE("uint64 deltas are modulo 2^64; uint32 modulo 2^32", "[engine][rates]") {
  const auto d = [](NamedStat now, NamedStat before) { return *int_delta_of(now, &before); };
  CHECK(d(u64(5), u64(kUMax - 4)) == 10);  // wrapped past 2^64
  CHECK(d(u64(0), u64(1)) == -1);          // went down (reset)
  CHECK(d(u64(kUMax), u64(0)) == -1);
  CHECK(*int_delta_of(u64(kUMax), nullptr) == -1);
  CHECK(d(u64(std::uint64_t{1} << 63), u64(0)) == kMin);
  CHECK(d(u64(3, ValueType::uint32), u64(0xFFFFFFFEu, ValueType::uint32)) == 5);
  CHECK(d(u64(0, ValueType::uint32), u64(1, ValueType::uint32)) == 0xFFFFFFFF);
  CHECK(u64_delta(0, kUMax) == 1);
}

TEST_CASE("int32 deltas cannot overflow", "[engine][rates]") {
  const NamedStat lo = i64(std::numeric_limits<std::int32_t>::min(), ValueType::int32);
  const NamedStat hi = i64(std::numeric_limits<std::int32_t>::max(), ValueType::int32);
  CHECK(*int_delta_of(hi, &lo) == std::int64_t{0xFFFFFFFF});
  CHECK(*int_delta_of(lo, &hi) == -std::int64_t{0xFFFFFFFF});
}
