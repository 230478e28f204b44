// tests/vtab/kss_sql_test.cpp — kstat_generation(), kstat_generations, kss_warnings().
#include <catch2/catch.hpp>

#include "engine/sources/kss/kss_writer.hpp"
#include "engine/sources/kss/kss_reader.hpp"
#include "support/db.hpp"
#include "support/kss_temp.hpp"
#include "support/ticking_source.hpp"

using namespace kstatsql;
using kstatsql::test::Db;
using kstatsql::test::TempDir;

namespace {

// Three generations of 4 ticking kstats, recorded by host "rec-host".
std::string recording(const TempDir& dir, const std::string& name = "g.kss",
                      const std::string& host = "rec-host") {
  std::string path = dir.file(name);
  engine::Session s(std::make_shared<test::TickingSource>(4), "tick");
  engine::KssWriter w(path, engine::KssWriter::Mode::create, {host, "Linux", "", "", ""});
  w.set_sync(false);
  for (int g = 0; g < 3; ++g) {
    w.append(*s.open_cursor());
    s.close_cursor();
  }
  return path;
}

const char* kValue =
    "SELECT value FROM named WHERE module = 'tick' AND instance = 1 AND statistic = 'value'";

}  // namespace

TEST_CASE("kstat_generation() selects recorded generations", "[vtab][kss]") {
  TempDir dir;
  Db db(recording(dir));
  CHECK(db.one("SELECT kstat_generation()") == "2");  // the last by default
  CHECK(db.one(kValue) == "3");
  CHECK(db.one("SELECT kstat_generation(0)") == "0");
  CHECK(db.one(kValue) == "1");
  CHECK(db.one("SELECT kstat_generation()") == "0");
  CHECK(db.one("SELECT kstat_generation('next')") == "1");
  CHECK(db.one(kValue) == "2");
  CHECK(db.one("SELECT delta FROM named WHERE module = 'tick' AND instance = 1 AND statistic = "
               "'value'") == "1");
  CHECK(db.one("SELECT kstat_generation('prev')") == "0");
  CHECK_THAT(db.error_of("SELECT kstat_generation('prev')"), Catch::Contains("first one"));
  CHECK(db.one("SELECT kstat_generation('last')") == "2");
  CHECK_THAT(db.error_of("SELECT kstat_generation('next')"), Catch::Contains("last one"));
  CHECK(db.one("SELECT kstat_generation(-2)") == "1");
  CHECK(db.one("SELECT kstat_generation('first')") == "0");
  CHECK_THAT(db.error_of("SELECT kstat_generation(3)"), Catch::Contains("generations 0..2"));
  CHECK_THAT(db.error_of("SELECT kstat_generation('yesterday')"),
             Catch::Contains("YYYY-MM-DDTHH:MM:SS"));
  CHECK_THAT(db.error_of("SELECT kstat_generation('1970-01-01T00:00:00Z')"),
             Catch::Contains("nothing recorded at or before"));
  // By time: the generation recorded at (or last before) a time.
  std::string t1 = db.one("SELECT time FROM kstat_generations WHERE generation = 1");
  CHECK(db.one("SELECT kstat_generation('" + t1 + "')") == "1");
  CHECK(db.one("SELECT kstat_generation('2999-01-01T00:00:00Z')") == "2");
}

TEST_CASE("kstat_generations lists the recording", "[vtab][kss]") {
  TempDir dir;
  Db db(recording(dir));
  auto rows = db.rows(
      "SELECT generation, kstats, host, bytes > 0, selected, time_ns > 0, "
      "length(time) FROM kstat_generations");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{"0", "4", "rec-host", "1", "0", "1", "30"});
  CHECK(rows[2][4] == "1");
  CHECK(db.one("SELECT kss_warnings()") == "NULL");
  CHECK_THAT(db.error_of("DELETE FROM kstat_generations"), Catch::Contains("may not be modified"));
  // INNOCUOUS: a saved view may list the generations (docs/security.md).
  db.rows("CREATE VIEW v AS SELECT * FROM kstat_generations");
  CHECK(db.one("SELECT count(*) FROM v") == "3");
}

TEST_CASE("live sources have no recorded generations", "[vtab][kss]") {
  Db db(test::small_machine());
  CHECK(db.one("SELECT kstat_generation()") == "NULL");
  CHECK(db.one("SELECT count(*) FROM kstat_generations") == "0");
  CHECK_THAT(db.error_of("SELECT kstat_generation(0)"), Catch::Contains("not a recording"));
  CHECK(db.one("SELECT kss_warnings()") == "NULL");
}

TEST_CASE("SQL over a torn recording and over several hosts", "[vtab][kss]") {
  TempDir dir;
  std::string a = recording(dir, "a.kss", "alpha");
  std::string b = recording(dir, "b.kss", "beta");
  std::string bytes = test::slurp(b);
  test::spit(b, bytes.substr(0, bytes.size() - 30));
  Db db(a + "," + b);
  CHECK_THAT(db.one("SELECT kss_warnings()"), Catch::Contains("torn tail at offset"));
  CHECK(db.one("SELECT group_concat(host || ':' || generation, ' ') FROM kstat_generations") ==
        "alpha:0 beta:0 alpha:1 beta:1 alpha:2");
  CHECK(db.one("SELECT count(*) FROM kstat") == "4");  // generation 2: alpha only
  CHECK(db.one("SELECT kstat_generation(1)") == "1");
  CHECK(db.one("SELECT count(*) FROM kstat") == "8");
  // The hidden host column tells the machines apart: GROUP BY host and a join across hosts.
  CHECK(db.rows("SELECT host, count(*) FROM kstat GROUP BY host") ==
        test::Rows{{"alpha", "4"}, {"beta", "4"}});
  CHECK(
      db.one("SELECT count(*) FROM named a JOIN named b USING (module, instance, name, statistic) "
             "WHERE a.host = 'alpha' AND b.host = 'beta'") ==
      db.one("SELECT count(*) FROM named WHERE host = 'alpha'"));
  CHECK_THAT(db.one("SELECT kstat_source()"), Catch::Contains("a.kss,"));
}

TEST_CASE("kstat_generation('time') checks every field of the time", "[vtab][kss]") {
  TempDir dir;
  Db db(recording(dir));
  const std::string t1 = db.one("SELECT time FROM kstat_generations WHERE generation = 1");
  struct Bad {
    const char* time;
    const char* message;
  };
  const Bad bad[] = {
      {"2026-12-45T99:99:99Z", "day 45 is out of range for 2026-12 (1..31)"},
      {"2026-13-01T00:00:00Z", "month 13 is out of range (1..12)"},
      {"2026-00-01T00:00:00Z", "month 0 is out of range (1..12)"},
      {"2023-02-29T00:00:00Z", "day 29 is out of range for 2023-02 (1..28)"},
      {"1900-02-29T00:00:00Z", "day 29 is out of range for 1900-02 (1..28)"},
      {"2026-04-31T00:00:00Z", "day 31 is out of range for 2026-04 (1..30)"},
      {"2026-01-00T00:00:00Z", "day 0 is out of range"},
      {"2026-12-01T24:00:00Z", "hour 24 is out of range (0..23)"},
      {"2026-12-01T12:60:00Z", "minute 60 is out of range (0..59)"},
      {"2026-12-01T12:00:60Z", "second 60 is out of range (0..59)"},
      {"0000-01-01T00:00:00Z", "year 0 is out of range (1..9999)"},
      {"2026-12-01T12:00:00.Z", "expected digits after '.'"},
      {"2026-12-01T12:00:00.1234567890Z", "more than 9 fraction digits"},
      {"2026-12-01T12:00:00+01:00", "expected 'Z' (UTC) or nothing (local time)"},
      {"2026-12-01T12:00:00ZZ", "expected 'Z' (UTC) or nothing (local time)"},
      {" 2026-12-01T12:00:00Z", "YYYY-MM-DDTHH:MM:SS"},
      {"+2026-12-01T12:00:00Z", "YYYY-MM-DDTHH:MM:SS"},
      {"2026-1-01T12:00:00Z", "YYYY-MM-DDTHH:MM:SS"},
      {"2026-12-01X12:00:00Z", "YYYY-MM-DDTHH:MM:SS"},
      {"2026-12-01T12:00", "YYYY-MM-DDTHH:MM:SS"},
  };
  for (const Bad& b : bad) {
    INFO(b.time);
    const std::string err = db.error_of(std::string("SELECT kstat_generation('") + b.time + "')");
    CHECK_THAT(err, Catch::Contains(b.message));
    CHECK_THAT(err, Catch::StartsWith("kstat_generation('"));
  }
  CHECK(db.one("SELECT kstat_generation()") == "2");  // nothing moved
  // Valid times, leap days included, reach the lookup ("nothing recorded before").
  for (const char* ok : {"2024-02-29T00:00:00Z", "2000-02-29 23:59:59", "1999-12-31t00:00:00.5z",
                         "1970-01-01T00:00:00.123456789Z"}) {
    INFO(ok);
    CHECK_THAT(db.error_of(std::string("SELECT kstat_generation('") + ok + "')"),
               Catch::Contains("nothing recorded at or before"));
  }
  CHECK(db.one("SELECT kstat_generation('" + t1 + "')") == "1");
  CHECK(db.one("SELECT kstat_generation('9999-12-31T23:59:59Z')") == "2");
}

TEST_CASE("kstat_generation('time') on a live source names a bad time first", "[vtab][kss]") {
  Db db(test::small_machine());
  CHECK_THAT(db.error_of("SELECT kstat_generation('2026-12-45T99:99:99Z')"),
             Catch::Contains("day 45 is out of range for 2026-12 (1..31)"));
  CHECK_THAT(db.error_of("SELECT kstat_generation('2026-12-01T12:00:00Z')"),
             Catch::Contains("not a recording"));
}
