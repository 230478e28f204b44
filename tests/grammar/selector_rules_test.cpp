// Tests for grammar/selector.hpp: rule analysis, single rules, the AST and
// the exact error messages.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/selector.hpp"
#include "kstatsql/error.hpp"
#include "support/grammar_rules.hpp"

namespace pegtl = tao::pegtl;
using namespace kstatsql::grammar;
using kstatsql::test::check_rule;

TEST_CASE("selector grammar has no analysis issues", "[grammar]") {
  CHECK(pegtl::analyze<sel::illumos_selector>(-1) == 0);
  CHECK(pegtl::analyze<sel::openbsd_selector>(-1) == 0);
}

TEST_CASE("selector rule regex_field", "[grammar]") {
  check_rule<sel::regex_field>({{"/a/", true},
                                {"//", true},
                                {"/a:b/", true},
                                {"/a/b/", true},
                                {"/^cpu[0-9]+$/", true},
                                {"/", false},
                                {"/a", false},
                                {"a/", false},
                                {"/a/x", false},
                                {"", false}});
}

TEST_CASE("selector rule bracket", "[grammar]") {
  check_rule<sel::bracket>({{"[abc]", true},
                            {"[!a-z]", true},
                            {"[^a-z]", true},
                            {"[]]", true},
                            {"[!]]", true},
                            {"[[:digit:]]", true},
                            {"[a:b]", true},
                            {"[\\]]", true},
                            {"[abc", false},
                            {"[]", false},
                            {"[", false},
                            {"abc]", false}});
  check_rule<sel::ob_bracket>({{"[a:b]", true}, {"[\\]", true}, {"[\\]]", false}});
}

TEST_CASE("selector rule glob_field", "[grammar]") {
  check_rule<sel::glob_field>({{"", true},
                               {"abc", true},
                               {"cpu*", true},
                               {"a[:]b", true},
                               {"a\\:b", true},
                               {"[a", true},
                               {"trailing\\", true},
                               {"a:b", false},
                               {"[a:b", false}});
}

TEST_CASE("selector rule illumos_selector accepts", "[grammar]") {
  for (const char* text :
       {"", "cpu", "cpu:0", "cpu:0:sys", "cpu:0:sys:cpu_nsec_idle", ":::", "::sys:", "/a:b:c:d:e/",
        "/x/:/y/:/z/:/w/", "[a:b]:c:d:e", "a\\:b:c:d:e", "/a/:b:c:d/", "\xC3\xA9t\xC3\xA9:1:x:y"}) {
    INFO("input: '" << text << "'");
    CHECK(kstatsql::test::whole<sel::illumos_selector>(text));
  }
}

TEST_CASE("selector rule illumos_selector rejects", "[grammar]") {
  for (const char* text : {"a:b:c:d:e", "::::", "/a:b/:c:d:e:f", "a:b:c:d:/e/", "/a:b:c:d:e"}) {
    INFO("input: '" << text << "'");
    CHECK_FALSE(kstatsql::test::whole<sel::illumos_selector>(text));
  }
}

TEST_CASE("selector rule openbsd_selector", "[grammar]") {
  check_rule<sel::openbsd_selector>({{"em0", true},
                                     {"", true},
                                     {"*", true},
                                     {"em:0:rxq*:1", true},
                                     {":::", true},
                                     {"em::rxq:", true},
                                     {"em:x:rxq:1", false},
                                     {"em:0:rxq:x", false},
                                     {"em:0", false},
                                     {"em:0:rxq", false},
                                     {"em:0:rxq:1:2", false},
                                     {"em:-1:rxq:1", false}});
}

TEST_CASE("parse_selector builds the illumos AST", "[grammar]") {
  SECTION("four fields") {
    const SelectorAst ast = parse_selector("cpu:0:sys:cpu_nsec_*");
    CHECK(ast.written == 4);
    CHECK(ast.fields[kModule].kind == FieldKind::glob);
    CHECK(ast.fields[kModule].text == "cpu");
    CHECK(ast.fields[kInstance].text == "0");
    CHECK(ast.fields[kInstance].offset == 4);
    CHECK(ast.fields[kName].text == "sys");
    CHECK(ast.fields[kStatistic].text == "cpu_nsec_*");
    CHECK(ast.fields[kStatistic].offset == 10);
  }
  SECTION("missing and empty fields are any") {
    const SelectorAst ast = parse_selector("unix::");
    CHECK(ast.written == 3);
    CHECK(ast.fields[kModule].kind == FieldKind::glob);
    CHECK(ast.fields[kInstance].kind == FieldKind::any);
    CHECK(ast.fields[kName].kind == FieldKind::any);
    CHECK(ast.fields[kStatistic].kind == FieldKind::any);
    CHECK(ast.fields[kName].offset == 6);
    CHECK(ast.fields[kStatistic].offset == 6);  // not written: the end
  }
  SECTION("an RE keeps its colons and loses its slashes") {
    const SelectorAst ast = parse_selector("/a:b/:1*");
    CHECK(ast.written == 2);
    CHECK(ast.fields[kModule].kind == FieldKind::regex);
    CHECK(ast.fields[kModule].text == "a:b");
    CHECK(ast.fields[kInstance].kind == FieldKind::glob);
    CHECK(ast.fields[kInstance].text == "1*");
    CHECK(ast.fields[kInstance].offset == 6);
  }
  SECTION("a field that starts with '/' but never closes is a glob") {
    const SelectorAst ast = parse_selector("/abc:def");
    CHECK(ast.written == 2);
    CHECK(ast.fields[kModule].kind == FieldKind::glob);
    CHECK(ast.fields[kModule].text == "/abc");
    CHECK(ast.fields[kInstance].text == "def");
  }
  SECTION("the empty RE") {
    const SelectorAst ast = parse_selector("//");
    CHECK(ast.fields[kModule].kind == FieldKind::regex);
    CHECK(ast.fields[kModule].text.empty());
  }
  SECTION("brackets and escapes protect ':'") {
    const SelectorAst ast = parse_selector("[[:alpha:]]x:a\\:b");
    CHECK(ast.written == 2);
    CHECK(ast.fields[kModule].text == "[[:alpha:]]x");
    CHECK(ast.fields[kInstance].text == "a\\:b");
  }
}

TEST_CASE("parse_selector builds the OpenBSD AST", "[grammar]") {
  SECTION("bare name") {
    const SelectorAst ast = parse_selector("rxq*", SelectorMode::openbsd);
    CHECK(ast.written == 1);
    CHECK(ast.fields[kModule].kind == FieldKind::any);
    CHECK(ast.fields[kName].kind == FieldKind::glob);
    CHECK(ast.fields[kName].text == "rxq*");
  }
  SECTION("four fields") {
    const SelectorAst ast = parse_selector("em:12:rxq:3", SelectorMode::openbsd);
    CHECK(ast.written == 4);
    CHECK(ast.fields[kModule].text == "em");
    CHECK(ast.fields[kInstance].kind == FieldKind::number);
    CHECK(ast.fields[kInstance].number == 12);
    CHECK(ast.fields[kName].text == "rxq");
    CHECK(ast.fields[kStatistic].kind == FieldKind::number);
    CHECK(ast.fields[kStatistic].number == 3);
  }
  SECTION("empty numbers are any") {
    const SelectorAst ast = parse_selector("em::rxq:", SelectorMode::openbsd);
    CHECK(ast.fields[kInstance].kind == FieldKind::any);
    CHECK(ast.fields[kStatistic].kind == FieldKind::any);
  }
  SECTION("slashes are plain glob characters") {
    const SelectorAst ast = parse_selector("/a/", SelectorMode::openbsd);
    CHECK(ast.fields[kName].kind == FieldKind::glob);
    CHECK(ast.fields[kName].text == "/a/");
  }
}

TEST_CASE("selector parse errors show the input and a caret", "[grammar]") {
  REQUIRE_THROWS_WITH(parse_selector("a:b:c:d:e"),
                      "selector: too many fields (at most module:instance:name:statistic)\n"
                      "  a:b:c:d:e\n"
                      "         ^");
  REQUIRE_THROWS_WITH(parse_selector("/x:y/:1:n:s:extra"),
                      "selector: too many fields (at most module:instance:name:statistic)\n"
                      "  /x:y/:1:n:s:extra\n"
                      "             ^");
  REQUIRE_THROWS_WITH(parse_selector("em:x:rxq:1", SelectorMode::openbsd),
                      "selector: instance must be a decimal number or empty\n"
                      "  em:x:rxq:1\n"
                      "     ^");
  REQUIRE_THROWS_WITH(
      parse_selector("em:0", SelectorMode::openbsd),
      "selector: expected provider:instance:name:unit (4 fields) or a bare name (1 field)\n"
      "  em:0\n"
      "      ^");
  REQUIRE_THROWS_WITH(parse_selector("em:0:rxq:1u", SelectorMode::openbsd),
                      "selector: unit must be a decimal number or empty\n"
                      "  em:0:rxq:1u\n"
                      "            ^");
  REQUIRE_THROWS_WITH(parse_selector("em:0:rxq:1:2", SelectorMode::openbsd),
                      "selector: too many fields (at most provider:instance:name:unit)\n"
                      "  em:0:rxq:1:2\n"
                      "            ^");
  REQUIRE_THROWS_WITH(parse_selector("em:99999999999999999999:rxq:1", SelectorMode::openbsd),
                      "selector: instance number is too large\n"
                      "  em:99999999999999999999:rxq:1\n"
                      "     ^");
}

TEST_CASE("selector errors are Errc::parse and survive odd bytes", "[grammar]") {
  try {
    parse_selector(std::string_view("a\tb:\0:c:d:\xC3\xA9:f", 14));
    FAIL("expected an error");
  } catch (const kstatsql::Error& e) {
    CHECK(e.code() == kstatsql::Errc::parse);
    // Control bytes print as '?'; the two-byte UTF-8 character takes one column.
    CHECK(std::string(e.what()) ==
          "selector: too many fields (at most module:instance:name:statistic)\n"
          "  a?b:?:c:d:\xC3\xA9:f\n"
          "           ^");
  }
}

TEST_CASE("format_caret places the caret by character", "[grammar]") {
  CHECK(format_caret("oops", "abc", 0) == "selector: oops\n  abc\n  ^");
  CHECK(format_caret("oops", "abc", 3) == "selector: oops\n  abc\n     ^");
  CHECK(format_caret("oops", "\xC3\xA9x", 2) == "selector: oops\n  \xC3\xA9x\n   ^");
}
