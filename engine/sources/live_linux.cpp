// engine/sources/live_linux.cpp — the live source on Linux: /proc and /sys.
#include "engine/sources/linux/linux_source.hpp"
#include "engine/sources/open_source.hpp"

namespace kstatsql::engine {

std::shared_ptr<Source> make_live_source() {
  return make_linux_source("/proc", "/sys");
}

}  // namespace kstatsql::engine
