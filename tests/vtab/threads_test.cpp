// Many connections in many threads over every kind of source a user opens:
// the live Linux source (this machine's /proc), a dump file, a .kss recording,
// several sources as hosts (`a,b`), and kstatsql.so loaded into SQLite as an
// extension; plus readers of a recording truncated underneath them. Each test
// runs 8 threads for KSTATSQL_THREADS_MS milliseconds (default 600); CI runs
// them under ThreadSanitizer (-DKSTATSQL_TSAN=ON, .ci/extra).
#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/sources/kss/kss_writer.hpp"
#include "engine/sources/open_source.hpp"
#include "support/db.hpp"
#include "support/kss_temp.hpp"

using namespace kstatsql;

namespace {

constexpr int kThreads = 8;
const std::string kDump = std::string(KSTATSQL_TEST_DATA) + "/dumps/illumos-kstat-p.txt";

std::chrono::milliseconds run_time() {
  const char* env = std::getenv("KSTATSQL_THREADS_MS");
  const long ms = env != nullptr ? std::strtol(env, nullptr, 10) : 600;
  return std::chrono::milliseconds(ms > 0 ? ms : 600);
}

struct Outcome {
  long statements = 0;
  int failures = 0;
  std::string first_failure;
};

// Runs `query(db)` in kThreads threads, each on the connection `open()` made
// for it, until the deadline and at least twice per thread (a slow source
// still runs concurrently, and with a previous generation); `query` returns ""
// when the answer is right, else what is wrong. An exception is a failure too.
Outcome hammer(const std::function<std::unique_ptr<test::Db>()>& open,
               const std::function<std::string(test::Db&)>& query) {
  std::atomic<long> statements{0};
  std::atomic<int> failures{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::string first;
  auto fail = [&](const std::string& why) {
    if (failures++ == 0) {
      std::lock_guard<std::mutex> lock(mu);
      first = why;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      try {
        auto db = open();
        for (int round = 0; round < 2 || !stop; ++round) {
          if (std::string why = query(*db); !why.empty()) fail(why);
          ++statements;
        }
      } catch (const std::exception& e) {
        fail(e.what());
      }
    });
  std::this_thread::sleep_for(run_time());
  stop = true;
  for (auto& th : threads) th.join();
  return {statements.load(), failures.load(), first};
}

// "" when `db.one(sql)` is `want`, else a description of the difference.
std::string expect(test::Db& db, const std::string& sql, const std::string& want) {
  const std::string got = db.one(sql);
  return got == want ? std::string() : sql + ": " + got + " instead of " + want;
}

// A recording of test::small_machine() with `n` generations, one second apart.
void record(const std::string& path, int n) {
  auto src = test::small_machine();
  engine::Arena arena(4096);
  std::vector<engine::KstatHeader> headers;
  src->enumerate(arena, headers);
  std::vector<engine::KstatData> data(headers.size());
  std::vector<engine::KssEntry> entries;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    src->read(headers[i], arena, data[i]);
    entries.push_back({&headers[i], &data[i]});
  }
  engine::KssWriter w(path, engine::KssWriter::Mode::create);
  w.set_sync(false);
  constexpr std::int64_t kStart = 1767225600LL * 1000000000;  // 2026-01-01T00:00:00Z
  for (int g = 0; g < n; ++g) w.append(entries, kStart + g * 1000000000LL, g * 1000000000LL);
}

const char* const kSummary = "SELECT count(*) || '/' || total(length(statistic)) FROM named";

}  // namespace

TEST_CASE("threads: 8 connections over the live Linux source", "[threads][linux]") {
  if (::access("/proc/stat", R_OK) != 0) {
    WARN("skipped: /proc/stat is not readable here");
    return;
  }
  const char* const kCpus = "SELECT count(*) FROM kstat WHERE module = 'cpu' AND name = 'sys'";
  const char* const kMisc =
      "SELECT count(*) > 0 FROM named WHERE module = 'unix' AND name = 'system_misc'";
  const std::string cpus = test::Db("live").one(kCpus);
  REQUIRE(cpus != "0");
  auto query = [&](test::Db& db) {
    std::string why = expect(db, kCpus, cpus);
    if (why.empty()) why = expect(db, kMisc, "1");
    // A full scan with rates: every family of files, in every thread at once.
    if (why.empty()) (void)db.rows("SELECT count(rate) FROM named");
    return why;
  };
  SECTION("a source each") {
    const Outcome r = hammer([] { return std::make_unique<test::Db>("live"); }, query);
    INFO(r.first_failure);
    CHECK(r.failures == 0);
    CHECK(r.statements >= 2 * kThreads);
  }
  SECTION("one source shared") {
    std::shared_ptr<engine::Source> live = engine::open_source("live");
    const Outcome r = hammer([&] { return std::make_unique<test::Db>(live); }, query);
    INFO(r.first_failure);
    CHECK(r.failures == 0);
    CHECK(r.statements >= 2 * kThreads);
  }
}

TEST_CASE("threads: 8 connections over a dump file", "[threads][dump]") {
  const std::string want = test::Db(kDump).one(kSummary);
  auto query = [&](test::Db& db) {
    std::string why = expect(db, kSummary, want);
    if (why.empty()) (void)db.rows("SELECT * FROM io JOIN kstat USING (module, instance, name)");
    return why;
  };
  SECTION("a source each") {
    const Outcome r = hammer([] { return std::make_unique<test::Db>(kDump); }, query);
    INFO(r.first_failure);
    CHECK(r.failures == 0);
  }
  SECTION("one source shared") {
    std::shared_ptr<engine::Source> dump = engine::open_source(kDump);
    const Outcome r = hammer([&] { return std::make_unique<test::Db>(dump); }, query);
    INFO(r.first_failure);
    CHECK(r.failures == 0);
    CHECK(r.statements >= 2 * kThreads);
  }
}

TEST_CASE("threads: 8 connections over a .kss recording", "[threads][kss]") {
  test::TempDir dir;
  const std::string kss = dir.file("r.kss");
  record(kss, 20);
  const std::string want = test::Db(kss).one(kSummary);
  std::atomic<int> turn{0};
  // Each statement picks another generation: the threads read different
  // parts of the mapping at once.
  auto query = [&](test::Db& db) {
    const std::string g = std::to_string(turn++ % 20);
    std::string why = expect(db, "SELECT kstat_generation(" + g + ")", g);
    if (why.empty()) why = expect(db, kSummary, want);
    if (why.empty()) why = expect(db, "SELECT count(*) FROM kstat_generations", "20");
    return why;
  };
  SECTION("a source each") {
    const Outcome r = hammer([&] { return std::make_unique<test::Db>(kss); }, query);
    INFO(r.first_failure);
    CHECK(r.failures == 0);
  }
  SECTION("one source shared") {
    std::shared_ptr<engine::Source> src = engine::open_source(kss);
    const Outcome r = hammer([&] { return std::make_unique<test::Db>(src); }, query);
    INFO(r.first_failure);
    CHECK(r.failures == 0);
    CHECK(r.statements >= 2 * kThreads);
  }
}

TEST_CASE("threads: 8 connections over two hosts in one source", "[threads][multi]") {
  test::TempDir dir;
  const std::string kss = dir.file("r.kss");
  record(kss, 3);
  const std::string spec = kDump + "," + kss;
  const char* const kPerHost =
      "SELECT group_concat(n, '/') FROM (SELECT count(*) AS n FROM named GROUP BY host ORDER BY "
      "host)";
  test::Db once(spec);
  const std::string want = once.one(kPerHost);
  REQUIRE(once.one("SELECT count(DISTINCT host) FROM kstat") == "2");
  auto query = [&](test::Db& db) { return expect(db, kPerHost, want); };
  SECTION("a source each") {
    const Outcome r = hammer([&] { return std::make_unique<test::Db>(spec); }, query);
    INFO(r.first_failure);
    CHECK(r.failures == 0);
  }
  SECTION("one source shared") {
    std::shared_ptr<engine::Source> src = engine::open_source(spec);
    const Outcome r = hammer([&] { return std::make_unique<test::Db>(src); }, query);
    INFO(r.first_failure);
    CHECK(r.failures == 0);
    CHECK(r.statements >= 2 * kThreads);
  }
}

TEST_CASE("threads: 8 connections with kstatsql.so loaded", "[threads][extension]") {
  const std::string ext = std::string(KSTATSQL_BUILD_DIR) + "/kstatsql.so";
  if (::access(ext.c_str(), R_OK) != 0) {
    WARN("skipped: " + ext + " is not built");
    return;
  }
  const std::string want = test::Db(kDump).one(kSummary);
  std::atomic<long> statements{0};
  std::atomic<int> failures{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      sqlite3* db = nullptr;
      char* err = nullptr;
      if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
          sqlite3_enable_load_extension(db, 1) != SQLITE_OK ||
          sqlite3_load_extension(db, ext.c_str(), nullptr, &err) != SQLITE_OK ||
          sqlite3_exec(db, ("SELECT kstat_source('" + kDump + "')").c_str(), nullptr, nullptr,
                       &err) != SQLITE_OK) {
        ++failures;
      } else {
        while (!stop) {
          std::string got;
          auto cb = [](void* out, int, char** values, char**) {
            *static_cast<std::string*>(out) = values[0] ? values[0] : "NULL";
            return 0;
          };
          if (sqlite3_exec(db, kSummary, cb, &got, &err) != SQLITE_OK || got != want) ++failures;
          ++statements;
        }
      }
      sqlite3_free(err);
      sqlite3_close(db);
    });
  std::this_thread::sleep_for(run_time());
  stop = true;
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(statements > kThreads);
}

namespace {

// 8 threads read a 50-generation recording, each statement another
// generation (0..24 before the cut, 25..49 after it), while the file is
// truncated to 100 bytes. Before the cut every answer is right; after it a
// statement over lost bytes is an error, never a fault and never a wrong
// number. With `between_statements` the cut waits
// until no statement runs (a shared lock per statement); without it the cut
// lands inside statements whose rows point into the mapping.
void truncate_under_readers(bool between_statements) {
  test::TempDir dir;
  const std::string kss = dir.file("r.kss");
  record(kss, 50);
  const std::string want = test::Db(kss).one(kSummary);
  std::shared_ptr<engine::Source> shared = engine::open_source(kss);
  std::shared_mutex statements;
  std::atomic<bool> cutting{false}, truncated{false};
  std::atomic<int> errors_after{0}, turn{0}, opened{0};
  bool cut_ok = false;  // written by the cutter before `truncated`, read after join
  std::thread cutter([&] {
    std::this_thread::sleep_for(run_time() / 3);
    std::unique_lock<std::shared_mutex> lock(statements, std::defer_lock);
    cutting = true;  // readers stop taking the lock, so the cutter gets it
    if (between_statements) lock.lock();
    cut_ok = ::truncate(kss.c_str(), 100) == 0;
    truncated = true;
  });
  const Outcome r = hammer(
      [&] {
        return (opened++ % 2) == 0 ? std::make_unique<test::Db>(kss)
                                   : std::make_unique<test::Db>(shared);
      },
      [&](test::Db& db) {
        std::shared_lock<std::shared_mutex> lock(statements, std::defer_lock);
        while (between_statements && cutting && !truncated) std::this_thread::yield();
        if (between_statements) lock.lock();
        // Generations 25..49 are first read after the cut: their bytes are gone.
        const bool after = truncated;
        const std::string g = std::to_string((after ? 25 : 0) + turn++ % 25);
        try {
          db.one("SELECT kstat_generation(" + g + ")");
          const std::string got = db.one(kSummary);
          if (got != want) return kSummary + std::string(" over generation ") + g + ": " + got;
        } catch (const std::runtime_error& e) {
          if (!after && !truncated) return std::string("error before the cut: ") + e.what();
          if (std::string(e.what()).find("truncated") == std::string::npos)
            return std::string("error not naming the truncation: ") + e.what();
          ++errors_after;
        }
        return std::string();
      });
  cutter.join();
  REQUIRE(cut_ok);
  INFO(r.first_failure);
  CHECK(r.failures == 0);
  CHECK(errors_after > 0);
}

}  // namespace

TEST_CASE("threads: readers of a .kss truncated between statements", "[threads][kss]") {
  truncate_under_readers(true);
}

// A statement already running when the file shrinks has rows pointing into
// the lost pages: those reads see zeros (the SIGBUS guard), and the check
// after every row and column turns them into the statement's error.
TEST_CASE("threads: readers of a .kss truncated inside statements", "[threads][kss]") {
  truncate_under_readers(false);
}

TEST_CASE("kss: a statement stepping over a truncated .kss fails and never raises SIGBUS",
          "[kss]") {
  test::TempDir dir;
  const std::string kss = dir.file("r.kss");
  record(kss, 3);
  test::Db db(kss);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db.get(), "SELECT module, name, statistic, value FROM named", -1, &st,
                             nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  REQUIRE(::truncate(kss.c_str(), 100) == 0);
  int rc = SQLITE_ROW;
  std::size_t bytes = 0;
  while (rc == SQLITE_ROW) {
    for (int c = 0; c < 4; ++c) bytes += static_cast<std::size_t>(sqlite3_column_bytes(st, c));
    rc = sqlite3_step(st);
  }
  const std::string msg = sqlite3_errmsg(db.get());
  sqlite3_finalize(st);
  INFO(msg << " after " << bytes << " bytes");
  CHECK(rc == SQLITE_ERROR);
  CHECK_THAT(msg, Catch::Contains("truncated to 100 bytes while open"));
  CHECK_THAT(db.error_of("SELECT count(*) FROM named"), Catch::Contains("truncated"));
}
