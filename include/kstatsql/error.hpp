// kstatsql/error.hpp — the one exception type used inside kstatsql.
//
// Inside C++ (grammar, engine, shell) failures are exceptions of type Error.
// They never cross into SQLite: every SQLite callback is a noexcept trampoline
// that converts an Error into a result code and message (see vtab/guard.hpp).
// Per-kstat failures (a kstat that vanished, EAGAIN, EOVERFLOW) are data, not
// exceptions: the snapshot keeps them in KstatData::error.
#pragma once

#include <stdexcept>
#include <string>

namespace kstatsql {

enum class Errc {
  parse,        // malformed input: dump, selector, KQL, option value
  io,           // open/read/mmap failed; the message carries the errno text
  unsupported,  // valid request this build or source cannot serve
  constraint,   // write to a read-only table, bad argument to a SQL function
  internal,     // a broken invariant; always a bug
};

class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

// "context: strerror(err)" as an Errc::io error (LevelDB's PosixError).
[[noreturn]] void throw_errno(const std::string& context, int err);

}  // namespace kstatsql
