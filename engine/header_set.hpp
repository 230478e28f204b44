// engine/header_set.hpp — the kstats of one enumeration, sorted and indexed.
//
// INVARIANT: a HeaderSet is fixed once built; it is re-built only when the
// source says the set of kstats changed, and shared by every generation until
// then.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/arena.hpp"
#include "engine/kstat.hpp"
#include "engine/match.hpp"

namespace kstatsql::engine {

// Identity lists of one enumeration, sorted as kstat(8) sorts: module
// (case-insensitive), instance (numeric), name (case-insensitive), unit.
class HeaderSet {
 public:
  HeaderSet(Arena arena, std::vector<KstatHeader> headers);

  std::size_t size() const noexcept { return headers_.size(); }
  const KstatHeader& operator[](std::size_t i) const noexcept { return headers_[i]; }
  const std::vector<KstatHeader>& all() const noexcept { return headers_; }

  // Indexes of kstats matching `f`, in sorted order, without reading data.
  void match(const Filter& f, std::vector<std::uint32_t>& out) const;
  // Index of the kstat with this identity (unit < 0: any unit; no host: any
  // host), or -1. O(log n): a binary search in the sorted headers, no allocation.
  std::int64_t find(std::string_view module, std::int64_t instance, std::string_view name,
                    std::int64_t unit = -1,
                    std::optional<std::string_view> host = std::nullopt) const noexcept;

 private:
  void add_candidates(const std::vector<std::uint32_t>* list, const Filter& f,
                      std::vector<std::uint32_t>& out) const;
  Arena arena_;
  std::vector<KstatHeader> headers_;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_module_;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_name_;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_class_;
};

}  // namespace kstatsql::engine
