/*
** timer — one row per timer record of every timer kstat (KSTAT_TYPE_TIMER,
** kstat_timer_t).
**
**   SELECT module, name, timer_name, num_events, elapsed_time FROM timer;
**   SELECT timer_name, elapsed_time / max(num_events, 1) AS mean_ns FROM timer;
**
** Columns: module, instance, name, class (key columns, pushed down),
** timer_index (0-based position of the record in the kstat), timer_name (the
** record's own name; kstat(8) prints it as the statistic "name"), num_events,
** elapsed_time, min_time, max_time, start_time, stop_time (ns), snaptime,
** crtime (ns).
**
** Difference from kstat(8): kstat(8) decodes only the first record of a timer
** kstat; this table shows every record (docs/raw-kstats.md). Nothing in the
** illumos kernel publishes timer kstats today; files and fakes may.
**
** HOW IT WORKS: only kstats whose type is timer are visited (checked on the
** header); rows walk KstatData::timers in place. A kstat whose read failed
** has no row (see kstat.error).
*/
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

enum class Col : int {
  module,
  instance,
  name,
  klass,
  timer_index,
  timer_name,
  num_events,
  elapsed_time,
  min_time,
  max_time,
  start_time,
  stop_time,
  snaptime,
  crtime
};

// Moves to the first timer record at or after (k, s).
void settle(Cursor& c) {
  vtab::settle(
      c, [](const engine::KstatHeader& h) { return h.type == engine::KstatType::timer; },
      [](const engine::KstatHeader&, const engine::KstatData& d, std::size_t s) {
        return s < d.timers.size();
      });
}

}  // namespace

void TimerTable::first(Cursor& c) {
  settle(c);
}

void TimerTable::next(Cursor& c) {
  ++c.s;
  settle(c);
}

void TimerTable::column(Cursor& c, sqlite3_context* ctx, int col) {
  const engine::TimerStat& t = c.data->timers[c.s];
  switch (static_cast<Col>(col)) {
    case Col::timer_index:
      sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(c.s));
      return;
    case Col::timer_name:
      result_text(ctx, t.name_view());
      return;
    case Col::num_events: {
      engine::NamedStat st;  // through result_value: exact TEXT above 2^63-1
      st.type = engine::ValueType::uint64;
      st.v.u = t.num_events;
      result_value(ctx, st, c.numbuf);
      return;
    }
    case Col::elapsed_time:
      sqlite3_result_int64(ctx, t.elapsed_time);
      return;
    case Col::min_time:
      sqlite3_result_int64(ctx, t.min_time);
      return;
    case Col::max_time:
      sqlite3_result_int64(ctx, t.max_time);
      return;
    case Col::start_time:
      sqlite3_result_int64(ctx, t.start_time);
      return;
    case Col::stop_time:
      sqlite3_result_int64(ctx, t.stop_time);
      return;
    case Col::snaptime:
      sqlite3_result_int64(ctx, c.data->snaptime);
      return;
    case Col::crtime:
      sqlite3_result_int64(ctx, c.header().crtime);
      return;
    default:
      result_identity(ctx, c.header(), col);
  }
}

}  // namespace kstatsql::vtab
