// Many connections in many threads, each with its own Session over its own
// platform source, while the fake kernel changes underneath. Run under
// ThreadSanitizer with -DKSTATSQL_TSAN=ON (see docs/platforms.md). The run
// time per test is KSTATSQL_THREADS_MS milliseconds (default 600).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "engine/sources/illumos/illumos_source.hpp"
#include "engine/sources/openbsd/openbsd_source.hpp"
#include "fakes/fake_devkstat.hpp"
#include "fakes/fake_libkstat.hpp"
#include "support/db.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;

namespace {

std::chrono::milliseconds run_time() {
  const char* env = std::getenv("KSTATSQL_THREADS_MS");
  long ms = env != nullptr ? std::strtol(env, nullptr, 10) : 600;
  return std::chrono::milliseconds(ms > 0 ? ms : 600);
}

// Runs `query(db)` in `n` threads, each on its own connection made by
// `open()`, until the deadline while `mutate()` runs in one more thread.
// Returns the number of failed checks (exceptions or wrong answers).
template <typename Open, typename Query, typename Mutate>
int hammer(int n, Open open, Query query, Mutate mutate, std::atomic<long>& statements) {
  std::atomic<int> failures{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t)
    threads.emplace_back([&] {
      try {
        auto db = open();
        while (!stop) {
          if (!query(*db)) ++failures;
          ++statements;
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  std::thread changer([&] {
    int i = 0;
    while (!stop) {
      mutate(i++);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::this_thread::sleep_for(run_time());
  stop = true;
  for (auto& th : threads) th.join();
  changer.join();
  return failures;
}

}  // namespace

TEST_CASE("threads: 8 connections over 8 illumos sources", "[threads][illumos][fakes]") {
  using fakes::IlKstat;
  using fakes::IlNamed;
  auto kern = std::make_shared<fakes::IlKernel>();
  for (int i = 0; i < 4; ++i) {
    IlKstat k;
    k.module = "cpu", k.instance = i, k.name = "sys";
    k.named = {IlNamed::u64("cpu_nsec_user", 1000), IlNamed::u64("cpu_nsec_idle", 1000),
               IlNamed::str("state", "on-line")};
    kern->add(k);
  }
  IlKstat m;
  m.module = "unix", m.name = "system_misc";
  m.named = {IlNamed::u32("nproc", 42)};
  int misc = kern->add(m);
  fakes::install_il_kernel(kern);
  std::atomic<long> statements{0};
  int churn = 0;
  int failures = hammer(
      8, [] { return std::make_unique<test::Db>(make_illumos_source()); },
      [](test::Db& db) {
        // The 4 CPUs always read; user + idle is always 2000 per CPU (the
        // changer keeps the sum), nproc is 42; a churning kstat may come and go.
        return db.one("SELECT count(*) FROM named WHERE module = 'cpu' AND statistic = 'state'") ==
                   "4" &&
               db.one(
                   "SELECT sum(value) FROM named WHERE module = 'cpu' "
                   "AND statistic IN ('cpu_nsec_user', 'cpu_nsec_idle')") == "8000" &&
               db.one(
                   "SELECT value FROM named WHERE name = 'system_misc' AND statistic = 'nproc'") ==
                   "42";
      },
      [&](int i) {
        // Values are changed in one step (the kernel lock), so every read sees a pair summing to
        // 2000.
        kern->modify(1 + i % 4, [&](IlKstat& k) {
          k.named[0].u = static_cast<std::uint64_t>(i % 1000);
          k.named[1].u = 2000 - static_cast<std::uint64_t>(i % 1000);
        });
        if (i % 10 == 0) {
          if (churn != 0)
            kern->remove(churn), churn = 0;
          else {
            IlKstat c;
            c.module = "churn", c.name = "k";
            c.named = {IlNamed::u64("x", 1)};
            churn = kern->add(c);
          }
        }
        (void)misc;
      },
      statements);
  CHECK(failures == 0);
  CHECK(statements > 8);
  CHECK(kern->concurrent_use == 0);
  CHECK(kern->open_handles == 0);
  CHECK(kern->chain_updates > 8);
  fakes::install_il_kernel(nullptr);
}

TEST_CASE("threads: 8 connections sharing one illumos source", "[threads][illumos][fakes]") {
  using fakes::IlKstat;
  using fakes::IlNamed;
  auto kern = std::make_shared<fakes::IlKernel>();
  for (int i = 0; i < 2; ++i) {
    IlKstat k;
    k.module = "cpu", k.instance = i, k.name = "sys";
    k.named = {IlNamed::u64("cpu_nsec_user", 1000), IlNamed::u64("cpu_nsec_idle", 1000)};
    kern->add(k);
  }
  fakes::install_il_kernel(kern);
  {
    // One Source object (one kstat_ctl_t) behind 8 connections: its own lock
    // must keep the handle to one thread at a time (the fake counts overlaps).
    std::shared_ptr<Source> shared = make_illumos_source();
    std::atomic<long> statements{0};
    int failures = hammer(
        8, [&] { return std::make_unique<test::Db>(shared); },
        [](test::Db& db) {
          return db.one("SELECT sum(value) FROM named WHERE module = 'cpu'") == "4000";
        },
        [&](int i) {
          kern->modify(1 + i % 2, [&](IlKstat& k) {
            k.named[0].u = static_cast<std::uint64_t>(i % 1000);
            k.named[1].u = 2000 - static_cast<std::uint64_t>(i % 1000);
          });
        },
        statements);
    CHECK(failures == 0);
    CHECK(statements > 8);
    CHECK(kern->concurrent_use == 0);
  }
  CHECK(kern->open_handles == 0);
  fakes::install_il_kernel(nullptr);
}

TEST_CASE("threads: 4 connections over 4 OpenBSD sources", "[threads][openbsd][fakes]") {
  using fakes::KvType;
  using fakes::ObKstat;
  using fakes::ObKv;
  auto kern = std::make_shared<fakes::ObKernel>();
  ObKstat k;
  k.provider = "ix", k.name = "rxq";
  k.kv = {ObKv::uint("a", KvType::counter64, 500), ObKv::uint("b", KvType::counter64, 500)};
  std::uint64_t id = kern->add(k);
  fakes::install_ob_kernel(kern);
  std::atomic<long> statements{0};
  int failures = hammer(
      4, [] { return std::make_unique<test::Db>(make_openbsd_source(fakes::fake_devkstat_ops())); },
      [](test::Db& db) {
        return db.one("SELECT sum(value) FROM named WHERE name = 'rxq'") == "1000";
      },
      [&](int i) {
        kern->modify(id, [&](ObKstat& s) {
          s.kv[0].u = static_cast<std::uint64_t>(i % 1000);
          s.kv[1].u = 1000 - static_cast<std::uint64_t>(i % 1000);
        });
        if (i % 7 == 0) kern->bump_version();
      },
      statements);
  CHECK(failures == 0);
  CHECK(statements > 4);
  CHECK(kern->concurrent_use == 0);
  CHECK(kern->open_fds == 0);
  fakes::install_ob_kernel(nullptr);
}
