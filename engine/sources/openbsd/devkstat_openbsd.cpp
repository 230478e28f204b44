// engine/sources/openbsd/devkstat_openbsd.cpp — /dev/kstat through the real
// system calls (compiled on OpenBSD only).
#include <sys/ioctl.h>
#include <fcntl.h>
#include <unistd.h>

#include "engine/sources/openbsd/openbsd_source.hpp"

namespace kstatsql::engine {

namespace {
int sys_open(const char* path, int flags) {
  return ::open(path, flags);
}
int sys_ioctl(int fd, unsigned long req, void* arg) {
  return ::ioctl(fd, req, arg);
}
int sys_close(int fd) {
  return ::close(fd);
}
}  // namespace

const DevKstatOps kSystemDevKstatOps = {sys_open, sys_ioctl, sys_close};

}  // namespace kstatsql::engine
