// engine/sources/openbsd/devkstat_none.cpp — systems without /dev/kstat: the
// OpenBSD source works only over an injected fake there.
#include <cerrno>

#include "engine/sources/openbsd/openbsd_source.hpp"

namespace kstatsql::engine {

namespace {
int no_open(const char*, int) {
  return errno = ENODEV, -1;
}
int no_ioctl(int, unsigned long, void*) {
  return errno = ENODEV, -1;
}
int no_close(int) {
  return 0;
}
}  // namespace

const DevKstatOps kSystemDevKstatOps = {no_open, no_ioctl, no_close};

}  // namespace kstatsql::engine
