#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <string>
#include <vector>

#include "engine/match.hpp"

using namespace kstatsql::engine;

TEST_CASE("sql_glob follows SQLite GLOB", "[engine]") {
  struct Case {
    const char* pat;
    const char* text;
    bool want;
  };
  const Case cases[] = {
      {"cpu*", "cpu_nsec_idle", true},
      {"cpu*", "CPU", false},
      {"*", "", true},
      {"?", "", false},
      {"sd?", "sd0", true},
      {"sd?", "sd10", false},
      {"sd[0-3]", "sd2", true},
      {"sd[0-3]", "sd5", false},
      {"sd[^0-3]", "sd5", true},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "axxbyy", false},
      {"*,err", "sd0,err", true},
      {"[]]", "]", true},
      {"x[", "x[", false},
      {"é?", "éa", true},
      {"?", "é", true},
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

namespace {

// Every string of up to `len` characters over `alphabet`, in a fixed order.
std::vector<std::string> all_strings(const std::vector<std::string>& alphabet, std::size_t len) {
  std::vector<std::string> out{""};
  std::size_t begin = 0;
  for (std::size_t l = 0; l < len; ++l) {
    const std::size_t end = out.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (const std::string& a : alphabet) out.push_back(out[i] + a);
    }
    begin = end;
  }
  return out;
}

}  // namespace

TEST_CASE("sql_glob and sql_like agree with SQLite's own matchers", "[engine]") {
  const auto texts = all_strings({"a", "b", "A", "\xc3\xa9", "]"}, 4);
  const auto globs = all_strings({"a", "*", "?", "[a-b]", "[^a]", "\xc3\xa9", "[", "]"}, 3);
  const auto likes = all_strings({"a", "%", "_", "B", "\xc3\xa9"}, 4);
  std::size_t cases = 0;
  for (const std::string& t : texts) {
    for (const std::string& g : globs) {
      INFO("GLOB '" << g << "' vs '" << t << "'");
      CHECK(sql_glob(g, t) == (sqlite3_strglob(g.c_str(), t.c_str()) == 0));
      ++cases;
    }
    for (const std::string& l : likes) {
      INFO("LIKE '" << l << "' vs '" << t << "'");
      CHECK(sql_like(l, t) == (sqlite3_strlike(l.c_str(), t.c_str(), 0) == 0));
      ++cases;
    }
  }
  CHECK(cases > 100000);
}

TEST_CASE("sql_glob and sql_like do not recurse or backtrack exponentially", "[engine]") {
  const std::string name(200 * 1024, 'a');
  const std::string stars(100000, '*');
  CHECK(sql_glob(stars, name));
  CHECK_FALSE(sql_glob(stars + "b", name));
  CHECK(sql_like(std::string(100000, '%'), name));
  CHECK_FALSE(sql_like(std::string(100000, '%') + "b", name));
  std::string alternating;
  for (int i = 0; i < 50000; ++i) alternating += "*a";
  CHECK(sql_glob(alternating, name));
  // '*a' x 10 then '*b' against 40 a's: exponential for a naive matcher.
  std::string pat, like;
  for (int i = 0; i < 10; ++i) pat += "*a", like += "%a";
  const std::string forty(40, 'a');
  CHECK_FALSE(sql_glob(pat + "*b", forty));
  CHECK_FALSE(sql_like(like + "%b", forty));
  CHECK(sql_glob(pat + "*b", forty + "b"));
  CHECK(sql_like(like + "%b", forty + "B"));
}

TEST_CASE("sql_glob and sql_like read bytes as SQLite does: ill-formed UTF-8 and NUL", "[match]") {
  // SQLite reads a lead byte with every continuation byte after it, and an
  // ill-formed value as U+FFFD; a stray continuation byte is itself.
  const std::vector<std::pair<std::string, std::string>> cases = {{"\xed", "\xfb"},
                                                                  {"\xc3", "\xe9"},
                                                                  {"?", "\xe2\x82"},
                                                                  {"a?b",
                                                                   "a\xf0\x80\x80\x80\x80"
                                                                   "b"},
                                                                  {"[\xed]", "\xc0"},
                                                                  {"\x80", "\x80"},
                                                                  {"\x80", "\x81"},
                                                                  {"_", "\xff\xbf"},
                                                                  {"%\xed%", "x\xfb\x80y"},
                                                                  {"*\xc3\xa9", "caf\xc3\xa9"},
                                                                  {"[\x80-\xbf]", "\x90"},
                                                                  {"\xef\xbf\xbd", "\xc1\x81"}};
  for (const auto& [p, t] : cases) {
    INFO("pattern " << p << " text " << t);
    CHECK(sql_glob(p, t) == (sqlite3_strglob(p.c_str(), t.c_str()) == 0));
    CHECK(sql_like(p, t) == (sqlite3_strlike(p.c_str(), t.c_str(), 0) == 0));
  }
  CHECK(sql_glob("\xed", "\xfb"));  // both read as U+FFFD
  // A pattern or text ends at its first NUL byte, as SQLite's C strings do.
  CHECK(sql_glob("a", std::string_view("a\0b", 3)));
  CHECK(sql_like(std::string_view("a\0z", 3), "A"));
}
