// tests/shell/args_test.cpp — `kstatsql` command-line parsing (shell/repl.hpp).
#include <catch2/catch.hpp>

#include <cstdlib>

#include "shell/repl.hpp"

using kstatsql::shell::Input;
using kstatsql::shell::Mode;
using kstatsql::shell::parse_shell_args;
using kstatsql::shell::ShellArgs;
using Action = ShellArgs::Action;

namespace {
ShellArgs parse(std::vector<std::string> args) {
  return parse_shell_args(args);
}
}  // namespace

TEST_CASE("shell arguments: SQL, -c, -f and -cmd keep their order", "[shell]") {
  ShellArgs a = parse({"--source", "d.txt", "-header", "SELECT 1", "-c", "SELECT 2", "-f", "x.sql",
                       "-cmd", ".mode csv", "-bail"});
  REQUIRE(a.action == Action::run);
  CHECK(a.options.source == "d.txt");
  CHECK(a.options.render.headers);
  CHECK(a.options.bail);
  REQUIRE(a.options.inputs.size() == 3);
  CHECK(a.options.inputs[0].text == "SELECT 1");
  CHECK(a.options.inputs[1].text == "SELECT 2");
  CHECK(a.options.inputs[2].kind == Input::Kind::file);
  CHECK(a.options.commands == std::vector<std::string>{".mode csv"});
  // One or two dashes, --opt=value, mode switches, -mode, -noheader.
  ShellArgs b = parse({"--json", "--source=live", "-noheader", "--", "-x"});
  CHECK(b.options.render.mode == Mode::json);
  CHECK(b.options.source == "live");
  CHECK_FALSE(b.options.render.headers);
  CHECK(b.options.inputs.at(0).text == "-x");
  CHECK(parse({"-box"}).options.render.mode == Mode::box);
  CHECK(parse({"-mode", "tsv"}).options.render.mode == Mode::tabs);
  CHECK(parse({"-kstat"}).options.render.mode == Mode::kstat);
  CHECK(parse({"-separator", ",", "-nullvalue", "NULL"}).options.render.null_value == "NULL");
}

TEST_CASE("shell arguments: subcommands, help, version and usage errors", "[shell]") {
  ShellArgs k = parse({"--source", "d.txt", "kstat", "-p", "cpu"});
  CHECK(k.action == Action::kstat);
  CHECK(k.options.source == "d.txt");
  CHECK(k.rest == std::vector<std::string>{"-p", "cpu"});
  CHECK(parse({"record", "-o", "x.kss"}).action == Action::record);
  CHECK(parse({"convert", "a", "b"}).rest.size() == 2);
  CHECK(parse({"SELECT 1", "kstat"}).action == Action::run);  // after SQL, "kstat" is SQL
  CHECK(parse({"--help"}).action == Action::help);
  CHECK(parse({"-version"}).action == Action::version);
  for (auto args :
       std::vector<std::vector<std::string>>{{"--bogus"},
                                             {"--source"},
                                             {"-mode", "nosuch"},
                                             {"--interval", "0", "SELECT 1"},
                                             {"--interval", "x", "SELECT 1"},
                                             {"--interval", "1"},
                                             {"--count", "2", "SELECT 1"},
                                             {"--interval", "1", "--count", "0", "SELECT 1"},
                                             {"--report", "r", "1", "2", "3"},
                                             {"--report", "r", "SELECT 1"}}) {
    INFO(args[0]);
    ShellArgs e = parse(args);
    CHECK(e.action == Action::usage_error);
    CHECK_THAT(e.message, Catch::StartsWith("kstatsql: "));
  }
}

TEST_CASE("shell arguments: --interval, --count and --report", "[shell]") {
  ShellArgs a = parse({"--interval", "0.25", "--count", "4", "SELECT 1"});
  REQUIRE(a.action == Action::run);
  CHECK(a.options.interval == 0.25);
  CHECK(a.options.count == 4);
  ShellArgs r = parse({"--report", "iostat", "2", "5"});
  REQUIRE(r.action == Action::run);
  CHECK(r.options.report == "iostat");
  CHECK(r.options.interval == 2);
  CHECK(r.options.count == 5);
  CHECK(parse({"--report", "vmstat"}).options.interval == 0);
}

TEST_CASE("report files are found in KSTATSQL_REPORTS", "[shell]") {
  using kstatsql::shell::report_path;
  CHECK(report_path("./mine.sql") == "./mine.sql");
  CHECK(report_path("x.sql") == "x.sql");
  ::setenv("KSTATSQL_REPORTS", "/tmp/rep", 1);
  CHECK(report_path("iostat") == "/tmp/rep/iostat.sql");
  ::unsetenv("KSTATSQL_REPORTS");
  CHECK_THAT(report_path("iostat"), Catch::EndsWith("reports/iostat.sql"));
}

TEST_CASE("shell arguments: options before a subcommand are used or refused", "[shell]") {
  ShellArgs k = parse({"--interval", "0.5", "--count", "3", "kstat", "-p"});
  REQUIRE(k.action == Action::kstat);
  CHECK(k.options.interval == 0.5);
  CHECK(k.options.count == 3);
  CHECK(parse({"--source", "x.txt", "record", "-o", "r.kss"}).options.source == "x.txt");
  for (auto args : std::vector<std::vector<std::string>>{{"--count", "3", "kstat"},
                                                         {"--interval", "1", "record", "-o", "r"},
                                                         {"--source", "a", "convert", "a", "b"}}) {
    INFO(args[0] << " " << args[2]);
    ShellArgs e = parse(args);
    CHECK(e.action == Action::usage_error);
  }
}

TEST_CASE("shell arguments: numeric options outside their range name it", "[shell]") {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{"--interval", "1e300", "SELECT 1"}, "--interval '1e300': expected a number of seconds"},
      {{"--interval", "0.0009", "SELECT 1"}, "from 0.001 to 31536000"},
      {{"--interval", "31536001", "SELECT 1"}, "from 0.001 to 31536000"},
      {{"--interval", "-1", "SELECT 1"}, "from 0.001 to 31536000"},
      {{"--interval", "nan", "SELECT 1"}, "--interval 'nan'"},
      {{"--interval", "1", "--count", "2147483648", "SELECT 1"}, "from 1 to 2147483647"},
      {{"--interval", "1", "--count", "-5", "SELECT 1"}, "--count '-5'"},
      {{"--interval", "1", "--count", "1.5", "SELECT 1"}, "--count '1.5'"},
      {{"--report", "r", "0"}, "--report interval '0'"},
      {{"--report", "r", "1", "99999999999999999999"}, "--report count '99999999999999999999'"},
  };
  for (const Case& c : cases) {
    ShellArgs e = parse(c.args);
    INFO(c.args[1]);
    CHECK(e.action == Action::usage_error);
    CHECK_THAT(e.message, Catch::Contains(c.message));
  }
  // The extremes themselves are accepted.
  CHECK(parse({"--interval", "0.001", "SELECT 1"}).options.interval == 0.001);
  CHECK(parse({"--interval", "31536000", "--count", "2147483647", "SELECT 1"}).options.count ==
        2147483647);
}
