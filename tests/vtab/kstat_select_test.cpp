// Tests for vtab/kstat_select.cpp: refused selectors and the argument list.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "support/db.hpp"

using kstatsql::test::Db;
using kstatsql::test::Rows;

TEST_CASE("kstat_select refuses back-references and deep groups quickly", "[vtab][kstat_select]") {
  Db db(kstatsql::test::small_machine());
  const auto t0 = std::chrono::steady_clock::now();
  const std::string e =
      db.error_of("SELECT count(*) FROM kstat_select('::/(a*)(a*)(a*)\\3\\2\\1b/:')");
  CHECK(e.rfind(
            "selector: back-references (\\1 to \\9) are not part of extended regular expressions\n",
            0) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(db.error_of("SELECT count(*) FROM kstat_select('::/^(a*)*\\1b$/')")
            .rfind("selector: back-references", 0) == 0);
  // A backslash-digit inside a bracket expression is two ordinary characters.
  CHECK(db.error_of("SELECT count(*) FROM kstat_select('::/[\\1]/')").empty());
  const std::string deep = std::string(100000, '(') + "a" + std::string(100000, ')');
  CHECK(db.error_of("SELECT count(*) FROM kstat_select(':::/" + deep + "/')")
            .rfind("selector: regular expression nested too deeply (more than 64 groups)\n", 0) ==
        0);
}

TEST_CASE("kstat_select takes at most eight selectors, and says so", "[vtab][kstat_select]") {
  Db db(kstatsql::test::small_machine());
  const std::string eight = "'cpu:0', 'x', 'x', 'x', 'x', 'x', 'x', 'x'";
  const std::string n = db.one("SELECT count(*) FROM kstat_select(" + eight + ")");
  CHECK(n != "0");
  CHECK(db.one("SELECT count(*) FROM kstat_select('cpu:0', 'x')") == n);
  // A 9th argument would land in the hidden host column and select nothing
  // without a word: it is refused, naming the limit.
  const std::string nine = db.error_of("SELECT count(*) FROM kstat_select(" + eight + ", 'cpu:1')");
  CHECK_THAT(nine, Catch::Contains("at most 8 selectors"));
  CHECK_THAT(nine, Catch::Contains("WHERE host GLOB"));
  CHECK(db.error_of("SELECT count(*) FROM kstat_select(" + eight + ") WHERE host = 'h'") == nine);
  // The way round it works: a single-host source has no host names.
  CHECK(db.one("SELECT count(*) FROM kstat_select(" + eight + ") WHERE host GLOB 'h'") == "0");
  CHECK(db.one("SELECT count(*) FROM kstat_select('cpu:0') WHERE host = 'h'") == "0");
  CHECK(db.error_of("SELECT * FROM kstat_select(" + eight + ", 'h', 'x')") ==
        "too many arguments on kstat_select() - max 9");
}
