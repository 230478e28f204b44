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
** HOW IT WORKS: only kstats whose type is io are visited; each is read once
** per generation. A kstat whose read failed has no row (see kstat.error).
*/
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

enum class Col : int {
  module, instance, name, klass, nread, nwritten, reads, writes, wtime, wlentime, wlastupdate,
  rtime, rlentime, rlastupdate, wcnt, rcnt, snaptime, crtime
};

const Column kColumns[] = {
    {"module", "TEXT", "kstat module (driver)", static_cast<int>(engine::KeyCol::module), false},
    {"instance", "INTEGER", "kstat instance", static_cast<int>(engine::KeyCol::instance), false},
    {"name", "TEXT", "kstat name (device)", static_cast<int>(engine::KeyCol::name), false},
    {"class", "TEXT", "disk, partition, nfs, ...", static_cast<int>(engine::KeyCol::klass), false},
    {"nread", "INTEGER", "bytes read", -1, true},
    {"nwritten", "INTEGER", "bytes written", -1, true},
    {"reads", "INTEGER", "read operations (32-bit counter)", -1, true},
    {"writes", "INTEGER", "write operations (32-bit counter)", -1, true},
    {"wtime", "INTEGER", "cumulative wait (pre-service) time, ns", -1, true},
    {"wlentime", "INTEGER", "cumulative wait length x time product, ns", -1, true},
    {"wlastupdate", "INTEGER", "last time the wait queue changed, ns", -1, true},
    {"rtime", "INTEGER", "cumulative run (service) time, ns", -1, true},
    {"rlentime", "INTEGER", "cumulative run length x time product, ns", -1, true},
    {"rlastupdate", "INTEGER", "last time the run queue changed, ns", -1, true},
    {"wcnt", "INTEGER", "operations waiting now", -1, true},
    {"rcnt", "INTEGER", "operations running now", -1, true},
    {"snaptime", "INTEGER", "time of the read, ns", -1, true},
    {"crtime", "INTEGER", "kstat creation time, ns", -1, false},
};

void settle(Cursor& c) {
  for (; c.k < c.kstats.size(); ++c.k) {
    if (c.header().type != engine::KstatType::io) continue;
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

const TableSpec IoTable::spec = {"io", "one row per io kstat (kstat_io_t)", kColumns,
                                 static_cast<int>(std::size(kColumns)), 0.05};

void IoTable::first(Cursor& c) { settle(c); }

void IoTable::next(Cursor& c) {
  ++c.k;
  settle(c);
}

void IoTable::column(Cursor& c, sqlite3_context* ctx, int col) {
  const engine::IoStats& io = *c.data->io;
  switch (static_cast<Col>(col)) {
    case Col::nread: sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(io.nread)); return;
    case Col::nwritten: sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(io.nwritten)); return;
    case Col::reads: sqlite3_result_int64(ctx, io.reads); return;
    case Col::writes: sqlite3_result_int64(ctx, io.writes); return;
    case Col::wtime: sqlite3_result_int64(ctx, io.wtime); return;
    case Col::wlentime: sqlite3_result_int64(ctx, io.wlentime); return;
    case Col::wlastupdate: sqlite3_result_int64(ctx, io.wlastupdate); return;
    case Col::rtime: sqlite3_result_int64(ctx, io.rtime); return;
    case Col::rlentime: sqlite3_result_int64(ctx, io.rlentime); return;
    case Col::rlastupdate: sqlite3_result_int64(ctx, io.rlastupdate); return;
    case Col::wcnt: sqlite3_result_int64(ctx, io.wcnt); return;
    case Col::rcnt: sqlite3_result_int64(ctx, io.rcnt); return;
    case Col::snaptime: sqlite3_result_int64(ctx, c.data->snaptime); return;
    case Col::crtime: sqlite3_result_int64(ctx, c.header().crtime); return;
    default: result_identity(ctx, c.header(), col);
  }
}

}  // namespace kstatsql::vtab
