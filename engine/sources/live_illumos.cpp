// engine/sources/live_illumos.cpp — the live source on illumos and Solaris: libkstat.
#include "engine/sources/illumos/illumos_source.hpp"
#include "engine/sources/open_source.hpp"

namespace kstatsql::engine {

std::shared_ptr<Source> make_live_source() {
  return make_illumos_source();
}

}  // namespace kstatsql::engine
