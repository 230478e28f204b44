// engine/generation.cpp — lazy, read-once kstat data of one sample.
#include "engine/generation.hpp"

#include <ctime>
#include <new>

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

}  // namespace kstatsql::engine
