// engine/posix_error.hpp — errno converted at the edge, in one wording.
//
// Every failed system call is reported as "context: strerror(err)", e.g.
// "/proc/stat: No such file or directory" or "kstat_open: Permission denied":
// as an exception (a whole operation failed) or as the text of a per-kstat
// error (one kstat failed; the snapshot keeps it). throw_errno, declared in
// kstatsql/error.hpp, is defined here.
#pragma once

#include <string>
#include <string_view>

#include "kstatsql/error.hpp"

namespace kstatsql::engine {

// "context: strerror(err)".
std::string errno_message(std::string_view context, int err);

// Error(Errc::io, errno_message(context, err)) — LevelDB's PosixError.
Error posix_error(std::string_view context, int err);

}  // namespace kstatsql::engine
