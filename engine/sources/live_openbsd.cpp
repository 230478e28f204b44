// engine/sources/live_openbsd.cpp — the live source on OpenBSD: /dev/kstat.
#include "engine/sources/open_source.hpp"
#include "engine/sources/openbsd/openbsd_source.hpp"

namespace kstatsql::engine {

std::shared_ptr<Source> make_live_source() {
  return make_openbsd_source();
}

}  // namespace kstatsql::engine
