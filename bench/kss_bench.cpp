// bench/kss_bench.cpp — the .kss file: size, replay residency, scan speed, recording cost.
//
//   kstatsql_kss_bench [--kstats N] [--live-generations G] [--dir DIR]
//
// 1. Records the synthetic large system (bench/synthetic.hpp, default 100,000
//    kstats / 2,000,000 statistics) into DIR/kss_bench.kss: time and size.
// 2. Replays it and runs a keyed point query through SQL; reports how much of
//    the mapping became resident in this process (smaps Rss of the mapping)
//    against the file size.
// 3. Full scan (every named row) from the .kss and from the in-memory
//    StaticSource with the same data.
// 4. Records G generations of this machine's live source at 1 s intervals and
//    reports the CPU time spent (getrusage) over the wall time.
// Results are printed as Markdown rows for docs/kss-format.md ("Measurements").
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <time.h>

#include <sqlite3.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/sources/open_source.hpp"
#include "bench/synthetic.hpp"
#include "engine/sources/kss/kss_writer.hpp"
#include "engine/sources/kss/kss_reader.hpp"
#include "kstatsql/kstatsql.h"
#include "vtab/tables.hpp"

using namespace kstatsql;
using Clock = std::chrono::steady_clock;

namespace {

double secs(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Rss (kB) of the mapping that starts at `addr`, from /proc/self/smaps.
long mapping_rss_kb(const void* addr) {
  char start[32];
  std::snprintf(start, sizeof start, "%" PRIxPTR "-", reinterpret_cast<std::uintptr_t>(addr));
  std::ifstream in("/proc/self/smaps");
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(start, 0) == 0) {
      inside = true;
      continue;
    }
    if (inside && line.rfind("Rss:", 0) == 0) return std::strtol(line.c_str() + 4, nullptr, 10);
  }
  return -1;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string one(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
    return std::string("error: ") + sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const unsigned char* t = sqlite3_column_text(st, i);
      out += (i ? "|" : "");
      out += t ? reinterpret_cast<const char*>(t) : "NULL";
    }
  } else {
    out = sqlite3_errmsg(db);
  }
  sqlite3_finalize(st);
  return out;
}

constexpr const char* kPoint =
    "SELECT value FROM named WHERE module = 'unix' AND instance = 0 AND name = 'system_misc' "
    "AND statistic = 'nproc'";
constexpr const char* kScan = "SELECT count(*), sum(typeof(value) = 'integer') FROM named";

}  // namespace

int main(int argc, char** argv) {
  bench::SyntheticSpec spec;
  int live_gens = 10;
  std::string dir = ".";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--kstats"))
      spec.kstats = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--live-generations"))
      live_gens = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dir"))
      dir = argv[i + 1];
  }
  const std::string path = dir + "/kss_bench.kss";
  std::remove(path.c_str());
  auto stat_src = bench::build_static_source(spec);

  // 1. Record.
  double rec_s, file_mb;
  {
    engine::Session s(stat_src, "synthetic");
    auto gen = s.open_cursor();
    for (std::uint32_t i = 0; i < gen->size(); ++i) (void)gen->data(i);
    engine::KssWriter w(path, engine::KssWriter::Mode::create);
    auto t0 = Clock::now();
    w.append(*gen);
    rec_s = secs(t0, Clock::now());
    file_mb = static_cast<double>(w.size()) / 1048576.0;
    s.close_cursor();
  }
  std::printf("| record %zu kstats (one generation, fsync) | %.3f s | file %.1f MiB |\n",
              spec.kstats, rec_s, file_mb);

  // 2. Point query: residency through the engine (this process's own mapping),
  //    time through SQL (a connection opening the file itself).
  {
    // Cold cache for this one file (our own, clean after fsync): what a
    // recording copied from another machine costs to query.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      ::close(fd);
    }
    auto src = std::make_shared<engine::KssSource>(path);
    const void* map = src->map_data();
    long rss_open = mapping_rss_kb(map);
    engine::Session s(src, path);
    auto gen = s.open_cursor();
    long rss_enum = mapping_rss_kb(map);
    std::int64_t i = gen->find("unix", 0, "system_misc");
    std::uint64_t nproc = 0;
    for (const auto& st : gen->data(static_cast<std::uint32_t>(i)).named) {
      if (st.name_view() == "nproc") nproc = st.v.u;
    }
    long rss_point = mapping_rss_kb(map);
    s.close_cursor();
    std::printf("| cold cache: resident after open / enumerate / point read (nproc = %" PRIu64
                ") | %ld kB / %ld kB / "
                "%ld kB of %.1f MiB (%.1f%%) | point read added %ld kB |\n",
                nproc, rss_open, rss_enum, rss_point, file_mb, 100.0 * rss_point / 1024.0 / file_mb,
                rss_point - rss_enum);
    sqlite3* db = nullptr;
    sqlite3_open(":memory:", &db);
    kstatsql_options o = KSTATSQL_OPTIONS_INIT;
    o.source = path.c_str();
    o.ignore_env = 1;
    kstatsql_register(db, &o, nullptr);
    auto t0 = Clock::now();
    std::string v = one(db, kPoint);
    double q_s = secs(t0, Clock::now());
    t0 = Clock::now();
    v = one(db, kPoint);
    double q2_s = secs(t0, Clock::now());
    std::string reads = one(db, "SELECT kstat_reads()");
    std::printf(
        "| SQL keyed point query (nproc = %s, %s kstat read) | first %.3f s (open + enumerate), "
        "again %.4f s | |\n",
        v.c_str(), reads.c_str(), q_s, q2_s);
    t0 = Clock::now();
    std::string kss_scan = one(db, kScan);
    double kss_s = secs(t0, Clock::now());
    sqlite3_close(db);
    sqlite3_open(":memory:", &db);
    vtab::register_all(db, std::make_shared<engine::Session>(stat_src, "static"));
    t0 = Clock::now();
    std::string static_scan = one(db, kScan);
    double static_s = secs(t0, Clock::now());
    sqlite3_close(db);
    std::printf(
        "| SQL full scan of named: .kss vs in-memory static source (%s rows) | %.3f s vs %.3f s | "
        "|\n",
        kss_scan.c_str(), kss_s, static_s);
  }
  {
    // Static source: engine-level scan with the same work as the SQL scan's reads.
    for (int pass = 0; pass < 2; ++pass) {
      for (auto* which : {"kss", "static"}) {
        std::shared_ptr<engine::Source> src =
            std::string(which) == "kss"
                ? std::shared_ptr<engine::Source>(std::make_shared<engine::KssSource>(path))
                : std::shared_ptr<engine::Source>(stat_src);
        engine::Session s(src, which);
        auto t0 = Clock::now();
        auto gen = s.open_cursor();
        std::uint64_t rows = 0, ints = 0;
        for (std::uint32_t i = 0; i < gen->size(); ++i) {
          const auto& d = gen->data(i);
          rows += d.named.size();
          for (const auto& st : d.named) ints += engine::repr_of(st.type) != engine::Repr::str;
        }
        double t = secs(t0, Clock::now());
        s.close_cursor();
        if (pass == 1) {
          std::printf("| engine full scan, %s source (%" PRIu64 " rows, %" PRIu64
                      " numeric) | %.3f s | |\n",
                      which, rows, ints, t);
        }
      }
    }
  }

  // 4. Recording this machine at 1 s intervals.
  if (live_gens > 0) {
    const std::string live_path = dir + "/kss_bench_live.kss";
    std::remove(live_path.c_str());
    engine::Session s("live", engine::open_source);
    engine::KssWriter w(live_path, engine::KssWriter::Mode::create);
    double cpu0 = cpu_seconds();
    auto t0 = Clock::now();
    timespec start{};
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int g = 0; g < live_gens; ++g) {
      if (g > 0) {
        timespec t = start;
        t.tv_sec += g;
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, nullptr);
      }
      auto gen = s.open_cursor();
      w.append(*gen);
      s.close_cursor();
    }
    double wall = secs(t0, Clock::now());
    double cpu = cpu_seconds() - cpu0;
    std::printf("| record this Linux machine, %d generations at 1 s (%" PRIu64
                " kstats each, %.1f KiB per generation) "
                "| CPU %.3f s over %.1f s wall = %.2f%% of one core | |\n",
                live_gens, w.last_kstats(), static_cast<double>(w.size()) / live_gens / 1024.0, cpu,
                wall, 100.0 * cpu / wall);
    std::remove(live_path.c_str());
  }
  std::remove(path.c_str());
  return 0;
}
