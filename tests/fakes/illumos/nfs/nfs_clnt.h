/*
 * tests/fakes/illumos/nfs/nfs_clnt.h — struct mntinfo_kstat behind
 * nfs:<minor>:mntinfo (illumos usr/src/uts/common/nfs/nfs_clnt.h;
 * docs/raw-kstats.md). Written for this project.
 */
#ifndef KSTATSQL_FAKE_NFS_NFS_CLNT_H
#define KSTATSQL_FAKE_NFS_NFS_CLNT_H

#include <stdint.h>
#include <sys/kstat.h>

#define KNC_STRSIZE 128
#define NFS_CALLTYPES 3
#define _SYS_NMLN 257

struct mntinfo_kstat {
  char mik_proto[KNC_STRSIZE];
  uint32_t mik_vers;
  uint_t mik_flags;
  uint_t mik_secmod;
  uint32_t mik_curread;
  uint32_t mik_curwrite;
  int mik_timeo;
  int mik_retrans;
  uint_t mik_acregmin;
  uint_t mik_acregmax;
  uint_t mik_acdirmin;
  uint_t mik_acdirmax;
  struct {
    uint32_t srtt;
    uint32_t deviate;
    uint32_t rtxcur;
  } mik_timers[NFS_CALLTYPES + 1];
  uint32_t mik_noresponse;
  uint32_t mik_failover;
  uint32_t mik_remap;
  char mik_curserver[_SYS_NMLN];
};

#ifdef __cplusplus
static_assert(sizeof(struct mntinfo_kstat) == 492 && alignof(struct mntinfo_kstat) == 4);
static_assert(offsetof(struct mntinfo_kstat, mik_vers) == 128);
static_assert(offsetof(struct mntinfo_kstat, mik_timeo) == 148);
static_assert(offsetof(struct mntinfo_kstat, mik_acdirmax) == 168);
static_assert(offsetof(struct mntinfo_kstat, mik_timers) == 172);
static_assert(offsetof(struct mntinfo_kstat, mik_noresponse) == 220);
static_assert(offsetof(struct mntinfo_kstat, mik_remap) == 228);
static_assert(offsetof(struct mntinfo_kstat, mik_curserver) == 232);
#endif

#endif /* KSTATSQL_FAKE_NFS_NFS_CLNT_H */
