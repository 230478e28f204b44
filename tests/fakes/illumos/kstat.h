/*
 * tests/fakes/illumos/kstat.h — libkstat's interface (illumos usr/src/head/kstat.h):
 * kstat_ctl_t and the functions of libkstat(3LIB). On Linux these are defined
 * by tests/fakes/fake_libkstat.cpp, inside the test binary only.
 */
#ifndef KSTATSQL_FAKE_KSTAT_H
#define KSTATSQL_FAKE_KSTAT_H

#include <sys/kstat.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kstat_ctl {
  kid_t kc_chain_id; /* current kstat chain ID */
  kstat_t* kc_chain; /* pointer to kstat chain */
  int kc_kd;         /* /dev/kstat descriptor */
} kstat_ctl_t;

kstat_ctl_t* kstat_open(void);
int kstat_close(kstat_ctl_t*);
kid_t kstat_read(kstat_ctl_t*, kstat_t*, void*);
kid_t kstat_write(kstat_ctl_t*, kstat_t*, void*);
kid_t kstat_chain_update(kstat_ctl_t*);
kstat_t* kstat_lookup(kstat_ctl_t*, char*, int, char*);
void* kstat_data_lookup(kstat_t*, char*);

#ifdef __cplusplus
} /* extern "C" */
static_assert(sizeof(kstat_ctl_t) == 24);
static_assert(offsetof(kstat_ctl_t, kc_chain) == 8);
static_assert(offsetof(kstat_ctl_t, kc_kd) == 16);
#endif

#endif /* KSTATSQL_FAKE_KSTAT_H */
