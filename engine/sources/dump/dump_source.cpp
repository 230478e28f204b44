// engine/sources/dump/dump_source.cpp — open_file_source: read a dump file, detect its
// format, parse it; plus the helpers the parsers share (dump_source.hpp).
//
// The whole file is read into memory once; the parsers copy what they keep into
// the StaticSource's arena, so the buffer is dropped when parsing ends.
#include "engine/sources/dump/dump_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/text.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

namespace file {
// OpenBSD kstat(1) text (openbsd_text_reader.cpp): a first line that is a
// bare `provider:instance:name:unit` header.
bool looks_like_openbsd_text(std::string_view data) noexcept;
std::shared_ptr<Source> parse_openbsd_text(std::string_view data, const std::string& path);
}  // namespace file

namespace {

constexpr std::uint64_t kDefaultMaxBytes = std::uint64_t{1} << 30;  // 1 GiB

// KSTATSQL_MAX_DUMP_BYTES: decimal bytes, optionally with a K, M or G suffix
// (powers of 1024). Unset: 1 GiB. A malformed value is an error, not ignored.
std::uint64_t max_dump_bytes() {
  const char* env = std::getenv("KSTATSQL_MAX_DUMP_BYTES");
  if (env == nullptr || *env == '\0') return kDefaultMaxBytes;
  std::string_view v(env);
  int shift = 0;
  switch (v.back()) {
    case 'K':
    case 'k':
      shift = 10;
      break;
    case 'M':
    case 'm':
      shift = 20;
      break;
    case 'G':
    case 'g':
      shift = 30;
      break;
    default:
      break;
  }
  if (shift) v.remove_suffix(1);
  auto n = file::parse_u64(v);
  if (!n || *n == 0 || *n > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
    throw Error(Errc::parse,
                "KSTATSQL_MAX_DUMP_BYTES: expected a positive number of bytes "
                "(optionally with K, M or G), found " +
                    file::excerpt(env));
  }
  return *n << shift;
}

// Reads all of `path`, at most max_dump_bytes(). Regular files are read with
// one allocation; a pipe (a FIFO, /dev/stdin fed by one) is read once to its
// end, so nothing is lost to a second open. Anything else (a terminal,
// /dev/zero, /dev/urandom, a socket) is refused: it has no end to read to.
std::string read_whole_file(const std::string& path) {
  const std::uint64_t cap = max_dump_bytes();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno(path, errno);
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno(path, errno);
  if (S_ISDIR(st.st_mode)) throw_errno(path, EISDIR);
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
    throw Error(Errc::parse, path + ": not a regular file or a pipe (" +
                                 (S_ISCHR(st.st_mode) ? "a character device" : "a special file") +
                                 "); dumps are read from files or pipes");
  }
  auto too_big = [&] {
    return Error(Errc::parse, path + ": larger than the dump size limit of " + std::to_string(cap) +
                                  " bytes (set KSTATSQL_MAX_DUMP_BYTES to raise it)");
  };
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > cap) throw too_big();
  std::string buf;
  std::size_t used = 0;
  buf.resize(S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1
                                                   : 64 * 1024);
  for (;;) {
    if (used == buf.size()) buf.resize(buf.size() * 2);
    ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(path, errno);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
    if (used > cap) throw too_big();
  }
  buf.resize(used);
  return buf;
}

}  // namespace

std::shared_ptr<Source> open_file_source(const std::string& path) {
  std::string data = read_whole_file(path);
  bool blank = std::all_of(data.begin(), data.end(),
                           [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  if (blank) throw Error(Errc::parse, path + ": empty file");
  if (file::looks_like_openbsd_text(data)) return file::parse_openbsd_text(data, path);
  file::Detected d = file::detect(data);
  switch (d.format) {
    case file::Format::kstat_text:
      // A file is quoted in errors only once it is known to be a dump: a first
      // line such as 'host:5432:db:user:password' is no kstat -p record.
      if (!file::first_line_is_record(data)) break;
      return file::parse_kstat_text(data, path);
    case file::Format::kstat_json:
      return file::parse_kstat_json(data, path);
    case file::Format::kstat_human:
      return file::parse_kstat_human(data, path);
    case file::Format::unknown:
      break;
  }
  constexpr const char* kTried =
      "kstat -p text (module:instance:name:statistic), kstat -j JSON ('['), kstat text "
      "('module: ... instance: ...'), OpenBSD kstat text (provider:instance:name:unit) or a .kss "
      "recording";
  if (d.text.empty()) {
    throw Error(Errc::parse,
                path + ": unknown format: only blank, comment and time lines; tried " + kTried);
  }
  // The line itself is not quoted: a file of no known format may be a secret.
  throw Error(Errc::parse, path + ":" + std::to_string(d.line) +
                               ": unknown format: the line starts none of " + kTried);
}

namespace file {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A line that starts like kstat -p output: module (no blank, no ':'), ':',
// decimal instance, ':'.
bool looks_like_key(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != ':') {
    if (is_blank(line[i]) || line[i] == '\0') return false;
    ++i;
  }
  if (i == 0 || i == line.size()) return false;
  std::size_t j = ++i;
  while (i < line.size() && is_digit(line[i])) ++i;
  return i > j && i < line.size() && line[i] == ':';
}

}  // namespace

bool first_line_is_record(std::string_view data) noexcept {
  for (const text::Line& l : text::lines(without_bom(data), true)) {
    std::string_view line = l.text;
    std::size_t b = 0;
    while (b < line.size() && is_blank(line[b])) ++b;
    line.remove_prefix(b);
    // blank, a comment, or a `kstat -T u|d` time line
    if (line.empty() || line[0] == '#' || parse_time_line(line)) continue;
    if (!looks_like_key(line)) return false;
    // module:instance: is checked; then name ':' statistic, a blank and a value.
    const std::size_t c2 = line.find(':', line.find(':') + 1);
    const std::size_t c3 = line.find(':', c2 + 1);
    if (c3 == std::string_view::npos) return false;
    const std::size_t sep = line.find_first_of(" \t", c3 + 1);
    return sep != std::string_view::npos && sep > c3 + 1;
  }
  return false;
}

Detected detect(std::string_view data) noexcept {
  for (const text::Line& l : text::lines(without_bom(data), true)) {
    std::string_view line = l.text;
    std::size_t b = 0;
    while (b < line.size() && is_blank(line[b])) ++b;
    line.remove_prefix(b);
    if (line.empty() || line[0] == '#') continue;
    // `kstat -T u|d` prints a time line before each report.
    if (parse_time_line(line)) continue;
    Format f = line[0] == '['                  ? Format::kstat_json
               : looks_like_key(line)          ? Format::kstat_text
               : looks_like_human_text(l.text) ? Format::kstat_human
                                               : Format::unknown;
    return {f, l.number, line.substr(0, 256)};
  }
  return {Format::unknown, 1, {}};
}

Format detect_format(std::string_view data) noexcept {
  return detect(data).format;
}

std::optional<std::uint64_t> parse_u64(std::string_view digits) noexcept {
  if (digits.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<std::int64_t> parse_seconds_ns(std::string_view s) noexcept {
  std::size_t dot = s.find_first_of(".,");
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 9)) return std::nullopt;
  auto sec = parse_u64(whole);
  if (!sec) return std::nullopt;
  std::uint64_t ns = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (!is_digit(c)) return std::nullopt;
    ns = ns * 10 + static_cast<std::uint64_t>(c - '0');
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (*sec > (kMax - ns) / 1000000000ull) return std::nullopt;
  return static_cast<std::int64_t>(*sec * 1000000000ull + ns);
}

std::string excerpt(std::string_view s, std::size_t max) {
  if (s.empty()) return "end of line";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    bool escape = c < 0x20 || c == 0x7f;
    std::size_t width = !escape ? 1 : c == '\t' ? 2 : 4;
    if (out.size() - 1 + width > max) break;  // `max` bounds the quoted bytes
    if (!escape) {
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (i < s.size()) out += "...";
  out += '\'';
  return out;
}

int compare_stat_names(std::string_view a, std::string_view b) noexcept {
  if (int c = text::ascii_casecmp(a, b); c != 0) return c;
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------
// KstatSink

namespace {

constexpr std::size_t kNpos = static_cast<std::size_t>(-1);
constexpr std::size_t kHashAbove = 64;  // unsorted kstats bigger than this get an index

std::size_t name_index(std::span<const std::string_view> names, std::string_view n) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == n) return i;
  }
  return kNpos;
}

// Collects the values of `names` from `stats` when the statistic set is exactly
// `names` and every value is an integer within [0, max] (max per slot).
template <std::size_t N>
bool exact_integer_set(const std::vector<NamedStat>& stats, const std::string_view (&names)[N],
                       std::uint64_t (&out)[N], const std::uint64_t (&max)[N]) {
  if (stats.size() != N) return false;
  bool seen[N] = {};
  for (const NamedStat& s : stats) {
    std::size_t i = name_index(names, s.name_view());
    if (i == kNpos || seen[i]) return false;
    seen[i] = true;
    if (s.type == ValueType::uint64) {
      out[i] = s.v.u;
    } else if (s.type == ValueType::int64 && s.v.i >= 0) {
      out[i] = static_cast<std::uint64_t>(s.v.i);
    } else {
      return false;
    }
    if (out[i] > max[i]) return false;
  }
  return true;
}

constexpr std::uint64_t kU32 = 0xffffffffull;
constexpr std::uint64_t kI64 = 0x7fffffffffffffffull;
constexpr std::uint64_t kU64 = ~0ull;

bool as_io(const std::vector<NamedStat>& stats, IoStats& io) {
  static constexpr std::uint64_t kMax[12] = {kU64, kU64, kU32, kU32, kI64, kI64,
                                             kI64, kI64, kI64, kI64, kU32, kU32};
  std::uint64_t v[12];
  if (!exact_integer_set(stats, kIoNames, v, kMax)) return false;
  io = io_from_values(v);
  return true;
}

bool as_intr(const std::vector<NamedStat>& stats, IntrStats& intr) {
  static constexpr std::uint64_t kMax[5] = {kU32, kU32, kU32, kU32, kU32};
  std::uint64_t v[5];
  if (!exact_integer_set(stats, kIntrNames, v, kMax)) return false;
  for (int i = 0; i < 5; ++i) intr.intrs[i] = static_cast<std::uint32_t>(v[i]);
  return true;
}

// kstat(8) prints a timer kstat's first record as these seven statistics.
constexpr std::string_view kTimerNames[7] = {"name",     "num_events", "elapsed_time", "min_time",
                                             "max_time", "start_time", "stop_time"};

bool as_timer(const std::vector<NamedStat>& stats, TimerStat& t) {
  if (stats.size() != 7) return false;
  bool seen[7] = {};
  for (const NamedStat& s : stats) {
    std::size_t i = name_index(kTimerNames, s.name_view());
    if (i == kNpos || seen[i]) return false;
    seen[i] = true;
    if (i == 0) {
      if (s.type != ValueType::string) return false;
      t.name = s.v.s;
      t.name_len = s.str_len;
      continue;
    }
    if (s.type != ValueType::uint64 || (i > 1 && s.v.u > kI64)) return false;
    switch (i) {
      case 1:
        t.num_events = s.v.u;
        break;
      case 2:
        t.elapsed_time = static_cast<std::int64_t>(s.v.u);
        break;
      case 3:
        t.min_time = static_cast<std::int64_t>(s.v.u);
        break;
      case 4:
        t.max_time = static_cast<std::int64_t>(s.v.u);
        break;
      case 5:
        t.start_time = static_cast<std::int64_t>(s.v.u);
        break;
      default:
        t.stop_time = static_cast<std::int64_t>(s.v.u);
        break;
    }
  }
  return true;
}

}  // namespace

void KstatSink::reset(StaticBuilder& builder) {
  b_ = &builder;
  open_ = false;
  declared_.reset();
  index_.clear();
  kstats_ = 0;
  seen_.clear();
  seen_index_.clear();
  current_seen_ = 0;
}

void KstatSink::select(std::string_view module, std::int64_t instance, std::string_view name) {
  if (open_ && instance == instance_ && module == module_ && name == name_) return;
  close();
  b_->begin(module, instance, name);
  module_.assign(module);
  name_.assign(name);
  instance_ = instance;
  open_ = true;
  declared_.reset();
  index_.clear();
  ++kstats_;
  std::string key = module_ + ":" + std::to_string(instance) + ":" + name_;
  auto [it, fresh] = seen_index_.emplace(std::move(key), seen_.size());
  if (fresh) seen_.push_back({module_, name_, instance, 0});
  current_seen_ = it->second;
  // A kstat seen earlier in the file resumes with its statistics so far.
  const auto& stats = b_->current_stats();
  sorted_ = true;
  for (std::size_t i = 1; i < stats.size() && sorted_; ++i) {
    sorted_ = compare_stat_names(stats[i - 1].name_view(), stats[i].name_view()) < 0;
  }
}

void KstatSink::close() {
  if (!open_) return;
  classify();
  if (current_seen_ < seen_.size()) mark_absent(seen_[current_seen_]);
  open_ = false;
}

void KstatSink::classify() {
  const auto& stats = b_->current_stats();
  KstatType want = declared_.value_or(KstatType::named);
  bool infer = !declared_.has_value();
  if (want == KstatType::raw) {
    b_->set_type(KstatType::raw);
    return;
  }
  if (infer || want == KstatType::io) {
    IoStats io;
    if (as_io(stats, io)) {
      b_->set_io(io);  // also sets the type
      return;
    }
  }
  if (infer || want == KstatType::intr) {
    IntrStats intr;
    if (as_intr(stats, intr)) {
      b_->set_intr(intr);
      return;
    }
  }
  if (infer || want == KstatType::timer) {
    TimerStat t;
    if (as_timer(stats, t)) {
      b_->add_timer(t);
      return;
    }
  }
  b_->set_type(KstatType::named);
}

std::size_t KstatSink::find(std::string_view stat) {
  auto& stats = b_->current_stats();
  if (stats.empty()) return kNpos;
  if (sorted_) {
    int c = compare_stat_names(stat, stats.back().name_view());
    if (c > 0) return kNpos;  // the common case: kstat(8) order
    auto it = std::lower_bound(stats.begin(), stats.end(), stat,
                               [](const NamedStat& s, std::string_view n) {
                                 return compare_stat_names(s.name_view(), n) < 0;
                               });
    if (it != stats.end() && it->name_view() == stat)
      return static_cast<std::size_t>(it - stats.begin());
    sorted_ = false;
    return kNpos;
  }
  if (stats.size() <= kHashAbove) {
    for (std::size_t i = 0; i < stats.size(); ++i) {
      if (stats[i].name_view() == stat) return i;
    }
    return kNpos;
  }
  if (index_.empty()) {
    // Names point into the builder's arena, so the views outlive vector growth.
    for (std::size_t i = 0; i < stats.size(); ++i) index_.emplace(stats[i].name_view(), i);
  }
  auto it = index_.find(stat);
  return it == index_.end() ? kNpos : it->second;
}

// Keeps the hash index (when there is one) in step with an append.
void KstatSink::note_appended() {
  if (index_.empty()) return;
  const auto& stats = b_->current_stats();
  index_.emplace(stats.back().name_view(), stats.size() - 1);
}

void KstatSink::add_uint(std::string_view stat, std::uint64_t v) {
  std::size_t i = find(stat);
  if (i == kNpos) {
    b_->add_uint(stat, ValueType::uint64, v);
    note_appended();
    return;
  }
  NamedStat& s = b_->current_stats()[i];
  s.type = ValueType::uint64;
  s.v.u = v;
  s.str_len = 0;
}

void KstatSink::add_int(std::string_view stat, std::int64_t v) {
  std::size_t i = find(stat);
  if (i == kNpos) {
    b_->add_int(stat, ValueType::int64, v);
    note_appended();
    return;
  }
  NamedStat& s = b_->current_stats()[i];
  s.type = ValueType::int64;
  s.v.i = v;
  s.str_len = 0;
}

void KstatSink::add_double(std::string_view stat, double v) {
  std::size_t i = find(stat);
  if (i == kNpos) {
    b_->add_double(stat, ValueType::double_, v);
    note_appended();
    return;
  }
  NamedStat& s = b_->current_stats()[i];
  s.type = ValueType::double_;
  s.v.d = v;
  s.str_len = 0;
}

void KstatSink::add_bool(std::string_view stat, bool v) {
  std::size_t i = find(stat);
  if (i == kNpos) {
    b_->add_int(stat, ValueType::boolean, v ? 1 : 0);
    note_appended();
    return;
  }
  NamedStat& s = b_->current_stats()[i];
  s.type = ValueType::boolean;
  s.v.i = v ? 1 : 0;
  s.str_len = 0;
}

void KstatSink::add_null(std::string_view stat) {
  std::size_t i = find(stat);
  if (i == kNpos) {
    b_->add_null(stat, ValueType::null);
    note_appended();
    return;
  }
  NamedStat& s = b_->current_stats()[i];
  s.type = ValueType::null;
  s.v.u = 0;
  s.str_len = 0;
}

void KstatSink::add_string(std::string_view stat, std::string_view v) {
  std::size_t i = find(stat);
  b_->add_string(stat, ValueType::string, v);  // copies v into the arena
  if (i == kNpos) {
    note_appended();
    return;
  }
  // Replace: move the freshly copied value into the old slot, drop the new row.
  auto& stats = b_->current_stats();
  NamedStat fresh = stats.back();
  stats.pop_back();
  stats[i].type = fresh.type;
  stats[i].v = fresh.v;
  stats[i].str_len = fresh.str_len;
}

}  // namespace file
}  // namespace kstatsql::engine
