#include "engine/static_source.hpp"

#include <cstring>

#include "engine/raw_decode.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

StaticSource::StaticSource(std::string description, Arena arena, std::vector<Record> records)
    : description_(std::move(description)), arena_(std::move(arena)), records_(std::move(records)) {
  for (std::size_t i = 0; i < records_.size(); ++i) records_[i].header.cookie = i;
}

// The set never changes: only the first enumeration reports a change.
bool StaticSource::changed() {
  return !enumerated_;
}

void StaticSource::enumerate(Arena&, std::vector<KstatHeader>& out) {
  out.reserve(out.size() + records_.size());
  for (const Record& r : records_) out.push_back(r.header);
  enumerated_ = true;
}

void StaticSource::read(const KstatHeader& header, Arena&, KstatData& out) {
  if (header.cookie >= records_.size()) {
    throw Error(Errc::internal, description_ + ": read of a kstat this source never listed");
  }
  out = records_[header.cookie].data;
}

StaticBuilder::StaticBuilder() : arena_(256 * 1024) {}

StaticBuilder::Pending& StaticBuilder::cur() {
  if (cur_ == kNone) throw Error(Errc::internal, "StaticBuilder: no kstat begun");
  return pending_[cur_];
}

void StaticBuilder::begin(std::string_view module, std::int64_t instance, std::string_view name,
                          std::int64_t unit) {
  key_.assign(module);
  key_ += '\0';
  key_ += std::to_string(instance);
  key_ += '\0';
  key_ += name;
  key_ += '\0';
  key_ += std::to_string(unit);
  auto [it, inserted] = index_.try_emplace(key_, pending_.size());
  cur_ = it->second;
  if (!inserted) return;
  Pending p;
  p.rec.header.module = intern(module);
  p.rec.header.name = arena_.copy(name);
  p.rec.header.klass = {};
  p.rec.header.instance = instance;
  p.rec.header.unit = unit;
  p.rec.header.type = KstatType::named;
  pending_.push_back(std::move(p));
}

void StaticBuilder::set_class(std::string_view klass) {
  cur().rec.header.klass = intern(klass);
}
// Changing the type drops typed records that no longer apply (a text dump
// first seen as io that later shows a non-io statistic becomes named).
void StaticBuilder::set_type(KstatType type) {
  Pending& p = cur();
  p.rec.header.type = type;
  if (type != KstatType::io) p.rec.data.io = nullptr;
  if (type != KstatType::intr) p.rec.data.intr = nullptr;
  if (type != KstatType::timer) p.timers.clear();
}
void StaticBuilder::set_crtime(std::int64_t ns) {
  cur().rec.header.crtime = ns;
}
void StaticBuilder::set_snaptime(std::int64_t ns) {
  cur().rec.data.snaptime = ns;
}
void StaticBuilder::set_flags(std::uint8_t flags) {
  cur().rec.header.flags = flags;
}
void StaticBuilder::set_absent(std::uint8_t bits) {
  cur().rec.header.absent = bits;
}

void StaticBuilder::set_id(std::int64_t id) {
  cur().rec.header.id = id;
  cur().has_id = true;
}

void StaticBuilder::set_error(int err, std::string_view message) {
  Pending& p = cur();
  p.rec.data.err = err;
  p.rec.data.error = arena_.copy(message);
}

void StaticBuilder::set_io(const IoStats& io) {
  Pending& p = cur();
  auto* dst = arena_.make_array<IoStats>(1);
  *dst = io;
  p.rec.data.io = dst;
  p.rec.header.type = KstatType::io;
}

void StaticBuilder::set_intr(const IntrStats& intr) {
  Pending& p = cur();
  auto* dst = arena_.make_array<IntrStats>(1);
  *dst = intr;
  p.rec.data.intr = dst;
  p.rec.header.type = KstatType::intr;
}

void StaticBuilder::add_timer(const TimerStat& timer) {
  Pending& p = cur();
  TimerStat t = timer;
  std::string_view n = arena_.copy(timer.name_view());
  t.name = n.data();
  p.timers.push_back(t);
  p.rec.header.type = KstatType::timer;
}

void StaticBuilder::set_raw(std::span<const std::byte> bytes) {
  Pending& p = cur();
  p.rec.data.raw = arena_.copy_span(bytes);
  p.rec.data.data_size = bytes.size();
}

std::string_view StaticBuilder::intern(std::string_view s) {
  auto it = interned_.find(s);
  if (it != interned_.end()) return *it;
  std::string_view copy = arena_.copy(s);
  interned_.insert(copy);
  return copy;
}

NamedStat& StaticBuilder::push(std::string_view stat, ValueType type, Unit unit) {
  Pending& p = cur();
  NamedStat s;
  std::string_view n = intern(stat);
  s.name = n.data();
  s.name_len = static_cast<std::uint32_t>(n.size());
  s.type = type;
  s.unit = unit;
  p.stats.push_back(s);
  return p.stats.back();
}

void StaticBuilder::add_int(std::string_view stat, ValueType type, std::int64_t v, Unit unit) {
  push(stat, type, unit).v.i = v;
}

void StaticBuilder::add_uint(std::string_view stat, ValueType type, std::uint64_t v, Unit unit) {
  push(stat, type, unit).v.u = v;
}

void StaticBuilder::add_double(std::string_view stat, ValueType type, double v, Unit unit) {
  push(stat, type, unit).v.d = v;
}

void StaticBuilder::add_string(std::string_view stat, ValueType type, std::string_view v,
                               Unit unit) {
  std::string_view copy = arena_.copy(v);
  NamedStat& s = push(stat, type, unit);
  s.v.s = copy.data();
  s.str_len = static_cast<std::uint32_t>(copy.size());
}

void StaticBuilder::add_null(std::string_view stat, ValueType type) {
  push(stat, type, Unit::none);
}

std::size_t StaticBuilder::current_count() const {
  return cur_ == kNone ? 0 : pending_[cur_].stats.size();
}

std::vector<NamedStat>& StaticBuilder::current_stats() {
  return cur().stats;
}

std::shared_ptr<StaticSource> StaticBuilder::finish(std::string description) {
  std::vector<StaticSource::Record> records;
  records.reserve(pending_.size());
  std::int64_t next_id = 1;
  for (Pending& p : pending_) {
    StaticSource::Record r = p.rec;
    if (!p.has_id) r.header.id = next_id;
    ++next_id;
    if (!p.timers.empty()) {
      r.data.timers = arena_.copy_span(std::span<const TimerStat>(p.timers));
    }
    if (!p.stats.empty()) {
      r.data.named = arena_.copy_span(std::span<const NamedStat>(p.stats));
    } else if (r.data.io) {
      r.data.named = io_as_named(*r.data.io, arena_);
    } else if (r.data.intr) {
      r.data.named = intr_as_named(*r.data.intr, arena_);
    } else if (!r.data.timers.empty()) {
      r.data.named = timers_as_named(r.data.timers, arena_);
    }
    finish_raw(r.header, arena_, r.data);  // raw structs kstat(8) knows become named rows
    if (r.data.ndata == 0) {
      r.data.ndata =
          static_cast<std::uint32_t>(r.header.type == KstatType::named ? r.data.named.size()
                                     : !r.data.timers.empty()          ? r.data.timers.size()
                                     : (r.data.io || r.data.intr)      ? 1
                                                                       : 0);
    }
    if (r.data.data_size == 0) {
      switch (r.header.type) {
        case KstatType::named:
          r.data.data_size = 48ull * r.data.named.size();
          break;
        case KstatType::io:
          r.data.data_size = sizeof(IoStats);
          break;
        case KstatType::intr:
          r.data.data_size = 20;
          break;
        case KstatType::timer:
          r.data.data_size = 80ull * r.data.timers.size();
          break;
        case KstatType::raw:
          r.data.data_size = r.data.raw.size();
          break;
      }
    }
    r.header.ndata = r.data.ndata;
    r.header.data_size = r.data.data_size;
    records.push_back(r);
  }
  pending_.clear();
  index_.clear();
  interned_.clear();
  cur_ = kNone;
  return std::make_shared<StaticSource>(std::move(description), std::move(arena_),
                                        std::move(records));
}

}  // namespace kstatsql::engine
