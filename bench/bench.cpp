// bench/bench.cpp — kstatsql_bench: the numbers in docs/benchmarks.md.
//
//   kstatsql_bench [--kstats N] [--repeat R] [--out FILE.md] [--dump PATH]
//                  [--keep-dump] [--no-load]
//
// In one run, over the synthetic machine of bench/synthetic.hpp (N kstats,
// 20 N statistics):
//  1. snapshot memory: StaticSource arena and records, HeaderSet, Generation;
//  2. full scans of `named` against the same rows copied into a native SQLite
//     table, best and median of R interleaved runs after a warm-up; every vtab
//     statement starts a fresh generation and reads every kstat through it;
//  3. the keyed point query (and kstat_reads() after it) against the scan;
//  4. heap allocations during a vtab scan (fresh generation, and pinned);
//  5. the time to load the same machine from a `kstat -p` dump.
// No assertion depends on a time; result checks (counts, sums, reads) are
// reported as PASS/MISS.
#include "engine/sources/dump/dump_source.hpp"
#include "bench/bench.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine/session.hpp"
#include "engine/static_source.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::bench {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of this thread: unlike wall-clock time, barely disturbed by other
// processes competing for the cores.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Options {
  SyntheticSpec spec;
  int repeat = 7;
  std::string out;
  std::string dump;
  bool keep_dump = false;
  bool load = true;
};

// An in-memory connection with kstatsql registered over `source`.
class Conn {
 public:
  explicit Conn(std::shared_ptr<engine::Source> source) {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK)
      throw std::runtime_error("sqlite3_open failed");
    session_ = std::make_shared<engine::Session>(std::move(source), "synthetic");
    if (vtab::register_all(db_, session_) != SQLITE_OK) {
      throw std::runtime_error(std::string("register_all: ") + sqlite3_errmsg(db_));
    }
  }
  ~Conn() {
    for (sqlite3_stmt* s : stmts_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    stmts_.push_back(st);
    return st;
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = sql + ": " + (err ? err : "?");
      sqlite3_free(err);
      throw std::runtime_error(msg);
    }
  }
  // Runs `st` to the end; returns the first row as "a | b | ..." and the time.
  // Runs `st` to the end; returns the first row as "a | b | ..."; adds the
  // wall-clock and thread CPU time of the run to `t`.
  std::string run(sqlite3_stmt* st, Timing* t = nullptr, std::uint64_t* rows = nullptr) {
    std::string first;
    std::uint64_t n = 0;
    double c0 = thread_cpu_s();
    auto t0 = Clock::now();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (n++ == 0) {
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
          const unsigned char* t = sqlite3_column_text(st, i);
          if (i) first += " | ";
          first += t ? reinterpret_cast<const char*>(t) : "NULL";
        }
      }
    }
    if (t) {
      t->runs.push_back(since(t0));
      t->cpu.push_back(thread_cpu_s() - c0);
    }
    std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_reset(st);
    if (!err.empty()) throw std::runtime_error(std::string(sqlite3_sql(st)) + ": " + err);
    if (rows) *rows = n;
    return first;
  }
  std::string one(const std::string& sql) { return run(prepare(sql)); }
  engine::Session& session() { return *session_; }

 private:
  sqlite3* db_ = nullptr;
  std::shared_ptr<engine::Session> session_;
  std::vector<sqlite3_stmt*> stmts_;
};

void measure_memory(const std::shared_ptr<engine::StaticSource>& src, Results& r) {
  r.source_arena_bytes = src->bytes();
  r.source_record_bytes = src->size() * sizeof(engine::StaticSource::Record);
  engine::Session session(src, "synthetic");
  AllocCounts a0 = alloc_snapshot();
  auto t0 = Clock::now();
  auto g1 = session.open_cursor();
  r.first_generation_s = since(t0);
  AllocCounts a1 = alloc_snapshot();
  t0 = Clock::now();
  for (std::uint32_t i = 0; i < g1->size(); ++i) g1->data(i);
  r.read_all_s = since(t0);
  r.generation_arena_bytes = g1->arena_bytes();
  session.close_cursor();
  AllocCounts a2 = alloc_snapshot();
  t0 = Clock::now();
  auto g2 = session.open_cursor();  // a new generation over the same header set
  r.next_generation_s = since(t0);
  AllocCounts a3 = alloc_snapshot();
  session.close_cursor();
  r.generation_base_bytes = (a3 - a2).live_bytes;
  r.header_set_bytes = (a1 - a0).live_bytes - r.generation_base_bytes;
}

bool model_sum_matches(const std::string& result, const SyntheticSummary& m, bool integers_only) {
  // result: "count | sum"
  auto bar = result.find(" | ");
  if (bar == std::string::npos) return false;
  if (std::strtoull(result.c_str(), nullptr, 10) != m.statistics) return false;
  std::string sum = result.substr(bar + 3);
  if (integers_only) return sum == std::to_string(m.integer_sum);
  double want = static_cast<double>(m.integer_sum) + m.huge_sum;
  return std::fabs(std::strtod(sum.c_str(), nullptr) - want) <= 1e-9 * want;
}

void measure_scans(Conn& c, const Options& o, Results& r) {
  auto t0 = Clock::now();
  // `value` has no declared type, so SQLite stores each value as the vtab
  // returned it (a declared ANY would get NUMERIC affinity and turn the
  // 2^64-1 texts into REALs).
  c.exec(
      "CREATE TABLE native(module TEXT, instance INTEGER, name TEXT, class TEXT, "
      "statistic TEXT, type TEXT, value, unit TEXT, snaptime INTEGER, crtime INTEGER)");
  c.exec("INSERT INTO native SELECT * FROM named");
  r.native_copy_s = since(t0);
  const char* queries[] = {
      "SELECT count(*), sum(value) FROM named",
      "SELECT count(*), sum(CASE WHEN typeof(value) = 'integer' THEN value END) FROM named"};
  std::vector<std::pair<sqlite3_stmt*, sqlite3_stmt*>> stmts;
  for (const char* q : queries) {
    ScanPair p;
    p.sql = q;
    std::string nq = p.sql;
    nq.replace(nq.find("FROM named"), 10, "FROM native");
    stmts.emplace_back(c.prepare(p.sql), c.prepare(nq));
    p.vtab_result = c.run(stmts.back().first);  // warm-up
    p.native_result = c.run(stmts.back().second);
    r.scans.push_back(p);
  }
  std::uint64_t gen0 =
      std::strtoull(c.one("SELECT kstat_reads('generation')").c_str(), nullptr, 10);
  for (int i = 0; i < o.repeat; ++i) {
    for (std::size_t q = 0; q < r.scans.size(); ++q) {
      ScanPair& p = r.scans[q];
      c.run(stmts[q].first, &p.vtab);
      if (q == 0 && i == 0) {
        r.scan_reads = std::strtoull(c.one("SELECT kstat_reads()").c_str(), nullptr, 10);
      }
      c.run(stmts[q].second, &p.native);
    }
  }
  std::uint64_t gen1 =
      std::strtoull(c.one("SELECT kstat_reads('generation')").c_str(), nullptr, 10);
  r.scan_generations = gen1 - gen0;
  for (std::size_t q = 0; q < r.scans.size(); ++q) {
    ScanPair& p = r.scans[q];
    p.results_agree = p.vtab_result == p.native_result;
    p.matches_model = model_sum_matches(p.vtab_result, r.model, q == 1);
  }
}

void measure_point(Conn& c, Results& r) {
  r.point_sql =
      "SELECT value FROM named WHERE module = 'unix' AND instance = 0 AND "
      "name = 'system_misc' AND statistic = 'nproc'";
  sqlite3_stmt* st = c.prepare(r.point_sql);
  for (int i = 0; i < 20; ++i) c.run(st);  // warm-up
  for (int i = 0; i < 2000; ++i) {
    r.point_value = c.run(st, &r.point_vtab);
  }
  r.point_reads = std::strtoull(c.one("SELECT kstat_reads()").c_str(), nullptr, 10);
  std::string nq = r.point_sql;
  nq.replace(nq.find("FROM named"), 10, "FROM native");
  sqlite3_stmt* ns = c.prepare(nq);
  for (int i = 0; i < 3; ++i) {
    c.run(ns, &r.point_native_scan);
  }
  c.exec("CREATE INDEX native_key ON native(module, instance, name, statistic)");
  sqlite3_stmt* is = c.prepare(nq);
  for (int i = 0; i < 20; ++i) c.run(is);
  for (int i = 0; i < 2000; ++i) {
    c.run(is, &r.point_native_index);
  }
}

// Counts allocations over the whole statement and, separately, over the rows
// after the first (xNext/xColumn only: xFilter's per-statement work is done).
AllocWindow count_allocs(sqlite3_stmt* st) {
  AllocWindow w;
  AllocCounts a = alloc_snapshot(), after_first{};
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (w.rows++ == 0) after_first = alloc_snapshot();
  }
  AllocCounts end = alloc_snapshot();
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string(sqlite3_sql(st)) + ": step failed");
  w.counts = end - a;
  w.rows_only = end - after_first;
  return w;
}

void measure_allocs(Conn& c, Results& r) {
  // One row per statistic reaches the VDBE: no aggregate to hide per-row work.
  sqlite3_stmt* vs = c.prepare("SELECT value FROM named");
  sqlite3_stmt* ss = c.prepare("SELECT statistic FROM named");
  sqlite3_stmt* ns = c.prepare("SELECT value FROM native");
  c.run(vs);  // warm-up (SQLite's lookaside, page cache)
  c.run(ns);
  r.alloc_fresh = count_allocs(vs);
  c.one("SELECT kstat_pin()");
  c.run(vs);  // reads every kstat into the pinned generation
  r.alloc_pinned = count_allocs(vs);
  r.alloc_pinned_names = count_allocs(ss);
  c.one("SELECT kstat_unpin()");
  r.alloc_native = count_allocs(ns);
}

void measure_load(const Options& o, Results& r) {
  r.dump_path =
      o.dump.empty() ? "/tmp/kstatsql_bench_" + std::to_string(::getpid()) + ".txt" : o.dump;
  auto t0 = Clock::now();
  write_kstat_text(o.spec, r.dump_path, &r.dump_bytes);
  r.dump_write_s = since(t0);
  try {
    std::shared_ptr<engine::Source> src;
    for (int i = 0; i < 2; ++i) {
      src.reset();
      double c0 = thread_cpu_s();
      t0 = Clock::now();
      src = engine::open_file_source(r.dump_path);
      r.load.runs.push_back(since(t0));
      r.load.cpu.push_back(thread_cpu_s() - c0);
    }
    Conn c(src);
    r.load_result = c.one(
        "SELECT count(*), sum(CASE WHEN typeof(value) = 'integer' THEN value END) "
        "FROM named");
    r.load_matches = model_sum_matches(r.load_result, r.model, true);
  } catch (const std::exception& e) {
    r.load_error = e.what();
  }
  if (!o.keep_dump) std::remove(r.dump_path.c_str());
}

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--kstats N] [--repeat R] [--seed S] [--out FILE.md] [--dump PATH] "
               "[--keep-dump] [--no-load]\n",
               argv0);
  return 2;
}

}  // namespace
}  // namespace kstatsql::bench

int main(int argc, char** argv) {
  using namespace kstatsql::bench;
  Results r;
  r.sqlite_counter = install_sqlite_counter();  // before anything initialises SQLite
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has = i + 1 < argc;
    if (a == "--kstats" && has)
      o.spec.kstats = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--repeat" && has)
      o.repeat = std::atoi(argv[++i]);
    else if (a == "--seed" && has)
      o.spec.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--out" && has)
      o.out = argv[++i];
    else if (a == "--dump" && has)
      o.dump = argv[++i];
    else if (a == "--keep-dump")
      o.keep_dump = true;
    else if (a == "--no-load")
      o.load = false;
    else
      return usage(argv[0]);
  }
  if (o.repeat < 3) o.repeat = 3;
  r.spec = o.spec;
  r.repeat = o.repeat;
  try {
    auto t_all = Clock::now();
    std::printf("building the synthetic machine (%zu kstats)...\n", o.spec.kstats);
    auto t0 = Clock::now();
    auto src = build_static_source(o.spec, &r.model);
    r.build_source_s = since(t0);
    std::printf("measuring snapshot memory...\n");
    measure_memory(src, r);
    {
      Conn c(src);
      std::printf("copying named into a native table, then %d interleaved scan runs...\n",
                  o.repeat);
      measure_scans(c, o, r);
      std::printf("counting allocations...\n");
      measure_allocs(c, r);
      std::printf("point queries...\n");
      measure_point(c, r);
    }
    if (o.load) {
      std::printf("writing and loading the kstat -p dump...\n");
      measure_load(o, r);
    } else {
      r.load_error = "skipped (--no-load)";
    }
    r.total_s = since(t_all);
    print_results(r);
    if (!o.out.empty()) {
      write_markdown(o.out, render_markdown(r));
      std::printf("wrote %s\n", o.out.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kstatsql_bench: %s\n", e.what());
    return 1;
  }
}
