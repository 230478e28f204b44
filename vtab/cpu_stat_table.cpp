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

namespace {

constexpr std::string_view kKey = "cpu_stat:cpu_stat";
constexpr int kFirstStat = 4;

const Column kColumns[] = {
    key_column(engine::KeyCol::module, "kstat module (cpu_stat)"),
    key_column(engine::KeyCol::instance, "CPU id"),
    key_column(engine::KeyCol::name, "kstat name (cpu_statN)"),
    key_column(engine::KeyCol::klass, "kstat class (misc)"),
    {"idle", "INTEGER", "ticks idle (cpu[CPU_IDLE])", -1, true},
    {"user", "INTEGER", "ticks in user mode (cpu[CPU_USER])", -1, true},
    {"kernel", "INTEGER", "ticks in kernel mode (cpu[CPU_KERNEL])", -1, true},
    {"wait", "INTEGER", "ticks waiting for I/O (cpu[CPU_WAIT]; always 0 on illumos)", -1, true},
    {"wait_io", "INTEGER", "wait[W_IO] (always 0 on illumos)", -1, true},
    {"wait_swap", "INTEGER", "wait[W_SWAP] (always 0 on illumos)", -1, true},
    {"wait_pio", "INTEGER", "wait[W_PIO] (always 0 on illumos)", -1, true},
    {"bread", "INTEGER", "physical block reads", -1, true},
    {"bwrite", "INTEGER", "physical block writes (sync and async)", -1, true},
    {"lread", "INTEGER", "logical block reads", -1, true},
    {"lwrite", "INTEGER", "logical block writes", -1, true},
    {"phread", "INTEGER", "raw I/O reads", -1, true},
    {"phwrite", "INTEGER", "raw I/O writes", -1, true},
    {"pswitch", "INTEGER", "context switches", -1, true},
    {"trap", "INTEGER", "traps", -1, true},
    {"intr", "INTEGER", "device interrupts", -1, true},
    {"syscall", "INTEGER", "system calls", -1, true},
    {"sysread", "INTEGER", "read() and readv() calls", -1, true},
    {"syswrite", "INTEGER", "write() and writev() calls", -1, true},
    {"sysfork", "INTEGER", "forks", -1, true},
    {"sysvfork", "INTEGER", "vforks", -1, true},
    {"sysexec", "INTEGER", "execs", -1, true},
    {"readch", "INTEGER", "bytes read by read system calls", -1, true},
    {"writech", "INTEGER", "bytes written by write system calls", -1, true},
    {"rcvint", "INTEGER", "terminal receive interrupts (unused)", -1, true},
    {"xmtint", "INTEGER", "terminal transmit interrupts (unused)", -1, true},
    {"mdmint", "INTEGER", "modem interrupts (unused)", -1, true},
    {"rawch", "INTEGER", "terminal input characters", -1, true},
    {"canch", "INTEGER", "characters handled in canonical mode", -1, true},
    {"outch", "INTEGER", "terminal output characters", -1, true},
    {"msg", "INTEGER", "message queue operations (msgrcv, msgsnd)", -1, true},
    {"sema", "INTEGER", "semaphore operations (semop)", -1, true},
    {"namei", "INTEGER", "path name lookups", -1, true},
    {"ufsiget", "INTEGER", "ufs_iget() calls", -1, true},
    {"ufsdirblk", "INTEGER", "UFS directory blocks read", -1, true},
    {"ufsipage", "INTEGER", "UFS inodes taken with pages attached", -1, true},
    {"ufsinopage", "INTEGER", "UFS inodes taken with no pages attached", -1, true},
    {"inodeovf", "INTEGER", "inode table overflows (always 0 on illumos)", -1, true},
    {"fileovf", "INTEGER", "file table overflows (always 0 on illumos)", -1, true},
    {"procovf", "INTEGER", "process table overflows", -1, true},
    {"intrthread", "INTEGER", "interrupts handled as threads (below LOCK_LEVEL)", -1, true},
    {"intrblk", "INTEGER", "interrupt threads that blocked", -1, true},
    {"idlethread", "INTEGER", "times the idle thread was scheduled", -1, true},
    {"inv_swtch", "INTEGER", "involuntary context switches", -1, true},
    {"nthreads", "INTEGER", "threads created", -1, true},
    {"cpumigrate", "INTEGER", "thread migrations to this CPU", -1, true},
    {"xcalls", "INTEGER", "cross-calls to other CPUs", -1, true},
    {"mutex_adenters", "INTEGER", "failed adaptive mutex enters (spins)", -1, true},
    {"rw_rdfails", "INTEGER", "reader-writer lock read failures", -1, true},
    {"rw_wrfails", "INTEGER", "reader-writer lock write failures", -1, true},
    {"modload", "INTEGER", "kernel modules loaded", -1, true},
    {"modunload", "INTEGER", "kernel modules unloaded", -1, true},
    {"bawrite", "INTEGER", "physical block writes (async)", -1, true},
    {"iowait", "INTEGER", "threads waiting for I/O now (cpu_syswait, int32)", -1, true},
    {"swap", "INTEGER", "threads waiting for swap now (cpu_syswait, int32)", -1, true},
    {"physio", "INTEGER", "threads waiting for raw I/O now (cpu_syswait, int32)", -1, true},
    {"pgrec", "INTEGER", "page reclaims (pageouts included)", -1, true},
    {"pgfrec", "INTEGER", "page reclaims from the free list", -1, true},
    {"pgin", "INTEGER", "page-in operations", -1, true},
    {"pgpgin", "INTEGER", "pages paged in", -1, true},
    {"pgout", "INTEGER", "page-out operations", -1, true},
    {"pgpgout", "INTEGER", "pages paged out", -1, true},
    {"swapin", "INTEGER", "swap-in operations", -1, true},
    {"pgswapin", "INTEGER", "pages swapped in", -1, true},
    {"swapout", "INTEGER", "swap-out operations", -1, true},
    {"pgswapout", "INTEGER", "pages swapped out", -1, true},
    {"zfod", "INTEGER", "pages zero-filled on demand", -1, true},
    {"dfree", "INTEGER", "pages freed by the page daemon or automatically", -1, true},
    {"scan", "INTEGER", "pages examined by the page daemon", -1, true},
    {"rev", "INTEGER", "revolutions of the page daemon's hand", -1, true},
    {"hat_fault", "INTEGER", "minor faults handled by hat_fault()", -1, true},
    {"as_fault", "INTEGER", "minor faults handled by as_fault()", -1, true},
    {"maj_fault", "INTEGER", "major faults", -1, true},
    {"cow_fault", "INTEGER", "copy-on-write faults", -1, true},
    {"prot_fault", "INTEGER", "protection faults", -1, true},
    {"softlock", "INTEGER", "faults for software page locking", -1, true},
    {"kernel_asflt", "INTEGER", "as_fault() calls in the kernel address space", -1, true},
    {"pgrrun", "INTEGER", "times the pager ran", -1, true},
    {"execpgin", "INTEGER", "executable pages paged in", -1, true},
    {"execpgout", "INTEGER", "executable pages paged out", -1, true},
    {"execfree", "INTEGER", "executable pages freed", -1, true},
    {"anonpgin", "INTEGER", "anonymous pages paged in", -1, true},
    {"anonpgout", "INTEGER", "anonymous pages paged out", -1, true},
    {"anonfree", "INTEGER", "anonymous pages freed", -1, true},
    {"fspgin", "INTEGER", "file system pages paged in", -1, true},
    {"fspgout", "INTEGER", "file system pages paged out", -1, true},
    {"fsfree", "INTEGER", "file system pages freed", -1, true},
    kSnaptimeColumn,
    kCrtimeColumn,
};

}  // namespace

const TableSpec CpuStatTable::spec = {"cpu_stat",
                                      "per-CPU counters (cpu_stat:N:cpu_statN, cpu_stat_t)",
                                      kColumns, static_cast<int>(std::size(kColumns)), 0.05};

KSTATSQL_STRUCT_TABLE(CpuStatTable, kKey, kFirstStat)

}  // namespace kstatsql::vtab
