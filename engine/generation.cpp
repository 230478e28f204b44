// engine/generation.cpp — lazy, read-once kstat data of one sample.
#include "engine/generation.hpp"

#include <algorithm>
#include <ctime>
#include <new>

#include "engine/kstat_rules.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::int64_t realtime_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

namespace {

const std::vector<std::string>* scope_list(const PartScope& s, KeyCol col) noexcept {
  switch (col) {
    case KeyCol::module:
      return &s.modules;
    case KeyCol::name:
      return &s.names;
    case KeyCol::klass:
      return &s.classes;
    default:
      return nullptr;
  }
}

// False when no kstat of a part with scope `s` can satisfy `f`.
bool may_reach(const PartScope& s, const Filter& f) noexcept {
  if (f.empty_result) return false;
  if (f.type && std::find(s.not_types.begin(), s.not_types.end(), *f.type) != s.not_types.end())
    return false;
  for (const Predicate& p : f.preds) {
    if (p.op == MatchOp::eq && (p.col == KeyCol::module || p.col == KeyCol::name)) {
      const std::vector<std::string>& never = p.col == KeyCol::module ? s.not_modules : s.not_names;
      if (!never.empty() &&
          std::all_of(p.text.begin(), p.text.end(), [&never](const std::string& v) {
            return std::find(never.begin(), never.end(), v) != never.end();
          })) {
        return false;
      }
    }
    const std::vector<std::string>* values = scope_list(s, p.col);
    if (!values || values->empty()) continue;
    if (std::none_of(values->begin(), values->end(),
                     [&p](const std::string& v) { return p.matches(v); })) {
      return false;
    }
  }
  return true;
}

bool may_hold(const std::vector<std::string>& values, std::string_view v) noexcept {
  return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
}

// Whether a part with scope `s` may hold a kstat with this value of a key
// whose allowed values are `values` and excluded ones `never`.
bool may_hold(const std::vector<std::string>& values, const std::vector<std::string>& never,
              std::string_view v) noexcept {
  if (!values.empty()) return may_hold(values, v);
  return std::find(never.begin(), never.end(), v) == never.end();
}

void check_part_size(std::size_t n) {
  if (n > Generation::kLocalMask) {
    throw Error(Errc::unsupported,
                "more than " + std::to_string(Generation::kLocalMask) + " kstats in one listing");
  }
}

}  // namespace

Generation::Generation(std::shared_ptr<SourceHandle> src, std::shared_ptr<const HeaderSet> headers,
                       std::uint64_t number, std::shared_ptr<Counters> counters,
                       std::weak_ptr<const Generation> previous, std::int64_t recorded)
    : previous_(std::move(previous)),
      recorded_(recorded),
      src_(std::move(src)),
      number_(number),
      counters_(std::move(counters)),
      started_ns_(realtime_ns()),
      arena_(16 * 1024),
      parts_(std::make_unique<std::atomic<const Part*>[]>(1)) {
  check_part_size(headers->size());
  owned_.push_back(std::make_unique<Part>(make_part(std::move(headers))));
  parts_[0].store(owned_.back().get(), std::memory_order_release);
}

Generation::Generation(std::shared_ptr<SourceHandle> src, std::uint64_t number,
                       std::shared_ptr<Counters> counters, std::weak_ptr<const Generation> previous)
    : previous_(std::move(previous)),
      recorded_(-1),
      src_(std::move(src)),
      number_(number),
      counters_(std::move(counters)),
      started_ns_(realtime_ns()),
      arena_(16 * 1024) {
  const std::size_t n = src_->source->part_count();
  if (n == 0 || n > (std::size_t{1} << (32 - kPartShift))) {
    throw Error(Errc::internal, "a partitioned source needs 1 to 256 parts");
  }
  for (std::size_t p = 0; p < n; ++p) scopes_.push_back(src_->source->part_scope(p));
  parts_ = std::make_unique<std::atomic<const Part*>[]>(n);
  for (std::size_t p = 0; p < n; ++p) parts_[p].store(nullptr, std::memory_order_relaxed);
}

Generation::Part Generation::make_part(std::shared_ptr<const HeaderSet> headers) const {
  Part p;
  p.pages = std::make_unique<std::atomic<Slot*>[]>((headers->size() + kPage - 1) / kPage);
  p.headers = std::move(headers);
  return p;
}

const Generation::Part* Generation::listed(std::size_t p) const noexcept {
  return parts_[p].load(std::memory_order_acquire);
}

const Generation::Part* Generation::part(std::size_t p) const {
  if (const Part* q = listed(p)) return q;
  std::lock_guard<std::mutex> source_lock(src_->source->mutex());
  std::lock_guard<std::mutex> lock(mu_);
  if (const Part* q = parts_[p].load(std::memory_order_relaxed)) return q;
  Arena arena(16 * 1024);
  std::vector<KstatHeader> list;
  src_->source->enumerate_part(p, arena, list);
  counters_->enumerated.fetch_add(list.size(), std::memory_order_relaxed);
  check_part_size(list.size());
  auto headers = std::make_shared<const HeaderSet>(std::move(arena), std::move(list));
  owned_.push_back(std::make_unique<Part>(make_part(std::move(headers))));
  parts_[p].store(owned_.back().get(), std::memory_order_release);
  return owned_.back().get();
}

const KstatHeader& Generation::header(std::uint32_t i) const noexcept {
  return (*listed(i >> kPartShift)->headers)[i & kLocalMask];
}

bool Generation::same_headers(const Generation& other) const noexcept {
  return scopes_.empty() && other.scopes_.empty() && listed(0)->headers == other.listed(0)->headers;
}

std::size_t Generation::size() const {
  if (scopes_.empty()) return listed(0)->headers->size();
  std::size_t n = 0;
  for (std::size_t p = 0; p < scopes_.size(); ++p) n += part(p)->headers->size();
  return n;
}

const Generation::Slot* Generation::slot(std::uint32_t i) const noexcept {
  const Part* q = listed(i >> kPartShift);
  Slot* page = q->pages[(i & kLocalMask) / kPage].load(std::memory_order_acquire);
  return page ? &page[(i & kLocalMask) % kPage] : nullptr;
}

Generation::Slot& Generation::slot_for_write(std::uint32_t i) const {
  const Part* q = listed(i >> kPartShift);
  std::atomic<Slot*>& cell = q->pages[(i & kLocalMask) / kPage];
  Slot* page = cell.load(std::memory_order_acquire);
  if (!page) {
    page = static_cast<Slot*>(arena_.allocate(sizeof(Slot) * kPage, alignof(Slot)));
    for (std::size_t k = 0; k < kPage; ++k) new (&page[k]) Slot(nullptr);
    cell.store(page, std::memory_order_release);
  }
  return page[(i & kLocalMask) % kPage];
}

void Generation::match(const Filter& f, std::vector<std::uint32_t>& out) const {
  out.clear();
  if (scopes_.empty()) {
    const HeaderSet& hs = *listed(0)->headers;
    hs.match(f, out);
    if (recorded_ >= 0 && !out.empty() && out.size() == hs.size() &&
        !full_scan_hinted_.exchange(true)) {
      std::lock_guard<std::mutex> source_lock(src_->source->mutex());
      src_->source->will_read_all(static_cast<std::size_t>(recorded_));
    }
  } else {
    std::vector<std::uint32_t> local;
    std::size_t contributing = 0;
    for (std::size_t p = 0; p < scopes_.size(); ++p) {
      if (!may_reach(scopes_[p], f)) continue;
      part(p)->headers->match(f, local);
      if (local.empty()) continue;
      ++contributing;
      for (std::uint32_t j : local) out.push_back(static_cast<std::uint32_t>(p << kPartShift) | j);
    }
    if (contributing > 1) sort_in_kstat_order(out);
  }
  counters_->matched.fetch_add(out.size(), std::memory_order_relaxed);
}

std::vector<std::uint32_t> Generation::all() const {
  std::vector<std::uint32_t> out;
  if (scopes_.empty()) {
    const std::size_t n = listed(0)->headers->size();
    out.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (std::size_t p = 0; p < scopes_.size(); ++p) {
    const std::size_t n = part(p)->headers->size();
    for (std::uint32_t j = 0; j < n; ++j)
      out.push_back(static_cast<std::uint32_t>(p << kPartShift) | j);
  }
  sort_in_kstat_order(out);
  return out;
}

// Indexes gathered from several parts (each already sorted), in kstat(8)'s order.
void Generation::sort_in_kstat_order(std::vector<std::uint32_t>& v) const {
  std::sort(v.begin(), v.end(), [this](std::uint32_t a, std::uint32_t b) {
    return kstat8::kstat_less(header(a), header(b));
  });
}

bool Generation::has_data(std::uint32_t i) const noexcept {
  const Slot* s = slot(i);
  return s && s->load(std::memory_order_acquire) != nullptr;
}

const KstatData& Generation::data(std::uint32_t i) const {
  if (const Slot* s = slot(i)) {
    if (const KstatData* d = s->load(std::memory_order_acquire)) return *d;
  }
  std::lock_guard<std::mutex> source_lock(src_->source->mutex());
  std::lock_guard<std::mutex> lock(mu_);
  Slot& s = slot_for_write(i);
  if (const KstatData* d = s.load(std::memory_order_relaxed)) return *d;
  KstatData* d = arena_.make_array<KstatData>(1);
  src_->source->read(header(i), arena_, *d);
  counters_->read.fetch_add(1, std::memory_order_relaxed);
  s.store(d, std::memory_order_release);
  return *d;
}

template <class Find>
std::int64_t Generation::find_in(std::string_view module, std::string_view name, bool list,
                                 Find&& f) const {
  if (scopes_.empty()) return f(*listed(0)->headers);
  for (std::size_t p = 0; p < scopes_.size(); ++p) {
    const PartScope& sc = scopes_[p];
    if (!may_hold(sc.modules, sc.not_modules, module) || !may_hold(sc.names, sc.not_names, name))
      continue;
    const Part* q = list ? part(p) : listed(p);
    if (!q) continue;
    if (std::int64_t j = f(*q->headers); j >= 0)
      return static_cast<std::int64_t>(p << kPartShift) | j;
  }
  return -1;
}

std::int64_t Generation::find(std::string_view module, std::int64_t instance, std::string_view name,
                              std::int64_t unit, std::optional<std::string_view> host) const {
  return find_in(module, name, true,
                 [&](const HeaderSet& hs) { return hs.find(module, instance, name, unit, host); });
}

std::int64_t Generation::find_listed(std::string_view module, std::int64_t instance,
                                     std::string_view name, std::int64_t unit,
                                     std::optional<std::string_view> host) const {
  return find_in(module, name, false,
                 [&](const HeaderSet& hs) { return hs.find(module, instance, name, unit, host); });
}

std::size_t Generation::arena_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return arena_.bytes_reserved();
}

void Generation::check_intact_slow() const {
  const std::uint64_t now = Source::damage_epoch().load(std::memory_order_acquire);
  {
    std::lock_guard<std::mutex> lock(src_->source->mutex());
    src_->source->check_intact();  // throws when this source's views went bad
  }
  damage_seen_.store(now, std::memory_order_relaxed);  // another source's damage: not ours
}

}  // namespace kstatsql::engine
