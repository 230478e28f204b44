// engine/sources/linux/running_sums.hpp — illumos-style running sums from sampled gauges.
//
// illumos' clock() adds to sysinfo_t and vminfo_t once a second: updates += 1
// and each field += the gauge's value at that second, so Δfield/Δupdates is
// the gauge's mean over the seconds between two reads. Linux has no such
// sums; the Linux source rebuilds them from gauges it samples (procs_running,
// MemFree, ...) whenever the kstat is read. RunningSums does the arithmetic.
//
// MODEL (docs/linux-mapping.md, "Running sums"):
//  * Time is cut into whole seconds from `start_ns` (the kstat's crtime): the
//    "ticks" illumos adds on. updates() is the number of ticks passed by the
//    last sample: floor((t_last − start) / 1 s).
//  * A sample (t, g) says gauge g held over (t_prev, t] (a step at each read;
//    the first sample holds back to start). sum(i) is the exact integral of
//    gauge i from start to the last tick passed, in value·seconds, rounded
//    down. Both sums and updates stop at the same tick, so Δsum/Δupdates is
//    exactly the gauge's mean over whole ticks, as on illumos.
//  * Integrals are kept exactly (whole value·seconds plus a value·ns
//    remainder below 10⁹), so no rounding error accumulates over time. The
//    part after the last tick waits in the state until the next tick passes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kstatsql::engine {

class RunningSums {
 public:
  // `n` gauges, ticks counted from `start_ns`.
  RunningSums(std::int64_t start_ns, std::size_t n);

  // Restarts every sum at `start_ns` (all zero, no sample yet).
  void reset(std::int64_t start_ns);

  // Adds the sample (t_ns, gauges). A sample not later than the last one
  // changes nothing (the same generation read twice).
  // REQUIRES: gauges.size() == size(); t_ns >= start.
  void sample(std::int64_t t_ns, std::span<const std::uint64_t> gauges);

  std::size_t size() const noexcept { return sums_.size(); }
  std::uint64_t updates() const noexcept { return ticks_; }
  std::uint64_t sum(std::size_t i) const noexcept { return sums_[i].whole; }
  std::int64_t start_ns() const noexcept { return start_; }

 private:
  // value·ns as whole value·seconds plus a remainder in [0, 10⁹).
  struct Amount {
    std::uint64_t whole = 0;
    std::uint64_t rem = 0;
    void add(std::uint64_t value, std::uint64_t ns) noexcept;
    void add(const Amount& a) noexcept;
  };

  std::int64_t start_ = 0;
  std::int64_t last_ = 0;        // time of the last sample (start_ before any)
  std::uint64_t ticks_ = 0;      // whole seconds from start_ to the last tick passed
  std::vector<Amount> sums_;     // integral from start_ to the last tick passed
  std::vector<Amount> pending_;  // integral from the last tick passed to last_
};

}  // namespace kstatsql::engine
