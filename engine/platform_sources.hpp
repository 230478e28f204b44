// engine/platform_sources.hpp — the illumos/Solaris and OpenBSD live sources.
//
// Natively (CMAKE_SYSTEM_NAME SunOS or OpenBSD) one of them is the live source
// that make_live_source() returns. On Linux both are compiled into the test
// binary only, against the ABI-faithful fakes in tests/fakes/ (a fake
// libkstat with C linkage, and a fake /dev/kstat reached through DevKstatOps).
//
// Both follow Source's contract (source.hpp): not thread-safe, every call is
// made holding Source::mutex(); each source owns its own kernel handle (one
// kstat_ctl_t, one /dev/kstat descriptor), used by one thread at a time, so
// many connections in many threads are safe whether each has its own Source or
// they share one.
#pragma once

#include <memory>

#include "engine/source.hpp"

namespace kstatsql::engine {

// illumos / Solaris through libkstat (kstat_open, kstat_chain_update,
// kstat_read, kstat_close).
//  * changed(): kstat_chain_update() != 0 (or a read saw the chain move).
//  * enumerate(): walks kc_chain; header id = ks_kid, klass = ks_class,
//    cookie = ks_kid. Never reads data.
//  * read(): finds the kstat_t by ks_kid in the *current* chain (never
//    through a pointer kept from an older chain), kstat_read()s it and copies
//    ks_data into the generation arena: named (CHAR up to 16 bytes, STRING
//    values bounded by ks_data_size), io, intr, every timer record, raw bytes.
//    EAGAIN is retried (5 tries); ENXIO (gone), EOVERFLOW, ENOMEM and bad
//    layouts are recorded on the kstat with set_read_error().
// Throws Error(io) when kstat_open() fails.
std::shared_ptr<Source> make_illumos_source();

// How the OpenBSD source reaches /dev/kstat. Natively these are open(2),
// ioctl(2) and close(2); tests inject the fake /dev/kstat. Each returns -1
// and sets errno on failure, as the system calls do.
struct DevKstatOps {
  int (*open)(const char* path, int flags);
  int (*ioctl)(int fd, unsigned long request, void* arg);
  int (*close)(int fd);
};

// OpenBSD through /dev/kstat ioctls (KSTATIOC_VERSION, NFIND_ID, FIND_ID).
//  * Identity provider:instance:name:unit; KstatHeader::unit = ks_unit,
//    klass = "" (OpenBSD has no class), id = ks_id, crtime = ks_created,
//    snaptime = ks_updated (ns of uptime). KV kstats are type named, RAW and
//    COUNTERS kstats type raw (bytes kept in KstatData::raw).
//  * changed(): KSTATIOC_VERSION differs from the enumerated version (or an
//    ioctl failed with EINVAL, the kernel's "version changed" answer).
//  * read(): FIND_ID into a buffer grown until ks_datalen fits; EINVAL
//    resynchronises the version and retries; other errors are recorded on
//    the kstat. kv entries decoded by type and unit (see the .cpp).
// `ops` == nullptr means the real system calls (natively; on other systems
// the call fails with ENODEV). Throws Error(io) when /dev/kstat cannot be
// opened or its version read.
std::shared_ptr<Source> make_openbsd_source(const DevKstatOps* ops = nullptr);

}  // namespace kstatsql::engine
