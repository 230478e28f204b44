/*
** io — one row per io kstat (kstat_io_t): disks, partitions, NFS mounts.
**
**   SELECT name, nread, nwritten, reads, writes FROM io WHERE class = 'disk';
**   SELECT k.name, i.rtime FROM io i JOIN kstat k USING (module, instance, name);
**
** Columns: module, instance, name, class (key columns, pushed down), nread,
** nwritten (bytes), reads, writes (operations), wtime, wlentime, wlastupdate,
** rtime, rlentime, rlastupdate (ns; wait queue = w*, run queue = r*), wcnt,
** rcnt (operations waiting / running now), snaptime, crtime (ns).
** On Linux: see docs/linux-mapping.md for how /proc/diskstats fills these.
**
** Hidden columns give iostat -x over the interval since the previous
** generation (the first sample covers the time since crtime, like iostat's
** first line): elapsed, r_s, w_s, kr_s, kw_s, wait, actv, svc_t, pct_w, pct_b.
**   SELECT name, r_s, w_s, kr_s, kw_s, svc_t, pct_b FROM io WHERE class = 'disk';
**
** HOW IT WORKS: only kstats whose type is io are visited; each is read once
** per generation. A kstat whose read failed has no row (see kstat.error).
*/
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

enum class Col : int {
  module,
  instance,
  name,
  klass,
  nread,
  nwritten,
  reads,
  writes,
  wtime,
  wlentime,
  wlastupdate,
  rtime,
  rlentime,
  rlastupdate,
  wcnt,
  rcnt,
  snaptime,
  crtime,
  elapsed,
  r_s,
  w_s,
  kr_s,
  kw_s,
  wait,
  actv,
  svc_t,
  pct_w,
  pct_b
};

// iostat -x's columns for the current row (docs/reports.md): the interval
// is Δsnaptime (since crtime on a first sample; 1 s when zero), reads/writes
// deltas are 32-bit wrap-safe, byte counts 64-bit, times saturated (rates.hpp).
double iostat_column(Cursor& c, Col col) {
  const engine::IoStats& now = *c.data->io;
  const engine::Baseline& b = c.baseline();
  engine::IoStats zero;
  const engine::IoStats& old = b.before && b.before->io ? *b.before->io : zero;
  double t_ns = b.elapsed_ns > 0 ? static_cast<double>(b.elapsed_ns) : 1e9;
  double etime = t_ns / 1e9;
  double r_s = engine::u32_delta(now.reads, old.reads) / etime;
  double w_s = engine::u32_delta(now.writes, old.writes) / etime;
  double wait = static_cast<double>(engine::i64_delta(now.wlentime, old.wlentime)) / t_ns;
  double actv = static_cast<double>(engine::i64_delta(now.rlentime, old.rlentime)) / t_ns;
  switch (col) {
    case Col::elapsed:
      return etime;
    case Col::r_s:
      return r_s;
    case Col::w_s:
      return w_s;
    case Col::kr_s:
      return static_cast<double>(now.nread - old.nread) / etime / 1024.0;
    case Col::kw_s:
      return static_cast<double>(now.nwritten - old.nwritten) / etime / 1024.0;
    case Col::wait:
      return wait;
    case Col::actv:
      return actv;
    case Col::svc_t:
      return r_s + w_s > 0 ? (wait + actv) * 1000.0 / (r_s + w_s) : 0.0;
    case Col::pct_w:
      return 100.0 * static_cast<double>(engine::i64_delta(now.wtime, old.wtime)) / t_ns;
    case Col::pct_b:
      return 100.0 * static_cast<double>(engine::i64_delta(now.rtime, old.rtime)) / t_ns;
    default:
      return 0.0;
  }
}

void settle(Cursor& c) {
  // c.kstats holds io kstats only: the filter's type (IoTable::kOnlyType).
  for (; c.k < c.kstats.size(); ++c.k) {
    const engine::KstatData& d = c.gen->data(c.index());
    if (d.ok() && d.io) {
      c.data = &d;
      c.eof = false;
      return;
    }
  }
  c.eof = true;
}

}  // namespace

void IoTable::first(Cursor& c) {
  settle(c);
}

void IoTable::next(Cursor& c) {
  ++c.k;
  settle(c);
}

void IoTable::column(Cursor& c, sqlite3_context* ctx, int col) {
  const engine::IoStats& io = *c.data->io;
  switch (static_cast<Col>(col)) {
    case Col::nread:
      sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(io.nread));
      return;
    case Col::nwritten:
      sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(io.nwritten));
      return;
    case Col::reads:
      sqlite3_result_int64(ctx, io.reads);
      return;
    case Col::writes:
      sqlite3_result_int64(ctx, io.writes);
      return;
    case Col::wtime:
      sqlite3_result_int64(ctx, io.wtime);
      return;
    case Col::wlentime:
      sqlite3_result_int64(ctx, io.wlentime);
      return;
    case Col::wlastupdate:
      sqlite3_result_int64(ctx, io.wlastupdate);
      return;
    case Col::rtime:
      sqlite3_result_int64(ctx, io.rtime);
      return;
    case Col::rlentime:
      sqlite3_result_int64(ctx, io.rlentime);
      return;
    case Col::rlastupdate:
      sqlite3_result_int64(ctx, io.rlastupdate);
      return;
    case Col::wcnt:
      sqlite3_result_int64(ctx, io.wcnt);
      return;
    case Col::rcnt:
      sqlite3_result_int64(ctx, io.rcnt);
      return;
    case Col::snaptime:
      sqlite3_result_int64(ctx, c.data->snaptime);
      return;
    case Col::crtime:
      sqlite3_result_int64(ctx, c.header().crtime);
      return;
    case Col::elapsed:
    case Col::r_s:
    case Col::w_s:
    case Col::kr_s:
    case Col::kw_s:
    case Col::wait:
    case Col::actv:
    case Col::svc_t:
    case Col::pct_w:
    case Col::pct_b:
      sqlite3_result_double(ctx, iostat_column(c, static_cast<Col>(col)));
      return;
    default:
      result_identity(ctx, c.header(), col);
  }
}

}  // namespace kstatsql::vtab
