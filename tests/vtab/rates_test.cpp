#include <catch2/catch.hpp>

#include "support/db.hpp"
#include "support/ticking_source.hpp"

using kstatsql::test::Db;
using kstatsql::test::Rows;
using kstatsql::test::TickingSource;

namespace {
const char* kQuery =
    "SELECT value, delta, rate, elapsed FROM named WHERE module='tick' AND instance=0 "
    "AND name='k0' AND statistic='value'";
}

TEST_CASE("first sample counts from crtime, later ones from the previous generation",
          "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(3);
  Db db(src);
  // Generation 1: snaptime 1 s after crtime, no previous sample.
  CHECK(db.rows(kQuery) == Rows{{"1", "1", "1.0", "1.0"}});
  CHECK(db.rows(kQuery) == Rows{{"2", "1", "1.0", "1.0"}});
  CHECK(db.rows(kQuery) == Rows{{"3", "1", "1.0", "1.0"}});
}

TEST_CASE("32-bit counters wrap; strings have no delta", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(2);
  Db db(src);
  db.rows("SELECT value FROM named WHERE instance = 1");  // generation 1 reads k1
  // Generation 2: wrap went 0x00000000 -> 0x00000010 (it wrapped between gen 0 and 1 values).
  CHECK(db.rows("SELECT statistic, delta FROM named WHERE instance = 1 AND statistic IN ('wrap', "
                "'label')") == Rows{{"label", "NULL"}, {"wrap", "16"}});
}

TEST_CASE("a re-created kstat restarts from zero", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(2);
  Db db(src);
  db.rows(kQuery);
  db.rows(kQuery);
  src->recreate();  // crtime moves: the previous sample is not the same kstat
  Rows r = db.rows(kQuery);
  REQUIRE(r.size() == 1);
  CHECK(r[0][0] == "3");
  CHECK(r[0][1] == "3");  // delta from zero, not from the old kstat's 2
}

TEST_CASE("a pinned generation gives the same deltas to every statement", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(2);
  Db db(src);
  db.rows(kQuery);
  db.rows("SELECT kstat_pin()");
  Rows a = db.rows(kQuery);
  Rows b = db.rows(kQuery);
  CHECK(a == b);
  CHECK(a[0][1] == "1");
  db.rows("SELECT kstat_unpin()");
}

TEST_CASE("hidden rate columns stay out of SELECT *", "[vtab][rates]") {
  auto src = std::make_shared<TickingSource>(1);
  Db db(src);
  Rows r = db.rows("SELECT * FROM named WHERE statistic = 'value'");
  REQUIRE(r.size() == 1);
  CHECK(r[0].size() == 10);
}

namespace {

// One io kstat whose counters advance by fixed steps per generation, 1 s apart.
class SteppingDisk : public kstatsql::engine::Source {
 public:
  std::string description() const override { return "stepping disk"; }
  bool changed() override { return first_; }
  void begin_generation() override { ++g_; }
  void enumerate(kstatsql::engine::Arena& arena,
                 std::vector<kstatsql::engine::KstatHeader>& out) override {
    first_ = false;
    kstatsql::engine::KstatHeader h;
    h.module = arena.copy("sd");
    h.name = arena.copy("sd0");
    h.klass = arena.copy("disk");
    h.type = kstatsql::engine::KstatType::io;
    out.push_back(h);
  }
  void read(const kstatsql::engine::KstatHeader&, kstatsql::engine::Arena& arena,
            kstatsql::engine::KstatData& out) override {
    auto* io = arena.make_array<kstatsql::engine::IoStats>(1);
    io->reads = static_cast<std::uint32_t>(0xFFFFFFFFu - 5u + 10u * static_cast<std::uint32_t>(g_));
    io->nread = 1024ull * 100 * g_;
    io->rtime = 500000000ll * g_;
    io->rlentime = 1000000000ll * g_;
    io->wlentime = 250000000ll * g_;
    io->wtime = 100000000ll * g_;
    out.io = io;
    out.named = kstatsql::engine::io_as_named(*io, arena);
    out.snaptime = 1000000000ll * g_;
  }

 private:
  bool first_ = true;
  long long g_ = 0;
};

}  // namespace

TEST_CASE("io gives iostat -x columns over the interval, hand-checked", "[vtab][rates]") {
  Db db(std::make_shared<SteppingDisk>());
  const char* q = "SELECT elapsed, r_s, w_s, kr_s, kw_s, wait, actv, svc_t, pct_w, pct_b FROM io";
  // First sample: since crtime (0), old values zero; reads wrapped to 4.
  CHECK(db.rows(q) ==
        Rows{{"1.0", "4.0", "0.0", "100.0", "0.0", "0.25", "1.0", "312.5", "10.0", "50.0"}});
  // Second: deltas over 1 s: 10 reads, 100 KiB, queue lengths 0.25 and 1.
  CHECK(db.rows(q) ==
        Rows{{"1.0", "10.0", "0.0", "100.0", "0.0", "0.25", "1.0", "125.0", "10.0", "50.0"}});
  // The same through named: reads is a 32-bit counter and wraps correctly.
  CHECK(db.one("SELECT delta FROM named WHERE statistic = 'reads'") == "10");
}
