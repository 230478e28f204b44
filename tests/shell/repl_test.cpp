// tests/shell/repl_test.cpp — the SQL shell in-process: statement splitting,
// errors and exit status, dot-commands, --interval over a live-like source.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "engine/sources/open_source.hpp"
#include "shell/kstat_mode.hpp"
#include "shell/repl.hpp"
#include "support/db.hpp"
#include "support/ticking_source.hpp"

using namespace kstatsql;
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
  return text;
}

// A shell over `source` whose stdout and stderr are captured.
struct Harness {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  std::unique_ptr<Shell> shell;
  explicit Harness(ShellOptions o = {},
                   std::shared_ptr<engine::Source> src = test::small_machine()) {
    shell = std::make_unique<Shell>(std::move(o), Session(src, "test"), out, err);
  }
  ~Harness() {
    shell.reset();
    std::fclose(out);
    std::fclose(err);
  }
  std::string stdout_text() { return drain(out); }
  std::string stderr_text() { return drain(err); }
};

}  // namespace

TEST_CASE("shell: statements run one by one; errors do not stop later ones", "[shell]") {
  Harness h;
  CHECK(h.shell->run_script("select 1; selec 2; select 3;"));
  CHECK(h.stdout_text() == "1\n3\n");
  CHECK(h.stderr_text() ==
        "Parse error near line 1: near \"selec\": syntax error\n"
        "  selec 2;\n"
        "  ^--- error here\n");
  CHECK(h.shell->status() == 1);
}

TEST_CASE("shell: -bail stops at the first error", "[shell]") {
  ShellOptions o;
  o.bail = true;
  Harness h(o);
  CHECK_FALSE(h.shell->run_script("select 1;\nselect nosuch from kstat;\nselect 3;"));
  CHECK(h.stdout_text() == "1\n");
  CHECK(h.stderr_text() ==
        "Parse error near line 2: no such column: nosuch\n"
        "  select nosuch from kstat;\n"
        "         ^--- error here\n");
}

TEST_CASE("shell: multi-line statements, comments and line numbers", "[shell]") {
  Harness h;
  h.shell->run_script(
      "-- a comment\nselect\n  value\nfrom named where module = 'unix'\n"
      "  and statistic = 'nproc';\n\nselect 'a;b'; select\n  bogus(1);\n");
  CHECK(h.stdout_text() == "123\na;b\n");
  CHECK(h.stderr_text() ==
        "Parse error near line 8: no such function: bogus\n"
        "    bogus(1);\n"
        "    ^--- error here\n");
  // Runtime errors name their line too.
  Harness r;
  r.shell->run_script("\nselect kstat_source(NULL);");
  CHECK_THAT(r.stderr_text(),
             Catch::StartsWith("Runtime error near line 2: kstat_source(): expected"));
  CHECK(r.shell->status() == 1);
  // A statement without ';' at the end of input still runs.
  Harness e;
  e.shell->run_script("select 40 + 2");
  CHECK(e.stdout_text() == "42\n");
}

TEST_CASE("shell: dot-commands", "[shell]") {
  Harness h;
  h.shell->run_script(
      ".headers on\n.mode csv\nselect 1 as a, 'x y' as b;\n.mode json\n"
      "select name, nread from io where name = 'sd0';\n.print done\n");
  CHECK(h.stdout_text() == "a,b\n1,\"x y\"\n[{\"name\":\"sd0\",\"nread\":51200}]\ndone\n");
  Harness t;
  t.shell->run_script(".tables\n");
  std::string tables = t.stdout_text();
  CHECK_THAT(tables, Catch::Contains("kstat") && Catch::Contains("named") && Catch::Contains("io"));
  Harness s;
  s.shell->run_script(".schema named;\n");
  std::string schema = s.stdout_text();
  CHECK_THAT(schema, Catch::StartsWith("CREATE TABLE named(  -- "));
  CHECK_THAT(schema,
             Catch::Contains("  statistic TEXT,  -- ") && Catch::Contains("  rate REAL HIDDEN,"));
  CHECK_THAT(schema, !Catch::Contains("CREATE TABLE kstat("));
  Harness u;
  CHECK(u.shell->run_script(".bogus\nselect 7;"));
  CHECK(u.stdout_text() == "7\n");
  CHECK_THAT(u.stderr_text(), Catch::Contains("unknown command or invalid arguments:  \"bogus\""));
  CHECK(u.shell->status() == 1);
  Harness q;
  CHECK_FALSE(q.shell->run_script("select 1;\n.quit\nselect 2;"));
  CHECK(q.stdout_text() == "1\n");
  CHECK(q.shell->quitting());
}

TEST_CASE("shell: .stats shows what the last statement read", "[shell]") {
  Harness h;
  h.shell->run_script(
      "select value from named where module='unix' and instance=0 "
      "and name='system_misc' and statistic='nproc';\n.stats\n"
      "select count(*) from kstat;\n.stats\n");
  CHECK(h.stdout_text() ==
        "123\nkstats enumerated: 8  matched: 1  read: 1  generation: 1\n"
        "8\nkstats enumerated: 0  matched: 8  read: 0  generation: 2\n");
}

TEST_CASE("shell: .once, .output, .read and .source", "[shell]") {
  std::string dir = std::string(KSTATSQL_BUILD_DIR) + "/shell-test-";
  Harness h;
  h.shell->run_script(".once " + dir + "once.txt\nselect 1;\nselect 2;\n");
  CHECK(h.stdout_text() == "2\n");
  std::ifstream once(dir + "once.txt");
  std::string line;
  std::getline(once, line);
  CHECK(line == "1");
  {
    std::ofstream script(dir + "script.sql");
    script << ".mode line\nselect 5 as five;\n";
  }
  Harness r;
  r.shell->run_script(".read " + dir + "script.sql\n.read /nonexistent.sql\n");
  CHECK(r.stdout_text() == " five = 5\n");
  CHECK_THAT(r.stderr_text(), Catch::Contains("cannot open \"/nonexistent.sql\""));
  Harness s;
  std::string dump = std::string(KSTATSQL_TEST_DATA) + "/dumps/illumos-kstat-p.txt";
  s.shell->run_script(".source " + dump +
                      "\nselect value from named where module='caps' and "
                      "name='lockedmem_zone_0' and statistic='zonename';\n.source /nonexistent\n");
  CHECK(s.stdout_text() == "global\n");
  CHECK_THAT(s.stderr_text(), Catch::StartsWith("Error: .source: "));
}

TEST_CASE("shell: --interval re-runs on fresh generations, rates per interval", "[shell]") {
  ShellOptions o;
  o.interval = 0.05;
  o.count = 3;
  o.inputs.push_back({shell::Input::Kind::sql,
                      "select value, delta from named where module='tick' and instance=0 "
                      "and statistic='value'; select kstat_reads('generation') - 0;"});
  auto src = std::make_shared<test::TickingSource>(1);
  Harness h(o, src);
  std::int64_t t0 = shell::monotonic_ns();
  CHECK(h.shell->run() == 0);
  std::int64_t elapsed = shell::monotonic_ns() - t0;
  CHECK(elapsed >= 100000000);
  CHECK(elapsed < 2000000000);
  // Both statements of an iteration see one generation; a blank line between
  // iterations; delta is per interval (the first sample's base is 0).
  std::string out = h.stdout_text();
  CHECK(out == "1|1\n1\n\n2|1\n2\n\n3|1\n3\n");
}

TEST_CASE("shell: --report runs a report file on each iteration", "[shell]") {
  std::string path = std::string(KSTATSQL_BUILD_DIR) + "/shell-test-report.sql";
  {
    std::ofstream f(path);
    f << "-- a report\n.mode csv\nselect 'cpus', count(*) from kstat where module = 'cpu';\n";
  }
  ShellOptions o;
  o.report = path;
  o.interval = 0.01;
  o.count = 2;
  Harness h(o);
  CHECK(h.shell->run() == 0);
  CHECK(h.stdout_text() == "cpus,2\n\ncpus,2\n");
  ShellOptions missing;
  missing.report = "/nonexistent/report.sql";
  Harness m(missing);
  CHECK(m.shell->run() == 2);
  CHECK_THAT(m.stderr_text(), Catch::StartsWith("kstatsql: no report '/nonexistent/report.sql'"));
}

TEST_CASE("shell: completion candidates", "[shell]") {
  test::Db db(test::small_machine());
  shell::CompletionData d = shell::load_completion_data(db.get(), true);
  using shell::complete_word;
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  CHECK(has(complete_word(d, "", ".ta"), ".tables"));
  CHECK(complete_word(d, ".mode ", "ma") == std::vector<std::string>{"markdown"});
  CHECK(has(complete_word(d, "select * from ", "nam"), "named"));
  CHECK(has(complete_word(d, "select ", "statis"), "statistic"));
  CHECK(has(complete_word(d, "select ", "kstat_re"), "kstat_reads("));
  CHECK(has(complete_word(d, "", "sel"), "select"));
  CHECK(has(complete_word(d, "", "SEL"), "SELECT"));
  CHECK(complete_word(d, "select * from named where module = ", "'cp") ==
        std::vector<std::string>{"'cpu'"});
  CHECK(complete_word(d, "select * from named where module = ", "'") ==
        std::vector<std::string>{"'cpu'", "'gone'", "'link'", "'sd'", "'unix'"});
}
