// engine/selector.hpp — compiled kstat(8) selectors.
//
// A Selector is `module:instance:name:statistic` (illumos kstat(8)) or
// `provider:instance:name:unit` / `name` (OpenBSD kstat(1)), parsed by
// grammar/selector.hpp and compiled here into matchers. docs/selectors.md is
// the user manual. Semantics (kstat(8) ks_match):
//   - each field is a shell glob (`*`, `?`, `[...]` with `!`/`^`, ranges and
//     [:class:], `\` escapes) or `/ERE/`: a POSIX extended RE, unanchored
//     (found anywhere in the string), compiled REG_EXTENDED|REG_NOSUB;
//   - an empty or missing field matches everything;
//   - the instance is matched as its decimal string, so `1*` matches 1, 10, 12;
//   - OpenBSD: globs only (no escapes, fnmatch FNM_NOESCAPE|FNM_LEADING_DIR),
//     instance and unit are exact numbers or empty.
// A SelectorSet ORs selectors.
//
// Cost: matching never allocates and never throws. Parsing allocates and
// throws kstatsql::Error(Errc::parse) with a caret message.
//
// Thread-safety: a Selector is immutable after parse(); all matches_* calls
// are const and may run concurrently from many threads. Copies share the
// compiled regex_t (through shared_ptr<const>); POSIX allows concurrent
// regexec() on one regex_t, and glibc serialises it with an internal lock, so
// heavy concurrent RE matching on one selector contends on that lock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kstat.hpp"
#include "engine/pattern.hpp"

namespace kstatsql::grammar {
struct SelectorField;
}

namespace kstatsql::engine {

enum class SelectorMode : std::uint8_t { illumos, openbsd };

class Selector {
 public:
  Selector() = default;  // matches everything

  // Parses and compiles one selector. Throws Error(parse); the message shows
  // `spec` with a caret, e.g. "selector: too many fields (...)".
  static Selector parse(std::string_view spec, SelectorMode mode = SelectorMode::illumos);
  // kstat(8) -m -i -n -s: one selector from four separate patterns ("" = any).
  static Selector from_patterns(std::string_view module, std::string_view instance,
                                std::string_view name, std::string_view statistic);

  // Module, instance (as its decimal string, or exact in OpenBSD mode) and name.
  bool matches_kstat(std::string_view module, std::int64_t instance,
                     std::string_view name) const noexcept;
  bool matches_statistic(std::string_view stat) const noexcept;  // always true in OpenBSD mode
  // matches_kstat plus, in OpenBSD mode, the unit (h.unit).
  bool matches(const KstatHeader& h) const noexcept;
  bool matches_every_statistic() const noexcept { return statistic_.kind() == Pattern::Kind::any; }

  // Pushdown: the exact value a field requires, when it is a plain literal.
  std::optional<std::string_view> literal_module() const noexcept { return module_.literal(); }
  std::optional<std::string_view> literal_name() const noexcept { return name_.literal(); }
  std::optional<std::string_view> literal_statistic() const noexcept;
  std::optional<std::int64_t> literal_instance() const noexcept { return instance_num_; }
  std::optional<std::int64_t> literal_unit() const noexcept { return unit_; }  // OpenBSD only

  SelectorMode mode() const noexcept { return mode_; }
  const Pattern& module() const noexcept { return module_; }
  const Pattern& instance() const noexcept { return instance_; }
  const Pattern& name() const noexcept { return name_; }
  const Pattern& statistic() const noexcept { return statistic_; }

  // Canonical text; parse(to_string()) is an equivalent selector.
  // illumos: up to the last field that is not "*" ("*" for any inside). OpenBSD: "name" when only
  // the name is set, else "provider:instance:name:unit" with empty numbers.
  std::string to_string() const;

 private:
  static Pattern compile_field(const grammar::SelectorField& f, std::string_view spec,
                               bool openbsd);

  SelectorMode mode_ = SelectorMode::illumos;
  Pattern module_, instance_, name_, statistic_;
  // illumos: set when the instance pattern is a canonical decimal literal.
  // OpenBSD: the instance number, when given.
  std::optional<std::int64_t> instance_num_;
  bool instance_never_ = false;  // illumos: a literal that no decimal string equals ("01")
  std::optional<std::int64_t> unit_;
};

// Selectors ORed. An empty set matches everything, as kstat(8) with no
// operands does.
class SelectorSet {
 public:
  SelectorSet() = default;
  static SelectorSet parse(std::span<const std::string_view> specs,
                           SelectorMode mode = SelectorMode::illumos);
  static SelectorSet parse(std::span<const std::string> specs,
                           SelectorMode mode = SelectorMode::illumos);
  void add(Selector s) { selectors_.push_back(std::move(s)); }

  bool empty() const noexcept { return selectors_.empty(); }
  std::size_t size() const noexcept { return selectors_.size(); }
  const std::vector<Selector>& selectors() const noexcept { return selectors_; }

  bool matches_kstat(std::string_view module, std::int64_t instance,
                     std::string_view name) const noexcept;
  bool matches(const KstatHeader& h) const noexcept;
  // True when one selector matches both the kstat and the statistic.
  bool matches_statistic(std::string_view module, std::int64_t instance, std::string_view name,
                         std::string_view stat) const noexcept;
  bool matches_statistic(const KstatHeader& h, std::string_view stat) const noexcept;

  // Pushdown over the whole set: every selector's literal module (resp. name),
  // or nullopt when the set is empty or any selector's field is not a literal.
  std::optional<std::vector<std::string_view>> literal_modules() const;
  std::optional<std::vector<std::string_view>> literal_names() const;

  std::string to_string() const;  // selectors separated by one space

 private:
  std::vector<Selector> selectors_;
};

}  // namespace kstatsql::engine
