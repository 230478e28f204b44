// The dot-command and output-mode tables feed .help, dispatch and completion.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>

#include "shell/dot_commands.hpp"
#include "shell/repl.hpp"
#include "support/db.hpp"

using namespace kstatsql;

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

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("dot-commands: every command is in .help, completes and dispatches", "[shell]") {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  {
    shell::Shell sh({}, Session(test::small_machine(), "test"), out, err);
    sh.run_script(".help\n");
  }
  const std::string help = drain(out);
  test::Db db(test::small_machine());
  shell::CompletionData d = shell::load_completion_data(db.get(), false);
  REQUIRE(shell::dot_commands().size() >= 20);
  for (const shell::DotCommand& c : shell::dot_commands()) {
    const std::string name = "." + std::string(c.name);
    INFO(name);
    CHECK_THAT(help, Catch::Contains("\n" + name + " ") || Catch::StartsWith(name + " "));
    CHECK(has(shell::complete_word(d, "", name), name));
    CHECK(has(shell::complete_word(d, "", name.substr(0, 2)), name));
    CHECK(shell::find_dot_command(c.name) == &c);
    CHECK_FALSE(c.help.empty());
    CHECK(c.run != nullptr);
    if (!c.alias.empty()) CHECK(shell::find_dot_command(c.alias) == &c);
  }
  // The two the hand-written completion list used to miss.
  CHECK(has(shell::complete_word(d, "", ".kq"), ".kql"));
  CHECK(has(shell::complete_word(d, "", ".exp"), ".explain"));
  CHECK(shell::complete_word(d, ".kql ", "o") == std::vector<std::string>{"off", "on"});
  std::fclose(out);
  std::fclose(err);
}

TEST_CASE("dot-commands: every output mode is in .help, .mode and completion", "[shell]") {
  test::Db db(test::small_machine());
  shell::CompletionData d = shell::load_completion_data(db.get(), false);
  const std::string help = shell::dot_help();
  for (const shell::ModeInfo& m : shell::output_modes()) {
    const std::string name(m.name);
    INFO(name);
    CHECK_THAT(help, Catch::Contains("  " + name + " "));
    CHECK(shell::parse_mode(m.name) == m.mode);
    CHECK(shell::mode_name(m.mode) == m.name);
    CHECK(has(shell::complete_word(d, ".mode ", name), name));
    if (!m.alias.empty()) CHECK(shell::parse_mode(m.alias) == m.mode);
  }
  CHECK_FALSE(shell::parse_mode("nosuchmode"));
}

TEST_CASE("dot-commands: wrong arity is reported like an unknown command", "[shell]") {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  {
    shell::Shell sh({}, Session(test::small_machine(), "test"), out, err);
    CHECK(sh.run_script(".refresh now\n.separator\n.print a;  b;\n"));
    CHECK(sh.status() == 1);
  }
  CHECK(drain(out) == "a; b;\n");
  std::string e = drain(err);
  CHECK_THAT(e, Catch::Contains("invalid arguments:  \"refresh\""));
  CHECK_THAT(e, Catch::Contains("invalid arguments:  \"separator\""));
  std::fclose(out);
  std::fclose(err);
}

TEST_CASE("dot-commands: the man page and docs/shell.md name every command", "[shell]") {
  auto read = [](const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE(f != nullptr);
    std::string text = drain(f);
    std::fclose(f);
    return text;
  };
  const std::string docs = KSTATSQL_TEST_DATA "/../../docs/";
  const std::string man = read(docs + "kstatsql.1");
  const std::string md = read(docs + "shell.md");
  for (const shell::DotCommand& c : shell::dot_commands()) {
    const std::string name = "." + std::string(c.name);
    INFO(name);
    CHECK_THAT(man,
               Catch::Contains("\n.B " + name + "\n") || Catch::Contains("\n.BR " + name + " "));
    CHECK_THAT(md, Catch::Contains("`" + name + " ") || Catch::Contains("`" + name + "`"));
  }
}
