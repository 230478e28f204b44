#include "engine/snapshot.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <new>
#include <strings.h>

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

int casecmp(std::string_view a, std::string_view b) noexcept {
  std::size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : strncasecmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

// kstat(8)'s order: module, instance, name (case-insensitive), then exact
// bytes and unit so the order is total and stable.
bool kstat_less(const KstatHeader& a, const KstatHeader& b) noexcept {
  if (int c = casecmp(a.module, b.module)) return c < 0;
  if (a.instance != b.instance) return a.instance < b.instance;
  if (int c = casecmp(a.name, b.name)) return c < 0;
  if (a.module != b.module) return a.module < b.module;
  if (a.name != b.name) return a.name < b.name;
  return a.unit < b.unit;
}

}  // namespace

HeaderSet::HeaderSet(Arena arena, std::vector<KstatHeader> headers)
    : arena_(std::move(arena)), headers_(std::move(headers)) {
  std::stable_sort(headers_.begin(), headers_.end(), kstat_less);
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

std::int64_t HeaderSet::find(std::string_view module, std::int64_t instance,
                             std::string_view name, std::int64_t unit) const noexcept {
  KstatHeader probe;
  probe.module = module;
  probe.instance = instance;
  probe.name = name;
  probe.unit = unit < 0 ? INT64_MIN : unit;  // "any unit": start before every unit
  auto it = std::lower_bound(headers_.begin(), headers_.end(), probe, kstat_less);
  for (; it != headers_.end(); ++it) {
    if (it->module != module || it->instance != instance || it->name != name) break;
    if (unit < 0 || it->unit == unit) return it - headers_.begin();
  }
  return -1;
}

Generation::Generation(std::shared_ptr<SourceHandle> src, std::shared_ptr<const HeaderSet> headers,
                       std::uint64_t number, std::shared_ptr<Counters> counters,
                       std::weak_ptr<const Generation> previous, std::int64_t recorded)
    : previous_(std::move(previous)),
      recorded_(recorded),
      src_(std::move(src)),
      headers_(std::move(headers)),
      number_(number),
      counters_(std::move(counters)),
      started_ns_(realtime_ns()),
      arena_(16 * 1024),
      pages_(std::make_unique<std::atomic<Slot*>[]>((headers_->size() + kPage - 1) / kPage)) {}

const Generation::Slot* Generation::slot(std::uint32_t i) const noexcept {
  Slot* page = pages_[i / kPage].load(std::memory_order_acquire);
  return page ? &page[i % kPage] : nullptr;
}

Generation::Slot& Generation::slot_for_write(std::uint32_t i) const {
  Slot* page = pages_[i / kPage].load(std::memory_order_acquire);
  if (!page) {
    page = static_cast<Slot*>(arena_.allocate(sizeof(Slot) * kPage, alignof(Slot)));
    for (std::size_t k = 0; k < kPage; ++k) new (&page[k]) Slot(nullptr);
    pages_[i / kPage].store(page, std::memory_order_release);
  }
  return page[i % kPage];
}

void Generation::match(const Filter& f, std::vector<std::uint32_t>& out) const {
  headers_->match(f, out);
  if (recorded_ >= 0 && !out.empty() && out.size() == headers_->size() &&
      !full_scan_hinted_.exchange(true)) {
    std::lock_guard<std::mutex> source_lock(src_->source->mutex());
    src_->source->will_read_all(static_cast<std::size_t>(recorded_));
  }
  counters_->matched.fetch_add(out.size(), std::memory_order_relaxed);
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
  src_->source->read((*headers_)[i], arena_, *d);
  counters_->read.fetch_add(1, std::memory_order_relaxed);
  s.store(d, std::memory_order_release);
  return *d;
}

std::int64_t Generation::find(std::string_view module, std::int64_t instance,
                              std::string_view name, std::int64_t unit) const {
  return headers_->find(module, instance, name, unit);
}

std::size_t Generation::arena_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return arena_.bytes_reserved();
}

Session::Session(std::string spec) : spec_(std::move(spec)), counters_(std::make_shared<Counters>()) {}

Session::Session(std::shared_ptr<Source> source, std::string spec)
    : spec_(std::move(spec)), counters_(std::make_shared<Counters>()) {
  src_ = std::make_shared<SourceHandle>();
  src_->source = std::move(source);
  src_->spec = spec_;
}

void Session::ensure_source_locked() {
  if (src_) return;
  auto h = std::make_shared<SourceHandle>();
  h->source = open_source(spec_);
  h->spec = spec_;
  src_ = std::move(h);
}

std::shared_ptr<const HeaderSet> Session::recorded_headers_locked(std::size_t g) {
  if (recorded_headers_.size() <= g) recorded_headers_.resize(g + 1);
  if (!recorded_headers_[g]) {
    std::lock_guard<std::mutex> source_lock(src_->source->mutex());
    Arena arena(64 * 1024);
    std::vector<KstatHeader> list;
    src_->source->enumerate_recorded(g, arena, list);
    counters_->enumerated.fetch_add(list.size(), std::memory_order_relaxed);
    recorded_headers_[g] = std::make_shared<const HeaderSet>(std::move(arena), std::move(list));
  }
  return recorded_headers_[g];
}

void Session::new_generation_locked() {
  ensure_source_locked();
  std::size_t nrec = src_->source->recorded_count();
  if (nrec > 0) {
    // Replaying a recording: the selected generation, with the one recorded
    // before it as its previous (so rates are those of the recording).
    std::size_t g = recorded_sel_ < 0 ? nrec - 1 : static_cast<std::size_t>(recorded_sel_);
    if (g >= nrec) g = nrec - 1;
    std::shared_ptr<const Generation> prev;
    if (g > 0) {
      prev = std::make_shared<const Generation>(src_, recorded_headers_locked(g - 1), next_number_++,
                                                counters_, std::weak_ptr<const Generation>(),
                                                static_cast<std::int64_t>(g - 1));
    }
    if (open_ > 0) {
      if (current_) retired_.push_back(std::move(current_));
      if (recorded_prev_) retired_.push_back(std::move(recorded_prev_));
    }
    headers_ = recorded_headers_locked(g);
    previous_ = prev;
    recorded_prev_ = prev;
    current_ = std::make_shared<const Generation>(src_, headers_, next_number_++, counters_, prev,
                                                  static_cast<std::int64_t>(g));
    counters_->generation.store(current_->number(), std::memory_order_relaxed);
    stale_ = false;
    return;
  }
  {
    std::lock_guard<std::mutex> source_lock(src_->source->mutex());
    src_->source->begin_generation();
    if (src_->source->changed_since(seen_epoch_) || !headers_) {
      Arena arena(64 * 1024);
      std::vector<KstatHeader> list;
      src_->source->enumerate(arena, list);
      counters_->enumerated.fetch_add(list.size(), std::memory_order_relaxed);
      headers_ = std::make_shared<const HeaderSet>(std::move(arena), std::move(list));
    }
  }
  if (previous_ && open_ > 0) retired_.push_back(std::move(previous_));
  previous_ = std::move(current_);
  current_ = std::make_shared<const Generation>(src_, headers_, next_number_++, counters_, previous_);
  counters_->generation.store(current_->number(), std::memory_order_relaxed);
  stale_ = false;
}

std::shared_ptr<const Generation> Session::open_cursor() {
  std::lock_guard<std::mutex> lock(mu_);
  if (open_ == 0) {
    // A new statement window: counters describe this statement from now on.
    counters_->enumerated.store(0, std::memory_order_relaxed);
    counters_->matched.store(0, std::memory_order_relaxed);
    counters_->read.store(0, std::memory_order_relaxed);
    if (!current_ || stale_ || !pinned_) new_generation_locked();
  } else if (!current_) {
    new_generation_locked();
  }
  ++open_;
  return current_;
}

void Session::close_cursor() noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  if (open_ > 0) --open_;
  if (open_ == 0) retired_.clear();
}

void Session::set_source(const std::string& spec) {
  // Opening may take long (a large dump): do it outside the session lock.
  auto h = std::make_shared<SourceHandle>();
  h->source = open_source(spec);
  h->spec = spec;
  std::lock_guard<std::mutex> lock(mu_);
  if (open_ > 0) {
    if (current_) retired_.push_back(current_);
    if (previous_) retired_.push_back(previous_);
  }
  src_ = std::move(h);
  spec_ = spec;
  seen_epoch_ = 0;
  recorded_sel_ = -1;
  recorded_headers_.clear();
  recorded_prev_.reset();
  headers_.reset();
  current_.reset();
  previous_.reset();
  stale_ = true;
}

std::string Session::source_spec() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spec_;
}

std::string Session::source_description() {
  std::lock_guard<std::mutex> lock(mu_);
  ensure_source_locked();
  return src_->source->description();
}

void Session::refresh() {
  std::lock_guard<std::mutex> lock(mu_);
  if (open_ == 0) {
    stale_ = true;  // the next statement starts on a fresh generation
    return;
  }
  // Statements still running keep the generation they hold; the next cursor
  // (and any later statement) sees the new one.
  if (current_) retired_.push_back(current_);
  new_generation_locked();
}

void Session::pin() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!current_) new_generation_locked();
  pinned_ = true;
}

void Session::unpin() {
  std::lock_guard<std::mutex> lock(mu_);
  pinned_ = false;
}

bool Session::pinned() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pinned_;
}

std::shared_ptr<const Generation> Session::current() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!current_) new_generation_locked();
  return current_;
}

std::shared_ptr<const Generation> Session::previous() const {
  std::lock_guard<std::mutex> lock(mu_);
  return previous_;
}

void Session::select_recorded(std::int64_t g) {
  std::lock_guard<std::mutex> lock(mu_);
  ensure_source_locked();
  std::size_t n = src_->source->recorded_count();
  if (n == 0) {
    throw Error(Errc::constraint, src_->source->description() +
                                      " is not a recording: it has no generations to choose from");
  }
  if (g < 0) g += static_cast<std::int64_t>(n);  // -1 = last
  if (g < 0 || g >= static_cast<std::int64_t>(n)) {
    throw Error(Errc::constraint, "generation out of range: " + src_->source->description() +
                                      " holds generations 0.." + std::to_string(n - 1));
  }
  recorded_sel_ = g;
  stale_ = true;
}

std::size_t Session::recorded_count() {
  std::lock_guard<std::mutex> lock(mu_);
  ensure_source_locked();
  return src_->source->recorded_count();
}

std::int64_t Session::recorded_selected() const {
  std::lock_guard<std::mutex> lock(mu_);
  // A selection not yet in use (the next statement starts on it) wins.
  if (recorded_sel_ >= 0 && (stale_ || !current_)) return recorded_sel_;
  if (current_ && current_->recorded_index() >= 0) return current_->recorded_index();
  return recorded_sel_;
}

std::shared_ptr<SourceHandle> Session::source_handle() {
  std::lock_guard<std::mutex> lock(mu_);
  ensure_source_locked();
  return src_;
}

int Session::open_cursors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

}  // namespace kstatsql::engine
