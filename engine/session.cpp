// engine/session.cpp — which generation each statement of a connection sees.
#include "engine/session.hpp"

#include <algorithm>

#include "kstatsql/error.hpp"

namespace kstatsql::engine {

Session::Session(std::string spec, SourceOpener open)
    : open_source_(std::move(open)),
      spec_(std::move(spec)),
      counters_(std::make_shared<Counters>()) {}

Session::Session(std::shared_ptr<Source> source, std::string spec, SourceOpener open)
    : open_source_(std::move(open)),
      spec_(std::move(spec)),
      counters_(std::make_shared<Counters>()) {
  src_ = std::make_shared<SourceHandle>();
  src_->source = std::move(source);
  src_->spec = spec_;
}

std::shared_ptr<Source> Session::open_locked(const std::string& spec) const {
  if (!open_source_) {
    throw Error(Errc::unsupported,
                "source '" + spec + "': this session was given no way to open sources");
  }
  return open_source_(spec);
}

void Session::ensure_source_locked() {
  if (src_) return;
  auto h = std::make_shared<SourceHandle>();
  h->source = open_locked(spec_);
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
      prev = std::make_shared<const Generation>(
          src_, recorded_headers_locked(g - 1), next_number_++, counters_,
          std::weak_ptr<const Generation>(), static_cast<std::int64_t>(g - 1));
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
  std::shared_ptr<const Generation> next;
  {
    std::lock_guard<std::mutex> source_lock(src_->source->mutex());
    src_->source->begin_generation();
    if (src_->source->part_count() > 0) {
      // Partitioned: the generation lists each part on first need.
      (void)src_->source->changed_since(seen_epoch_);
      headers_.reset();
      next = std::make_shared<const Generation>(src_, next_number_++, counters_, current_);
    } else if (src_->source->changed_since(seen_epoch_) || !headers_) {
      Arena arena(64 * 1024);
      std::vector<KstatHeader> list;
      src_->source->enumerate(arena, list);
      counters_->enumerated.fetch_add(list.size(), std::memory_order_relaxed);
      headers_ = std::make_shared<const HeaderSet>(std::move(arena), std::move(list));
    }
  }
  if (!next)
    next = std::make_shared<const Generation>(src_, headers_, next_number_++, counters_, current_);
  if (previous_ && open_ > 0) retired_.push_back(std::move(previous_));
  previous_ = std::move(current_);
  current_ = std::move(next);
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
  h->source = open_locked(spec);
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
