// tests/shell/sqlite_habits_test.cpp — what the shell does as sqlite3 does:
// a database file, .open, .dump, .import, .show, .width, unique prefixes of
// dot-commands, html/insert/ascii modes, the EXPLAIN QUERY PLAN tree,
// .exit's status, and the ranges of numeric options.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdio>
#include <memory>

#include "shell/dot_commands.hpp"
#include "shell/render.hpp"
#include "shell/repl.hpp"
#include "support/db.hpp"
#include "support/kss_temp.hpp"

using namespace kstatsql;
using shell::Cell;
using shell::Mode;
using shell::Shell;
using shell::ShellOptions;

namespace {

std::string drain(std::FILE* f) {
  std::string text;
  std::fflush(f);
  std::rewind(f);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::rewind(f);
  if (ftruncate(fileno(f), 0) != 0) text += "(ftruncate failed)";
  return text;
}

struct Harness {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  std::unique_ptr<Shell> shell;
  explicit Harness(ShellOptions o = {}) {
    shell = std::make_unique<Shell>(std::move(o), Session(test::small_machine(), "test"), out, err);
  }
  ~Harness() {
    shell.reset();
    std::fclose(out);
    std::fclose(err);
  }
  std::string run(const std::string& script) {
    shell->run_script(script);
    return drain(out);
  }
  std::string errors() { return drain(err); }
};

std::string render(const shell::RenderOptions& o, const std::vector<std::string>& names,
                   const std::vector<std::vector<Cell>>& rows) {
  std::string out;
  shell::Renderer r(o, out);
  r.begin(names);
  for (const auto& row : rows) r.row(row);
  r.end();
  return out;
}

}  // namespace

TEST_CASE("a database file is the main database: tables made from kstats persist", "[shell]") {
  test::TempDir dir;
  const std::string db = dir.file("saved.db");
  {
    ShellOptions o;
    o.database = db;
    Harness h(std::move(o));
    h.run(
        "CREATE TABLE procs AS SELECT value FROM named WHERE module = 'unix' "
        "AND name = 'system_misc' AND statistic = 'nproc';");
    CHECK(h.errors().empty());
    CHECK(h.run(".show\n").find("filename: " + db) != std::string::npos);
  }
  Harness h;
  CHECK(h.run("SELECT count(*) FROM procs;") == "");  // a fresh shell is in memory
  CHECK_THAT(h.errors(), Catch::Contains("no such table: procs"));
  CHECK(h.run(".open " + db + "\nSELECT value FROM procs;\nSELECT count(*) > 0 FROM kstat;\n") ==
        "123\n1\n");
  CHECK(h.errors().empty());
  CHECK(h.run(".open\nSELECT count(*) FROM sqlite_schema;\n") == "0\n");  // back in memory
  // A file that is not a database is refused, naming the likely intent.
  test::spit(dir.file("dump.txt"), "unix:0:system_misc:nproc\t71\n");
  h.run(".open " + dir.file("dump.txt") + "\n");
  CHECK_THAT(h.errors(), Catch::Contains("is not an SQLite database") &&
                             Catch::Contains("--source " + dir.file("dump.txt")));
  CHECK(h.run("SELECT 5;") == "5\n");  // the current database is kept
}

TEST_CASE("the first positional argument may name a database", "[shell]") {
  CHECK(shell::names_database("my.db"));
  CHECK(shell::names_database("dir/x"));
  CHECK(shell::names_database(":memory:"));
  CHECK_FALSE(shell::names_database("SELECT 1"));
  CHECK_FALSE(shell::names_database("VACUUM"));
  CHECK_FALSE(shell::names_database("select'a.b'"));
  CHECK_FALSE(shell::names_database(".help"));  // a dot-command
  CHECK(shell::names_database("./.hidden.db"));
  std::vector<std::string> args = {"my.db", "SELECT 1", "x.db"};
  shell::ShellArgs a = shell::parse_shell_args(args);
  CHECK(a.options.database == "my.db");
  REQUIRE(a.options.inputs.size() == 2);
  CHECK(a.options.inputs[1].text == "x.db");  // only the first may be a database
}

TEST_CASE(".dump writes native tables and skips virtual ones", "[shell]") {
  Harness h;
  h.run(
      "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);"
      "INSERT INTO t VALUES(1, 'it''s', 2.5), (2, NULL, NULL);"
      "CREATE INDEX tb ON t(b); CREATE VIEW v AS SELECT a FROM t;");
  const std::string dump = h.run(".dump\n");
  CHECK(dump ==
        "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
        "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);\n"
        "INSERT INTO t VALUES(1,'it''s',2.5);\nINSERT INTO t VALUES(2,NULL,NULL);\n"
        "CREATE INDEX tb ON t(b);\nCREATE VIEW v AS SELECT a FROM t;\nCOMMIT;\n");
  // Loading the dump into a new database gives the same rows.
  Harness h2;
  h2.run(dump);
  CHECK(h2.run("SELECT * FROM v ORDER BY a; SELECT b FROM t WHERE a = 1;") == "1\n2\nit's\n");
  CHECK(h2.errors().empty());
  // A virtual table is named in a comment, not recreated (its rows come from its module).
  if (h.run("CREATE VIRTUAL TABLE r USING rtree(id, x0, x1);").empty() && h.errors().empty()) {
    const std::string d = h.run(".dump r\n");
    CHECK_THAT(d, Catch::Contains("-- virtual table r skipped"));
    CHECK_THAT(d, !Catch::Contains("r_node"));  // nor its shadow tables
  } else {
    WARN("this SQLite has no rtree module: the virtual-table part of .dump is not tested");
  }
  // Generated columns are not inserted; quoted names get IF NOT EXISTS, as sqlite3 writes them.
  h.run("CREATE TABLE \"g t\"(x REAL, y AS (x * 2)); INSERT INTO \"g t\"(x) VALUES(0.1);");
  CHECK_THAT(h.run(".dump g%\n"),
             Catch::Contains("CREATE TABLE IF NOT EXISTS \"g t\"(x REAL, y AS (x * 2));\n"
                             "INSERT INTO \"g t\"(x) VALUES(0.10000000000000000555);\n"));
  h.run(".dump nosuch\n");
  CHECK_THAT(h.errors(), Catch::Contains("no table of the database matches \"nosuch\""));
}

TEST_CASE(".import reads CSV into a new or an existing table", "[shell]") {
  test::TempDir dir;
  const std::string csv = dir.file("in.csv");
  test::spit(csv, "name,note\r\nsd0,\"a, b\"\r\n\"sd\"\"1\",\"two\nlines\"\nshort\n");
  Harness h;
  h.run(".import " + csv + " disks\n");
  CHECK_THAT(h.errors(), Catch::Contains(csv + ":5: expected 2 columns but found 1"));
  CHECK(h.run(".mode quote\nSELECT * FROM disks;\n") ==
        "'sd0','a, b'\n'sd\"1','two\nlines'\n'short',NULL\n");
  h.run(".import --skip 1 " + csv + " disks\n");  // existing table: every record is a row
  CHECK(h.run(".mode list\nSELECT count(*) FROM disks;\n") == "6\n");
  test::spit(dir.file("bad.csv"), "a,b\n1,\"open\n2,3\n");
  h.errors();
  h.run(".import " + dir.file("bad.csv") + " bad\n");
  CHECK_THAT(h.errors(), Catch::Contains("bad.csv:2: unterminated \"-quoted field"));
  h.run(".import " + dir.file("missing.csv") + " x\n");
  CHECK_THAT(h.errors(), Catch::Contains("cannot open"));
  CHECK(h.shell->status() == 1);
}

TEST_CASE("dot-commands may be abbreviated to a unique prefix", "[shell]") {
  std::vector<std::string_view> c;
  CHECK(shell::resolve_dot_command("hel", c) == shell::find_dot_command("help"));
  CHECK(shell::resolve_dot_command("q", c) == shell::find_dot_command("quit"));  // alias
  CHECK(shell::resolve_dot_command("he", c) == nullptr);
  CHECK(c == std::vector<std::string_view>{"headers", "help"});
  CHECK(shell::resolve_dot_command("zz", c) == nullptr);
  CHECK(c.empty());
  Harness h;
  CHECK(h.run(".mo csv\n.sho\n").find("mode: csv") != std::string::npos);
  CHECK_THAT(h.run(".expl named module=unix | count\n"), Catch::Contains("FROM named"));
  CHECK(h.errors().empty());
  h.run(".e\n");
  CHECK(h.errors() == "Error: \".e\" is ambiguous: it may be .echo .exit .explain\n");
}

TEST_CASE(".width sets column widths: wrapped, right-aligned with a negative width", "[shell]") {
  shell::RenderOptions o;
  o.mode = Mode::column;
  o.headers = true;
  o.widths = {3, -4};
  CHECK(render(o, {"a", "b"}, {{{SQLITE_TEXT, "abcdef"}, {SQLITE_INTEGER, "7"}}}) ==
        "a       b\n---  ----\nabc     7\ndef      \n");
  Harness h;
  h.run(".width 0 -10000 5\n");
  CHECK(h.run(".show\n").find("width: 0 -10000 5") != std::string::npos);
  h.run(".width 10001\n");
  CHECK_THAT(h.errors(),
             Catch::Contains(".width '10001': expected an integer from -10000 to 10000"));
}

TEST_CASE("html, insert and ascii modes write what sqlite3 writes", "[shell]") {
  shell::RenderOptions o;
  o.headers = true;
  const std::vector<std::vector<Cell>> rows = {
      {{SQLITE_TEXT, "<a&'\">"}, {SQLITE_NULL, ""}, {SQLITE_FLOAT, "0.1", 0.1}},
      {{SQLITE_TEXT, "x\ny"}, {SQLITE_INTEGER, "-3"}, {SQLITE_FLOAT, "2.0", 2.0}}};
  o.mode = Mode::html;
  CHECK(render(o, {"a", "b", "c"}, rows) ==
        "<TR><TH>a</TH>\n<TH>b</TH>\n<TH>c</TH>\n</TR>\n"
        "<TR><TD>&lt;a&amp;&#39;&quot;&gt;</TD>\n<TD></TD>\n<TD>0.1</TD>\n</TR>\n"
        "<TR><TD>x\ny</TD>\n<TD>-3</TD>\n<TD>2.0</TD>\n</TR>\n");
  o.mode = Mode::insert;
  o.headers = false;
  CHECK(render(o, {"a", "b", "c"}, rows) ==
        "INSERT INTO \"table\" VALUES('<a&''\">',NULL,0.10000000000000000555);\n"
        "INSERT INTO \"table\" VALUES(replace('x\\ny','\\n',char(10)),-3,2.0);\n");
  o.insert_table = "t";
  o.headers = true;
  CHECK(render(o, {"a", "select"}, {{{SQLITE_INTEGER, "1"}, {SQLITE_BLOB, "\x01\xff"}}}) ==
        "INSERT INTO t(a,\"select\") VALUES(1,X'01ff');\n");
  o.mode = Mode::ascii;
  CHECK(render(o, {"a", "b"}, {{{SQLITE_TEXT, "x"}, {SQLITE_INTEGER, "1"}}}) ==
        "a\x1f"
        "b\x1e"
        "x\x1f"
        "1\x1e");
  // The rows insert mode writes load back as the same values.
  Harness h;
  h.run("CREATE TABLE \"table\"(a, b, c);");
  const std::string sql =
      h.run(".mode insert\nSELECT 'it''s', x'00ff', 1e300 UNION ALL SELECT 'a\nb', NULL, 0.1;\n");
  h.run(sql);
  CHECK(h.run(".mode list\nSELECT quote(a) || quote(b) || quote(c) FROM \"table\";\n") ==
        "'it''s'X'00FF'1.0e+300\n'a\nb'NULL0.1\n");
}

TEST_CASE("EXPLAIN QUERY PLAN is drawn as a tree", "[shell]") {
  const std::vector<shell::PlanRow> rows = {
      {2, 0, "SCAN a"}, {5, 0, "CORRELATED SCALAR SUBQUERY 1"}, {9, 5, "SCAN b"}, {12, 0, "SORT"}};
  CHECK(shell::render_query_plan(rows) ==
        "QUERY PLAN\n|--SCAN a\n|--CORRELATED SCALAR SUBQUERY 1\n|  `--SCAN b\n`--SORT\n");
  Harness h;
  const std::string out =
      h.run("EXPLAIN QUERY PLAN SELECT * FROM kstat_columns a, kstat_columns b;");
  CHECK_THAT(out, Catch::StartsWith("QUERY PLAN\n|--SCAN") && Catch::Contains("\n`--SCAN"));
  h.run(".mode json\n");  // the tree in every mode, as sqlite3 draws it
  CHECK_THAT(h.run("EXPLAIN QUERY PLAN SELECT 1 FROM kstat_columns;"),
             Catch::StartsWith("QUERY PLAN\n`--SCAN"));
}

TEST_CASE(".exit without a code: 1 after an error, else 0; -echo has no blank line", "[shell]") {
  auto exit_status = [](const std::string& script) {
    ShellOptions o;
    o.inputs.push_back({shell::Input::Kind::sql, script});
    Harness h(std::move(o));
    return h.shell->run();
  };
  CHECK(exit_status("SELECT 1;\n.exit\n") == 0);
  CHECK(exit_status("selec 1;\n.exit\n") == 1);
  CHECK(exit_status("selec 1;\n.exit 0\n") == 0);
  CHECK(exit_status(".exit 7\n") == 7);
  CHECK(exit_status(".exit 256\n") == 1);  // out of range: an error, not exit
  ShellOptions o;
  o.echo = true;
  Harness h(std::move(o));
  CHECK(h.run("SELECT 1;\n\nSELECT 2") == "SELECT 1;\n1\nSELECT 2\n2\n");
  CHECK(h.run(".print hi\nSELECT 3;\n") == ".print hi\nhi\nSELECT 3;\n3\n");
}

TEST_CASE("completion: file names after .read, module names after module =", "[shell]") {
  test::TempDir dir;
  test::spit(dir.file("iostat.sql"), "");
  test::spit(dir.file("iotop.sql"), "");
  shell::CompletionData d;
  d.modules = {"cpu", "unix", "zfs"};
  d.have_modules = true;
  d.keywords = {"UNION"};
  const std::string base = dir.file("");  // ends with '/'
  CHECK(shell::complete_word(d, ".read " + base, "iost") == std::vector<std::string>{"iostat.sql"});
  CHECK(shell::complete_word(d, ".read " + base, "io") ==
        std::vector<std::string>{"iostat.sql", "iotop.sql"});
  CHECK(shell::complete_word(d, ".import ", base.substr(0, base.size() - 1)).size() == 1);
  CHECK(shell::complete_word(d, "SELECT * FROM kstat WHERE module = ", "u") ==
        std::vector<std::string>{"'unix'"});
  CHECK(shell::complete_word(d, "SELECT * FROM kstat WHERE module = ", "'") ==
        std::vector<std::string>{"'cpu'", "'unix'", "'zfs'"});
  CHECK(shell::complete_word(d, "WHERE module IN ('cpu', ", "z") ==
        std::vector<std::string>{"'zfs'"});
  CHECK(shell::complete_word(d, "WHERE xmodule = ", "u") == std::vector<std::string>{"union"});
}
