// shell/kstat_mode.cpp — kstat(8)-compatible mode (shell/kstat_mode.hpp).
#include "shell/kstat_mode.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "engine/sources/dump/dump_writer.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::shell {

const char kKstatUsage[] =
    "Usage:\n"
    "kstat [ -Cjlpq ] [ -T d|u ] [ -c class ]\n"
    "      [ -m module ] [ -i instance ] [ -n name ] [ -s statistic ]\n"
    "      [ interval [ count ] ]\n"
    "kstat [ -Cjlpq ] [ -T d|u ] [ -c class ]\n"
    "      [ module[:instance[:name[:statistic]]] ... ]\n"
    "      [ interval [ count ] ]\n";

namespace {

volatile std::sig_atomic_t g_stop = 0;
void* volatile g_interrupt_db = nullptr;

void on_sigint(int) {
  g_stop = 1;
  if (void* db = g_interrupt_db) sqlite3_interrupt(static_cast<sqlite3*>(db));
}

KstatArgs usage_error(std::string message) {
  KstatArgs r;
  r.status = 2;
  r.message = std::move(message) + kKstatUsage;
  return r;
}

// kstat(8) numeric operand: strtoul consumes the whole argument.
enum class Num { no, yes, too_large };
Num as_number(const std::string& s, unsigned long& v) {
  errno = 0;
  char* end = nullptr;
  v = std::strtoul(s.c_str(), &end, 10);
  if (v == ULONG_MAX && errno == ERANGE) return Num::too_large;
  if (errno != 0 || *end != '\0') return Num::no;
  if (v > static_cast<unsigned long>(INT_MAX)) return Num::too_large;
  return Num::yes;
}

std::string timestamp(char fmt) {
  std::time_t t = std::time(nullptr);
  if (fmt == 'u') return fmt::format("{}\n", static_cast<long>(t));
  char buf[128];
  std::tm tm{};
  localtime_r(&t, &tm);
  std::size_t n = std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Z %Y", &tm);
  return n ? std::string(buf, n) + "\n" : std::string();
}

}  // namespace

namespace {

// -m -i -n -s values, and whether any was given.
struct NamedParts {
  std::string m, i, n, s;
  bool given = false;
};

// Applies option letter `c` that takes `val` (-T -m -i -n -s -c). Returns
// false with `err` set on a usage error.
bool apply_valued(char c, const std::string& val, KstatOptions& o, NamedParts& parts, bool& errflg,
                  std::optional<KstatArgs>& err) {
  if (c == 'T') {
    if (val[0] == 'u' || val[0] == 'd') {
      o.timestamp = val[0];
    } else {
      errflg = true;
    }
  } else if (c == 'c') {
    try {
      o.klass = engine::Pattern::compile(val);
    } catch (const Error& e) {
      err = usage_error(fmt::format("kstat: {}\n", e.what()));
      return false;
    }
  } else {
    parts.given = true;
    (c == 'm' ? parts.m : c == 'i' ? parts.i : c == 'n' ? parts.n : parts.s) = val;
  }
  return true;
}

// Options as getopt(3) "h?CqjlpT:m:i:n:s:c:", from args[k] on; leaves k at
// the first operand. Returns a result when parsing ends here (help, usage).
std::optional<KstatArgs> parse_kstat_options(std::span<const std::string> args, std::size_t& k,
                                             KstatOptions& o, NamedParts& parts) {
  bool errflg = false;
  std::string msg;
  for (; k < args.size(); ++k) {
    const std::string& a = args[k];
    if (a == "--") {
      ++k;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (std::size_t j = 1; j < a.size(); ++j) {
      char c = a[j];
      if (std::string_view("Tmnisc").find(c) != std::string_view::npos) {
        std::string val;
        if (j + 1 < a.size()) {
          val = a.substr(j + 1);
        } else if (k + 1 < args.size()) {
          val = args[++k];
        } else {
          return usage_error(fmt::format("kstat: option requires an argument -- {}\n", c));
        }
        std::optional<KstatArgs> err;
        if (!apply_valued(c, val, o, parts, errflg, err)) return err;
        break;  // the rest of the word was the value
      }
      switch (c) {
        case 'h':
        case '?': {
          KstatArgs r;
          r.status = 0;
          r.message = kKstatUsage;
          return r;
        }
        case 'C':
          o.parseable = o.colon = true;
          break;
        case 'q':
          o.quiet = true;
          break;
        case 'j':
          o.json = true;
          break;
        case 'l':
          o.parseable = o.list = true;
          break;
        case 'p':
          o.parseable = true;
          break;
        default:
          msg += fmt::format("kstat: illegal option -- {}\n", c);
          errflg = true;
      }
    }
  }
  if (o.quiet && (o.json || o.parseable)) {
    msg += "-q and -lpj are mutually exclusive\n";
    errflg = true;
  }
  if (errflg) return usage_error(msg);
  return std::nullopt;
}

// Operands: whole numbers are interval then count, the others selectors
// (appended to `specs`). Returns a result on a usage error.
std::optional<KstatArgs> parse_kstat_operands(std::span<const std::string> args, std::size_t k,
                                              KstatOptions& o, std::vector<std::string>& specs) {
  int nums = 0;
  for (; k < args.size(); ++k) {
    unsigned long v = 0;
    Num kind = as_number(args[k], v);
    if (kind == Num::too_large) {
      return usage_error(nums == 0   ? "Interval is too large\n"
                         : nums == 1 ? "Count is too large\n"
                                     : "");
    }
    if (kind == Num::no) {
      specs.push_back(args[k]);
      continue;
    }
    if (v < 1) {
      return usage_error(nums == 0   ? "Interval must be an integer >= 1\n"
                         : nums == 1 ? "Count must be an integer >= 1\n"
                                     : "");
    }
    if (nums == 0) {
      o.interval_ns = static_cast<std::int64_t>(v) * 1000000000;
      o.count = -1;
    } else if (nums == 1) {
      o.count = static_cast<long>(v);
    } else {
      return usage_error("");
    }
    ++nums;
  }
  return std::nullopt;
}

}  // namespace

KstatArgs parse_kstat_args(std::span<const std::string> args) {
  KstatArgs r;
  KstatOptions& o = r.options;
  NamedParts parts;
  std::size_t k = 0;
  if (auto done = parse_kstat_options(args, k, o, parts)) return *done;
  std::vector<std::string> specs;
  if (auto bad = parse_kstat_operands(args, k, o, specs)) return *bad;
  try {
    if (!specs.empty()) {
      if (parts.given) {
        return usage_error(
            "[module[:instance[:name[:statistic]]]] and -m -i -n -s are mutually exclusive\n");
      }
      o.selectors = engine::SelectorSet::parse(specs);
    } else {
      o.selectors.add(engine::Selector::from_patterns(parts.m, parts.i, parts.n, parts.s));
    }
  } catch (const Error& e) {
    return usage_error(fmt::format("kstat: {}\n", e.what()));
  }
  return r;
}

std::size_t kstat_iteration(const Sample& gen, const KstatOptions& o, std::string& out) {
  std::vector<std::uint32_t> selected, keep;
  gen.select(o.selectors, selected);
  // Read every kstat some selector will print, once.
  for (std::uint32_t i : selected) {
    if (o.klass.matches(gen.header(i).klass)) keep.push_back(i);
  }
  for (std::uint32_t i : keep) (void)gen.data(i);

  std::size_t matched = 0;
  std::string scratch;
  std::string& sink = o.quiet ? scratch : out;
  std::string json_items;
  engine::DumpOptions dopt;
  dopt.format = o.json ? engine::DumpOptions::Format::json : engine::DumpOptions::Format::text;
  dopt.separator = o.colon ? ':' : '\t';
  dopt.names_only = o.list;
  dopt.class_pseudo = o.parseable;  // kstat(8) adds `class` only with -p/-l/-C (not -q, not human)
  std::vector<engine::DumpEntry> entries;
  for (const engine::Selector& sel : o.selectors.selectors()) {
    engine::SelectorSet one;
    one.add(sel);
    dopt.statistics = &one;
    entries.clear();
    for (std::uint32_t i : keep) {
      if (sel.matches(gen.header(i))) entries.push_back({&gen.header(i), &gen.data(i)});
    }
    if (o.json) {
      std::string part;
      matched += engine::write_dump(entries, dopt, part);
      // write_dump made "[...]\n"; splice the objects into one array.
      std::string_view body(part);
      body = body.substr(1, body.size() - 3);
      if (!body.empty()) {
        if (!json_items.empty()) json_items += ", ";
        json_items += body;
      }
    } else if (o.parseable || o.quiet) {
      matched += engine::write_dump(entries, dopt, sink);
    } else {
      for (const engine::DumpEntry& e : entries) {
        const engine::KstatHeader& h = *e.header;
        if (h.type == engine::KstatType::raw && e.data->ok() && e.data->named.empty()) continue;
        matched += engine::write_human_kstat(h, *e.data, sel, sink);
      }
    }
  }
  if (o.json && !o.quiet) {
    out += '[';
    out += json_items;
    out += "]\n";
  }
  return matched;
}

int run_kstat(const KstatOptions& o, Session& session, std::FILE* out, std::FILE* err) {
  bool matched = false;
  const std::int64_t start = monotonic_ns();
  for (long k = 0; o.count < 0 || k < o.count; ++k) {
    std::string text;
    if (o.timestamp) text = timestamp(o.timestamp);
    try {
      Sample gen = session.sample();
      matched |= kstat_iteration(gen, o, text) > 0;
    } catch (const std::exception& e) {
      std::fprintf(err, "kstat: %s\n", e.what());
      return 3;
    }
    std::fwrite(text.data(), 1, text.size(), out);
    std::fflush(out);
    bool more = o.count < 0 || k + 1 < o.count;
    if (!o.interval_ns || !more || stop_requested()) break;
    std::int64_t due = next_deadline(start, o.interval_ns, k + 1, monotonic_ns());
    if (!sleep_until(due)) break;
    std::fputc('\n', out);
  }
  return matched ? 0 : 1;
}

int kstat_main(std::span<const std::string> args, const std::string& source_spec, double interval,
               long count) {
  KstatArgs parsed = parse_kstat_args(args);
  if (parsed.status >= 0) {
    std::fputs(parsed.message.c_str(), stderr);
    return parsed.status;
  }
  KstatOptions& o = parsed.options;
  if (interval > 0) {  // kstatsql --interval S [--count N] kstat ...
    if (o.interval_ns > 0) {
      std::fputs("kstat: an interval is given twice (--interval and an interval operand)\n",
                 stderr);
      return 2;
    }
    o.interval_ns = std::llround(interval * 1e9);
    o.count = count > 0 ? count : -1;
  }
  Session session(source_spec);
  install_stop_handler();
  return run_kstat(parsed.options, session, stdout, stderr);
}

void install_stop_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: sleeps and reads return EINTR
  sigaction(SIGINT, &sa, nullptr);
}

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool stop_requested() noexcept {
  return g_stop != 0;
}
void clear_stop() noexcept {
  g_stop = 0;
}
void set_interrupt_db(void* db) noexcept {
  g_interrupt_db = db;
}

bool sleep_until(std::int64_t deadline_ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(deadline_ns / 1000000000);
  ts.tv_nsec = static_cast<long>(deadline_ns % 1000000000);
  for (;;) {
    if (stop_requested()) return false;
    int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
    if (rc == 0) return !stop_requested();
    if (rc != EINTR) return !stop_requested();
  }
}

std::int64_t next_deadline(std::int64_t start_ns, std::int64_t interval_ns, long k,
                           std::int64_t now_ns) {
  std::int64_t due = start_ns + interval_ns * k;
  if (interval_ns > 0 && due < now_ns) {
    std::int64_t missed = (now_ns - due + interval_ns - 1) / interval_ns;
    due += missed * interval_ns;
  }
  return due;
}

}  // namespace kstatsql::shell
