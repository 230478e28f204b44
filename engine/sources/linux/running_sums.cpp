// engine/sources/linux/running_sums.cpp — see running_sums.hpp.
#include "engine/sources/linux/running_sums.hpp"

namespace kstatsql::engine {

namespace {
constexpr std::uint64_t kNs = 1000000000ULL;
}

// value × ns without overflow for any value < 2^64 and ns < 2^63: both are
// split at 10⁹ so every partial product stays below 2^64 for realistic gauges
// (value < 2^34 · 10⁹).
void RunningSums::Amount::add(std::uint64_t value, std::uint64_t ns) noexcept {
  const std::uint64_t vs = value / kNs, vr = value % kNs;  // value = vs·10⁹ + vr
  const std::uint64_t s = ns / kNs, r = ns % kNs;          // ns = s·10⁹ + r
  // value·ns / 10⁹ = vs·s·10⁹ + vs·r + vr·s + vr·r/10⁹
  whole += vs * s * kNs + vs * r + vr * s;
  const std::uint64_t low = vr * r;  // < 10¹⁸
  whole += low / kNs;
  rem += low % kNs;
  if (rem >= kNs) {
    whole += rem / kNs;
    rem %= kNs;
  }
}

void RunningSums::Amount::add(const Amount& a) noexcept {
  whole += a.whole;
  rem += a.rem;
  if (rem >= kNs) {
    whole += rem / kNs;
    rem %= kNs;
  }
}

RunningSums::RunningSums(std::int64_t start_ns, std::size_t n) : sums_(n), pending_(n) {
  reset(start_ns);
}

void RunningSums::reset(std::int64_t start_ns) {
  start_ = last_ = start_ns;
  ticks_ = 0;
  for (auto& a : sums_) a = {};
  for (auto& a : pending_) a = {};
}

void RunningSums::sample(std::int64_t t_ns, std::span<const std::uint64_t> gauges) {
  if (t_ns <= last_ || gauges.size() != sums_.size()) return;
  const auto ticks = static_cast<std::uint64_t>(t_ns - start_) / kNs;
  if (ticks == ticks_) {  // still inside the same second: all of it waits
    for (std::size_t i = 0; i < sums_.size(); ++i)
      pending_[i].add(gauges[i], static_cast<std::uint64_t>(t_ns - last_));
  } else {
    // (last_, tick] closes the pending part; (tick, t] starts the next one.
    const std::int64_t tick = start_ + static_cast<std::int64_t>(ticks * kNs);
    for (std::size_t i = 0; i < sums_.size(); ++i) {
      sums_[i].add(pending_[i]);
      sums_[i].add(gauges[i], static_cast<std::uint64_t>(tick - last_));
      pending_[i] = {};
      pending_[i].add(gauges[i], static_cast<std::uint64_t>(t_ns - tick));
    }
    ticks_ = ticks;
  }
  last_ = t_ns;
}

}  // namespace kstatsql::engine
