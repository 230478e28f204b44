/*
 * tests/fakes/illumos/sys/sysinfo.h — the raw structs behind unix:0:sysinfo,
 * unix:0:vminfo and cpu_stat:N:cpu_statN (illumos usr/src/uts/common/sys/sysinfo.h),
 * field lists and sizes from docs/raw-kstats.md Written for this project.
 */
#ifndef KSTATSQL_FAKE_SYS_SYSINFO_H
#define KSTATSQL_FAKE_SYS_SYSINFO_H

#include <stdint.h>
#include <sys/kstat.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sysinfo {
  uint_t updates, runque, runocc, swpque, swpocc, waiting;
} sysinfo_t;

typedef struct vminfo {
  uint64_t freemem, swap_resv, swap_alloc, swap_avail, swap_free, updates;
} vminfo_t;

#define CPU_IDLE 0
#define CPU_USER 1
#define CPU_KERNEL 2
#define CPU_WAIT 3
#define CPU_STATES 4
#define W_IO 0
#define W_SWAP 1
#define W_PIO 2
#define W_STATES 3

typedef struct cpu_sysinfo {
  uint_t cpu[CPU_STATES];
  uint_t wait[W_STATES];
  uint_t bread, bwrite, lread, lwrite, phread, phwrite, pswitch, trap, intr, syscall, sysread,
      syswrite, sysfork, sysvfork, sysexec, readch, writech, rcvint, xmtint, mdmint, rawch, canch,
      outch, msg, sema, namei, ufsiget, ufsdirblk, ufsipage, ufsinopage, inodeovf, fileovf, procovf,
      intrthread, intrblk, idlethread, inv_swtch, nthreads, cpumigrate, xcalls, mutex_adenters,
      rw_rdfails, rw_wrfails, modload, modunload, bawrite, rw_enters, win_uo_cnt, win_uu_cnt,
      win_so_cnt, win_su_cnt, win_suo_cnt;
} cpu_sysinfo_t;

typedef struct cpu_syswait {
  int iowait, swap, physio;
} cpu_syswait_t;

typedef struct cpu_vminfo {
  uint_t pgrec, pgfrec, pgin, pgpgin, pgout, pgpgout, swapin, pgswapin, swapout, pgswapout, zfod,
      dfree, scan, rev, hat_fault, as_fault, maj_fault, cow_fault, prot_fault, softlock,
      kernel_asflt, pgrrun, execpgin, execpgout, execfree, anonpgin, anonpgout, anonfree, fspgin,
      fspgout, fsfree;
} cpu_vminfo_t;

typedef struct cpu_stat {
  uint_t __cpu_stat_lock[2];
  cpu_sysinfo_t cpu_sysinfo;
  cpu_syswait_t cpu_syswait;
  cpu_vminfo_t cpu_vminfo;
} cpu_stat_t;

#ifdef __cplusplus
} /* extern "C" */
static_assert(sizeof(sysinfo_t) == 24);
static_assert(sizeof(vminfo_t) == 48);
static_assert(offsetof(vminfo_t, updates) == 40);
static_assert(sizeof(cpu_sysinfo_t) == 236 && sizeof(cpu_sysinfo_t) == 59 * 4);
static_assert(sizeof(cpu_syswait_t) == 12);
static_assert(sizeof(cpu_vminfo_t) == 124);
static_assert(sizeof(cpu_stat_t) == 380);
static_assert(offsetof(cpu_stat_t, cpu_sysinfo) == 8);
static_assert(offsetof(cpu_stat_t, cpu_syswait) == 244);
static_assert(offsetof(cpu_stat_t, cpu_vminfo) == 256);
#endif

#endif /* KSTATSQL_FAKE_SYS_SYSINFO_H */
