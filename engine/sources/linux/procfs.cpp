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

// ---- SPL ----

bool parse_spl_header(std::string_view line, SplHeader& out) {
  auto f = fields(line);
  if (f.size() != 7 || f[2].size() < 3 || f[2].substr(0, 2) != "0x") return false;
  auto kid = parse_i64(f[0]);
  auto type = parse_u64(f[1]);
  auto ndata = parse_u64(f[3]);
  auto size = parse_u64(f[4]);
  auto crtime = parse_i64(f[5]);
  auto snaptime = parse_i64(f[6]);
  if (!kid || !type || *type > 4 || !ndata || !size || !crtime || !snaptime) return false;
  std::uint32_t flags = 0;
  for (char c : f[2].substr(2)) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0 || flags > 0xfffffffu) return false;
    flags = flags * 16 + static_cast<std::uint32_t>(d);
  }
  out = {*kid, static_cast<int>(*type), flags, *ndata, *size, *crtime, *snaptime};
  return true;
}

bool looks_like_spl_header(std::string_view line) {
  auto f = fields(line);
  return f.size() >= 3 && all_digits(f[0]) && all_digits(f[1]) && f[2].substr(0, 2) == "0x";
}

namespace {

struct SplCursor {
  std::string_view path;
  std::vector<std::pair<std::string_view, std::size_t>> lines;  // rows after line 2

  std::string err(std::size_t line, std::string_view what) const {
    return fmt::format("{}:{}: {}", path, line, what);
  }
};

// One NAMED row: name padded to 31, ' ', type code padded to 4, ' ', value.
std::string parse_named_row(const SplCursor& c, std::string_view line, std::size_t no,
                            StatList& stats) {
  std::size_t i = line.find(' ');
  if (i == std::string_view::npos || i == 0) return c.err(no, "expected 'name type value'");
  std::string_view name = line.substr(0, i);
  while (i < line.size() && line[i] == ' ') ++i;
  std::size_t t0 = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  std::string_view code_text = line.substr(t0, i - t0);
  auto code = parse_u64(code_text);
  if (!code || (i < line.size() && line[i] != ' '))
    return c.err(no, fmt::format("statistic '{}': bad type code", name));
  // "%-4d " : the code is padded to 4 columns, then one separator space.
  std::size_t pad = (code_text.size() < 4 ? 4 - code_text.size() : 0) + 1;
  for (std::size_t k = 0; k < pad && i < line.size() && line[i] == ' '; ++k) ++i;
  std::string_view value = line.substr(i);
  auto bad = [&] {
    return c.err(no, fmt::format("statistic '{}': bad value '{}'", name, trim(value)));
  };
  switch (*code) {
    case 0: {  // CHAR, printed "%-16s": the padding is not part of the value
      std::string_view v = value;
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      stats.add_str(name, v, ValueType::char_);
      return {};
    }
    case 1:
    case 3:
    case 5: {  // INT32, INT64, LONG (LP64: int64)
      auto v = parse_i64(trim(value));
      if (!v || (*code == 1 && (*v < INT32_MIN || *v > INT32_MAX))) return bad();
      if (*code == 1)
        stats.add_i32(name, *v);
      else
        stats.add_i64(name, *v);
      return {};
    }
    case 2:
    case 4:
    case 6: {  // UINT32, UINT64, ULONG (LP64: uint64)
      auto v = parse_u64(trim(value));
      if (!v || (*code == 2 && *v > UINT32_MAX)) return bad();
      if (*code == 2)
        stats.add_u32(name, *v);
      else
        stats.add_u64(name, *v);
      return {};
    }
    case 7:  // STRING, printed in full: kept byte for byte
      stats.add_str(name, value);
      return {};
    default:
      return c.err(no, fmt::format("statistic '{}': unknown SPL data type {}", name, *code));
  }
}

// Parses exactly `n` numbers from one row into out[].
template <typename T>
std::string parse_numbers(const SplCursor& c, std::string_view line, std::size_t no, T* out,
                          std::size_t n) {
  auto f = fields(line);
  if (f.size() != n)
    return c.err(no, fmt::format("expected {} numbers, found {} fields", n, f.size()));
  for (std::size_t i = 0; i < n; ++i) {
    auto v = parse_u64(f[i]);
    if (!v) return c.err(no, fmt::format("bad number '{}'", f[i]));
    out[i] = static_cast<T>(*v);
  }
  return {};
}

// "%03x:" then up to 16 " %02x" bytes per line.
std::string parse_hexdump(const SplCursor& c, Arena& arena, KstatData& out) {
  std::vector<std::byte> bytes;
  for (auto [line, no] : c.lines) {
    auto f = fields(line);
    if (f.empty()) continue;
    if (f[0].empty() || f[0].back() != ':') return c.err(no, "expected 'offset: bytes'");
    for (std::size_t i = 1; i < f.size(); ++i) {
      unsigned v = 0;
      if (f[i].size() != 2) return c.err(no, fmt::format("bad byte '{}'", f[i]));
      for (char ch : f[i]) {
        int d = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
        if (d < 0) return c.err(no, fmt::format("bad byte '{}'", f[i]));
        v = v * 16 + static_cast<unsigned>(d);
      }
      bytes.push_back(static_cast<std::byte>(v));
    }
  }
  out.raw = arena.copy_span<std::byte>(bytes);
  return {};
}

// TIMER rows: "%-31s" name (may hold spaces), then six numbers.
std::string parse_timers(const SplCursor& c, Arena& arena, KstatData& out) {
  std::vector<TimerStat> timers;
  for (auto [line, no] : c.lines) {
    auto f = fields(line);
    if (f.size() < 7) return c.err(no, "expected 'name events elapsed min max start stop'");
    std::uint64_t v[6];
    std::size_t first_num = f.size() - 6;
    for (std::size_t i = 0; i < 6; ++i) {
      auto n = parse_u64(f[first_num + i]);
      if (!n) return c.err(no, fmt::format("bad number '{}'", f[first_num + i]));
      v[i] = *n;
    }
    auto name_len = static_cast<std::size_t>(f[first_num].data() - line.data());
    std::string_view name = arena.copy(trim(line.substr(0, name_len)));
    TimerStat t;
    t.name = name.data();
    t.name_len = static_cast<std::uint32_t>(name.size());
    t.num_events = v[0];
    t.elapsed_time = static_cast<std::int64_t>(v[1]);
    t.min_time = static_cast<std::int64_t>(v[2]);
    t.max_time = static_cast<std::int64_t>(v[3]);
    t.start_time = static_cast<std::int64_t>(v[4]);
    t.stop_time = static_cast<std::int64_t>(v[5]);
    timers.push_back(t);
  }
  out.timers = arena.copy_span<TimerStat>(timers);
  out.named = timers_as_named(out.timers, arena);
  return {};
}

// An IO kstat: one row of the 12 kstat_io_t numbers.
std::string parse_io(const SplCursor& c, Arena& arena, KstatData& out) {
  std::uint64_t v[12];
  if (auto e = parse_numbers(c, c.lines[0].first, c.lines[0].second, v, 12); !e.empty()) return e;
  auto* io = arena.make_array<IoStats>(1);
  *io = io_from_values(v);
  out.io = io;
  out.named = io_as_named(*io, arena);
  return {};
}

// An interrupt kstat: one row of the 5 kstat_intr_t counters.
std::string parse_intr(const SplCursor& c, Arena& arena, KstatData& out) {
  auto* intr = arena.make_array<IntrStats>(1);
  if (auto e = parse_numbers(c, c.lines[0].first, c.lines[0].second, intr->intrs, 5); !e.empty())
    return e;
  out.intr = intr;
  out.named = intr_as_named(*intr, arena);
  return {};
}

std::span<const std::byte> as_bytes(Arena& arena, std::string_view s) {
  std::string_view copy = arena.copy(s);
  return {reinterpret_cast<const std::byte*>(copy.data()), copy.size()};
}

}  // namespace

std::string parse_spl(std::string_view text, std::string_view path, Arena& arena, KstatData& out,
                      KstatType& type) {
  type = KstatType::raw;
  std::size_t nl = text.find('\n');
  std::string_view first = text.substr(0, nl);
  SplHeader h;
  if (!parse_spl_header(first, h)) {
    if (looks_like_spl_header(first))
      return fmt::format(
          "{}:1: malformed SPL header (expected 'kid type 0xflags ndata data_size "
          "crtime snaptime')",
          path);
    // KSTAT_FLAG_NO_HEADERS: the whole file is the kstat's data.
    out.raw = as_bytes(arena, text);
    out.data_size = text.size();
    out.ndata = 0;
    return {};
  }
  type = static_cast<KstatType>(h.type);
  out.snaptime = h.snaptime;
  out.ndata = static_cast<std::uint32_t>(h.ndata);
  out.data_size = h.data_size;
  std::string_view rest = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  // Line 2 is the column header; rows start at line 3.
  std::size_t nl2 = rest.find('\n');
  std::string_view line2 = rest.substr(0, nl2);
  std::string_view body = nl2 == std::string_view::npos ? std::string_view{} : rest.substr(nl2 + 1);
  SplCursor c{path, {}};
  for_each_line(body, [&](std::string_view line, std::size_t no) {
    if (!trim(line).empty()) c.lines.emplace_back(line, no + 2);
    return true;
  });
  auto count_mismatch = [&](std::size_t want) {
    return fmt::format("{}: header says {} rows, found {} (truncated?)", path, want,
                       c.lines.size());
  };
  switch (static_cast<KstatType>(h.type)) {
    case KstatType::named: {
      if (c.lines.size() != h.ndata) return count_mismatch(h.ndata);
      StatList stats(arena);
      for (auto [line, no] : c.lines)
        if (auto e = parse_named_row(c, line, no, stats); !e.empty()) return e;
      out.named = stats.finish();
      return {};
    }
    case KstatType::io: {
      if (c.lines.size() != 1) return count_mismatch(1);
      return parse_io(c, arena, out);
    }
    case KstatType::intr: {
      if (c.lines.size() != 1) return count_mismatch(1);
      return parse_intr(c, arena, out);
    }
    case KstatType::timer: {
      if (c.lines.size() != h.ndata) return count_mismatch(h.ndata);
      return parse_timers(c, arena, out);
    }
    case KstatType::raw:
      break;
  }
  // RAW: "raw data" means a hexdump of the bytes; any other line 2 is a
  // provider's own text table, kept as text (its header line included).
  if (trim(line2) == "raw data") {
    if (auto e = parse_hexdump(c, arena, out); !e.empty()) return e;
  } else {
    out.raw = as_bytes(arena, rest);
  }
  out.data_size = out.raw.size();
  return {};
}

}  // namespace kstatsql::engine::procfs
