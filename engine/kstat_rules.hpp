// engine/kstat_rules.hpp — kstat(8)'s rules, written once: the order kstats
// and statistics are listed in, which kstats it never shows, and how a set of
// selectors narrows the kstats a generation has to read.
//
// Every caller uses these: the header set's order (so SQL scans come out in
// it), the kstat -p/-j writer, the shell's kstat(8) mode and kstat_select().
//
//  * Order of kstats: module (ASCII case-insensitive), instance (numeric),
//    name (case-insensitive); ties broken by the exact bytes of module and
//    name, then the OpenBSD unit and the host, so the order is total and the
//    same everywhere: sd:2, Sd:10, sd:10.
//  * Order of statistics inside a kstat: name, case-insensitive, then bytes;
//    the pseudo-statistics class, crtime and snaptime sort among them.
//  * Hidden kstats: kstat(8) never selects a kstat whose name starts with
//    "kstat_" (illumos's kstat_types, kstat_headers …), whatever the selector.
#pragma once

#include <string_view>

#include "engine/kstat.hpp"
#include "engine/match.hpp"
#include "engine/selector.hpp"

namespace kstatsql::engine::kstat8 {

bool kstat_less(const KstatHeader& a, const KstatHeader& b) noexcept;

int statistic_compare(std::string_view a, std::string_view b) noexcept;
inline bool statistic_less(std::string_view a, std::string_view b) noexcept {
  return statistic_compare(a, b) < 0;
}

inline constexpr std::string_view kHiddenPrefix = "kstat_";
inline bool hidden(const KstatHeader& h) noexcept {
  return h.name.substr(0, kHiddenPrefix.size()) == kHiddenPrefix;
}

// The constraints every kstat matching `set` satisfies, for Generation::match:
// the literal modules, names and (illumos selectors) instances of every
// selector, when all of them have one. Wider than the set, never narrower:
// callers still test set.matches() on what it selects. An empty set gives an
// empty filter (everything).
Filter pushdown(const SelectorSet& set);

}  // namespace kstatsql::engine::kstat8
