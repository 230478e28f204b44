// engine/sources/dump/reports.cpp — dumps of several reports (`kstat -p 5 3`,
// `-T u`, `-T d`) as several generations, and the value rules the two text
// readers share (dump_source.hpp).
#include <algorithm>
#include <array>
#include <ctime>
#include <limits>

#include "engine/sources/dump/dump_source.hpp"
#include "engine/sources/dump/dump_writer.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine::file {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The reports of a dump, one generation each. A kstat's cookie carries its
// report in the high bits, so read() finds it in any order.
class ReportsSource final : public Source {
 public:
  ReportsSource(std::string description, std::vector<std::shared_ptr<StaticSource>> reports,
                std::vector<std::int64_t> times)
      : description_(std::move(description)),
        reports_(std::move(reports)),
        times_(std::move(times)) {}

  std::string description() const override { return description_; }
  bool changed() override { return !enumerated_; }
  void enumerate(Arena& arena, std::vector<KstatHeader>& out) override {
    enumerate_recorded(reports_.size() - 1, arena, out);
    enumerated_ = true;
  }
  void read(const KstatHeader& header, Arena& arena, KstatData& out) override {
    std::size_t g = header.cookie >> kShift;
    if (g >= reports_.size()) {
      throw Error(Errc::internal, description_ + ": read of a kstat this source never listed");
    }
    KstatHeader inner = header;
    inner.cookie = header.cookie & kMask;
    reports_[g]->read(inner, arena, out);
  }
  std::size_t recorded_count() const override { return reports_.size(); }
  void enumerate_recorded(std::size_t g, Arena& arena, std::vector<KstatHeader>& out) override {
    std::size_t first = out.size();
    reports_.at(g)->enumerate(arena, out);
    for (std::size_t i = first; i < out.size(); ++i) {
      out[i].cookie |= static_cast<std::uint64_t>(g) << kShift;
    }
  }
  std::int64_t recorded_time(std::size_t g) const override { return times_.at(g); }

 private:
  static constexpr int kShift = 40;  // up to 2^40 kstats per report
  static constexpr std::uint64_t kMask = (std::uint64_t{1} << kShift) - 1;
  std::string description_;
  std::vector<std::shared_ptr<StaticSource>> reports_;
  std::vector<std::int64_t> times_;
  bool enumerated_ = false;
};

}  // namespace

// ---------------------------------------------------------------------------
// KstatSink: which kstats got a snaptime

void KstatSink::set_snaptime(std::int64_t ns) {
  b_->set_snaptime(ns);
  if (current_seen_ < seen_.size()) seen_[current_seen_].given |= kAbsentSnaptime;
}

void KstatSink::set_crtime(std::int64_t ns) {
  b_->set_crtime(ns);
  if (current_seen_ < seen_.size()) seen_[current_seen_].given |= kAbsentCrtime;
}

void KstatSink::set_class(std::string_view klass) {
  b_->set_class(klass);
  if (current_seen_ < seen_.size()) seen_[current_seen_].given |= kAbsentClass;
}

void KstatSink::mark_absent(const Seen& s) {
  constexpr std::uint8_t kAll = kAbsentCrtime | kAbsentSnaptime | kAbsentClass;
  b_->set_absent(static_cast<std::uint8_t>(kAll & ~s.given));
}

bool KstatSink::seen(std::string_view module, std::int64_t instance, std::string_view name) const {
  std::string key;
  key.reserve(module.size() + name.size() + 24);
  key.append(module).append(":").append(std::to_string(instance)).append(":").append(name);
  return seen_index_.count(key) != 0;
}

void KstatSink::fill_snaptime(std::int64_t ns) {
  close();
  for (Seen& s : seen_) {
    if (s.given & kAbsentSnaptime) continue;
    b_->begin(s.module, s.instance, s.name);
    b_->set_snaptime(ns);
    s.given |= kAbsentSnaptime;
    mark_absent(s);
  }
}

// ---------------------------------------------------------------------------
// Reports

Reports::Reports() : builder_(std::make_unique<StaticBuilder>()), sink_(*builder_) {}

void Reports::close_report() {
  if (time_) sink_.fill_snaptime(*time_);
  sink_.close();
  times_.push_back(time_.value_or(0));
  done_.push_back(std::move(builder_));
  builder_ = std::make_unique<StaticBuilder>();
  sink_.reset(*builder_);
  time_.reset();
}

void Reports::next() {
  if (sink_.kstats() > 0) close_report();
}

void Reports::time_line(std::int64_t wall_ns) {
  next();
  time_ = wall_ns;
}

std::shared_ptr<Source> Reports::finish(const std::string& description, const std::string& path,
                                        const std::string& what) {
  if (sink_.kstats() > 0) close_report();
  if (done_.empty()) throw Error(Errc::parse, path + ": no kstats (expected " + what + ")");
  std::vector<std::shared_ptr<StaticSource>> reports;
  reports.reserve(done_.size());
  for (auto& b : done_) reports.push_back(b->finish(description));
  done_.clear();
  if (reports.size() == 1) return reports.front();
  return std::make_shared<ReportsSource>(
      description + ", " + std::to_string(reports.size()) + " reports", std::move(reports),
      std::move(times_));
}

// ---------------------------------------------------------------------------
// Time lines

namespace {

int index_of(std::string_view word, const std::array<std::string_view, 12>& names, int n) {
  for (int i = 0; i < n; ++i) {
    if (word == names[static_cast<std::size_t>(i)]) return i;
  }
  return -1;
}

std::optional<int> small_number(std::string_view s, int lo, int hi) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; m 1..12).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// "Wed Dec  2 05:46:36 UTC 2026" or without the zone.
std::optional<std::int64_t> parse_date_line(std::string_view line) {
  static constexpr std::array<std::string_view, 12> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                             "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::vector<std::string_view> f;
  while (!line.empty()) {
    std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string_view::npos) break;
    line.remove_prefix(b);
    std::size_t e = std::min(line.find_first_of(" \t"), line.size());
    f.push_back(line.substr(0, e));
    line.remove_prefix(e);
  }
  if (f.size() != 5 && f.size() != 6) return std::nullopt;
  if (index_of(f[0], kDays, 7) < 0) return std::nullopt;
  int month = index_of(f[1], kMonths, 12);
  auto day = small_number(f[2], 1, 31);
  auto year = small_number(f.back(), 1970, 9999);
  if (month < 0 || !day || !year || f[3].size() != 8 || f[3][2] != ':' || f[3][5] != ':') {
    return std::nullopt;
  }
  static constexpr int kMonthDays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*day > kMonthDays[month] || (month == 1 && *day == 29 && !leap(*year))) return std::nullopt;
  auto hh = small_number(f[3].substr(0, 2), 0, 23);
  auto mm = small_number(f[3].substr(3, 2), 0, 59);
  auto ss = small_number(f[3].substr(6, 2), 0, 60);
  if (!hh || !mm || !ss) return std::nullopt;
  if (f.size() == 6) {  // the zone: letters, digits, '+', '-'
    for (char c : f[4]) {
      bool ok =
          (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' || c == '-';
      if (!ok) return std::nullopt;
    }
  }
  std::int64_t days = days_from_civil(*year, month + 1, *day);
  std::int64_t secs = days * 86400 + *hh * 3600 + *mm * 60 + *ss;
  return secs * 1000000000;
}

}  // namespace

std::optional<std::int64_t> parse_time_line(std::string_view line) noexcept {
  line = trim_blanks(line);
  if (line.empty()) return std::nullopt;
  if (is_digit(line[0])) {
    auto secs = parse_u64(line);
    constexpr std::uint64_t kMaxSecs = std::numeric_limits<std::int64_t>::max() / 1000000000;
    if (!secs || *secs > kMaxSecs) return std::nullopt;
    return static_cast<std::int64_t>(*secs) * 1000000000;
  }
  try {
    return parse_date_line(line);
  } catch (...) {  // allocation failure: not a time line we can use
    return std::nullopt;
  }
}

// ---------------------------------------------------------------------------
// Values

std::int64_t hrtime_printing_as(std::int64_t ns, std::string_view text) {
  std::size_t dot = text.find('.');
  if (ns <= 0 || dot == std::string_view::npos || text.size() - dot != 10) return ns;
  if (format_hrtime(ns) == text) return ns;
  // The doubles near ns / 1e9 are at most 2^-52 * ns apart (in ns): search
  // outward that far (plus the 0.5 ns of the printed rounding).
  auto reach = static_cast<std::int64_t>(static_cast<std::uint64_t>(ns) >> 51) + 2;
  for (std::int64_t k = 1; k <= reach; ++k) {
    if (ns - k > 0 && format_hrtime(ns - k) == text) return ns - k;
    if (ns <= std::numeric_limits<std::int64_t>::max() - k && format_hrtime(ns + k) == text) {
      return ns + k;
    }
  }
  return ns;
}

std::string add_text_value(KstatSink& sink, std::string_view stat, std::string_view v) {
  std::string_view t = v;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  if (stat == "crtime" || stat == "snaptime") {
    auto ns = parse_seconds_ns(t);
    if (!ns) {
      return "expected " + std::string(stat) +
             " as seconds with at most 9 decimals (35.240997153), found " + excerpt(t);
    }
    std::int64_t v = hrtime_printing_as(*ns, t);
    if (stat == "crtime") {
      sink.set_crtime(v);
    } else {
      sink.set_snaptime(v);
    }
    return {};
  }
  if (stat == "class") {
    sink.set_class(t);
    return {};
  }
  bool neg = !t.empty() && t[0] == '-';
  std::string_view digits = neg ? t.substr(1) : t;
  bool integer = !digits.empty() &&
                 digits.find_first_not_of("0123456789") == std::string_view::npos &&
                 (digits[0] != '0' || (digits.size() == 1 && !neg));
  if (!integer) {
    sink.add_string(stat, v);
    return {};
  }
  auto u = parse_u64(digits);
  if (!neg) {
    if (!u) return "value " + excerpt(t) + " of " + excerpt(stat) + " does not fit uint64";
    sink.add_uint(stat, *u);
    return {};
  }
  constexpr std::uint64_t kMinMagnitude = 9223372036854775808ull;  // -INT64_MIN
  if (!u || *u > kMinMagnitude) {
    return "value " + excerpt(t) + " of " + excerpt(stat) + " does not fit int64";
  }
  sink.add_int(stat, *u == kMinMagnitude ? std::numeric_limits<std::int64_t>::min()
                                         : -static_cast<std::int64_t>(*u));
  return {};
}

}  // namespace kstatsql::engine::file
