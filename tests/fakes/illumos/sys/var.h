/*
 * tests/fakes/illumos/sys/var.h — struct var behind unix:0:var (illumos
 * usr/src/uts/common/sys/var.h; docs/raw-kstats.md). Written for this project.
 */
#ifndef KSTATSQL_FAKE_SYS_VAR_H
#define KSTATSQL_FAKE_SYS_VAR_H

struct var {
  int v_buf, v_call, v_proc, v_maxupttl, v_nglobpris, v_maxsyspri, v_clist, v_maxup, v_hbuf,
      v_hmask, v_pbuf, v_sptmap, v_maxpmem, v_autoup, v_bufhwm;
};

#ifdef __cplusplus
static_assert(sizeof(struct var) == 60);
static_assert(__builtin_offsetof(struct var, v_bufhwm) == 56);
#endif

#endif /* KSTATSQL_FAKE_SYS_VAR_H */
