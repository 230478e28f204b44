#include <catch2/catch.hpp>

#include "engine/match.hpp"

using namespace kstatsql::engine;

TEST_CASE("sql_glob follows SQLite GLOB", "[engine]") {
  struct Case { const char* pat; const char* text; bool want; };
  const Case cases[] = {
      {"cpu*", "cpu_nsec_idle", true}, {"cpu*", "CPU", false}, {"*", "", true},
      {"?", "", false}, {"sd?", "sd0", true}, {"sd?", "sd10", false},
      {"sd[0-3]", "sd2", true}, {"sd[0-3]", "sd5", false}, {"sd[^0-3]", "sd5", true},
      {"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false}, {"*,err", "sd0,err", true},
      {"[]]", "]", true}, {"x[", "x[", false}, {"é?", "éa", true}, {"?", "é", true},
  };
  for (const Case& c : cases) {
    INFO(c.pat << " vs " << c.text);
    CHECK(sql_glob(c.pat, c.text) == c.want);
  }
}

TEST_CASE("sql_like follows SQLite LIKE", "[engine]") {
  CHECK(sql_like("cpu%", "CPU_nsec"));
  CHECK(sql_like("%sys", "sys"));
  CHECK(sql_like("s_s", "SyS"));
  CHECK_FALSE(sql_like("s_s", "ss"));
  CHECK_FALSE(sql_like("abc", "abcd"));
  CHECK(sql_like("%%", ""));
}

TEST_CASE("filters combine predicates with AND and alternatives with OR", "[engine]") {
  KstatHeader h;
  h.module = "sd";
  h.instance = 12;
  h.name = "sd12";
  h.klass = "disk";
  Filter f;
  Predicate m{KeyCol::module, MatchOp::eq, {"ssd", "sd"}, {}};
  Predicate i{KeyCol::instance, MatchOp::glob, {"1*"}, {}};
  f.preds = {m, i};
  CHECK(f.matches_header(h));
  h.instance = 2;
  CHECK_FALSE(f.matches_header(h));
  Predicate ieq{KeyCol::instance, MatchOp::eq, {}, {2, 3}};
  f.preds = {m, ieq};
  CHECK(f.matches_header(h));
  f.empty_result = true;
  CHECK_FALSE(f.matches_header(h));
}
