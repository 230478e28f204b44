// engine/posix_error.cpp — errno to message and Error (posix_error.hpp).
#include "engine/posix_error.hpp"

#include <cstring>

namespace kstatsql {

namespace engine {

std::string errno_message(std::string_view context, int err) {
  std::string out(context);
  out += ": ";
  out += std::strerror(err);
  return out;
}

Error posix_error(std::string_view context, int err) {
  return Error(Errc::io, errno_message(context, err));
}

}  // namespace engine

void throw_errno(const std::string& context, int err) {
  throw engine::posix_error(context, err);
}

}  // namespace kstatsql
