// engine/sources/linux/spl_kstats.cpp — /proc/spl/kstat/<module>/<name>: ZFS and
// SPL kstats as the kernel publishes them (SPL type codes mapped to kstat
// types; the rules are in docs/file-formats.md). An SPL file's type and
// kid are in its first line, so listing reads a bounded prefix of each file;
// files that fit are kept for read(). The parser of one file (procfs.hpp's
// parse_spl) is here too.
#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::procfs {

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
  auto digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return f.size() >= 3 && digits(f[0]) && digits(f[1]) && f[2].substr(0, 2) == "0x";
}

namespace {

struct SplCursor {
  std::string_view path;
  std::vector<std::pair<std::string_view, std::size_t>> lines;  // rows after line 2

  std::string err(std::size_t line, std::string_view what) const {
    return fmt::format("{}:{}: {}", path, line, what);
  }
};

// Where a NAMED row's type code starts. The kernel prints "%-31s %-4d " — the
// name padded to 31 columns, so the code sits under the header's "type" — and
// a name may hold spaces (dmu_tx_assign's "1 ns" .. "2147483648 ns"): the name
// is everything before the type column. A name longer than 31 columns pushes
// the code right; then (or with no usable header) the code is the first
// number after a space at or past that column. npos when there is none.
std::size_t type_column(std::string_view line, std::size_t header_col) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto code_at = [&](std::size_t p) {
    if (p == 0 || p >= line.size() || line[p - 1] != ' ' || !digit(line[p])) return false;
    std::size_t e = p;
    while (e < line.size() && digit(line[e])) ++e;
    return (e == line.size() || line[e] == ' ') && !trim(line.substr(0, p)).empty();
  };
  if (header_col != std::string_view::npos && code_at(header_col)) return header_col;
  std::size_t from = header_col == std::string_view::npos ? 1 : header_col;
  for (std::size_t p = from; p < line.size(); ++p) {
    if (code_at(p)) return p;
  }
  return std::string_view::npos;
}

// One NAMED row: name (may hold spaces) padded to 31, ' ', type code padded
// to 4, ' ', value. `header_col` is the column of "type" in line 2.
std::string parse_named_row(const SplCursor& c, std::string_view line, std::size_t no,
                            std::size_t header_col, StatList& stats) {
  std::size_t i = type_column(line, header_col);
  if (i == std::string_view::npos) {
    std::string_view first = line.substr(0, line.find(' '));
    return c.err(no, fmt::format("statistic '{}': bad type code", first));
  }
  std::string_view name = trim(line.substr(0, i));
  std::size_t t0 = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  std::string_view code_text = line.substr(t0, i - t0);
  auto code = parse_u64(code_text);
  if (!code) return c.err(no, fmt::format("statistic '{}': bad type code", name));
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
                      KstatType& type, std::string* warning) {
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
  // A NAMED or TIMER kstat whose row count differs from ndata (a provider
  // that grew or shrank between counting and printing, as arcstats does) is
  // read as printed; the difference is a warning, not a reason to drop it.
  auto note_mismatch = [&](std::size_t want) {
    if (c.lines.size() != want && warning) *warning = count_mismatch(want);
  };
  switch (static_cast<KstatType>(h.type)) {
    case KstatType::named: {
      note_mismatch(h.ndata);
      std::size_t tcol = line2.find(" type");
      tcol = tcol == std::string_view::npos ? tcol : tcol + 1;
      StatList stats(arena);
      for (auto [line, no] : c.lines)
        if (auto e = parse_named_row(c, line, no, tcol, stats); !e.empty()) return e;
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
      note_mismatch(h.ndata);
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

namespace kstatsql::engine::linuxsrc {

namespace {

constexpr std::size_t kSplPrefix = 16 * 1024;  // bytes of an SPL file read by enumerate()
constexpr std::uint8_t kFlagNoHeaders = 0x80;  // SPL KSTAT_FLAG_NO_HEADERS

class SplFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {}; }
  bool has_io() const override { return true; }
  void enumerate(Lister& out) override { walk(out, proc() + "/spl/kstat", "", 0); }
  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override {
    return read_spl(h, arena, out, err);
  }

 private:
  void walk(Lister& out, const std::string& dir, const std::string& module, int depth);
  std::string read_spl(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
};

}  // namespace

void SplFamily::walk(Lister& out, const std::string& dir, const std::string& module, int depth) {
  std::vector<std::string> names;
  if (depth > 16 || procfs::list_dir(dir, names) != 0) return;
  for (const std::string& n : names) {
    std::string path = dir + "/" + n;
    if (procfs::is_dir(path)) {
      walk(out, path, module.empty() ? n : module + "/" + n, depth + 1);
      continue;
    }
    if (module.empty()) continue;  // SPL puts every kstat under a module directory
    CachedFile f;
    f.err = procfs::read_prefix(path, kSplPrefix, f.text, f.complete);
    f.snaptime = now();
    std::string_view first = std::string_view(f.text).substr(0, f.text.find('\n'));
    procfs::SplHeader sh;
    bool has_header = f.err == 0 && procfs::parse_spl_header(first, sh);
    out.add(module, 0, n, "misc", has_header ? static_cast<KstatType>(sh.type) : KstatType::raw, 0u,
            has_header ? std::optional<std::int64_t>(sh.kid) : std::nullopt);
    KstatHeader& h = out.back();
    if (has_header) {
      h.crtime = sh.crtime;
      h.flags = static_cast<std::uint8_t>(sh.flags);
      h.ndata = static_cast<std::uint32_t>(sh.ndata);
      h.data_size = sh.data_size;
    } else if (f.err == 0 && !procfs::looks_like_spl_header(first)) {
      h.flags = kFlagNoHeaders;
      if (f.complete) h.data_size = f.text.size();
    }
    keep_file(path, std::move(f));
  }
}

std::string SplFamily::read_spl(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const TextFile in = read_text(fmt::format("{}/spl/kstat/{}/{}", proc(), h.module, h.name), err);
  if (!in) return in.error;
  const std::string& path = in.path;
  KstatType type = KstatType::raw;
  std::string warning;
  if (std::string msg = procfs::parse_spl(*in.text, path, arena, out, type, &warning); !msg.empty())
    return err = EINVAL, msg;
  source().warn(path, std::move(warning));  // "" clears an earlier one
  if (type != h.type)
    return err = EAGAIN,
           fmt::format("{}: kstat type changed since enumeration (re-created?)", path);
  if (out.snaptime == 0) out.snaptime = in.snaptime;  // no header: the time we read it
  return {};
}

std::unique_ptr<Family> make_spl_family(LinuxSource& src) {
  return std::make_unique<SplFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
