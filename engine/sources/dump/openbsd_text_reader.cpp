// engine/sources/dump/openbsd_text_reader.cpp — the OpenBSD `kstat(1)` text parser.
//
// kstat(1) (usr.bin/kstat/kstat.c) prints, per kstat:
//   provider:instance:name:unit          header, no indentation
//           key: value[ unit]            kv kstats: key right-aligned in 16 columns
//      0: 00 01 ... |..|                 raw kstats and BYTES kvs: hexdump lines
//   \tkstat read error: <strerror>       instead of the data when FIND_ID failed
// The printed values are turned back into what the live source
// (engine/sources/openbsd/openbsd_source.cpp) reports for the same kv, so a replayed dump gives the
// same rows as the live machine: degC → µK, Hz with SI prefixes → Hz, VDC/VAC
// → µV, all with exact decimal arithmetic. What text cannot say (COUNTER64
// vs UINT64 without a unit, UINT32 vs UINT64, ISTR vs STR) is documented in
// docs/file-formats.md with the choice made here.
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/sources/dump/dump_source.hpp"
#include "engine/text.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine::file {

// Entry points, called from open_file_source (dump_source.cpp).
bool looks_like_openbsd_text(std::string_view data) noexcept;
std::shared_ptr<Source> parse_openbsd_text(std::string_view data, const std::string& path);

namespace {

__extension__ typedef __int128 i128;  // exact decimal scaling headroom

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view ltrim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view rtrim(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Digits that fit in a C `unsigned int` (ks_instance, ks_unit).
bool parse_uint32(std::string_view s, std::int64_t& out) {
  auto v = parse_u64(s);
  if (!v || *v > 0xffffffffull) return false;
  out = static_cast<std::int64_t>(*v);
  return true;
}

struct Identity {
  std::string_view provider;
  std::string_view name;
  std::int64_t instance = 0;
  std::int64_t unit = 0;
};

// `provider:instance:name:unit` with nothing before or after: the header
// kstat(1) prints as "%s:%u:%s:%u".
bool parse_header(std::string_view l, Identity& id) {
  std::size_t c1 = l.find(':');
  if (c1 == 0 || c1 == std::string_view::npos) return false;
  std::size_t c2 = l.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return false;
  std::size_t c3 = l.find(':', c2 + 1);
  if (c3 == std::string_view::npos || c3 == c2 + 1) return false;
  id.provider = l.substr(0, c1);
  id.name = l.substr(c2 + 1, c3 - c2 - 1);
  for (char c : id.provider)
    if (is_blank(c)) return false;
  if (is_blank(id.name.front()) || is_blank(id.name.back())) return false;
  return parse_uint32(l.substr(c1 + 1, c2 - c1 - 1), id.instance) &&
         parse_uint32(l.substr(c3 + 1), id.unit);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One hexdump line ("%4zu: " offset, up to 16 "%02x " bytes, padding,
// "|ascii|") whose offset is `expect`. Appends its bytes; false when the line
// is not such a line (nothing appended).
bool parse_hex_line(std::string_view l, std::size_t expect, std::string& bytes) {
  l = ltrim(l);
  std::size_t i = 0;
  while (i < l.size() && is_digit(l[i])) ++i;
  auto off = parse_u64(l.substr(0, i));
  if (!off || *off != expect || l.substr(i, 2) != ": ") return false;
  i += 2;
  std::string got;
  while (got.size() < 16 && i + 2 < l.size() && hex_value(l[i]) >= 0 && hex_value(l[i + 1]) >= 0 &&
         l[i + 2] == ' ') {
    got += static_cast<char>(hex_value(l[i]) * 16 + hex_value(l[i + 1]));
    i += 3;
  }
  if (got.empty()) return false;
  while (i < l.size() && l[i] == ' ') ++i;
  std::string_view ascii = rtrim(l.substr(i));
  if (ascii.size() != got.size() + 2 || ascii.front() != '|' || ascii.back() != '|') return false;
  bytes += got;
  return true;
}

// strunvis for what vis(3) (VIS_TAB | VIS_NL, default style) produces:
// "\\", "\^X", "\M-x", "\M^X", octal "\ooo" and the C escapes. An escape that
// is none of these is kept as written.
std::string unvis(std::string_view s) {
  auto ctrl = [](char x) { return x == '?' ? '\x7f' : static_cast<char>(x & 0x1f); };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c != '\\' || i + 1 == s.size()) {
      out += c;
      ++i;
      continue;
    }
    char d = s[i + 1];
    if (d == '\\') {
      out += '\\';
      i += 2;
    } else if (d == '^' && i + 2 < s.size()) {
      out += ctrl(s[i + 2]);
      i += 3;
    } else if (d == 'M' && i + 3 < s.size() && (s[i + 2] == '-' || s[i + 2] == '^')) {
      char x = s[i + 2] == '-' ? s[i + 3] : ctrl(s[i + 3]);
      out += static_cast<char>(static_cast<unsigned char>(x) | 0x80);
      i += 4;
    } else if (d >= '0' && d <= '7') {
      unsigned v = 0;
      std::size_t j = i + 1;
      for (; j < s.size() && j < i + 4 && s[j] >= '0' && s[j] <= '7'; ++j) v = v * 8 + (s[j] - '0');
      out += static_cast<char>(v & 0xff);
      i = j;
    } else {
      static constexpr std::string_view kFrom = "ntrbavfsE";
      static constexpr std::string_view kTo = "\n\t\r\b\a\v\f \x1b";
      std::size_t k = kFrom.find(d);
      if (k == std::string_view::npos) {
        out += c;
        ++i;
      } else {
        out += kTo[k];
        i += 2;
      }
    }
  }
  return out;
}

// "-?digits[.digits]" times 10^scale, rounded half away from zero, exactly.
// nullopt when `s` is not of that shape or the result exceeds ±2^100.
std::optional<i128> scaled_decimal(std::string_view s, int scale) {
  bool neg = !s.empty() && s.front() == '-';
  if (neg) s.remove_prefix(1);
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
  const i128 limit = static_cast<i128>(1) << 100;
  i128 v = 0;
  for (char c : whole) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > limit) return std::nullopt;
  }
  for (int k = 0; k < scale; ++k) {
    char c = static_cast<std::size_t>(k) < frac.size() ? frac[k] : '0';
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > limit) return std::nullopt;
  }
  for (std::size_t k = static_cast<std::size_t>(scale); k < frac.size(); ++k)
    if (!is_digit(frac[k])) return std::nullopt;
  if (frac.size() > static_cast<std::size_t>(scale) && frac[scale] >= '5') ++v;
  return neg ? -v : v;
}

bool fits_u64(i128 v) {
  return v >= 0 && v <= static_cast<i128>(~0ull);
}

// errno for a strerror(3) text: this system's texts, then OpenBSD's spellings
// where glibc words them differently.
int errno_for(std::string_view text) {
  for (int e = 1; e < 200; ++e) {
    if (text == std::strerror(e)) return e;
  }
  static const std::pair<std::string_view, int> kBsd[] = {
      {"Device busy", EBUSY},
      {"Device not configured", ENXIO},
      {"Inappropriate ioctl for device", ENOTTY},
      {"Operation not supported", EOPNOTSUPP},
      {"Value too large to be stored in data type", EOVERFLOW},
  };
  for (const auto& [t, e] : kBsd)
    if (text == t) return e;
  return EIO;  // an error we cannot name: still an error
}

// One kv as the live source would report it.
struct Stat {
  std::string key;
  ValueType type = ValueType::null;
  Unit unit = Unit::none;
  std::uint64_t u = 0;
  std::int64_t i = 0;
  std::string s;  // strings and bytes
};

struct Kstat {
  Identity id;
  std::string provider, name;  // owners of id's views
  bool raw = false;            // hexdump right after the header
  std::string raw_bytes;
  bool failed = false;
  std::string error;
  int err = 0;
  std::vector<Stat> stats;
};

// A printed value without the unit suffix kstat(1) appends after any value.
struct Suffixed {
  std::string_view base;
  Unit unit = Unit::none;
  bool has_unit = false;  // a suffix was there, known or not
};

Suffixed strip_unit(std::string_view v) {
  Suffixed r{v};
  static const std::pair<std::string_view, Unit> kUnits[] = {
      {" packets", Unit::packets}, {" bytes", Unit::bytes}, {" cycles", Unit::cycles}};
  for (const auto& [suffix, u] : kUnits) {
    if (r.base.ends_with(suffix)) {
      r.base.remove_suffix(suffix.size());
      r.has_unit = true;
      r.unit = u;
      return r;
    }
  }
  std::size_t sp = r.base.rfind(" unit-type-");
  if (sp != std::string_view::npos && parse_u64(r.base.substr(sp + 11))) {
    r.base = r.base.substr(0, sp);
    r.has_unit = true;  // a unit this build does not know: none, like the live source
  }
  return r;
}

class ObParser {
 public:
  ObParser(std::string_view data, const std::string& path) : data_(data), path_(path) {}
  std::shared_ptr<Source> run();

 private:
  enum class State {
    none,         // before the first header
    fresh,        // right after a header: kv, hexdump (raw), read error or header
    kv,           // in a kv kstat
    maybe_bytes,  // after a kv with an empty value: BYTES if a hexdump (or blank line) follows
    hexdump,      // inside a hexdump (raw kstat or BYTES kv)
    done,         // after a read error or "unknown type N, stopping": only a header may follow
  };

  void line(std::string_view l);
  void header(const Identity& id);
  void kv_line(std::string_view l);
  void value(Stat& st, std::string_view v);
  bool integer_value(Stat& st, const Suffixed& sv, std::string_view v);
  bool measured_value(Stat& st, const Suffixed& sv, std::string_view v);
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(Errc::parse, path_ + ":" + std::to_string(line_no_) + ": " + what);
  }
  std::string& hex_target() { return cur_->raw ? cur_->raw_bytes : cur_->stats.back().s; }

  std::string_view data_;
  const std::string& path_;
  std::size_t line_no_ = 0;
  std::vector<Kstat> kstats_;
  std::unordered_map<std::string, std::size_t> index_;
  Kstat* cur_ = nullptr;
  State state_ = State::none;
  std::size_t hex_row_ = 16;  // bytes on the last hexdump line
};

std::shared_ptr<Source> ObParser::run() {
  for (const text::Line& l : text::lines(without_bom(data_), true)) {
    line_no_ = l.number;
    line(l.text);
  }
  if (kstats_.empty())
    throw Error(Errc::parse, path_ + ": no kstats (expected OpenBSD kstat text)");

  StaticBuilder b;
  for (const Kstat& k : kstats_) {
    b.begin(k.provider, k.id.instance, k.name, k.id.unit);
    if (k.failed) {
      b.set_error(k.err, k.error);
      continue;
    }
    if (k.raw) {
      b.set_type(KstatType::raw);
      b.set_raw(std::span<const std::byte>(reinterpret_cast<const std::byte*>(k.raw_bytes.data()),
                                           k.raw_bytes.size()));
      continue;
    }
    for (const Stat& s : k.stats) {
      switch (repr_of(s.type)) {
        case Repr::i64:
          b.add_int(s.key, s.type, s.i, s.unit);
          break;
        case Repr::str:
        case Repr::blob:
          b.add_string(s.key, s.type, s.s, s.unit);
          break;
        case Repr::null:
          b.add_null(s.key, s.type);
          break;
        default:
          b.add_uint(s.key, s.type, s.u, s.unit);
          break;
      }
    }
  }
  return b.finish(path_ + " (OpenBSD kstat text)");
}

void ObParser::line(std::string_view l) {
  if (state_ == State::hexdump) {
    if (hex_row_ == 16 && parse_hex_line(l, hex_target().size(), hex_target())) {
      hex_row_ = hex_target().size() % 16 == 0 ? 16 : 0;
      return;
    }
    state_ = cur_->raw ? State::done : State::kv;
  } else if (state_ == State::maybe_bytes) {
    Stat& st = cur_->stats.back();
    if (rtrim(l).empty()) {  // BYTES of length 0: "key: \n" then "\n"
      st.type = ValueType::bytes;
      state_ = State::kv;
      return;
    }
    if (parse_hex_line(l, 0, st.s)) {
      st.type = ValueType::bytes;
      hex_row_ = st.s.size() == 16 ? 16 : 0;
      state_ = State::hexdump;
      return;
    }
    state_ = State::kv;  // an empty string after all
  } else if (state_ == State::fresh) {
    std::string bytes;
    if (parse_hex_line(l, 0, bytes)) {
      cur_->raw = true;
      cur_->raw_bytes = std::move(bytes);
      hex_row_ = cur_->raw_bytes.size() == 16 ? 16 : 0;
      state_ = State::hexdump;
      return;
    }
  }
  if (rtrim(l).empty()) return;
  Identity id;
  if (!is_blank(l.front()) && parse_header(l, id)) {
    header(id);
    return;
  }
  if (state_ == State::none)
    fail("expected a 'provider:instance:name:unit' header, found " + excerpt(l));
  std::string_view t = ltrim(l);
  constexpr std::string_view kReadError = "kstat read error: ";
  if (t.substr(0, kReadError.size()) == kReadError) {
    if (state_ != State::fresh)
      fail("'kstat read error' must follow the kstat's header line, found " + excerpt(l));
    std::string_view why = rtrim(t.substr(kReadError.size()));
    cur_->failed = true;
    cur_->err = errno_for(why);
    cur_->error = std::string(cur_->provider) + ":" + std::to_string(cur_->id.instance) + ":" +
                  cur_->name + ":" + std::to_string(cur_->id.unit) +
                  ": KSTATIOC_FIND_ID: " + std::string(why);
    state_ = State::done;
    return;
  }
  if (state_ == State::done)
    fail("expected a 'provider:instance:name:unit' header, found " + excerpt(l));
  kv_line(l);
}

void ObParser::header(const Identity& id) {
  std::string key = std::string(id.provider) + '\0' + std::to_string(id.instance) + '\0' +
                    std::string(id.name) + '\0' + std::to_string(id.unit);
  auto [it, inserted] = index_.try_emplace(key, kstats_.size());
  if (inserted) {
    Kstat k;
    k.provider.assign(id.provider);
    k.name.assign(id.name);
    k.id = id;
    kstats_.push_back(std::move(k));
  }
  cur_ = &kstats_[it->second];
  // kstat -w prints every kstat again each interval: the last print wins.
  cur_->raw = false;
  cur_->raw_bytes.clear();
  cur_->failed = false;
  cur_->error.clear();
  cur_->err = 0;
  cur_->stats.clear();
  state_ = State::fresh;
}

void ObParser::kv_line(std::string_view l) {
  // "%16.16s: ": the separator sits at column 16 unless the key is wider.
  std::size_t sep = l.size() >= 18 && l.substr(16, 2) == ": " ? 16 : l.find(": ");
  std::string_view v;
  if (sep == std::string_view::npos) {
    if (l.back() != ':')  // "key:" whose trailing blank an editor removed
      fail("expected '<key right-aligned in 16 columns>: <value>', found " + excerpt(l));
    sep = l.size() - 1;
  } else {
    v = l.substr(sep + 2);
  }
  std::string_view key = ltrim(l.substr(0, sep));
  if (key.empty()) fail("expected a kv key before ': ', found " + excerpt(l));
  if (key.size() > 16) fail("kv key longer than 16 characters, found " + excerpt(key));
  Stat st;
  st.key.assign(key);
  for (const Stat& s : cur_->stats)
    if (s.key == st.key) fail("kv key " + excerpt(key) + " repeated within one kstat");
  value(st, v);
  cur_->stats.push_back(std::move(st));
  state_ = State::kv;
  if (v.empty()) state_ = State::maybe_bytes;
  if (cur_->stats.back().type == ValueType::null && v.substr(0, 13) == "unknown type ")
    state_ = State::done;
}

void ObParser::value(Stat& st, std::string_view raw) {
  std::string_view v = rtrim(raw);
  if (v == "null") return;  // KSTAT_KV_T_NULL
  if (v == "true" || v == "false") {
    st.type = ValueType::boolean;
    st.u = v == "true" ? 1 : 0;  // as the live source stores it
    st.i = static_cast<std::int64_t>(st.u);
    return;
  }
  constexpr std::string_view kUnknown = "unknown type ";
  if (v.substr(0, kUnknown.size()) == kUnknown && v.ends_with(", stopping")) {
    // kstat(1) gives up on a type it cannot print (AMPS and WATTS in v1.13),
    // and so does the live source on a type it does not know: a null value.
    return;
  }
  const Suffixed sv = strip_unit(v);
  if (integer_value(st, sv, v) || measured_value(st, sv, v)) return;
  // Anything else is ISTR or STR text, printed through vis(3).
  st.type = ValueType::string;
  st.s = unvis(raw);
}

// An integer, with or without a unit: INT64 when negative, else COUNTER64
// with a unit and UINT64 without.
bool ObParser::integer_value(Stat& st, const Suffixed& sv, std::string_view v) {
  const std::string_view base = sv.base;
  std::string_view digits = base.substr(!base.empty() && base.front() == '-' ? 1 : 0);
  auto n = parse_u64(digits);
  if (!n) return false;
  if (base.front() == '-') {
    constexpr auto kMin = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
    if (*n > kMin) fail("integer below INT64_MIN: " + excerpt(v));
    st.type = ValueType::int64;
    st.i = *n == kMin ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(*n);
  } else {
    // Counters are what carry units; without one, UINT64 is the neutral reading.
    st.type = sv.has_unit ? ValueType::counter : ValueType::uint64;
    st.u = *n;
  }
  st.unit = sv.unit;
  return true;
}

// A sensor reading: degC (as µK), VDC or VAC (as µV), Hz with an SI prefix.
bool ObParser::measured_value(Stat& st, const Suffixed& sv, std::string_view v) {
  const std::string_view base = sv.base;
  auto with = [&](std::string_view suffix, std::string_view& number) {
    if (!base.ends_with(suffix)) return false;
    number = base.substr(0, base.size() - suffix.size());
    return !number.empty() && (is_digit(number.back()));
  };
  auto unsigned_value = [&](std::optional<i128> x, const char* what) -> std::uint64_t {
    if (!x)
      fail(std::string("expected a decimal number before '") + what + "', found " + excerpt(v));
    if (!fits_u64(*x)) fail(std::string("value out of range for ") + what + ": " + excerpt(v));
    return static_cast<std::uint64_t>(*x);
  };
  std::string_view num;
  if (with(" degC", num)) {
    auto x = scaled_decimal(num, 6);
    if (x) *x += 273150000;  // degC → µK
    st.type = ValueType::temp;
    st.unit = sv.has_unit ? sv.unit : Unit::ukelvin;
    st.u = unsigned_value(x, "degC");
    return true;
  }
  if (with(" VDC", num) || with(" VAC", num)) {
    st.type = base.ends_with("VDC") ? ValueType::volts_dc : ValueType::volts_ac;
    st.unit = sv.has_unit ? sv.unit : Unit::uvolts;
    st.u = unsigned_value(scaled_decimal(num, 6), base.ends_with("VDC") ? "VDC" : "VAC");
    return true;
  }
  if (base.ends_with("Hz")) {
    static constexpr std::string_view kPrefixes = "kMGTPE";
    std::string_view head = base.substr(0, base.size() - 2);
    int exp = 0;
    if (!head.empty() && kPrefixes.find(head.back()) != std::string_view::npos) {
      exp = static_cast<int>(kPrefixes.find(head.back())) + 1;
      head.remove_suffix(1);
    }
    if (head.ends_with(' ') && head.size() > 1 && is_digit(head[head.size() - 2])) {
      st.type = ValueType::freq;
      st.unit = sv.has_unit ? sv.unit : Unit::hz;
      st.u = unsigned_value(scaled_decimal(head.substr(0, head.size() - 1), 3 * exp), "Hz");
      return true;
    }
  }
  return false;
}

}  // namespace

bool looks_like_openbsd_text(std::string_view data) noexcept {
  for (const text::Line& line : text::lines(without_bom(data), true)) {
    std::string_view l = line.text;
    if (rtrim(l).empty()) continue;
    Identity id;
    return !is_blank(l.front()) && parse_header(l, id);
  }
  return false;
}

std::shared_ptr<Source> parse_openbsd_text(std::string_view data, const std::string& path) {
  return ObParser(data, path).run();
}

}  // namespace kstatsql::engine::file
