/*
 * tests/fakes/illumos/sys/dnlc.h — struct ncstats behind unix:0:ncstats
 * (illumos sys/dnlc.h; docs/raw-kstats.md). Written for this project.
 */
#ifndef KSTATSQL_FAKE_SYS_DNLC_H
#define KSTATSQL_FAKE_SYS_DNLC_H

struct ncstats {
  int hits, misses, enters, dbl_enters, long_enter, long_look, move_to_front, purges;
};

#ifdef __cplusplus
static_assert(sizeof(struct ncstats) == 32);
#endif

#endif /* KSTATSQL_FAKE_SYS_DNLC_H */
