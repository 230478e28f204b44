// engine/selector.cpp — compiling selector ASTs into Selectors and SelectorSets.
#include "engine/selector.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "grammar/selector.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

// ---------------------------------------------------------------------------
// Selector

namespace {

using grammar::FieldKind;
using grammar::SelectorField;

// The instance as kstat(8) sees it: its decimal string, in a caller buffer.
std::string_view decimal(std::int64_t v, char (&buf)[24]) noexcept {
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, static_cast<std::size_t>(r.ptr - buf)};
}

}  // namespace

Pattern Selector::compile_field(const SelectorField& f, std::string_view spec, bool openbsd) {
  switch (f.kind) {
    case FieldKind::any:
    case FieldKind::number:
      return Pattern{};
    case FieldKind::glob:
      return openbsd ? Pattern::glob(f.text, false, true) : Pattern::glob(f.text);
    case FieldKind::regex:
      break;
  }
  // Compiled here rather than by Pattern::regex so the message can point at
  // the field with a caret instead of repeating the RE body.
  std::string error;
  auto re = detail::compile_regex(f.text, error);
  if (!re) {
    throw Error(Errc::parse, grammar::format_caret(error, spec, f.offset));
  }
  return Pattern::from_regex(f.text, std::move(re));
}

namespace {

// A literal instance pattern: its value when the text is exactly the decimal
// string of an int64; otherwise no instance's decimal string equals it.
std::optional<std::int64_t> canonical_int(std::string_view text) noexcept {
  std::int64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  char buf[24];
  if (decimal(v, buf) != text) return std::nullopt;
  return v;
}

}  // namespace

Selector Selector::parse(std::string_view spec, SelectorMode mode) {
  const bool openbsd = mode == SelectorMode::openbsd;
  const grammar::SelectorAst ast = grammar::parse_selector(
      spec, openbsd ? grammar::SelectorMode::openbsd : grammar::SelectorMode::illumos);
  Selector s;
  s.mode_ = mode;
  s.module_ = compile_field(ast.fields[grammar::kModule], spec, openbsd);
  s.instance_ = compile_field(ast.fields[grammar::kInstance], spec, openbsd);
  s.name_ = compile_field(ast.fields[grammar::kName], spec, openbsd);
  if (openbsd) {
    const auto& inst = ast.fields[grammar::kInstance];
    const auto& unit = ast.fields[grammar::kStatistic];
    if (inst.kind == FieldKind::number) s.instance_num_ = inst.number;
    if (unit.kind == FieldKind::number) s.unit_ = unit.number;
    return s;
  }
  s.statistic_ = compile_field(ast.fields[grammar::kStatistic], spec, openbsd);
  if (auto lit = s.instance_.literal()) {
    s.instance_num_ = canonical_int(*lit);
    s.instance_never_ = !s.instance_num_;
  }
  return s;
}

Selector Selector::from_patterns(std::string_view module, std::string_view instance,
                                 std::string_view name, std::string_view statistic) {
  Selector s;
  s.module_ = Pattern::compile(module);
  s.instance_ = Pattern::compile(instance);
  s.name_ = Pattern::compile(name);
  s.statistic_ = Pattern::compile(statistic);
  if (auto lit = s.instance_.literal()) {
    s.instance_num_ = canonical_int(*lit);
    s.instance_never_ = !s.instance_num_;
  }
  return s;
}

bool Selector::matches_kstat(std::string_view module, std::int64_t instance,
                             std::string_view name) const noexcept {
  if (instance_num_) {
    if (*instance_num_ != instance) return false;
  } else if (instance_never_) {
    return false;
  } else if (instance_.kind() != Pattern::Kind::any) {
    char buf[24];
    if (!instance_.matches(decimal(instance, buf))) return false;
  }
  return module_.matches(module) && name_.matches(name);
}

bool Selector::matches_statistic(std::string_view stat) const noexcept {
  return statistic_.matches(stat);
}

bool Selector::matches(const KstatHeader& h) const noexcept {
  if (unit_ && *unit_ != h.unit) return false;
  return matches_kstat(h.module, h.instance, h.name);
}

std::optional<std::string_view> Selector::literal_statistic() const noexcept {
  return statistic_.literal();
}

std::string Selector::to_string() const {
  if (mode_ == SelectorMode::illumos) {
    // Trailing "*" fields are dropped: besides being shorter, this keeps a
    // last field that ends in a lone backslash from escaping an added ':'.
    const Pattern* fields[] = {&module_, &instance_, &name_, &statistic_};
    std::size_t n = 4;
    while (n > 1 && fields[n - 1]->kind() == Pattern::Kind::any) --n;
    std::string out = fields[0]->to_string();
    for (std::size_t i = 1; i < n; ++i) {
      out += ':';
      out += fields[i]->to_string();
    }
    return out;
  }
  if (module_.kind() == Pattern::Kind::any && !instance_num_ && !unit_) return name_.to_string();
  auto num = [](const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string();
  };
  return module_.to_string() + ":" + num(instance_num_) + ":" + name_.to_string() + ":" +
         num(unit_);
}

// ---------------------------------------------------------------------------
// SelectorSet

SelectorSet SelectorSet::parse(std::span<const std::string_view> specs, SelectorMode mode) {
  SelectorSet set;
  set.selectors_.reserve(specs.size());
  for (std::string_view spec : specs) set.add(Selector::parse(spec, mode));
  return set;
}

SelectorSet SelectorSet::parse(std::span<const std::string> specs, SelectorMode mode) {
  SelectorSet set;
  set.selectors_.reserve(specs.size());
  for (const std::string& spec : specs) set.add(Selector::parse(spec, mode));
  return set;
}

bool SelectorSet::matches_kstat(std::string_view module, std::int64_t instance,
                                std::string_view name) const noexcept {
  if (selectors_.empty()) return true;
  for (const Selector& s : selectors_) {
    if (s.matches_kstat(module, instance, name)) return true;
  }
  return false;
}

bool SelectorSet::matches(const KstatHeader& h) const noexcept {
  if (selectors_.empty()) return true;
  for (const Selector& s : selectors_) {
    if (s.matches(h)) return true;
  }
  return false;
}

bool SelectorSet::matches_statistic(std::string_view module, std::int64_t instance,
                                    std::string_view name, std::string_view stat) const noexcept {
  if (selectors_.empty()) return true;
  for (const Selector& s : selectors_) {
    if (s.matches_kstat(module, instance, name) && s.matches_statistic(stat)) return true;
  }
  return false;
}

bool SelectorSet::matches_statistic(const KstatHeader& h, std::string_view stat) const noexcept {
  if (selectors_.empty()) return true;
  for (const Selector& s : selectors_) {
    if (s.matches(h) && s.matches_statistic(stat)) return true;
  }
  return false;
}

namespace {
template <typename Get>
std::optional<std::vector<std::string_view>> literals(const std::vector<Selector>& sels, Get get) {
  if (sels.empty()) return std::nullopt;
  std::vector<std::string_view> out;
  out.reserve(sels.size());
  for (const Selector& s : sels) {
    auto lit = get(s);
    if (!lit) return std::nullopt;
    out.push_back(*lit);
  }
  return out;
}
}  // namespace

std::optional<std::vector<std::string_view>> SelectorSet::literal_modules() const {
  return literals(selectors_, [](const Selector& s) { return s.literal_module(); });
}

std::optional<std::vector<std::string_view>> SelectorSet::literal_names() const {
  return literals(selectors_, [](const Selector& s) { return s.literal_name(); });
}

std::string SelectorSet::to_string() const {
  std::string out;
  for (const Selector& s : selectors_) {
    if (!out.empty()) out += ' ';
    out += s.to_string();
  }
  return out;
}

}  // namespace kstatsql::engine
