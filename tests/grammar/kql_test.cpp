// Tests for grammar/kql.hpp: rule analysis, single rules, the AST, exact
// error messages and the SQL text of the examples in docs/kql.md.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/kql.hpp"
#include "kstatsql/error.hpp"
#include "kstatsql/kql.hpp"
#include "support/grammar_rules.hpp"

namespace pegtl = tao::pegtl;
using namespace kstatsql::grammar;
using kstatsql::kql_to_sql;
using kstatsql::test::check_rule;

namespace {

std::string error_of(std::string_view q) {
  try {
    kql_to_sql(q);
  } catch (const kstatsql::Error& e) {
    CHECK(e.code() == kstatsql::Errc::parse);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("KQL grammar has no analysis issues", "[grammar][kql]") {
  CHECK(pegtl::analyze<kql::query>(-1) == 0);
}

TEST_CASE("KQL rule selector_bare", "[grammar][kql]") {
  check_rule<kql::selector_bare>({{"cpu", true},
                                  {"cpu:*:sys:cpu_nsec_*", true},
                                  {":::", true},
                                  {"sd:::/^n(read|written)$/", true},  // '|' inside /…/
                                  {"sd:::/^Hard Errors$/", true},      // so is a blank
                                  {"sd0\\ x", true},                   // an escaped blank
                                  {"[ ]x", true},                      // a bracket protects a blank
                                  {"a b", false},
                                  {"a|b", false},
                                  {"'q'", false},
                                  {"", false}});
}

TEST_CASE("KQL rules for literals and expressions", "[grammar][kql]") {
  check_rule<kql::string_lit>(
      {{"'a'", true}, {"'it''s'", true}, {"\"x\"", true}, {"''", true}, {"'a", false}});
  check_rule<kql::number>({{"1", true},
                           {"1.5", true},
                           {"1e9", true},
                           {"2.5E-3", true},
                           {"1.", true},
                           {".5", false},
                           {"1x", false},
                           {"-1", false}});
  check_rule<kql::expr>({{"a", true},
                         {"a = 1", true},
                         {"a ~ 'x*' and not b != 2 or (c)", true},
                         {"-a * (b + 1) % 3 >= 4", true},
                         {"length(statistic) > 3", true},
                         {"f()", true},
                         {"a = b = c", false},
                         {"and", false},
                         {"a and", false},
                         {"(a", false}});
}

TEST_CASE("KQL rule stage", "[grammar][kql]") {
  check_rule<kql::stage>({{"where value > 0", true},
                          {"rate", true},
                          {"delta", true},
                          {"sum", true},
                          {"sum value by statistic, module", true},
                          {"count by class", true},
                          {"p50 nread as median, max nread by class", true},
                          {"join cpu:1:sys on statistic", true},
                          {"join kstat class=misc on identity", true},
                          {"sort by value desc, name", true},
                          {"order by value", true},
                          {"top 5 by nread", true},
                          {"top by nread", false},
                          {"select name, value * 2 as double", true},
                          {"project name", true},
                          {"limit 3", true},
                          {"take 3", true},
                          {"limit", false},
                          {"frobnicate", false}});
}

TEST_CASE("KQL AST of a whole pipeline", "[grammar][kql]") {
  const KqlAst ast = parse_kql(
      "io class=disk name~'sd*' | where nread > 1 | sum nread by class | top 2 by sum_nread asc");
  REQUIRE(ast.source.kind == KqlSource::Kind::table);
  CHECK(ast.source.table.text == "io");
  REQUIRE(ast.source.filters.size() == 2);
  CHECK(ast.source.filters[1].column.text == "name");
  CHECK(ast.source.filters[1].op == "~");
  CHECK(ast.source.filters[1].value.text == "sd*");
  REQUIRE(ast.stages.size() == 3);
  CHECK(ast.stages[0].kind == KqlStage::Kind::where);
  CHECK(ast.stages[0].expr.kind == KqlExpr::Kind::binary);
  CHECK(ast.stages[0].expr.text == ">");
  CHECK(ast.stages[1].aggs.at(0).fn == "sum");
  CHECK(ast.stages[1].by.at(0).text == "class");
  CHECK(ast.stages[2].kind == KqlStage::Kind::top);
  CHECK(ast.stages[2].count == 2);
  CHECK_FALSE(ast.stages[2].keys.at(0).desc);

  const KqlAst sel = parse_kql("  cpu:0:sys 'sd:::Hard Errors' io: | top 1 by value");
  REQUIRE(sel.source.selectors.size() == 3);
  CHECK(sel.source.selectors[1].text == "sd:::Hard Errors");
  CHECK(sel.source.selectors[2].text == "io:");
  CHECK(sel.stages.at(0).keys.at(0).desc);  // top defaults to descending
}

TEST_CASE("KQL syntax errors are keyed by rule with a caret", "[grammar][kql]") {
  CHECK(error_of("io | rat") ==
        "kql: expected a stage: where, rate, delta, sum, avg, min, max, count, pNN, join, sort, "
        "top, select or limit\n"
        "  io | rat\n"
        "       ^");
  CHECK(error_of("") ==
        "kql: expected a kstat selector (module:instance:name:statistic) or a table (kstat, named, "
        "io, ...)\n"
        "  \n"
        "  ^");
  CHECK(error_of("named | where value >") ==
        "kql: expected an expression\n  named | where value >\n                       ^");
  CHECK(error_of("named | where (value > 1") ==
        "kql: expected ')'\n  named | where (value > 1\n                          ^");
  CHECK(error_of("named | where statistic = 'x") ==
        "kql: unterminated string: expected a closing '\n  named | where statistic = 'x\n          "
        "                    ^");
  CHECK(error_of("io | top 5 nread") ==
        "kql: expected 'by column' after the row count\n  io | top 5 nread\n             ^");
  CHECK(error_of("io | limit x") == "kql: expected a row count\n  io | limit x\n             ^");
  CHECK(error_of("io | sum nread by") ==
        "kql: expected a column name to group by\n  io | sum nread by\n                   ^");
  CHECK(error_of("io | sort nread,") ==
        "kql: expected a column name to sort by\n  io | sort nread,\n                  ^");
  CHECK(error_of("io | p200 nread") ==
        "kql: a percentile is p0 to p100\n  io | p200 nread\n       ^");
  CHECK(error_of("io | join kstat") ==
        "kql: expected 'on identity' or 'on column, ...'\n  io | join kstat\n                 ^");
  CHECK(error_of("io class=") ==
        "kql: expected a value after the operator\n  io class=\n           ^");
  CHECK(error_of("io | rate rate") ==
        "kql: expected '|' or the end of the query\n  io | rate rate\n            ^");
  CHECK(error_of("io | select nread,") ==
        "kql: expected an expression\n  io | select nread,\n                    ^");
  CHECK(error_of("io | limit 99999999999999999999") ==
        "kql: row count is too large\n  io | limit 99999999999999999999\n             ^");
}

TEST_CASE("KQL errors show the offending line of a multi-line query", "[grammar][kql]") {
  CHECK(error_of("io\n| where nread > 0\n| sort bogus") ==
        "kql: unknown column 'bogus' (columns here: module, instance, name, class, nread, "
        "nwritten, reads, "
        "writes, wtime, wlentime, wlastupdate, rtime, rlentime, rlastupdate, wcnt, rcnt, snaptime, "
        "crtime)\n"
        "  | sort bogus\n"
        "         ^");
}

TEST_CASE("KQL compile errors: columns, stage order, selectors", "[grammar][kql]") {
  CHECK(error_of("cpu | where foo = 1") ==
        "kql: unknown column 'foo' (columns here: module, instance, name, class, statistic, type, "
        "value, unit, "
        "snaptime, crtime)\n  cpu | where foo = 1\n              ^");
  CHECK(error_of("sysinfo | rate") ==
        "kql: rate needs a selector, named or io source (other tables have no previous sample)\n"
        "  sysinfo | rate\n            ^");
  CHECK(error_of("cpu | sum by statistic | rate") ==
        "kql: rate must come before aggregates, select and join\n  cpu | sum by statistic | rate\n"
        "                           ^");
  CHECK(error_of("cpu | rate | delta") ==
        "kql: the values are already a rate or delta\n  cpu | rate | delta\n               ^");
  CHECK(error_of("kstat | sum") ==
        "kql: name the column to aggregate (there is no value column here)\n  kstat | sum\n        "
        "  ^");
  CHECK(error_of("cpu | select value * 2") ==
        "kql: name this expression with 'as'\n  cpu | select value * 2\n               ^");
  CHECK(error_of("cpu | sum, sum") ==
        "kql: two output columns named 'sum_value' (use 'as')\n  cpu | sum, sum\n             ^");
  CHECK(error_of("cpu:0:sys:a:b | rate") ==
        "kql: selector: too many fields (at most module:instance:name:statistic)\n  cpu:0:sys:a:b "
        "| rate\n"
        "             ^");
  CHECK(error_of("io class~x nread=1 bogus=2") ==
        "kql: unknown column 'bogus' (columns here: module, instance, name, class, nread, "
        "nwritten, reads, writes, "
        "wtime, wlentime, wlastupdate, rtime, rlentime, rlastupdate, wcnt, rcnt, snaptime, crtime, "
        "elapsed, r_s, "
        "w_s, kr_s, kw_s, wait, actv, svc_t, pct_w, pct_b, host)\n  io class~x nread=1 bogus=2\n"
        "                     ^");
  CHECK(error_of("a b c d e f g h /i/") ==
        "kql: at most 8 selectors when one needs kstat_select() (an /ERE/ or a ?, [ or \\ glob)\n"
        "  a b c d e f g h /i/\n                  ^");
}

TEST_CASE("KQL compiles the documented examples to this SQL", "[grammar][kql]") {
  CHECK(kql_to_sql("io class=disk | rate | top 5 by nread") ==
        "WITH\n"
        "  -- io class=disk\n"
        "  s0 AS (SELECT *, elapsed, r_s, w_s, kr_s, kw_s, wait, actv, svc_t, pct_w, pct_b FROM io "
        "WHERE class = 'disk'),\n"
        "  -- rate\n"
        "  s1 AS (SELECT module, instance, name, class, kr_s * 1024 AS nread, kw_s * 1024 AS "
        "nwritten, r_s AS reads, "
        "w_s AS writes, wait, actv, svc_t, pct_w, pct_b, wcnt, rcnt, elapsed, snaptime, crtime "
        "FROM s0),\n"
        "  -- top 5 by nread\n"
        "  s2 AS (SELECT * FROM s1 ORDER BY nread DESC LIMIT 5)\n"
        "SELECT * FROM s2 ORDER BY nread DESC");
  CHECK(kql_to_sql("cpu:*:sys:cpu_nsec_* | rate | sum by statistic") ==
        "WITH\n"
        "  -- cpu:*:sys:cpu_nsec_*\n"
        "  s0 AS (SELECT *, rate FROM named WHERE module = 'cpu' AND name = 'sys' AND statistic "
        "GLOB 'cpu_nsec_*'),\n"
        "  -- rate\n"
        "  s1 AS (SELECT module, instance, name, class, statistic, type, rate AS value, unit, "
        "snaptime, crtime FROM s0),\n"
        "  -- sum by statistic\n"
        "  s2 AS (SELECT statistic, sum(value) AS sum_value FROM s1 GROUP BY statistic)\n"
        "SELECT * FROM s2 ORDER BY statistic");
  CHECK(kql_to_sql("named module=unix name=system_misc") ==
        "SELECT * FROM named WHERE module = 'unix' AND name = 'system_misc'");
  CHECK(kql_to_sql("unix") ==
        "SELECT * FROM named WHERE module = 'unix' AND name NOT GLOB 'kstat_*'");
  CHECK(kql_to_sql("*") == "SELECT * FROM named WHERE name NOT GLOB 'kstat_*'");
  CHECK(kql_to_sql("cpu:1* ::sys") ==
        "SELECT * FROM named WHERE (module = 'cpu' AND instance GLOB '1*' AND name NOT GLOB "
        "'kstat_*') OR (name = 'sys')");
  CHECK(kql_to_sql("sd:::/^n(read|written)$/") ==
        "SELECT * FROM kstat_select('sd:::/^n(read|written)$/')");
  CHECK(kql_to_sql("'link:0:lo:?bytes64' | rate") ==
        "WITH\n"
        "  -- 'link:0:lo:?bytes64'\n"
        "  s0 AS (SELECT n.*, n.rate FROM kstat_select('link:0:lo:?bytes64') AS k JOIN named AS n "
        "USING (module, instance, name, statistic)),\n"
        "  -- rate\n"
        "  s1 AS (SELECT module, instance, name, class, statistic, type, rate AS value, unit, "
        "snaptime, crtime FROM s0)\n"
        "SELECT * FROM s1");
  // Keywords as names are quoted; '--' is never produced.
  CHECK(kql_to_sql("cpu | select value as order, - -value as neg") ==
        "WITH\n  -- cpu\n  s0 AS (SELECT * FROM named WHERE module = 'cpu' AND name NOT GLOB "
        "'kstat_*'),\n"
        "  -- select value as order, - -value as neg\n"
        "  s1 AS (SELECT value AS \"order\", - -value AS neg FROM s0)\n"
        "SELECT * FROM s1");
}

TEST_CASE("KQL table names: any identifier parses, the compiler checks it", "[grammar][kql]") {
  check_rule<kql::table_name>(
      {{"io", true}, {"no_such_table", true}, {"io:", false}, {"9x", false}});
  const KqlAst ast = parse_kql("bogus x=1 | rate");
  REQUIRE(ast.source.kind == KqlSource::Kind::table);
  CHECK(ast.source.table.text == "bogus");
  CHECK(error_of("bogus x=1") ==
        "kql: unknown table 'bogus' (tables: kstat, named, io, sysinfo, vminfo, var, mntinfo, "
        "cpu_stat, "
        "ncstats, intr, timer)\n  bogus x=1\n  ^");
  CHECK(error_of("io | join bogus class=x on identity") ==
        "kql: unknown table 'bogus' (tables: kstat, named, io, sysinfo, vminfo, var, mntinfo, "
        "cpu_stat, "
        "ncstats, intr, timer)\n  io | join bogus class=x on identity\n            ^");
  CHECK(error_of("kstat_columns table_name=io") ==
        "kql: table 'kstat_columns' is not a KQL source: describes the schema, not kstats\n"
        "  kstat_columns table_name=io\n  ^");
  // A word that names no table, with no filters, is a selector.
  CHECK(kql_to_sql("bogus") ==
        "SELECT * FROM named WHERE module = 'bogus' AND name NOT GLOB 'kstat_*'");
  // A table takes filters, not selectors.
  CHECK(error_of("io sd:::") == "kql: expected '|' or the end of the query\n  io sd:::\n     ^");
  CHECK(error_of("io | join kstat sd::: on identity") ==
        "kql: expected 'on identity' or 'on column, ...'\n  io | join kstat sd::: on identity\n    "
        "              ^");
}

TEST_CASE("KQL refuses expressions nested deeper than kMaxKqlDepth", "[grammar][kql]") {
  const std::string deep = std::string(9000, '(') + "1" + std::string(9000, ')');
  const std::string msg = "kql: expression nested too deeply (more than 64 levels)";
  CHECK(error_of("unix | where " + deep).rfind(msg + "\n", 0) == 0);
  CHECK(error_of("unix | where " + std::string(9000, '-') + "1").rfind(msg, 0) == 0);
  std::string nots;
  for (int i = 0; i < 3000; ++i) nots += "not ";
  CHECK(error_of("unix | where " + nots + "x").rfind(msg, 0) == 0);
  std::string calls;
  for (int i = 0; i < 3000; ++i) calls += "f(";
  CHECK(error_of("unix | select " + calls + "1" + std::string(3000, ')')).rfind(msg, 0) == 0);
  // A long chain of binary operators is a tall tree.
  const std::string too_long = "kql: expression too long (more than 256 levels of operators)";
  std::string chain = "1";
  for (int i = 0; i < 100000; ++i) chain += "+1";
  CHECK(error_of("unix | where " + chain).rfind(too_long, 0) == 0);
  std::string ors = "a=1";
  for (int i = 0; i < 100000; ++i) ors += " or a=1";
  CHECK(error_of("unix | select " + ors).rfind(too_long, 0) == 0);
}

TEST_CASE("KQL nesting limits: exactly the limit parses", "[grammar][kql]") {
  static_assert(kMaxKqlDepth == 64 && kMaxKqlHeight == 256);
  // The where expression is one level, each '(' one more.
  const std::string ok = std::string(63, '(') + "value" + std::string(63, ')');
  CHECK_NOTHROW(parse_kql("unix | where " + ok));
  CHECK_THROWS(parse_kql("unix | where (" + ok + ")"));
  CHECK_NOTHROW(parse_kql("unix | where " + std::string(63, '-') + "1"));
  CHECK_THROWS(parse_kql("unix | where " + std::string(64, '-') + "1"));
  std::string chain = "1";
  for (int i = 0; i < 255; ++i) chain += "+1";
  CHECK(parse_kql("unix | where " + chain).stages[0].expr.height == 256);
  CHECK_THROWS(parse_kql("unix | where " + chain + "+1"));
  // The caret points just after the operator that goes one level too deep.
  const std::string e = error_of("unix | where " + std::string(300, '-') + "1");
  CHECK(e.substr(e.rfind('\n') + 1) == std::string(2 + 13 + 64, ' ') + "^");
}
