// Tests for engine/selector.hpp: the glob matcher, compiled selectors, sets.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "engine/selector.hpp"
#include "kstatsql/error.hpp"

using namespace kstatsql::engine;

TEST_CASE("glob_match follows POSIX shell rules", "[engine]") {
  struct Case {
    const char* pattern;
    const char* text;
    bool match;
  };
  const Case cases[] = {
      {"", "", true},
      {"", "a", false},
      {"*", "", true},
      {"*", "anything", true},
      {"cpu", "cpu", true},
      {"cpu", "cpu0", false},
      {"cpu*", "cpu_stat", true},
      {"*stat", "cpu_stat", true},
      {"*_*", "cpu_stat", true},
      {"c?u", "cpu", true},
      {"c?u", "cu", false},
      {"?", "", false},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "aXbY", false},
      {"*a*a*a*", "aaa", true},
      {"*a*a*a*", "aa", false},
      {"[abc]x", "bx", true},
      {"[abc]x", "dx", false},
      {"[!abc]x", "dx", true},
      {"[!abc]x", "ax", false},
      {"[^abc]x", "dx", true},
      {"[a-c]", "b", true},
      {"[a-c]", "d", false},
      {"[!a-z]", "Q", true},
      {"[!a-z]", "q", false},
      {"[]]", "]", true},
      {"[!]]", "]", false},
      {"[!]]", "x", true},
      {"[a-]", "-", true},
      {"[[:digit:]]*", "7up", true},
      {"[[:digit:]]*", "up", false},
      {"[[:alpha:][:digit:]]", "_", false},
      {"[[:upper:]]", "Q", true},
      {"[[:nope:]]", "n", false},
      {"[abc", "[abc", true},
      {"[abc", "a", false},
      {"a\\*", "a*", true},
      {"a\\*", "ab", false},
      {"\\[x]", "[x]", true},
      {"[\\]]", "]", true},
      {"x\\", "x\\", true},
      {"[:]", ":", true},
      {"sd*", "sd10", true},
      {"*", "a/b", true},
  };
  for (const Case& c : cases) {
    INFO("pattern '" << c.pattern << "' text '" << c.text << "'");
    CHECK(glob_match(c.pattern, c.text) == c.match);
  }
  SECTION("without escapes a backslash is ordinary") {
    CHECK(glob_match("a\\*", "a\\xyz", false));
    CHECK_FALSE(glob_match("a\\*", "a*", false));
    CHECK_FALSE(glob_match("a\\b", "ab", false));
  }
  SECTION("leading_dir accepts a trailing /...") {
    CHECK(glob_match("em0", "em0/rx", false, true));
    CHECK_FALSE(glob_match("em0", "em0rx", false, true));
    CHECK_FALSE(glob_match("em0", "em0/rx", false, false));
  }
  SECTION("embedded NUL bytes are ordinary characters") {
    CHECK(glob_match(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
    CHECK(glob_match("a?b", std::string_view("a\0b", 3)));
  }
}

TEST_CASE("Selector matches globs on module, name and statistic", "[engine]") {
  const Selector s = Selector::parse("cpu*::sys:cpu_nsec_*");
  CHECK(s.matches_kstat("cpu", 0, "sys"));
  CHECK(s.matches_kstat("cpu_info", 7, "sys"));
  CHECK_FALSE(s.matches_kstat("unix", 0, "sys"));
  CHECK_FALSE(s.matches_kstat("cpu", 0, "system_misc"));
  CHECK(s.matches_statistic("cpu_nsec_idle"));
  CHECK_FALSE(s.matches_statistic("cpu_ticks_idle"));
}

TEST_CASE("Selector matches the instance as its decimal string", "[engine]") {
  const Selector s = Selector::parse("sd:1*");
  for (std::int64_t i : {1, 10, 12, 199}) {
    INFO(i);
    CHECK(s.matches_kstat("sd", i, "sd"));
  }
  for (std::int64_t i : {0, 2, 21, -1}) {
    INFO(i);
    CHECK_FALSE(s.matches_kstat("sd", i, "sd"));
  }
  CHECK(Selector::parse("sd:/^-/").matches_kstat("sd", -3, "x"));
  CHECK(Selector::parse("sd:[0-3]").matches_kstat("sd", 3, "x"));
  CHECK_FALSE(Selector::parse("sd:[0-3]").matches_kstat("sd", 13, "x"));
  SECTION("a literal instance is compared as a number") {
    const Selector lit = Selector::parse("sd:12");
    REQUIRE(lit.literal_instance() == 12);
    CHECK(lit.matches_kstat("sd", 12, "x"));
    CHECK_FALSE(lit.matches_kstat("sd", 1, "x"));
  }
  SECTION("a literal no decimal string equals matches nothing") {
    const Selector lit = Selector::parse("sd:012");
    CHECK_FALSE(lit.literal_instance());
    CHECK_FALSE(lit.matches_kstat("sd", 12, "x"));
    CHECK_FALSE(Selector::parse("sd:+1").matches_kstat("sd", 1, "x"));
  }
}

TEST_CASE("Selector /ERE/ fields are unanchored extended REs", "[engine]") {
  const Selector s = Selector::parse("/pu/::/^sys$|misc/");
  CHECK(s.module().kind() == Pattern::Kind::regex);
  CHECK(s.matches_kstat("cpu", 0, "sys"));
  CHECK(s.matches_kstat("cpu_info", 0, "system_misc"));
  CHECK_FALSE(s.matches_kstat("unix", 0, "sys"));
  CHECK_FALSE(s.matches_kstat("cpu", 0, "sysinfo"));
  CHECK(Selector::parse("/a:b/").matches_kstat("xa:by", 0, "n"));
  CHECK(Selector::parse("/(ab)+c{2}/").matches_kstat("xababcc", 0, "n"));
  CHECK(Selector::parse("//").matches_kstat("anything", 0, "n"));
  CHECK(Selector::parse(":::/^rw/").matches_statistic("rwtime"));
  CHECK_FALSE(Selector::parse(":::/^rw/").matches_statistic("wtime"));
}

TEST_CASE("Selector empty and missing fields match everything", "[engine]") {
  for (const char* spec : {"", ":", ":::", "*:*:*:*", "::"}) {
    INFO(spec);
    const Selector s = Selector::parse(spec);
    CHECK(s.matches_kstat("anything", 42, "at_all"));
    CHECK(s.matches_statistic("stat"));
    CHECK(s.matches_every_statistic());
  }
  const Selector m = Selector::parse("unix");
  CHECK(m.matches_kstat("unix", 3, "whatever"));
  CHECK_FALSE(m.matches_kstat("unixx", 3, "whatever"));
}

TEST_CASE("Selector bad REs report regerror with a caret", "[engine]") {
  REQUIRE_THROWS_AS(Selector::parse("cpu::/(/"), kstatsql::Error);
  REQUIRE_THROWS_WITH(Selector::parse("cpu::/(/"),
                      Catch::StartsWith("selector: bad regular expression: ") &&
                          Catch::EndsWith("\n  cpu::/(/\n       ^"));
#ifdef __GLIBC__
  REQUIRE_THROWS_WITH(Selector::parse("cpu::/(/"),
                      "selector: bad regular expression: Unmatched ( or \\(\n"
                      "  cpu::/(/\n"
                      "       ^");
#endif
  REQUIRE_THROWS_WITH(
      Pattern::compile("/a{2,1}/"),
      Catch::StartsWith("selector: bad regular expression: ") && Catch::EndsWith(" (in /a{2,1}/)"));
  SECTION("back-references and deep groups are refused") {
    REQUIRE_THROWS_WITH(Selector::parse("::/(a*)(a*)(a*)\\3\\2\\1b/:"),
                        "selector: back-references (\\1 to \\9) are not part of extended regular "
                        "expressions\n  ::/(a*)(a*)(a*)\\3\\2\\1b/:\n    ^");
    REQUIRE_THROWS_WITH(Pattern::compile("/(a)\\1/"),
                        Catch::StartsWith("selector: back-references"));
    CHECK_NOTHROW(Selector::parse("::/a\\.b[\\1]/"));
    const std::string ok = std::string(64, '(') + "a" + std::string(64, ')');
    CHECK_NOTHROW(Selector::parse(":::/" + ok + "/"));
    REQUIRE_THROWS_WITH(
        Selector::parse(":::/(" + ok + ")/"),
        Catch::StartsWith("selector: regular expression nested too deeply (more than 64 groups)"));
  }
  SECTION("REs that would make regcomp explode are refused") {
    for (const char* spec :
         {"/a{0,256}/", "/a{0,32767}/", "/((a{1,100}){1,100})/", "/(x(a{0,255}){0,255})/"}) {
      INFO(spec);
      REQUIRE_THROWS_WITH(Selector::parse(spec),
                          Catch::StartsWith("selector: regular expression too complex"));
    }
    for (const char* spec :
         {"/a{0,255}/", "/(ab|cd){2,8}x+y+z+/", "/a{1,64}b{1,64}/", "/[{]+[(]*/"}) {
      INFO(spec);
      CHECK_NOTHROW(Selector::parse(spec));
    }
  }
  REQUIRE_THROWS_WITH(Selector::parse(std::string_view("/a\0b/", 5)),
                      Catch::StartsWith("selector: NUL byte in regular expression\n"));
  try {
    Selector::parse("a:b:c:d:e");
    FAIL("expected an error");
  } catch (const kstatsql::Error& e) {
    CHECK(e.code() == kstatsql::Errc::parse);
  }
}

TEST_CASE("Selector literals for pushdown", "[engine]") {
  const Selector s = Selector::parse("unix:0:system_misc:boot_time");
  CHECK(s.literal_module() == std::optional<std::string_view>("unix"));
  CHECK(s.literal_instance() == 0);
  CHECK(s.literal_name() == std::optional<std::string_view>("system_misc"));
  CHECK(s.literal_statistic() == std::optional<std::string_view>("boot_time"));
  const Selector g = Selector::parse("un*:/0/:[s]ys:a\\b");
  CHECK_FALSE(g.literal_module());
  CHECK_FALSE(g.literal_instance());
  CHECK_FALSE(g.literal_name());
  CHECK_FALSE(g.literal_statistic());
  CHECK_FALSE(Selector::parse("").literal_module());
}

TEST_CASE("Selector OpenBSD form", "[engine]") {
  const auto ob = SelectorMode::openbsd;
  SECTION("bare name") {
    const Selector s = Selector::parse("rxq*", ob);
    CHECK(s.matches_kstat("ix", 0, "rxq0"));
    CHECK(s.matches_kstat("em", 5, "rxq"));
    CHECK_FALSE(s.matches_kstat("rxq", 0, "txq"));
    CHECK(s.matches_statistic("anything"));
    CHECK(s.to_string() == "rxq*");
  }
  SECTION("four fields with exact numbers") {
    const Selector s = Selector::parse("em*:1:rxq:2", ob);
    KstatHeader h;
    h.module = "em0";
    h.instance = 1;
    h.name = "rxq";
    h.unit = 2;
    CHECK(s.matches(h));
    h.unit = 3;
    CHECK_FALSE(s.matches(h));
    h.unit = 2;
    h.instance = 11;
    CHECK_FALSE(s.matches(h));
    CHECK(s.literal_instance() == 1);
    CHECK(s.literal_unit() == 2);
    CHECK(s.to_string() == "em*:1:rxq:2");
  }
  SECTION("empty numbers match any; backslash is ordinary") {
    const Selector s = Selector::parse(":::", ob);
    KstatHeader h;
    h.module = "x";
    h.name = "y";
    h.unit = 9;
    CHECK(s.matches(h));
    CHECK(Selector::parse("a\\b", ob).matches_kstat("m", 0, "a\\b"));
  }
}

TEST_CASE("SelectorSet ORs its selectors", "[engine]") {
  const std::vector<std::string_view> specs = {"cpu:0:sys:cpu_nsec_idle", "unix::system_misc"};
  const SelectorSet set = SelectorSet::parse(specs);
  REQUIRE(set.size() == 2);
  CHECK(set.matches_kstat("cpu", 0, "sys"));
  CHECK(set.matches_kstat("unix", 0, "system_misc"));
  CHECK_FALSE(set.matches_kstat("cpu", 1, "sys"));
  // The statistic filter belongs to the selector that matched the kstat.
  CHECK(set.matches_statistic("cpu", 0, "sys", "cpu_nsec_idle"));
  CHECK_FALSE(set.matches_statistic("cpu", 0, "sys", "cpu_nsec_user"));
  CHECK(set.matches_statistic("unix", 0, "system_misc", "boot_time"));
  CHECK(set.literal_modules() == std::vector<std::string_view>{"cpu", "unix"});
  CHECK(set.to_string() == "cpu:0:sys:cpu_nsec_idle unix:*:system_misc");
  const SelectorSet empty;
  CHECK(empty.matches_kstat("x", 0, "y"));
  CHECK_FALSE(empty.literal_modules());
  const std::vector<std::string> bad = {"ok", "a:b:c:d:e"};
  CHECK_THROWS_AS(SelectorSet::parse(bad), kstatsql::Error);
}

TEST_CASE("Selector to_string round-trips", "[engine]") {
  for (const char* spec :
       {"", "cpu", "cpu:0", "/a:b/:1*:[a:b]:x\\:y", "//:/x/", "sd:012::*", "m:x\\", "[a:b"}) {
    INFO(spec);
    const std::string once = Selector::parse(spec).to_string();
    CHECK(Selector::parse(once).to_string() == once);
  }
  CHECK(Selector::parse("/a:b/:1*::").to_string() == "/a:b/:1*");
  CHECK(Selector::parse(":::").to_string() == "*");
  CHECK(Selector::parse("::x").to_string() == "*:*:x");
  // A lone trailing backslash stays last, so it cannot escape an added ':'.
  CHECK(Selector::parse("a:x\\").to_string() == "a:x\\");
}

TEST_CASE("Selector copies share compiled REs safely", "[engine]") {
  std::vector<Selector> copies;
  {
    const Selector original = Selector::parse("/^cpu/::/sys/");
    copies.push_back(original);
    Selector moved = original;
    copies.push_back(std::move(moved));
  }
  for (const Selector& s : copies) {
    CHECK(s.matches_kstat("cpu", 0, "sys"));
    CHECK_FALSE(s.matches_kstat("xcpu", 0, "sys"));
  }
  Selector assigned;
  assigned = copies.front();
  CHECK(assigned.matches_kstat("cpu_info", 3, "xsysx"));
}

TEST_CASE("Selector matching from many threads", "[engine]") {
  const SelectorSet set =
      SelectorSet::parse(std::vector<std::string_view>{"/^cp/:1*:/s.s/", "un*::sys*"});
  std::vector<std::thread> threads;
  std::vector<int> hits(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&set, &hits, t] {
      for (int i = 0; i < 2000; ++i) {
        hits[t] += set.matches_kstat("cpu", 10 + i % 3, "sys") ? 1 : 0;
        hits[t] += set.matches_kstat("unix", i, "sysinfo") ? 1 : 0;
        hits[t] += set.matches_kstat("cpu", 2, "sys") ? 1 : 0;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int h : hits) CHECK(h == 4000);
}

TEST_CASE("EREs with stacked ? * + compile as the one quantifier they equal",
          "[engine][selector]") {
  // Found by shell_args_fuzz: glibc's regcomp closes over every stacked
  // quantifier; "(c\?\?\?\?\?++++++d\?\?\?\?\?\?\?\?)+++" ran over a minute.
  using kstatsql::engine::Pattern;
  struct Case {
    const char* stacked;
    const char* single;
  };
  for (const Case& c : {Case{"/^a++++++++++++++++++++++++$/", "/^a+$/"},
                        Case{"/^(c\?\?\?\?\?++++++d\?\?\?\?\?\?\?\?)+++$/", "/^(c*d?)+$/"},
                        Case{"/^x\?\?\?\?\?\?\?\?\?\?\?\?\?y$/", "/^x?y$/"},
                        Case{"/^)+++++'h:+.\?\?\?\?\?++++++'+.++.[.]\?\?\?\?\?\?\?\?)+++t/",
                             "/^)+'h:+.*'+.+.[.]?)+t/"},
                        Case{"/^[+*]+?b\\+*$/", "/^[+*]*b\\+*$/"}}) {
    INFO(c.stacked);
    Pattern p;
    REQUIRE_NOTHROW(p = Pattern::compile(c.stacked));
    const Pattern q = Pattern::compile(c.single);
    for (const char* s : {"", "a", "aaaa", "b", "cd", "ccd", "cdcd", "dd", "x", "xy", "xxy", "y",
                          ")'h:zz'q:q.t", "))'h::::'++a.t", "+*b", "b\\\\", "*b\\"}) {
      INFO(s);
      CHECK(p.matches(s) == q.matches(s));
    }
  }
  // A quantifier with no atom before it is left to regcomp, which refuses it.
  REQUIRE_THROWS_WITH(Pattern::compile("/(**a)/"),
                      Catch::StartsWith("selector: bad regular expression: "));
  for (const char* spec : {"::/^cpu[0-9]*$/:", "::/a?b?c?d?e?/:", "::/(ab)*c+d?/:"}) {
    INFO(spec);
    CHECK_NOTHROW(kstatsql::engine::Selector::parse(spec));
  }
}
