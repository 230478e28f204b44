#include "engine/rates.hpp"

namespace kstatsql::engine {

Baseline baseline(const Generation& cur, std::uint32_t i, const KstatData& now,
                  const Generation* prev) {
  Baseline b;
  const KstatHeader& h = cur.header(i);
  if (prev) {
    // A live previous generation must not list anything now: look only at
    // what it listed then. The same host's kstat only: a multi-host source
    // lists one identity once per host.
    std::int64_t j = prev->same_headers(cur) ? static_cast<std::int64_t>(i)
                     : prev->replayable()
                         ? prev->find(h.module, h.instance, h.name, h.unit, h.host)
                         : prev->find_listed(h.module, h.instance, h.name, h.unit, h.host);
    if (j >= 0) {
      auto pj = static_cast<std::uint32_t>(j);
      const KstatHeader& ph = prev->header(pj);
      bool recreated = ph.crtime != h.crtime || ph.id != h.id;
      // A live previous generation only knows what it read then; a recorded
      // one can still be read now.
      if (!recreated && (prev->has_data(pj) || prev->replayable())) {
        const KstatData& d = prev->data(pj);
        if (d.ok() && d.snaptime <= now.snaptime) {
          b.before = &d;
          b.elapsed_ns = i64_delta(now.snaptime, d.snaptime);
          return b;
        }
      }
    }
  }
  if (now.snaptime > h.crtime) b.elapsed_ns = i64_delta(now.snaptime, h.crtime);
  return b;
}

const NamedStat* previous_stat(const Baseline& b, const NamedStat& now, std::size_t hint) noexcept {
  if (!b.before) return nullptr;
  std::span<const NamedStat> old = b.before->named;
  std::string_view name = now.name_view();
  if (hint < old.size() && old[hint].name_view() == name) return &old[hint];
  for (const NamedStat& s : old) {
    if (s.name_view() == name) return &s;
  }
  return nullptr;
}

std::optional<std::int64_t> int_delta_of(const NamedStat& now, const NamedStat* before) noexcept {
  switch (now.type) {
    case ValueType::uint32: {
      auto n = static_cast<std::uint32_t>(now.v.u);
      auto o = before && before->type == now.type ? static_cast<std::uint32_t>(before->v.u) : 0u;
      return static_cast<std::int64_t>(u32_delta(n, o));
    }
    default:
      break;
  }
  switch (repr_of(now.type)) {
    case Repr::i64:
      return i64_delta(now.v.i, before && repr_of(before->type) == Repr::i64 ? before->v.i : 0);
    case Repr::u64:
      return u64_delta(now.v.u, before && repr_of(before->type) == Repr::u64 ? before->v.u : 0);
    default:
      return std::nullopt;
  }
}

std::optional<double> delta_of(const NamedStat& now, const NamedStat* before) noexcept {
  if (repr_of(now.type) == Repr::f64) {
    return now.v.d - (before && repr_of(before->type) == Repr::f64 ? before->v.d : 0.0);
  }
  if (auto d = int_delta_of(now, before)) return static_cast<double>(*d);
  return std::nullopt;
}

}  // namespace kstatsql::engine
