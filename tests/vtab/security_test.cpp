// tests/vtab/security_test.cpp — what a database file's schema may make kstatsql do
// (docs/security.md): calls that switch the source or the generation are refused from
// CHECK, DEFAULT, generated columns, views, triggers and index expressions, with
// trusted_schema ON and OFF; saved views over the tables work; the top level keeps working.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "engine/session.hpp"
#include "kstatsql/kstatsql.h"
#include "kstatsql/kstatsql.hpp"
#include "engine/sources/kss/kss_writer.hpp"
#include "engine/sources/open_source.hpp"
#include "support/kss_temp.hpp"
#include "support/ticking_source.hpp"
#include "vtab/tables.hpp"

using namespace kstatsql;
using kstatsql::test::TempDir;

namespace {

const std::string kVictim = std::string(KSTATSQL_TEST_DATA) + "/dumps/illumos-kstat-p.txt";

// A recording of three generations: a source whose generation can be moved.
std::string recording(const TempDir& dir) {
  std::string path = dir.file("own.kss");
  engine::Session s(std::make_shared<test::TickingSource>(4), "tick");
  engine::KssWriter w(path, engine::KssWriter::Mode::create, {"h", "Linux", "", "", ""});
  w.set_sync(false);
  for (int g = 0; g < 3; ++g) {
    w.append(*s.open_cursor());
    s.close_cursor();
  }
  return path;
}

// Runs sql on db; "" on success, else SQLite's message.
std::string exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = rc == SQLITE_OK ? "" : err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return msg;
}

// Writes a database file whose schema holds `call` where `ddl` says abs(1): the
// schema is created with a harmless function, then its text is rewritten, as an
// attacker's editor would, so SQLite's CREATE-time checks never see the call.
void craft(const std::string& path, const std::string& ddl, const std::string& call) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(exec(db, ddl) == "");
  std::string quoted;  // call as an SQL string literal
  for (char c : call) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  REQUIRE(exec(db,
               "PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql = replace(sql, "
               "'abs(1)', '" +
                   quoted + "')") == "");
  sqlite3_close(db);
}

// A database file opened by the user, kstatsql registered over their own recording.
struct UserDb {
  sqlite3* db = nullptr;
  std::shared_ptr<engine::Session> session;
  UserDb(const std::string& path, const std::string& spec, bool trusted) {
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    session = std::make_shared<engine::Session>(spec, engine::open_source);
    REQUIRE(vtab::register_all(db, session) == SQLITE_OK);
    // Not a PRAGMA: a statement would load the schema, which may be malformed on purpose.
    REQUIRE(sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, trusted ? 1 : 0, nullptr) ==
            SQLITE_OK);
  }
  ~UserDb() { sqlite3_close(db); }
  UserDb(const UserDb&) = delete;
  UserDb& operator=(const UserDb&) = delete;
};

struct Attack {
  const char* where;
  const char* ddl;    // abs(1) marks the call
  const char* run;    // what the user runs
  bool fails = true;  // else it may succeed, reporting the refused call as a result
};

const Attack kAttacks[] = {
    {"CHECK", "CREATE TABLE t(x CHECK (abs(1) IS NOT NULL))", "INSERT INTO t VALUES(1)"},
    {"DEFAULT", "CREATE TABLE t(x, y DEFAULT (abs(1)))", "INSERT INTO t(x) VALUES(1)"},
    {"stored generated column", "CREATE TABLE t(x, y AS (abs(1)) STORED)",
     "INSERT INTO t(x) VALUES(1)"},
    {"virtual generated column",
     "CREATE TABLE t(x, y AS (abs(1)) VIRTUAL); INSERT INTO t(x) VALUES(1)", "SELECT y FROM t"},
    {"view", "CREATE VIEW v AS SELECT abs(1) AS y", "SELECT * FROM v"},
    {"trigger", "CREATE TABLE t(x); CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT abs(1); END",
     "INSERT INTO t VALUES(1)"},
    {"trigger WHEN",
     "CREATE TABLE t(x); INSERT INTO t VALUES(1); CREATE TRIGGER tr BEFORE UPDATE ON t "
     "WHEN abs(1) IS NOT NULL BEGIN SELECT 1; END",
     "UPDATE t SET x = 2"},
    {"INSTEAD OF trigger",
     "CREATE VIEW w AS SELECT 1 AS x; CREATE TRIGGER tr INSTEAD OF INSERT ON w BEGIN "
     "SELECT abs(1); END",
     "INSERT INTO w VALUES(1)"},
    {"index expression", "CREATE TABLE t(x); CREATE INDEX i ON t(abs(1))",
     "INSERT INTO t VALUES(1)"},
    {"partial index", "CREATE TABLE t(x); CREATE INDEX i ON t(x) WHERE abs(1) IS NOT NULL",
     "INSERT INTO t VALUES(1)"},
    // Read-only statements that evaluate CHECK constraints.
    {"CHECK via integrity_check",
     "CREATE TABLE t(x CHECK (abs(1) IS NOT NULL)); INSERT INTO t "
     "VALUES(1)",
     "PRAGMA integrity_check", false},
    {"CHECK via quick_check",
     "CREATE TABLE t(x CHECK (abs(1) IS NOT NULL)); INSERT INTO t "
     "VALUES(1)",
     "PRAGMA quick_check", false},
};

}  // namespace

TEST_CASE("a database file's schema cannot switch the source or the generation",
          "[vtab][security]") {
  TempDir dir;
  const std::string own = recording(dir);
  const std::string calls[] = {"kstat_source('" + kVictim + "')", "kstat_generation(0)",
                               "kstat_pin()", "kstat_refresh()"};
  int n = 0;
  for (const Attack& a : kAttacks) {
    for (const std::string& call : calls) {
      for (bool trusted : {true, false}) {
        INFO(a.where << " calling " << call << ", trusted_schema=" << trusted);
        const std::string path = dir.file("attack" + std::to_string(n++) + ".db");
        craft(path, a.ddl, call);
        UserDb u(path, own, trusted);
        const std::uint64_t before = u.session->counters()->generation.load();
        const std::string err = exec(u.db, a.run);
        INFO("error: " << err);
        if (a.fails) CHECK(err != "");
        CHECK(u.session->source_spec() == own);
        CHECK(u.session->recorded_selected() == -1);
        CHECK_FALSE(u.session->pinned());
        if (call == "kstat_refresh()") CHECK(u.session->counters()->generation.load() == before);
      }
    }
  }
}

TEST_CASE("calls from the user's own SQL: SELECT works, inside a write it is refused",
          "[vtab][security]") {
  TempDir dir;
  const std::string own = recording(dir);
  UserDb u(dir.file("user.db"), own, false);
  REQUIRE(exec(u.db, "CREATE TABLE log(x)") == "");
  const std::string err = exec(u.db, "INSERT INTO log SELECT kstat_source('" + kVictim + "')");
  CHECK_THAT(err, Catch::Contains("refused inside a statement that writes"));
  CHECK_THAT(err, Catch::Contains("in a SELECT of its own"));
  CHECK(u.session->source_spec() == own);
  CHECK_THAT(exec(u.db, "CREATE TABLE g AS SELECT kstat_generation(0)"),
             Catch::Contains("kstat_generation('0'): refused inside a statement that writes"));
  // Reading functions and tables are fine in writes; switching is fine in a SELECT.
  CHECK(exec(u.db, "INSERT INTO log SELECT kstat_source()") == "");
  CHECK(exec(u.db, "INSERT INTO log SELECT count(*) FROM named") == "");
  CHECK(exec(u.db, "SELECT kstat_generation(0)") == "");
  CHECK(u.session->recorded_selected() == 0);
  CHECK(exec(u.db, "SELECT kstat_source('" + kVictim + "')") == "");
  CHECK(u.session->source_spec() == kVictim);
}

TEST_CASE("saved views over the tables work in a database file, trusted_schema OFF too",
          "[vtab][security]") {
  TempDir dir;
  const std::string own = recording(dir);
  const std::string path = dir.file("views.db");
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    // Views may name tables that do not exist yet on this connection.
    REQUIRE(exec(db,
                 "CREATE VIEW per_module AS SELECT module, count(*) AS n FROM named GROUP BY 1;"
                 "CREATE VIEW gens AS SELECT count(*) AS n FROM kstat_generations;"
                 "CREATE VIEW sel AS SELECT count(*) AS n FROM kstat_select('tick:::');"
                 "CREATE VIEW src AS SELECT kstat_source() AS s;") == "");
    sqlite3_close(db);
  }
  for (bool trusted : {true, false}) {
    INFO("trusted_schema=" << trusted);
    UserDb u(path, own, trusted);
    CHECK(exec(u.db, "SELECT * FROM per_module") == "");
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(u.db, "SELECT n FROM gens", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 3);
    sqlite3_finalize(st);
    CHECK(exec(u.db, "SELECT * FROM sel") == "");
    // The functions stay direct-only, reading ones included.
    CHECK_THAT(exec(u.db, "SELECT * FROM src"), Catch::Contains("unsafe use of kstat_source()"));
  }
}

// ---- file access off ---------------------------------------------------------

namespace {

// One value of sql on db, or "error: MESSAGE".
std::string one(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    return std::string("error: ") + sqlite3_errmsg(db);
  }
  if (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    out = t ? reinterpret_cast<const char*>(t) : "NULL";
  } else {
    out = std::string("error: ") + sqlite3_errmsg(db);
  }
  sqlite3_finalize(st);
  return out;
}

// What every route to "file access off" must give: no switch, a message naming why.
void check_locked(sqlite3* db, const std::string& spec) {
  const std::string err = one(db, "SELECT kstat_source('" + kVictim + "')");
  CHECK_THAT(err, Catch::Contains("switching sources is disabled on this connection"));
  CHECK_THAT(err, Catch::Contains("kstatsql --safe"));
  CHECK_THAT(one(db, "SELECT kstat_source('live')"), Catch::Contains("disabled"));
  CHECK(one(db, "SELECT kstat_source()") == spec);
  CHECK(one(db, "SELECT count(*) FROM kstat WHERE module = 'tick'") == "4");
}

}  // namespace

TEST_CASE("file access off: the C option, the C++ option, the safe entry point",
          "[vtab][security]") {
  TempDir dir;
  const std::string own = recording(dir);
  SECTION("kstatsql_options.no_file_access") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    kstatsql_options o = KSTATSQL_OPTIONS_INIT;
    o.source = own.c_str();
    o.no_file_access = 1;
    char* err = nullptr;
    REQUIRE(kstatsql_register(db, &o, &err) == SQLITE_OK);
    check_locked(db, own);
    sqlite3_close(db);
  }
  SECTION("an older options struct (without the member) keeps file access") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    kstatsql_options o = KSTATSQL_OPTIONS_INIT;
    o.size = KSTATSQL_OPTIONS_MIN_SIZE;
    o.source = own.c_str();
    o.no_file_access = 1;  // beyond the size the caller claims: not read
    REQUIRE(kstatsql_register(db, &o, nullptr) == SQLITE_OK);
    CHECK_THAT(one(db, "SELECT kstat_source('" + kVictim + "')"), Catch::Contains("kstat -p"));
    sqlite3_close(db);
  }
  SECTION("RegisterOptions{.file_access = false}") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    kstatsql::Session s(own);
    s.register_on(db, kstatsql::RegisterOptions{.file_access = false});
    check_locked(db, own);
    s.set_source(kVictim);  // the program's own call still works
    CHECK(one(db, "SELECT kstat_source()") == kVictim);
    sqlite3_close(db);
  }
  SECTION("sqlite3_kstatsqlsafe_init") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    char* err = nullptr;
    REQUIRE(sqlite3_kstatsqlsafe_init(db, &err, nullptr) == SQLITE_OK);
    CHECK_THAT(one(db, "SELECT kstat_source('" + kVictim + "')"),
               Catch::Contains("switching sources is disabled"));
    sqlite3_close(db);
  }
}
