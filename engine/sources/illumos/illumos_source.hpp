// engine/sources/illumos/illumos_source.hpp — the illumos/Solaris live source (libkstat).
//
// Natively (CMAKE_SYSTEM_NAME SunOS) it is the live source that
// make_live_source() returns (engine/sources/live_illumos.cpp). On other
// systems it is compiled into the test binary only, against the ABI-faithful
// fake libkstat in tests/fakes/.
//
// It follows Source's contract: not thread-safe, every call is made holding
// Source::mutex(); each source owns one kstat_ctl_t, used by one thread at a
// time, so many connections in many threads are safe whether each has its own
// Source or they share one.
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

}  // namespace kstatsql::engine
