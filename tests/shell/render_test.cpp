// tests/shell/render_test.cpp — every output mode of shell/render.hpp.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "kstatsql/error.hpp"
#include "shell/render.hpp"

using kstatsql::shell::Cell;
using kstatsql::shell::Mode;
using kstatsql::shell::Renderer;
using kstatsql::shell::RenderOptions;

namespace {

Cell i(const char* t) {
  return {SQLITE_INTEGER, t};
}
Cell r(const char* t) {
  return {SQLITE_FLOAT, t};
}
Cell s(std::string t) {
  return {SQLITE_TEXT, std::move(t)};
}
Cell null() {
  return {SQLITE_NULL, ""};
}

std::string render(Mode m, const std::vector<std::string>& names,
                   const std::vector<std::vector<Cell>>& rows, bool headers = true) {
  RenderOptions o;
  o.mode = m;
  o.headers = headers;
  std::string out;
  Renderer rd(o, out);
  rd.begin(names);
  for (const auto& row : rows) rd.row(row);
  rd.end();
  return out;
}

const std::vector<std::string> kNames = {"a", "bb", "c"};
const std::vector<std::vector<Cell>> kRows = {{i("1"), s("x,y\"z"), null()},
                                              {i("22"), s("héllo"), r("2.5")}};

}  // namespace

TEST_CASE("list, tabs and quote modes", "[shell]") {
  CHECK(render(Mode::list, kNames, kRows) == "a|bb|c\n1|x,y\"z|\n22|héllo|2.5\n");
  CHECK(render(Mode::list, kNames, kRows, false) == "1|x,y\"z|\n22|héllo|2.5\n");
  CHECK(render(Mode::tabs, kNames, kRows, false) == "1\tx,y\"z\t\n22\théllo\t2.5\n");
  CHECK(render(Mode::quote, kNames, {{i("1"), s("it's"), null()}}, false) == "1,'it''s',NULL\n");
}

TEST_CASE("csv quotes like sqlite3", "[shell]") {
  std::string out = render(Mode::csv, {"x y", "z"},
                           {{s("a b"), s("it's")},
                            {s("a\"b"), s("")},
                            {s("plain"), i("7")},
                            {s("a;b"), s("héllo")},
                            {null(), s("a,b")}});
  CHECK(out ==
        "\"x y\",z\n"
        "\"a b\",\"it's\"\n"
        "\"a\"\"b\",\"\"\n"
        "plain,7\n"
        "a;b,\"héllo\"\n"
        ",\"a,b\"\n");
}

TEST_CASE("json is typed, with real nulls and one array", "[shell]") {
  std::string out = render(Mode::json, kNames, kRows);
  CHECK(out ==
        "[{\"a\":1,\"bb\":\"x,y\\\"z\",\"c\":null},\n{\"a\":22,\"bb\":\"héllo\",\"c\":2.5}]\n");
  // No rows: an empty array, not nothing; non-finite reals become null.
  CHECK(render(Mode::json, {"a"}, {}) == "[]\n");
  CHECK(render(Mode::json, {"x"}, {{r("Inf")}, {r("-Inf")}}) == "[{\"x\":null},\n{\"x\":null}]\n");
  // Control characters escaped, UTF-8 kept, no \? escape.
  CHECK(render(Mode::json, {"s"}, {{s("a?\n\x01é")}}) == "[{\"s\":\"a?\\n\\u0001é\"}]\n");
  CHECK(render(Mode::jsonl, {"a", "b"}, {{i("1"), null()}, {i("2"), s("x")}}) ==
        "{\"a\":1,\"b\":null}\n{\"a\":2,\"b\":\"x\"}\n");
  CHECK(render(Mode::json, {"b"}, {{Cell{SQLITE_BLOB, std::string("\0\xff", 2)}}}) ==
        "[{\"b\":\"00ff\"}]\n");
}

TEST_CASE("line mode", "[shell]") {
  CHECK(render(Mode::line, kNames, kRows) ==
        "    a = 1\n   bb = x,y\"z\n    c = \n\n    a = 22\n   bb = héllo\n    c = 2.5\n");
  CHECK(render(Mode::line, {"abcdefgh", "b"}, {{i("1"), i("2")}}) ==
        "abcdefgh = 1\n       b = 2\n");
}

TEST_CASE("column mode pads by display width", "[shell]") {
  CHECK(render(Mode::column, kNames, kRows) ==
        "a   bb     c  \n"
        "--  -----  ---\n"
        "1   x,y\"z     \n"
        "22  héllo  2.5\n");
  CHECK(render(Mode::column, kNames, kRows, false) == "1   x,y\"z     \n22  héllo  2.5\n");
  CHECK(render(Mode::column, kNames, {}) == "");
}

TEST_CASE("table, box and markdown center headers and count UTF-8 widths", "[shell]") {
  CHECK(render(Mode::table, kNames, kRows) ==
        "+----+-------+-----+\n"
        "| a  |  bb   |  c  |\n"
        "+----+-------+-----+\n"
        "| 1  | x,y\"z |     |\n"
        "| 22 | héllo | 2.5 |\n"
        "+----+-------+-----+\n");
  CHECK(render(Mode::box, kNames, kRows, false) ==
        "┌────┬───────┬─────┐\n"
        "│ a  │  bb   │  c  │\n"
        "├────┼───────┼─────┤\n"
        "│ 1  │ x,y\"z │     │\n"
        "│ 22 │ héllo │ 2.5 │\n"
        "└────┴───────┴─────┘\n");
  CHECK(render(Mode::markdown, kNames, kRows) ==
        "| a  |  bb   |  c  |\n"
        "|----|-------|-----|\n"
        "| 1  | x,y\"z |     |\n"
        "| 22 | héllo | 2.5 |\n");
  // Wide characters take two columns; a newline makes a cell two lines high.
  CHECK(render(Mode::box, {"z", "x"}, {{s("日本"), s("a\nbc")}}) ==
        "┌──────┬────┐\n"
        "│  z   │ x  │\n"
        "├──────┼────┤\n"
        "│ 日本 │ a  │\n"
        "│      │ bc │\n"
        "└──────┴────┘\n");
}

TEST_CASE("display_width", "[shell]") {
  using kstatsql::shell::display_width;
  CHECK(display_width("abc") == 3);
  CHECK(display_width("héllo") == 5);
  CHECK(display_width("日本語") == 6);
  CHECK(display_width("e\xcc\x81") == 1);  // e + combining acute
  CHECK(display_width("\xff") == 1);       // invalid byte
}

TEST_CASE("kstat mode prints kstat -p lines", "[shell]") {
  // Long form: one row per statistic.
  CHECK(render(Mode::kstat, {"module", "instance", "name", "statistic", "value"},
               {{s("unix"), i("0"), s("system_misc"), s("nproc"), i("102")}}) ==
        "unix:0:system_misc:nproc\t102\n");
  // Names only when there is no value column (kstat -l).
  CHECK(render(Mode::kstat, {"module", "instance", "name", "statistic"},
               {{s("cpu"), i("1"), s("sys"), s("intr")}}) == "cpu:1:sys:intr\n");
  // Wide form: each other column is a statistic; crtime/snaptime as hrtime.
  CHECK(render(Mode::kstat, {"module", "instance", "name", "nread", "snaptime"},
               {{s("sd"), i("0"), s("sd0"), i("1024"), i("9013271863046")}}) ==
        "sd:0:sd0:nread\t1024\nsd:0:sd0:snaptime\t9013.271863046\n");
  CHECK_THROWS_AS(render(Mode::kstat, {"a", "b"}, {}), kstatsql::Error);
  CHECK_THROWS_WITH(render(Mode::kstat, {"module", "instance", "name", "statistic", "x", "y"}, {}),
                    Catch::Contains("`value`"));
}

TEST_CASE("mode names", "[shell]") {
  using kstatsql::shell::parse_mode;
  CHECK(parse_mode("tsv") == Mode::tabs);
  CHECK(parse_mode("box") == Mode::box);
  CHECK(parse_mode("kstat") == Mode::kstat);
  CHECK(parse_mode("html") == Mode::html);
  CHECK_FALSE(parse_mode("nosuch").has_value());
  CHECK(kstatsql::shell::mode_name(Mode::markdown) == "markdown");
}
