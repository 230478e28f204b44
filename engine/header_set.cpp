// engine/header_set.cpp — sorting and indexing one enumeration's headers.
#include "engine/header_set.hpp"

#include <algorithm>

#include "engine/kstat_rules.hpp"

namespace kstatsql::engine {

HeaderSet::HeaderSet(Arena arena, std::vector<KstatHeader> headers)
    : arena_(std::move(arena)), headers_(std::move(headers)) {
  std::stable_sort(headers_.begin(), headers_.end(), kstat8::kstat_less);
  for (std::uint32_t i = 0; i < headers_.size(); ++i) {
    by_module_[headers_[i].module].push_back(i);
    by_name_[headers_[i].name].push_back(i);
    by_class_[headers_[i].klass].push_back(i);
  }
}

void HeaderSet::add_candidates(const std::vector<std::uint32_t>* list, const Filter& f,
                               std::vector<std::uint32_t>& out) const {
  if (!list) return;
  for (std::uint32_t i : *list) {
    if (f.matches_header(headers_[i])) out.push_back(i);
  }
}

void HeaderSet::match(const Filter& f, std::vector<std::uint32_t>& out) const {
  out.clear();
  if (f.empty_result) return;
  // Use the smallest index an equality pins down; otherwise scan the headers.
  const std::unordered_map<std::string_view, std::vector<std::uint32_t>>* index = nullptr;
  const std::vector<std::string>* keys = nullptr;
  std::size_t best = headers_.size() + 1;
  const std::pair<KeyCol, decltype(index)> cols[] = {
      {KeyCol::module, &by_module_}, {KeyCol::name, &by_name_}, {KeyCol::klass, &by_class_}};
  for (const auto& [col, idx] : cols) {
    const std::vector<std::string>* alts = f.eq_text(col);
    if (!alts) continue;
    std::size_t n = 0;
    for (const std::string& k : *alts) {
      auto it = idx->find(k);
      if (it != idx->end()) n += it->second.size();
    }
    if (n < best) {
      best = n;
      index = idx;
      keys = alts;
    }
  }
  if (!index) {
    for (std::uint32_t i = 0; i < headers_.size(); ++i) {
      if (f.matches_header(headers_[i])) out.push_back(i);
    }
    return;
  }
  for (const std::string& k : *keys) {
    auto it = index->find(k);
    if (it != index->end()) add_candidates(&it->second, f, out);
  }
  if (keys->size() > 1) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
}

std::int64_t HeaderSet::find(std::string_view module, std::int64_t instance, std::string_view name,
                             std::int64_t unit,
                             std::optional<std::string_view> host) const noexcept {
  KstatHeader probe;
  probe.module = module;
  probe.instance = instance;
  probe.name = name;
  probe.unit = unit < 0 ? INT64_MIN : unit;  // "any unit": start before every unit
  auto it = std::lower_bound(headers_.begin(), headers_.end(), probe, kstat8::kstat_less);
  for (; it != headers_.end(); ++it) {
    if (it->module != module || it->instance != instance || it->name != name) break;
    if ((unit < 0 || it->unit == unit) && (!host || it->host == *host))
      return it - headers_.begin();
  }
  return -1;
}

}  // namespace kstatsql::engine
