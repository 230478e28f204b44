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

TEST_CASE("kstat_select takes eight selectors, then the hidden host column",
          "[vtab][kstat_select]") {
  Db db(kstatsql::test::small_machine());
  const std::string eight = "'cpu:0', 'x', 'x', 'x', 'x', 'x', 'x', 'x'";
  const std::string n = db.one("SELECT count(*) FROM kstat_select(" + eight + ")");
  CHECK(n != "0");
  // The 9th argument is the host (as in WHERE host = ...): a single-host
  // source has no host names, so it selects nothing.
  CHECK(db.one("SELECT count(*) FROM kstat_select(" + eight + ", 'cpu:1')") == "0");
  CHECK(db.one("SELECT count(*) FROM kstat_select(" + eight + ") WHERE host = 'cpu:1'") == "0");
  CHECK(db.error_of("SELECT * FROM kstat_select(" + eight + ", 'h', 'x')") ==
        "too many arguments on kstat_select() - max 9");
}
