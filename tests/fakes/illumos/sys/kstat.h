/*
 * tests/fakes/illumos/sys/kstat.h — illumos' kernel statistics ABI, as seen
 * from userland, for building engine/sources/illumos/illumos_source.cpp and the fake libkstat
 * on Linux. Layouts follow usr/src/uts/common/sys/kstat.h (LP64); every size
 * and offset is checked below against the documented values
 * (/work/shared/reference/docs/raw-kstats.md). Declarations written for this
 * project; only the names and layouts are the ABI's.
 */
#ifndef KSTATSQL_FAKE_SYS_KSTAT_H
#define KSTATSQL_FAKE_SYS_KSTAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int kid_t;
typedef long long hrtime_t;
typedef unsigned int uint_t;
typedef unsigned char uchar_t;
typedef unsigned long long u_longlong_t;

#define KSTAT_STRLEN 31

#define KSTAT_TYPE_RAW 0
#define KSTAT_TYPE_NAMED 1
#define KSTAT_TYPE_INTR 2
#define KSTAT_TYPE_IO 3
#define KSTAT_TYPE_TIMER 4
#define KSTAT_NUM_TYPES 5

#define KSTAT_FLAG_VIRTUAL 0x01
#define KSTAT_FLAG_VAR_SIZE 0x02
#define KSTAT_FLAG_WRITABLE 0x04
#define KSTAT_FLAG_PERSISTENT 0x08
#define KSTAT_FLAG_DORMANT 0x10
#define KSTAT_FLAG_INVALID 0x20

typedef struct kstat {
  hrtime_t ks_crtime;
  struct kstat* ks_next;
  kid_t ks_kid;
  char ks_module[KSTAT_STRLEN];
  uchar_t ks_resv;
  int ks_instance;
  char ks_name[KSTAT_STRLEN];
  uchar_t ks_type;
  char ks_class[KSTAT_STRLEN];
  uchar_t ks_flags;
  void* ks_data;
  uint_t ks_ndata;
  size_t ks_data_size;
  hrtime_t ks_snaptime;
  /* kernel-only fields, opaque to userland */
  int (*ks_update)(struct kstat*, int);
  void* ks_private;
  int (*ks_snapshot)(struct kstat*, void*, int);
  void* ks_lock;
} kstat_t;

#define KSTAT_DATA_CHAR 0
#define KSTAT_DATA_INT32 1
#define KSTAT_DATA_UINT32 2
#define KSTAT_DATA_INT64 3
#define KSTAT_DATA_UINT64 4
#define KSTAT_DATA_FLOAT 5
#define KSTAT_DATA_DOUBLE 6
#define KSTAT_DATA_STRING 9
#define KSTAT_DATA_LONG KSTAT_DATA_INT64
#define KSTAT_DATA_ULONG KSTAT_DATA_UINT64
#define KSTAT_DATA_LONGLONG KSTAT_DATA_INT64
#define KSTAT_DATA_ULONGLONG KSTAT_DATA_UINT64

typedef struct kstat_named {
  char name[KSTAT_STRLEN];
  uchar_t data_type;
  union {
    char c[16];
    int32_t i32;
    uint32_t ui32;
    struct {
      union {
        char* ptr;
        char __pad[8];
      } addr;
      uint32_t len; /* strlen + 1 */
    } str;
    int64_t i64;
    uint64_t ui64;
    long l;
    unsigned long ul;
    long long ll;
    unsigned long long ull;
    float f;
    double d;
  } value;
} kstat_named_t;

#define KSTAT_NAMED_PTR(kptr) ((kstat_named_t*)(kptr)->ks_data)
#define KSTAT_NAMED_STR_PTR(knptr) ((knptr)->value.str.addr.ptr)
#define KSTAT_NAMED_STR_BUFLEN(knptr) ((knptr)->value.str.len)

#define KSTAT_INTR_HARD 0
#define KSTAT_INTR_SOFT 1
#define KSTAT_INTR_WATCHDOG 2
#define KSTAT_INTR_SPURIOUS 3
#define KSTAT_INTR_MULTSVC 4
#define KSTAT_NUM_INTRS 5

typedef struct kstat_intr {
  uint_t intrs[KSTAT_NUM_INTRS];
} kstat_intr_t;

typedef struct kstat_io {
  u_longlong_t nread;
  u_longlong_t nwritten;
  uint_t reads;
  uint_t writes;
  hrtime_t wtime;
  hrtime_t wlentime;
  hrtime_t wlastupdate;
  hrtime_t rtime;
  hrtime_t rlentime;
  hrtime_t rlastupdate;
  uint_t wcnt;
  uint_t rcnt;
} kstat_io_t;

typedef struct kstat_timer {
  char name[KSTAT_STRLEN];
  uchar_t resv;
  u_longlong_t num_events;
  hrtime_t elapsed_time;
  hrtime_t min_time;
  hrtime_t max_time;
  hrtime_t start_time;
  hrtime_t stop_time;
} kstat_timer_t;

#ifdef __cplusplus
} /* extern "C" */

/* The documented LP64 layouts (docs/raw-kstats.md). */
static_assert(sizeof(kstat_t) == 184, "kstat_t is 184 bytes on LP64");
static_assert(offsetof(kstat_t, ks_crtime) == 0);
static_assert(offsetof(kstat_t, ks_next) == 8);
static_assert(offsetof(kstat_t, ks_kid) == 16);
static_assert(offsetof(kstat_t, ks_module) == 20);
static_assert(offsetof(kstat_t, ks_resv) == 51);
static_assert(offsetof(kstat_t, ks_instance) == 52);
static_assert(offsetof(kstat_t, ks_name) == 56);
static_assert(offsetof(kstat_t, ks_type) == 87);
static_assert(offsetof(kstat_t, ks_class) == 88);
static_assert(offsetof(kstat_t, ks_flags) == 119);
static_assert(offsetof(kstat_t, ks_data) == 120);
static_assert(offsetof(kstat_t, ks_ndata) == 128);
static_assert(offsetof(kstat_t, ks_data_size) == 136);
static_assert(offsetof(kstat_t, ks_snaptime) == 144);
static_assert(offsetof(kstat_t, ks_update) == 152);
static_assert(sizeof(kstat_named_t) == 48 && alignof(kstat_named_t) == 8);
static_assert(offsetof(kstat_named_t, data_type) == 31);
static_assert(offsetof(kstat_named_t, value) == 32);
static_assert(offsetof(kstat_named_t, value.str.len) == 40);
static_assert(sizeof(kstat_intr_t) == 20);
static_assert(sizeof(kstat_io_t) == 80 && alignof(kstat_io_t) == 8);
static_assert(offsetof(kstat_io_t, reads) == 16);
static_assert(offsetof(kstat_io_t, wtime) == 24);
static_assert(offsetof(kstat_io_t, rtime) == 48);
static_assert(offsetof(kstat_io_t, wcnt) == 72);
static_assert(offsetof(kstat_io_t, rcnt) == 76);
static_assert(sizeof(kstat_timer_t) == 80);
static_assert(offsetof(kstat_timer_t, num_events) == 32);
static_assert(offsetof(kstat_timer_t, stop_time) == 72);
#endif

#endif /* KSTATSQL_FAKE_SYS_KSTAT_H */
