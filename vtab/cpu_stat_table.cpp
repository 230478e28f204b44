/*
** cpu_stat — one row per CPU: cpu_stat:N:cpu_statN (cpu_stat_t, raw;
** kstat(8)'s cpu_stat:cpu_stat decoder), the classic per-CPU counters that
** mpstat and vmstat were built on.
**
**   SELECT instance, idle, user, kernel, pswitch, syscall FROM cpu_stat;
**   SELECT sum(hat_fault + as_fault) AS minor_faults FROM cpu_stat;
**
** Columns: module, instance, name, class (key columns, pushed down); then
** every statistic kstat(8) prints for cpu_stat, in its order: idle user
** kernel wait (ticks, cpu_sysinfo.cpu[]), wait_io wait_swap wait_pio
** (cpu_sysinfo.wait[]), the cpu_sysinfo counters bread … bawrite (not the
** #ifdef STATISTICS rw_enters/win_* fields, which kstat(8) does not print),
** iowait swap physio (cpu_syswait, int32), the cpu_vminfo counters pgrec …
** fsfree; snaptime, crtime (ns). Counters are uint32 and wrap: take deltas
** modulo 2^32. The named kstats cpu:N:sys and cpu:N:vm carry 64-bit versions.
**
** HOW IT WORKS: only kstats whose module:name with digits removed is
** cpu_stat:cpu_stat are visited (checked on the header). Values are read by
** name from the kstat's statistics (decoded raw struct or replayed dump
** alike). A missing statistic is NULL; a failed read, or a raw size other
** than 380, gives no row (see kstat.error). See docs/raw-kstats.md.
*/
#include "vtab/struct_table.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

KSTATSQL_STRUCT_TABLE(CpuStatTable, "cpu_stat:cpu_stat", structs::kFirstDataColumn)

}  // namespace kstatsql::vtab
