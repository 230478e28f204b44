/*
** named — one row per statistic: everything `kstat -p` prints, as rows.
**
**   SELECT value FROM named
**    WHERE module = 'unix' AND instance = 0 AND name = 'system_misc'
**      AND statistic = 'nproc';                    -- reads exactly one kstat
**   SELECT module, count(*) FROM named GROUP BY module;
**   SELECT instance, statistic, value FROM named
**    WHERE module = 'cpu' AND name = 'sys' AND statistic GLOB 'cpu_nsec_*';
**
** Columns: module, instance, name, class, statistic (key columns: =, IN,
** GLOB, LIKE pushed down), type (char, int32, uint32, int64, uint64, string,
** hrtime, ...; see README), value, unit (NULL, or bytes, packets, ns, ...),
** snaptime, crtime (ns).
**
** Values: integers are INTEGER; an unsigned value above 2^63-1 is returned as
** its exact decimal TEXT (never wrapped or rounded); strings are TEXT; the
** obsolete float/double types are REAL. io, intr and timer kstats appear here
** too, under the statistic names kstat(8) prints (nread, reads, hard, ...).
** The pseudo-statistics crtime, snaptime and class are columns, not rows.
** Hidden columns delta, rate and elapsed compare with the previous
** generation (engine/rates.hpp has the rules):
**   SELECT name, rate FROM named WHERE module='link' AND statistic='rbytes64';
** A kstat whose read failed has no rows here; see kstat.error.
**
** HOW IT WORKS: xFilter asks the generation for the kstats matching the key
** constraints (no data read); xNext reads each kstat on first need (once per
** generation) and walks its statistics in place. No allocation per row.
*/
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

enum class Col : int {
  module,
  instance,
  name,
  klass,
  statistic,
  type,
  value,
  unit,
  snaptime,
  crtime,
  delta,
  rate,
  elapsed
};

// Moves to the first matching statistic at or after (k, s).
void settle(Cursor& c) {
  vtab::settle(
      c, [](const engine::KstatHeader&) { return true; },
      [&c](const engine::KstatHeader&, const engine::KstatData& d, std::size_t& s) {
        return seek_named(d, s,
                          [&c](std::string_view stat) { return c.filter.matches_statistic(stat); });
      });
}

}  // namespace

void NamedTable::first(Cursor& c) {
  settle(c);
}

void NamedTable::next(Cursor& c) {
  ++c.s;
  // Fast path: the next statistic of the same kstat, nothing to test.
  if (!c.stat_filter && c.data && c.s < c.data->named.size()) return;
  settle(c);
}

void NamedTable::column(Cursor& c, sqlite3_context* ctx, int col) {
  const engine::NamedStat& st = c.data->named[c.s];
  switch (static_cast<Col>(col)) {
    case Col::statistic:
      result_text(ctx, st.name_view());
      return;
    case Col::type:
      sqlite3_result_text(ctx, engine::type_name(st.type), -1, SQLITE_STATIC);
      return;
    case Col::value:
      result_value(ctx, st, c.numbuf);
      return;
    case Col::unit: {
      const char* u = engine::unit_name(st.unit);
      if (u)
        sqlite3_result_text(ctx, u, -1, SQLITE_STATIC);
      else
        sqlite3_result_null(ctx);
      return;
    }
    case Col::snaptime:
      sqlite3_result_int64(ctx, c.data->snaptime);
      return;
    case Col::crtime:
      sqlite3_result_int64(ctx, c.header().crtime);
      return;
    case Col::delta:
    case Col::rate:
    case Col::elapsed: {
      const engine::Baseline& b = c.baseline();
      double secs = static_cast<double>(b.elapsed_ns) / 1e9;
      if (static_cast<Col>(col) == Col::elapsed) {
        if (b.elapsed_ns > 0)
          sqlite3_result_double(ctx, secs);
        else
          sqlite3_result_null(ctx);
        return;
      }
      const engine::NamedStat* old = engine::previous_stat(b, st, c.s);
      if (static_cast<Col>(col) == Col::delta) {
        if (engine::repr_of(st.type) == engine::Repr::f64) {
          sqlite3_result_double(ctx, *engine::delta_of(st, old));
        } else if (auto d = engine::int_delta_of(st, old)) {
          sqlite3_result_int64(ctx, *d);
        } else {
          sqlite3_result_null(ctx);
        }
        return;
      }
      auto d = engine::delta_of(st, old);
      if (d && b.elapsed_ns > 0)
        sqlite3_result_double(ctx, *d / secs);
      else
        sqlite3_result_null(ctx);
      return;
    }
    default:
      result_identity(ctx, c.header(), col);
  }
}

}  // namespace kstatsql::vtab
