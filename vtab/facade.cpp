// vtab/facade.cpp — the C++ API (include/kstatsql/kstatsql.hpp) over
// engine::Session and register_all.
#include "kstatsql/kstatsql.hpp"

#include <cstdlib>

#include "engine/kstat_rules.hpp"
#include "engine/session.hpp"
#include "engine/sources/open_source.hpp"
#include "vtab/functions.hpp"
#include "vtab/tables.hpp"

namespace kstatsql {

std::string default_source_spec() {
  const char* env = std::getenv("KSTATSQL_SOURCE");
  return env && *env ? env : "live";
}

Session::Session(std::string spec)
    : impl_(std::make_shared<engine::Session>(std::move(spec), engine::open_source)) {}

Session::Session(std::shared_ptr<engine::Source> source, std::string spec)
    : impl_(std::make_shared<engine::Session>(std::move(source), std::move(spec),
                                              engine::open_source)) {}

void Session::open() {
  (void)impl_->source_handle();
}
void Session::set_source(const std::string& spec) {
  impl_->set_source(spec);
}
std::string Session::source_spec() const {
  return impl_->source_spec();
}
std::string Session::source_description() {
  return impl_->source_description();
}
void Session::refresh() {
  impl_->refresh();
}
void Session::pin() {
  impl_->pin();
}
void Session::unpin() {
  impl_->unpin();
}
bool Session::pinned() const {
  return impl_->pinned();
}

Counters Session::counters() const {
  const engine::Counters& c = *impl_->counters();
  return {c.enumerated.load(), c.matched.load(), c.read.load(), c.generation.load()};
}

void Session::set_counters(const Counters& c) {
  engine::Counters& to = *impl_->counters();
  to.enumerated.store(c.enumerated);
  to.matched.store(c.matched);
  to.read.store(c.read);
  to.generation.store(c.generation);
}

std::size_t Session::recorded_count() {
  return impl_->recorded_count();
}
std::int64_t Session::recorded_selected() const {
  return impl_->recorded_selected();
}
void Session::select_recorded(std::int64_t g) {
  impl_->select_recorded(g);
}

Sample Session::sample() {
  auto gen = impl_->open_cursor();
  return Sample(impl_, std::move(gen));
}

void Session::register_on(sqlite3* db) const {
  register_on(db, RegisterOptions{});
}

void Session::register_on(sqlite3* db, const RegisterOptions& options) const {
  int rc = vtab::register_all(db, impl_);
  if (rc == SQLITE_OK && !options.file_access) rc = vtab::restrict_file_access(db, impl_);
  if (rc != SQLITE_OK) {
    throw Error(Errc::internal,
                std::string("cannot register kstatsql's tables: ") + sqlite3_errmsg(db));
  }
}

Sample::Sample(std::shared_ptr<engine::Session> session,
               std::shared_ptr<const engine::Generation> gen)
    : session_(std::move(session)), gen_(std::move(gen)) {}

Sample::Sample(Sample&& other) noexcept = default;

Sample& Sample::operator=(Sample&& other) noexcept {
  if (this != &other) {
    if (session_) session_->close_cursor();
    session_ = std::move(other.session_);
    gen_ = std::move(other.gen_);
  }
  return *this;
}

Sample::~Sample() {
  if (session_) session_->close_cursor();
}

std::uint64_t Sample::number() const noexcept {
  return gen_->number();
}
std::size_t Sample::size() const {
  return gen_->size();
}
const engine::KstatHeader& Sample::header(std::uint32_t i) const noexcept {
  return gen_->header(i);
}
const engine::KstatData& Sample::data(std::uint32_t i) const {
  return gen_->data(i);
}
void Sample::select(const engine::SelectorSet& selectors, std::vector<std::uint32_t>& out) const {
  std::vector<std::uint32_t> candidates;
  gen_->match(engine::kstat8::pushdown(selectors), candidates);
  for (std::uint32_t i : candidates) {
    const engine::KstatHeader& h = gen_->header(i);
    if (!engine::kstat8::hidden(h) && selectors.matches(h)) out.push_back(i);
  }
}

}  // namespace kstatsql
