// engine/sources/linux/procfs.cpp — see procfs.hpp. POSIX only, so the Linux
// source also builds (for recorded trees) on illumos and OpenBSD.
#include "engine/sources/linux/procfs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "engine/posix_error.hpp"
#include "engine/source.hpp"

namespace kstatsql::engine::procfs {

namespace {

// Owns a file descriptor for the duration of one read.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// Reads up to `max` bytes (or to EOF when max == 0) into out: the one place
// the Linux source reads a file. Only regular files are read (ESPIPE for a
// FIFO, device or socket, opened without blocking and never read), and never
// more than kMaxFileBytes (EFBIG), so a tree file linked to /dev/zero, a pipe
// or a huge file costs at most that much.
int read_bytes(const std::string& path, std::size_t max, std::string& out, bool& complete) {
  out.clear();
  complete = false;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) return errno;
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (!S_ISREG(st.st_mode)) return ESPIPE;
  const bool capped = max == 0 || max > kMaxFileBytes;
  if (capped) max = kMaxFileBytes + 1;  // one byte more tells "too large" from "exactly the cap"
  // procfs and sysfs report st_size 0, so grow as we go.
  std::size_t chunk = 4096;
  for (;;) {
    if (out.size() >= max) {
      if (!capped) return 0;
      out.clear();
      return EFBIG;
    }
    const std::size_t want = std::min(chunk, max - out.size());
    std::size_t old = out.size();
    out.resize(old + want);
    ssize_t n = ::read(fd.get(), out.data() + old, want);
    if (n < 0) {
      if (errno == EINTR) {
        out.resize(old);
        continue;
      }
      int err = errno;
      out.clear();
      return err;
    }
    out.resize(old + static_cast<std::size_t>(n));
    if (n == 0) {
      complete = true;
      return 0;
    }
    if (chunk < 1 << 20) chunk *= 2;
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

int read_file(const std::string& path, std::string& out) {
  bool complete = false;
  return read_bytes(path, 0, out, complete);
}

int read_prefix(const std::string& path, std::size_t max, std::string& out, bool& complete) {
  return read_bytes(path, max, out, complete);
}

std::string read_error(const std::string& path, int err) {
  if (err == ESPIPE) return path + ": not a regular file (a FIFO, device or socket): not read";
  if (err == EFBIG)
    return fmt::format("{}: larger than {} MiB, the most read from one /proc or /sys file", path,
                       kMaxFileBytes >> 20);
  return errno_message(path, err);
}

namespace {

std::string real_path(const std::string& path) {
  char* r = ::realpath(path.c_str(), nullptr);
  if (r == nullptr) return {};
  std::string s(r);
  std::free(r);
  return s;
}

// True when the symlink `entry` of directory `dir` (resolved: `dir_real`)
// leads to that directory or one above it: a loop for whoever walks the tree.
bool loops_back(const std::string& entry, std::string& dir_real, const std::string& dir) {
  if (dir_real.empty()) dir_real = real_path(dir);
  const std::string target = real_path(entry);
  if (target.empty() || dir_real.empty()) return false;
  if (target == "/" || target == dir_real) return true;
  return dir_real.compare(0, target.size(), target) == 0 && dir_real[target.size()] == '/';
}

}  // namespace

int list_dir(const std::string& path, std::vector<std::string>& out) {
  out.clear();
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return errno;
  std::string real;  // of `path`, once a symlink needs it
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    if ((e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) &&
        loops_back(path + "/" + std::string(n), real, path))
      continue;
    out.emplace_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return 0;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_dir_or_link(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

std::string link_basename(const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string_view target(buf, static_cast<std::size_t>(n));
  while (!target.empty() && target.back() == '/') target.remove_suffix(1);
  std::size_t slash = target.rfind('/');
  if (slash != std::string_view::npos) target.remove_prefix(slash + 1);
  return std::string(target);
}

std::int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<std::int64_t> parse_i64(std::string_view s) {
  bool neg = !s.empty() && s.front() == '-';
  if (neg) s.remove_prefix(1);
  auto u = parse_u64(s);
  if (!u) return std::nullopt;
  if (neg) {
    if (*u > static_cast<std::uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<std::int64_t>(0 - *u);
  }
  if (*u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<std::int64_t>(*u);
}

std::optional<std::uint64_t> parse_fixed(std::string_view s, std::uint64_t scale, bool round) {
  std::size_t dot = s.find('.');
  auto whole = parse_u64(s.substr(0, dot));
  if (!whole) return std::nullopt;
  std::uint64_t frac = 0, denom = 1;
  if (dot != std::string_view::npos) {
    std::string_view f = s.substr(dot + 1);
    if (!all_digits(f)) return std::nullopt;
    for (std::size_t i = 0; i < f.size() && i < 9; ++i) {
      frac = frac * 10 + static_cast<std::uint64_t>(f[i] - '0');
      denom *= 10;
    }
  }
  if (scale != 0 && *whole > UINT64_MAX / scale) return std::nullopt;
  // frac < denom <= 1e9 and scale is small (ticks, 256), so this cannot overflow.
  std::uint64_t part = round ? (2 * frac * scale + denom) / (2 * denom) : frac * scale / denom;
  return *whole * scale + part;
}

// ---- StatList ----

NamedStat& StatList::push(std::string_view name, ValueType type, Unit unit) {
  std::string_view n = arena_.copy(name);
  NamedStat& s = stats_.emplace_back();
  s.name = n.data();
  s.name_len = static_cast<std::uint32_t>(n.size());
  s.type = type;
  s.unit = unit;
  return s;
}

void StatList::add_u64(std::string_view name, std::uint64_t v, Unit unit) {
  push(name, ValueType::uint64, unit).v.u = v;
}
void StatList::add_u32(std::string_view name, std::uint64_t v) {
  push(name, ValueType::uint32, Unit::none).v.u = v & 0xffffffffu;
}
void StatList::add_i64(std::string_view name, std::int64_t v, Unit unit) {
  push(name, ValueType::int64, unit).v.i = v;
}
void StatList::add_i32(std::string_view name, std::int64_t v) {
  push(name, ValueType::int32, Unit::none).v.i = v;
}
void StatList::add_f64(std::string_view name, double v) {
  push(name, ValueType::double_, Unit::none).v.d = v;
}
void StatList::add_str(std::string_view name, std::string_view v, ValueType type) {
  NamedStat& s = push(name, type, Unit::none);
  std::string_view copy = arena_.copy(v);
  s.v.s = copy.data();
  s.str_len = static_cast<std::uint32_t>(copy.size());
}

}  // namespace kstatsql::engine::procfs
