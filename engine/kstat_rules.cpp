// engine/kstat_rules.cpp — kstat(8)'s order and selector pushdown (kstat_rules.hpp).
#include "engine/kstat_rules.hpp"

#include "engine/text.hpp"

namespace kstatsql::engine::kstat8 {

namespace {

Predicate literal_predicate(KeyCol col, const std::vector<std::string_view>& values) {
  Predicate p;
  p.col = col;
  p.op = MatchOp::eq;
  for (std::string_view v : values) p.text.emplace_back(v);
  return p;
}

}  // namespace

bool kstat_less(const KstatHeader& a, const KstatHeader& b) noexcept {
  if (int c = text::ascii_casecmp(a.module, b.module)) return c < 0;
  if (a.instance != b.instance) return a.instance < b.instance;
  if (int c = text::ascii_casecmp(a.name, b.name)) return c < 0;
  if (a.module != b.module) return a.module < b.module;
  if (a.name != b.name) return a.name < b.name;
  if (a.unit != b.unit) return a.unit < b.unit;
  return a.host < b.host;
}

int statistic_compare(std::string_view a, std::string_view b) noexcept {
  if (int c = text::ascii_casecmp(a, b)) return c;
  return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

Filter pushdown(const SelectorSet& set) {
  Filter f;
  if (auto mods = set.literal_modules())
    f.preds.push_back(literal_predicate(KeyCol::module, *mods));
  if (auto names = set.literal_names()) f.preds.push_back(literal_predicate(KeyCol::name, *names));
  Predicate inst;
  inst.col = KeyCol::instance;
  for (const Selector& s : set.selectors()) {
    auto i = s.literal_instance();
    if (!i || s.mode() != SelectorMode::illumos) return f;
    inst.ints.push_back(*i);
  }
  if (!inst.ints.empty()) f.preds.push_back(std::move(inst));
  return f;
}

}  // namespace kstatsql::engine::kstat8
