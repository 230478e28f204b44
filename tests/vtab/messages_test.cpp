// tests/vtab/messages_test.cpp — error messages are bounded and printable, quote short
// excerpts, and never quote a file that is not a recognised format (docs/security.md).
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "engine/text.hpp"
#include "kstatsql/error.hpp"
#include "support/db.hpp"
#include "support/kss_temp.hpp"

using namespace kstatsql;
using kstatsql::test::Db;
using kstatsql::test::TempDir;

namespace {

// True when s holds a byte a terminal would act on (C0 but newline and tab, DEL, C1).
bool has_control(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return true;
    if (c == 0x9B) return true;  // a bare 8-bit CSI
  }
  return false;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("quote_excerpt: short, escaped, cut at a character", "[vtab][messages]") {
  using engine::text::quote_excerpt;
  CHECK(quote_excerpt("cpu") == "'cpu'");
  CHECK(quote_excerpt("") == "''");
  CHECK(quote_excerpt("a\x1b[31mb") == "'a\\x1b[31mb'");
  CHECK(quote_excerpt("tab\there\nnl") == "'tab\\there\\x0anl'");
  CHECK(quote_excerpt("it's a\\b") == "'it\\'s a\\\\b'");
  CHECK(quote_excerpt("caf\xC3\xA9") == "'caf\xC3\xA9'");  // UTF-8 is kept
  CHECK(quote_excerpt("\xC2\x9B"
                      "2J") == "'\\xc2\\x9b2J'");      // a C1 CSI is not
  CHECK(quote_excerpt("\xff\xfe") == "'\\xff\\xfe'");  // nor stray bytes
  CHECK(quote_excerpt(std::string(100, 'x')) == "'" + std::string(80, 'x') + "...' (100 bytes)");
  // Never cuts inside a character: 79 ASCII bytes and a 2-byte é leave the é out.
  CHECK(quote_excerpt(std::string(79, 'x') + "\xC3\xA9") ==
        "'" + std::string(79, 'x') + "...' (81 bytes)");
  CHECK(quote_excerpt("abcdef", 3) == "'abc...' (6 bytes)");
}

TEST_CASE("bounded_message: at most 1 KiB, printable, idempotent", "[vtab][messages]") {
  const std::string big = "x: " + std::string(10 * 1024 * 1024, 'y');
  const std::string b = bounded_message(big);
  CHECK(b.size() <= kMaxMessageBytes);
  CHECK(b.rfind("x: yyy", 0) == 0);
  CHECK_THAT(b, Catch::EndsWith("(message cut, 10485763 bytes)"));
  CHECK(bounded_message(b) == b);
  const std::string esc = bounded_message("line 1\n\x1b]0;title\x07 and \r over\x7f");
  CHECK(esc == "line 1\n\\x1b]0;title\\x07 and \\x0d over\\x7f");
  CHECK(bounded_message(esc) == esc);
  // An Error carries its message bounded, whoever prints it.
  Error e(Errc::parse, "bad \x1b[2J" + std::string(5000, 'z'));
  CHECK(std::string(e.what()).size() <= kMaxMessageBytes);
  CHECK_FALSE(has_control(e.what()));
}

TEST_CASE("a 10 MB argument gives a short message from every function and table",
          "[vtab][messages]") {
  Db db(test::small_machine());
  const std::string huge = "\x1b[31m" + std::string(10 * 1024 * 1024, 'm');
  struct Query {
    const char* sql;
    bool fails;  // else it succeeds (a glob that matches nothing, KQL compiled to SQL)
  };
  const Query queries[] = {
      {"SELECT kstat_source(?)", true},
      {"SELECT kstat_reads(?)", true},
      {"SELECT kstat_generation(?)", true},
      {"SELECT * FROM kstat_select(?)", false},
      {"SELECT * FROM kstat_select(? || ':0:x:y:z')", true},
      {"SELECT kql(?)", false},
      {"SELECT kql('named module=' || ?)", false},
  };
  for (const Query& q : queries) {
    INFO(q.sql);
    sqlite3_stmt* st = nullptr;
    std::string err;
    if (sqlite3_prepare_v2(db.get(), q.sql, -1, &st, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, huge.data(), static_cast<int>(huge.size()), SQLITE_STATIC);
      int rc = sqlite3_step(st);
      while (rc == SQLITE_ROW) rc = sqlite3_step(st);
      if (rc != SQLITE_DONE) err = sqlite3_errmsg(db.get());
      sqlite3_finalize(st);
    } else {
      err = sqlite3_errmsg(db.get());
    }
    INFO(err.substr(0, 200));
    CHECK(err.empty() != q.fails);
    CHECK(err.size() <= (q.fails ? 300u : 0u));  // a short excerpt, not merely the 1 KiB cap
    CHECK_FALSE(has_control(err));
  }
}

TEST_CASE("a file that is not a dump is not quoted", "[vtab][messages]") {
  TempDir dir;
  Db db(test::small_machine());
  const std::string pgpass = dir.file("pgpass");
  write_file(pgpass, "localhost:5432:db:user:secretpw\nother:1:x:y:z\n");
  std::string err = db.error_of("SELECT kstat_source('" + pgpass + "')");
  CHECK_THAT(err, Catch::Contains("unknown format"));
  CHECK_THAT(err, Catch::Contains("kstat -p text") && Catch::Contains("kstat -j JSON") &&
                      Catch::Contains("OpenBSD kstat text"));
  CHECK_THAT(err, !Catch::Contains("secretpw"));
  CHECK_THAT(err, !Catch::Contains("5432"));
  // A recognised dump is quoted in short excerpts, escaped.
  const std::string dump = dir.file("dump.txt");
  write_file(dump, "m:0:n:s\t1\n\x1b[2Jevil line " + std::string(500, 'e') + "\n");
  err = db.error_of("SELECT kstat_source('" + dump + "')");
  CHECK_THAT(err, Catch::Contains(":2:"));
  CHECK_FALSE(has_control(err));
  CHECK(err.size() < 400);
}

TEST_CASE("kql() is innocuous and stays bounded", "[vtab][messages]") {
  Db db(test::small_machine());
  // Deep nesting is a parse error, not a deep recursion; the message is short.
  const std::string deep =
      "unix | where " + std::string(100000, '(') + "1" + std::string(100000, ')');
  const std::string err = db.error_of("SELECT kql('" + deep + "')");
  CHECK_THAT(err, Catch::Contains("nested too deeply"));
  CHECK(err.size() <= kMaxMessageBytes);
  // In a view of a database file with trusted_schema=OFF it still works.
  REQUIRE(sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr) == SQLITE_OK);
  db.rows("CREATE VIEW k AS SELECT kql('unix') AS sql");
  CHECK_THAT(db.one("SELECT sql FROM k"), Catch::Contains("SELECT"));
}

TEST_CASE("a parse error of a long line shows the window around the caret", "[vtab][messages]") {
  Db db(test::small_machine());
  // The error is at the 5th field, about 5000 bytes in.
  const std::string spec = std::string(5000, 'm') + ":0:x:y:zz";
  const std::string err = db.error_of("SELECT * FROM kstat_select('" + spec + "')");
  INFO(err);
  CHECK(err.size() < 300);
  const std::size_t nl = err.find('\n');
  REQUIRE(nl != std::string::npos);
  const std::string shown = err.substr(nl + 3, err.find('\n', nl + 1) - nl - 3);
  CHECK(shown.rfind("...mmm", 0) == 0);
  CHECK_THAT(shown, Catch::EndsWith(":0:x:y:zz"));
  // The window is the line's tail as it is, and the caret stands inside it.
  const std::size_t begin = spec.size() - (shown.size() - 3);
  CHECK(shown.substr(3) == spec.substr(begin));
  const std::size_t caret = err.size() - 1 - err.rfind('\n') - 2;  // column after "  "
  CHECK(caret >= 3);
  CHECK(caret < shown.size());
}
