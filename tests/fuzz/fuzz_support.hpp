// tests/fuzz/fuzz_support.hpp — what several libFuzzer targets share: the
// input as a file, and reading every kstat of a source so that every parsed
// byte is touched (ASan sees a bad view).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/source.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::fuzz {

// The input as a file (a memfd, so nothing is left behind). path() names it
// for open calls; it is "" when the memfd could not be made.
class MemFile {
 public:
  explicit MemFile(std::string_view bytes) {
    fd_ = memfd_create("kstatsql_fuzz", 0);
    if (fd_ < 0) return;
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
      done += static_cast<std::size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  const std::string& path() const noexcept { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// A sum over every byte of `s`, so a view past its storage is an ASan report.
inline std::size_t touch(std::string_view s) noexcept {
  std::size_t sum = 0;
  for (char c : s) sum += static_cast<unsigned char>(c);
  return sum;
}

// Every field of one kstat's data, touched.
inline std::size_t touch(const engine::KstatHeader& h, const engine::KstatData& d) {
  std::size_t sum =
      touch(h.module) + touch(h.name) + touch(h.klass) + touch(h.host) + touch(d.error);
  for (const auto& st : d.named) {
    sum += touch(st.name_view());
    if (engine::repr_of(st.type) == engine::Repr::str) sum += touch(st.str());
  }
  for (const auto& t : d.timers) sum += touch(t.name_view());
  for (std::byte b : d.raw) sum += static_cast<std::size_t>(b);
  if (d.io) sum += d.io->reads;
  if (d.intr) sum += d.intr->intrs[0];
  // A failed read says why.
  if (d.err != 0 && d.error.empty()) __builtin_trap();
  return sum;
}

// Lists `src` (every part of a partitioned source, every recorded generation
// of a recording) and reads every kstat. Only kstatsql::Error may escape.
// Returns the number of kstats read.
inline std::size_t drain(engine::Source& src) {
  std::size_t kstats = 0, sum = 0;
  (void)src.description();
  (void)src.warnings();
  const std::size_t gens = src.recorded_count();
  for (std::size_t g = 0; g < (gens == 0 ? 1 : gens); ++g) {
    engine::Arena arena(4096);
    std::vector<engine::KstatHeader> headers;
    src.begin_generation();
    (void)src.changed();
    if (gens != 0) {
      src.enumerate_recorded(g, arena, headers);
    } else {
      src.enumerate(arena, headers);
    }
    for (const auto& h : headers) {
      engine::KstatData d;
      src.read(h, arena, d);
      sum += touch(h, d);
      ++kstats;
    }
  }
  (void)sum;
  return kstats;
}

}  // namespace kstatsql::fuzz
