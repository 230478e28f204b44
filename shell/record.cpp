// shell/record.cpp — `kstatsql record`: sample a source into a .kss file.
//
//   kstatsql record -o FILE [--interval S] [--count N] [--select SPEC]...
//                   [--source SPEC]... [--append | --force] [--no-sync] [-q] [SPEC...]
//
// Takes a generation every S seconds (default: one generation; with
// --interval and no --count, until interrupted), each holding every kstat or
// those matching the kstat(8) selectors (--select or operands), and appends it
// to FILE (engine/sources/kss/kss_writer.hpp: one fsync'ed block per generation). Sleeps
// are drift-corrected against CLOCK_MONOTONIC (a late sample does not shift
// the later ones; missed ticks are skipped, not bunched). SIGINT/SIGTERM stop
// after the generation being written. A progress line is drawn when stderr is
// a terminal; a summary is printed at the end.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/sources/kss/kss_writer.hpp"
#include "kstatsql/error.hpp"
#include "kstatsql/kstatsql.hpp"
#include "shell/commands.hpp"
#include "shell/options.hpp"

namespace kstatsql::shell {

namespace {

volatile sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
}

constexpr const char* kRecordUsage =
    "usage: kstatsql record -o FILE [--interval S] [--count N] [--select SPEC]...\n"
    "                       [--source SPEC]... [--append | --force] [--no-sync] [-q] [SPEC...]\n";

constexpr const char* kRecordHelp =
    "Samples a source into a .kss recording, one generation every interval.\n"
    "  -o, --output FILE     the recording (created; see --append, --force)\n"
    "  -i, --interval S      seconds between generations, 0.001 to 31536000 (fractions\n"
    "                        allowed; default: one generation, or 1 with --count > 1)\n"
    "  -c, --count N         generations to take, 1 to 2147483647 (default: 1, or until\n"
    "                        Ctrl-C with --interval)\n"
    "  -s, --select SPEC     keep what the kstat(8) selector SPEC matches (repeatable;\n"
    "                        operands are selectors too)\n"
    "  --source SPEC         what to sample (repeatable: several hosts); default: the\n"
    "                        --source given before `record`, else KSTATSQL_SOURCE, else\n"
    "                        live. A .kss is refused: `kstatsql convert` copies it\n"
    "  --append / --force    add to an existing FILE / replace it\n"
    "  --no-sync             do not fsync each generation\n"
    "  -q, --quiet           no progress or summary on stderr\n"
    "  -h, --help            this text\n"
    "Exit status: 0 done, 2 usage error, 3 failure.\n";

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "kstatsql record: %s\n%s", msg.c_str(), kRecordUsage);
  return 2;
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", b, units[u]);
  return buf;
}

struct Args {
  std::string out, source;
  double interval = 0;
  long long count = -1;  // -1: not given
  std::vector<std::string> selects;
  engine::KssWriter::Mode mode = engine::KssWriter::Mode::create;
  bool sync = true, quiet = false;
};

// Returns -1 when parsing succeeded, else the exit status.
int parse_args(int argc, char** argv, Args& a, const std::string& default_source) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&](const char* opt) -> std::string {
      if (i + 1 >= argc) throw Error(Errc::parse, std::string(opt) + " needs a value");
      return argv[++i];
    };
    if (s == "-o" || s == "--output")
      a.out = value("-o");
    else if (s == "--interval" || s == "-i") {
      std::string error;
      auto v = parse_interval_option("--interval", value("--interval"), error);
      if (!v) throw Error(Errc::parse, error);
      a.interval = *v;
    } else if (s == "--count" || s == "-c") {
      std::string error;
      auto v = parse_integer_option("--count", value("--count"), 1, kMaxCount, error);
      if (!v) throw Error(Errc::parse, error);
      a.count = *v;
    } else if (s == "--select" || s == "-s")
      a.selects.push_back(value("--select"));
    else if (s == "--source")
      a.source.append(a.source.empty() ? "" : ",").append(value("--source"));
    else if (s == "--append")
      a.mode = engine::KssWriter::Mode::append;
    else if (s == "--force")
      a.mode = engine::KssWriter::Mode::truncate;
    else if (s == "--no-sync")
      a.sync = false;
    else if (s == "-q" || s == "--quiet")
      a.quiet = true;
    else if (s == "-h" || s == "--help") {
      std::fputs(kRecordUsage, stdout);
      std::fputs(kRecordHelp, stdout);
      return 0;
    } else if (s.size() > 1 && s[0] == '-')
      throw Error(Errc::parse, "unknown option " + s);
    else
      a.selects.push_back(s);
  }
  if (a.out.empty()) throw Error(Errc::parse, "-o FILE is required");
  if (a.count < 0) a.count = a.interval > 0 ? 0 : 1;  // 0: until interrupted
  if (a.count > 1 && a.interval <= 0) a.interval = 1;
  if (a.source.empty()) a.source = default_source.empty() ? "live" : default_source;
  return -1;
}

void sleep_until(const timespec& t) {
  while (!g_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, nullptr) == EINTR) {
  }
}

// Drift-corrected: tick k is at start + k*interval; ticks already missed are skipped.
void sleep_until_tick(double start_s, long long k, double interval) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  double now_s = static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9;
  double tick = start_s + static_cast<double>(k) * interval;
  if (now_s > tick) tick = start_s + std::ceil((now_s - start_s) / interval) * interval;
  timespec t{};
  t.tv_sec = static_cast<time_t>(tick);
  t.tv_nsec = static_cast<long>((tick - static_cast<double>(t.tv_sec)) * 1e9);
  sleep_until(t);
}

// While recording: SIGINT and SIGTERM stop after the current generation, and
// SIGXFSZ is ignored, so that past a file size limit a write fails with
// EFBIG, reported like a full disk (naming the file), instead of the kernel
// killing the process. The previous dispositions come back afterwards.
class RecordSignals {
 public:
  RecordSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;  // no SA_RESTART: the sleep wakes up at once
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGXFSZ, &ign, &old_xfsz_);
  }
  ~RecordSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGXFSZ, &old_xfsz_, nullptr);
  }
  RecordSignals(const RecordSignals&) = delete;
  RecordSignals& operator=(const RecordSignals&) = delete;

 private:
  struct sigaction old_int_ {
  }, old_term_{}, old_xfsz_{};
};

// A recording replays, it does not change: sampling it again would write the
// same generation over and over. True (and said on stderr) for a .kss.
bool refuse_recording(Session& session, const std::string& spec, const std::string& desc) {
  if (session.recorded_count() == 0) return false;
  std::fprintf(stderr,
               "kstatsql record: %s is a recording (%s); `kstatsql convert %s OUT.kss` "
               "copies its generations\n",
               spec.c_str(), desc.c_str(), spec.c_str());
  return true;
}

}  // namespace

int run_record(int argc, char** argv) {
  return run_record(argc, argv, default_source_spec());
}

int run_record(int argc, char** argv, const std::string& default_source) {
  Args a;
  try {
    int rc = parse_args(argc, argv, a, default_source);
    if (rc >= 0) return rc;
  } catch (const Error& e) {
    return usage_error(e.what());
  }
  engine::SelectorSet select;
  try {
    select = engine::SelectorSet::parse(std::span<const std::string>(a.selects));
  } catch (const Error& e) {
    std::fprintf(stderr, "kstatsql record: %s\n", e.what());
    return 2;
  }
  g_stop = 0;
  const RecordSignals signals;
  const bool tty = !a.quiet && isatty(2);
  std::uint64_t written = 0, kstats = 0;
  long long done = 0;
  int status = 0;
  std::string out_path = a.out;
  try {
    Session session(a.source);
    std::string desc = session.source_description();  // opens the source now
    if (refuse_recording(session, a.source, desc)) return 2;
    engine::KssWriter writer(a.out, a.mode);
    writer.set_sync(a.sync);
    if (writer.cut_torn_tail() >= 0) {
      std::fprintf(stderr, "kstatsql record: %s: cut a torn tail at offset %lld before appending\n",
                   a.out.c_str(), static_cast<long long>(writer.cut_torn_tail()));
    }
    if (!a.quiet) std::fprintf(stderr, "recording %s to %s\n", desc.c_str(), a.out.c_str());
    timespec start{};
    clock_gettime(CLOCK_MONOTONIC, &start);
    const double start_s = static_cast<double>(start.tv_sec) + start.tv_nsec / 1e9;
    for (long long k = 0; !g_stop && (a.count == 0 || k < a.count); ++k) {
      if (k > 0) {
        sleep_until_tick(start_s, k, a.interval);
        if (g_stop) break;
      }
      Sample sample = session.sample();  // a fresh generation
      written += writer.append(sample.generation(), &select);
      kstats += writer.last_kstats();
      ++done;
      if (tty) {
        std::fprintf(stderr, "\r%lld generation%s, %llu kstats in the last, %s in %s   ", done,
                     done == 1 ? "" : "s", static_cast<unsigned long long>(writer.last_kstats()),
                     human_bytes(static_cast<double>(writer.size())).c_str(), a.out.c_str());
        std::fflush(stderr);
      }
    }
    if (tty) std::fputc('\n', stderr);
    if (!a.quiet) {
      std::fprintf(
          stderr,
          "recorded %lld generation%s (%llu kstats, %s written%s) to %s; the file holds %llu\n",
          done, done == 1 ? "" : "s", static_cast<unsigned long long>(kstats),
          human_bytes(static_cast<double>(written)).c_str(), g_stop ? ", interrupted" : "",
          a.out.c_str(), static_cast<unsigned long long>(writer.generations()));
    }
  } catch (const Error& e) {
    if (tty && done) std::fputc('\n', stderr);
    std::fprintf(stderr, "kstatsql record: %s\n", e.what());
    if (done)
      std::fprintf(stderr, "kstatsql record: %lld generation%s kept in %s\n", done,
                   done == 1 ? " was" : "s were", out_path.c_str());
    status = 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kstatsql record: %s\n", e.what());
    status = 3;
  }
  return status;
}

}  // namespace kstatsql::shell
