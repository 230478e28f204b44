/*
 * tests/fakes/openbsd/sys/kstat.h — OpenBSD's /dev/kstat interface (sys/sys/kstat.h
 * v1.4): struct kstat_req, struct kstat_kv, the ioctls and the kv type and
 * unit numbers, for building engine/sources/openbsd/openbsd_source.cpp on Linux. Layouts
 * checked against docs/platforms.md (amd64). Written for this project.
 */
#ifndef KSTATSQL_FAKE_OPENBSD_SYS_KSTAT_H
#define KSTATSQL_FAKE_OPENBSD_SYS_KSTAT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* OpenBSD's sys/ioccom.h encoding (it differs from Linux's _IOR/_IOWR). */
#define KSTATSQL_OBSD_IOC_OUT 0x40000000UL
#define KSTATSQL_OBSD_IOC_INOUT 0xc0000000UL
#define KSTATSQL_OBSD_IOC(inout, g, n, len)                                                       \
  ((unsigned long)(inout) | (((unsigned long)(len)&0x1fffUL) << 16) | ((unsigned long)(g) << 8) | \
   (unsigned long)(n))

#define KSTAT_STRLEN 32

#define KSTAT_T_RAW 0
#define KSTAT_T_KV 1
#define KSTAT_T_COUNTERS 2

struct kstat_req {
  unsigned int ks_rflags;
#define KSTATIOC_F_IGNVER (1 << 0)
  unsigned int ks_version;
  uint64_t ks_id;
  char ks_provider[KSTAT_STRLEN];
  unsigned int ks_instance;
  char ks_name[KSTAT_STRLEN];
  unsigned int ks_unit;
  struct timespec ks_created;
  struct timespec ks_updated;
  struct timespec ks_interval;
  unsigned int ks_type;
  unsigned int ks_state;
  void* ks_data;
  size_t ks_datalen;
  unsigned int ks_dataver;
};

#define KSTATIOC_VERSION KSTATSQL_OBSD_IOC(KSTATSQL_OBSD_IOC_OUT, 'k', 1, sizeof(unsigned int))
#define KSTATIOC_FIND_ID \
  KSTATSQL_OBSD_IOC(KSTATSQL_OBSD_IOC_INOUT, 'k', 2, sizeof(struct kstat_req))
#define KSTATIOC_NFIND_ID \
  KSTATSQL_OBSD_IOC(KSTATSQL_OBSD_IOC_INOUT, 'k', 3, sizeof(struct kstat_req))
#define KSTATIOC_FIND_PROVIDER \
  KSTATSQL_OBSD_IOC(KSTATSQL_OBSD_IOC_INOUT, 'k', 4, sizeof(struct kstat_req))
#define KSTATIOC_NFIND_PROVIDER \
  KSTATSQL_OBSD_IOC(KSTATSQL_OBSD_IOC_INOUT, 'k', 5, sizeof(struct kstat_req))
#define KSTATIOC_FIND_NAME \
  KSTATSQL_OBSD_IOC(KSTATSQL_OBSD_IOC_INOUT, 'k', 6, sizeof(struct kstat_req))
#define KSTATIOC_NFIND_NAME \
  KSTATSQL_OBSD_IOC(KSTATSQL_OBSD_IOC_INOUT, 'k', 7, sizeof(struct kstat_req))

#define KSTAT_KV_NAMELEN 16
#define KSTAT_KV_ALIGN sizeof(uint64_t)

enum kstat_kv_type {
  KSTAT_KV_T_NULL,
  KSTAT_KV_T_BOOL,
  KSTAT_KV_T_COUNTER64,
  KSTAT_KV_T_COUNTER32,
  KSTAT_KV_T_UINT64,
  KSTAT_KV_T_INT64,
  KSTAT_KV_T_UINT32,
  KSTAT_KV_T_INT32,
  KSTAT_KV_T_ISTR,  /* inline string */
  KSTAT_KV_T_STR,   /* trailing string */
  KSTAT_KV_T_BYTES, /* trailing bytes */
  KSTAT_KV_T_TEMP,  /* temperature (uK) */
  KSTAT_KV_T_COUNTER16,
  KSTAT_KV_T_UINT16,
  KSTAT_KV_T_INT16,
  KSTAT_KV_T_FREQ,     /* frequency (Hz) */
  KSTAT_KV_T_VOLTS_DC, /* voltage (uV) */
  KSTAT_KV_T_VOLTS_AC, /* voltage (uV) */
  KSTAT_KV_T_AMPS,     /* current (uA) */
  KSTAT_KV_T_WATTS,    /* power (uW) */
};

enum kstat_kv_unit {
  KSTAT_KV_U_NONE = 0,
  KSTAT_KV_U_PACKETS,
  KSTAT_KV_U_BYTES,
  KSTAT_KV_U_CYCLES,
};

struct kstat_kv {
  char kv_key[KSTAT_KV_NAMELEN];
  union {
    char v_istr[16];
    unsigned int v_bool;
    uint64_t v_u64;
    int64_t v_s64;
    uint32_t v_u32;
    int32_t v_s32;
    uint16_t v_u16;
    int16_t v_s16;
    size_t v_len;
  } kv_v;
  enum kstat_kv_type kv_type;
  enum kstat_kv_unit kv_unit;
} __attribute__((aligned(KSTAT_KV_ALIGN)));

#ifdef __cplusplus
static_assert(sizeof(struct kstat_req) == 168);
static_assert(offsetof(struct kstat_req, ks_version) == 4);
static_assert(offsetof(struct kstat_req, ks_id) == 8);
static_assert(offsetof(struct kstat_req, ks_provider) == 16);
static_assert(offsetof(struct kstat_req, ks_instance) == 48);
static_assert(offsetof(struct kstat_req, ks_name) == 52);
static_assert(offsetof(struct kstat_req, ks_unit) == 84);
static_assert(offsetof(struct kstat_req, ks_created) == 88);
static_assert(offsetof(struct kstat_req, ks_updated) == 104);
static_assert(offsetof(struct kstat_req, ks_interval) == 120);
static_assert(offsetof(struct kstat_req, ks_type) == 136);
static_assert(offsetof(struct kstat_req, ks_state) == 140);
static_assert(offsetof(struct kstat_req, ks_data) == 144);
static_assert(offsetof(struct kstat_req, ks_datalen) == 152);
static_assert(offsetof(struct kstat_req, ks_dataver) == 160);
static_assert(sizeof(struct kstat_kv) == 40 && alignof(struct kstat_kv) == 8);
static_assert(offsetof(struct kstat_kv, kv_v) == 16);
static_assert(offsetof(struct kstat_kv, kv_type) == 32);
static_assert(offsetof(struct kstat_kv, kv_unit) == 36);
static_assert(sizeof(enum kstat_kv_type) == 4 && sizeof(enum kstat_kv_unit) == 4);
static_assert(KSTATIOC_VERSION == 0x40046b01UL);
static_assert(KSTATIOC_FIND_ID == 0xc0a86b02UL && KSTATIOC_NFIND_ID == 0xc0a86b03UL);
static_assert(KSTAT_KV_T_TEMP == 11 && KSTAT_KV_T_INT16 == 14 && KSTAT_KV_T_WATTS == 19);
#endif

#endif /* KSTATSQL_FAKE_OPENBSD_SYS_KSTAT_H */
