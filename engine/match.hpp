// engine/match.hpp — constraints pushed down from SQL onto kstat identity.
//
// A Filter is a conjunction of predicates; each predicate is a disjunction of
// alternatives (an IN list, or one value) over one key column. Matching is
// done on headers, before any data is read, except for `statistic`, which is
// tested per named statistic. SQL GLOB and LIKE semantics are reproduced here
// (LIKE: ASCII case-insensitive, '%' and '_', no ESCAPE); the virtual tables
// leave SQLite to re-check them, so this matcher only has to be exact or wider.
// Matching is iterative, O(|pattern| x |text|) for any input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kstat.hpp"

namespace kstatsql::engine {

bool sql_glob(std::string_view pattern, std::string_view text) noexcept;
bool sql_like(std::string_view pattern, std::string_view text) noexcept;

enum class KeyCol : std::uint8_t { module, instance, name, klass, statistic };
enum class MatchOp : std::uint8_t { eq, glob, like };

struct Predicate {
  KeyCol col = KeyCol::module;
  MatchOp op = MatchOp::eq;
  std::vector<std::string> text;   // alternatives for text columns (and instance patterns)
  std::vector<std::int64_t> ints;  // alternatives for instance equality
  bool matches(std::string_view value) const noexcept;
  bool matches(std::int64_t value) const noexcept;
};

struct Filter {
  std::vector<Predicate> preds;
  bool empty_result = false;  // a NULL or impossible constraint: nothing matches
  // Only kstats of this type (set by a table that shows one type, e.g. io),
  // so parts that never have it are not listed.
  std::optional<KstatType> type;

  bool matches_header(const KstatHeader& h) const noexcept;
  bool has_statistic() const noexcept;
  bool matches_statistic(std::string_view stat) const noexcept;
  // The single module/name/class/instance every match must have, if an equality pins it.
  const std::vector<std::string>* eq_text(KeyCol col) const noexcept;
  const std::vector<std::int64_t>* eq_ints() const noexcept;
};

}  // namespace kstatsql::engine
