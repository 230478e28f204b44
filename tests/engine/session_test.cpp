#include <catch2/catch.hpp>

#include "engine/sources/open_source.hpp"
#include "engine/session.hpp"
#include "engine/static_source.hpp"
#include "support/ticking_source.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;

TEST_CASE("headers are sorted as kstat(8) sorts them", "[engine]") {
  StaticBuilder b;
  b.begin("sd", 10, "sd10");
  b.begin("Sd", 2, "sd2");
  b.begin("cpu", 1, "sys");
  b.begin("cpu", 0, "vm");
  b.begin("cpu", 0, "Sys");
  auto src = b.finish("t");
  Session s(src, "t");
  auto g = s.open_cursor();
  std::vector<std::string> order;
  for (std::uint32_t i = 0; i < g->size(); ++i) {
    const auto& h = g->header(i);
    order.push_back(std::string(h.module) + ":" + std::to_string(h.instance) + ":" +
                    std::string(h.name));
  }
  CHECK(order ==
        std::vector<std::string>{"cpu:0:Sys", "cpu:0:vm", "cpu:1:sys", "Sd:2:sd2", "sd:10:sd10"});
  s.close_cursor();
}

TEST_CASE("a generation reads each kstat at most once, only when asked", "[engine]") {
  auto src = std::make_shared<test::TickingSource>(10);
  Session s(src, "tick");
  auto g = s.open_cursor();
  CHECK(src->reads == 0);
  CHECK(src->enumerations == 1);
  const KstatData& a = g->data(3);
  const KstatData& b = g->data(3);
  CHECK(&a == &b);
  CHECK(src->reads == 1);
  CHECK(s.counters()->read == 1);
  CHECK(g->has_data(3));
  CHECK_FALSE(g->has_data(4));
  s.close_cursor();
}

TEST_CASE("cursors opened together share a generation, a new statement gets a new one",
          "[engine]") {
  auto src = std::make_shared<test::TickingSource>(4);
  Session s(src, "tick");
  auto g1 = s.open_cursor();
  auto g2 = s.open_cursor();  // a second cursor of the same statement
  CHECK(g1 == g2);
  s.close_cursor();
  s.close_cursor();
  auto g3 = s.open_cursor();
  CHECK(g3 != g1);
  CHECK(g3->number() == g1->number() + 1);
  CHECK(s.previous() == g1);
  // The set did not change, so the header set is shared, not re-enumerated.
  CHECK(src->enumerations == 1);
  CHECK(g3->same_headers(*g1));
  s.close_cursor();
}

TEST_CASE("a changed source is re-enumerated", "[engine]") {
  auto src = std::make_shared<test::TickingSource>(4);
  Session s(src, "tick");
  CHECK(s.open_cursor()->size() == 4);
  s.close_cursor();
  src->grow();
  CHECK(s.open_cursor()->size() == 5);
  s.close_cursor();
  CHECK(src->enumerations == 2);
}

TEST_CASE("pinning holds one generation across statements", "[engine]") {
  auto src = std::make_shared<test::TickingSource>(2);
  Session s(src, "tick");
  s.pin();
  auto g1 = s.open_cursor();
  s.close_cursor();
  auto g2 = s.open_cursor();
  s.close_cursor();
  CHECK(g1 == g2);
  s.refresh();  // no cursor open: the next statement gets a fresh one, still pinned after
  auto g3 = s.open_cursor();
  s.close_cursor();
  CHECK(g3 != g2);
  auto g4 = s.open_cursor();
  s.close_cursor();
  CHECK(g4 == g3);
  s.unpin();
  auto g5 = s.open_cursor();
  s.close_cursor();
  CHECK(g5 != g4);
}

TEST_CASE("read failures are data, not exceptions", "[engine]") {
  auto src = std::make_shared<test::TickingSource>(3);
  src->failing = 1;
  Session s(src, "tick");
  auto g = s.open_cursor();
  CHECK(g->data(0).ok());
  const KstatData& bad = g->data(1);
  CHECK_FALSE(bad.ok());
  CHECK(bad.err == ENXIO);
  CHECK(bad.error == "tick:1: vanished");
  CHECK(g->data(2).ok());
  s.close_cursor();
}

TEST_CASE("a bad source spec fails when first used, naming the spec", "[engine]") {
  Session s("/nonexistent/kstat.dump", open_source);
  REQUIRE_THROWS_WITH(s.open_cursor(), Catch::Contains("/nonexistent/kstat.dump"));
  CHECK(s.open_cursors() == 0);
}

TEST_CASE("match uses indexes and counts matched kstats", "[engine]") {
  auto src = std::make_shared<test::TickingSource>(100);
  Session s(src, "tick");
  auto g = s.open_cursor();
  Filter f;
  f.preds.push_back(Predicate{KeyCol::name, MatchOp::eq, {"k7", "k70", "nope"}, {}});
  std::vector<std::uint32_t> out;
  g->match(f, out);
  REQUIRE(out.size() == 2);
  CHECK(g->header(out[0]).name == "k7");
  CHECK(g->header(out[1]).name == "k70");
  f.preds.push_back(Predicate{KeyCol::klass, MatchOp::eq, {"odd"}, {}});
  g->match(f, out);
  CHECK(out.size() == 1);
  CHECK(g->find("tick", 70, "k70") >= 0);
  CHECK(g->find("tick", 71, "k70") == -1);
  CHECK(g->header(static_cast<std::uint32_t>(g->find("tick", 70, "k70"))).name == "k70");
  CHECK(src->reads == 0);
  s.close_cursor();
}

TEST_CASE("find locates a kstat by identity, unit included", "[engine]") {
  StaticBuilder b;
  b.begin("ix", 0, "rxq", 1);
  b.begin("ix", 0, "rxq", 0);
  b.begin("IX", 0, "rxq", 0);
  b.begin("cpu", 0, "sys");
  Session s(b.finish("t"), "t");
  auto g = s.open_cursor();
  auto at = [&](std::int64_t i) { return g->header(static_cast<std::uint32_t>(i)); };
  REQUIRE(g->find("ix", 0, "rxq", 1) >= 0);
  CHECK(at(g->find("ix", 0, "rxq", 1)).unit == 1);
  CHECK(at(g->find("ix", 0, "rxq", 0)).unit == 0);
  CHECK(at(g->find("ix", 0, "rxq")).unit == 0);  // any unit: the first
  CHECK(at(g->find("IX", 0, "rxq", 0)).module == "IX");
  CHECK(g->find("ix", 0, "rxq", 2) == -1);
  CHECK(g->find("ix", 1, "rxq") == -1);
  CHECK(at(g->find("cpu", 0, "sys")).name == "sys");
  CHECK(g->find("zzz", 0, "sys") == -1);
  s.close_cursor();
}
