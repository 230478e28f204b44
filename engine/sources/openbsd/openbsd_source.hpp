// engine/sources/openbsd/openbsd_source.hpp — the OpenBSD live source (/dev/kstat ioctls).
//
// Natively (CMAKE_SYSTEM_NAME OpenBSD) it is the live source that
// make_live_source() returns (engine/sources/live_openbsd.cpp). On other
// systems it is compiled into the test binary only, against the fake
// /dev/kstat in tests/fakes/, reached through DevKstatOps.
//
// It follows Source's contract: not thread-safe, every call is made holding
// Source::mutex(); each source owns one /dev/kstat descriptor.
#pragma once

#include <memory>

#include "engine/source.hpp"

namespace kstatsql::engine {

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

// The system calls behind DevKstatOps when no fake is given: open(2), ioctl(2)
// and close(2) on OpenBSD (devkstat_openbsd.cpp); calls failing with ENODEV
// elsewhere (devkstat_none.cpp). CMake compiles exactly one of the two.
extern const DevKstatOps kSystemDevKstatOps;

}  // namespace kstatsql::engine
