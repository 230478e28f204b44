#include <catch2/catch.hpp>

#include "engine/static_source.hpp"
#include "support/db.hpp"

using kstatsql::test::Db;
using kstatsql::test::Rows;
using kstatsql::test::small_machine;

TEST_CASE("kstat lists every kstat without reading data", "[vtab]") {
  Db db(small_machine());
  CHECK(db.one("SELECT count(*) FROM kstat") == "8");
  CHECK(db.one("SELECT kstat_reads()") == "0");
  CHECK(db.rows("SELECT module, instance, name, class, type FROM kstat WHERE module = 'sd'") ==
        Rows{{"sd", "0", "sd0", "disk", "io"},
             {"sd", "0", "sd0,a", "partition", "io"},
             {"sd", "1", "sd1", "disk", "io"}});
  CHECK(db.rows("SELECT name, error FROM kstat WHERE error IS NOT NULL") ==
        Rows{{"vanished", "kstat gone:0:vanished: No such device or address"}});
}

TEST_CASE("named has one row per statistic with typed values", "[vtab]") {
  Db db(small_machine());
  CHECK(db.one("SELECT value FROM named WHERE module='unix' AND instance=0 AND "
               "name='system_misc' AND statistic='nproc'") == "123");
  CHECK(db.one("SELECT typeof(value) FROM named WHERE statistic='nproc'") == "integer");
  CHECK(db.one("SELECT value FROM named WHERE statistic='zonename'") == "global");
  CHECK(db.one("SELECT value FROM named WHERE statistic='negative'") == "-42");
  // uint64 above INT64_MAX: exact decimal text, documented rule.
  CHECK(db.one("SELECT value FROM named WHERE statistic='big'") == "18446744073709551615");
  CHECK(db.one("SELECT typeof(value) FROM named WHERE statistic='big'") == "text");
  CHECK(db.one("SELECT type FROM named WHERE statistic='big'") == "uint64");
  // io kstats show their fields as statistics, as kstat -p does.
  CHECK(db.one("SELECT value FROM named WHERE name='sd0' AND statistic='nread'") == "51200");
  CHECK(db.one("SELECT unit FROM named WHERE name='lo' AND statistic='rbytes64'") == "bytes");
  // The failed kstat has no rows; the query goes on.
  CHECK(db.one("SELECT count(*) FROM named WHERE module='gone'") == "0");
  CHECK(db.rows("SELECT module, count(*) FROM named GROUP BY module") ==
        Rows{{"cpu", "6"}, {"link", "2"}, {"sd", "36"}, {"unix", "6"}});
}

TEST_CASE("io has one row per io kstat", "[vtab]") {
  Db db(small_machine());
  CHECK(db.rows("SELECT name, class, nread, nwritten, reads, writes, rtime FROM io") ==
        Rows{{"sd0", "disk", "51200", "3584", "100", "7", "123456789"},
             {"sd0,a", "partition", "5120", "3584", "100", "7", "123456789"},
             {"sd1", "disk", "1024", "3584", "100", "7", "123456789"}});
  CHECK(db.one("SELECT count(*) FROM io i JOIN kstat k USING (module, instance, name) "
               "WHERE k.class = 'disk'") == "2");
}

TEST_CASE("tables are read-only with a clear message", "[vtab]") {
  Db db(small_machine());
  for (const char* sql :
       {"INSERT INTO named(module) VALUES ('x')", "DELETE FROM kstat", "UPDATE io SET nread = 0"}) {
    INFO(sql);
    CHECK_THAT(db.error_of(sql), Catch::Contains("read-only"));
  }
}

TEST_CASE("kstat_columns describes every table", "[vtab]") {
  Db db(small_machine());
  CHECK(db.one("SELECT count(*) FROM kstat_columns WHERE table_name IN ('kstat', 'named', 'io') "
               "AND column_name = 'module'") == "3");
  CHECK(db.one("SELECT group_concat(column_name, ',') FROM kstat_columns WHERE table_name='named' "
               "AND type NOT LIKE '%HIDDEN'") ==
        "module,instance,name,class,statistic,type,value,unit,snaptime,crtime");
  CHECK(db.one("SELECT group_concat(column_name, ',') FROM kstat_columns WHERE table_name='named' "
               "AND type LIKE '%HIDDEN'") == "delta,rate,elapsed,host");
  // Every declared column really exists in the table.
  for (const auto& row : db.rows("SELECT table_name, column_name FROM kstat_columns")) {
    INFO(row[0] << "." << row[1]);
    const std::string args = row[0] == "kstat_select" ? "('unix')" : "";  // a required argument
    CHECK(db.error_of("SELECT " + row[1] + " FROM " + row[0] + args + " LIMIT 1") == "");
  }
}

TEST_CASE("kstat_source switches sources and reports bad ones", "[vtab]") {
  Db db(small_machine());
  CHECK_THAT(db.error_of("SELECT kstat_source('/no/such/dump.txt')"),
             Catch::Contains("/no/such/dump.txt"));
  // The old source is still in use after a failed switch.
  CHECK(db.one("SELECT count(*) FROM kstat") == "8");
  CHECK_THAT(db.error_of("SELECT kstat_reads('bogus')"), Catch::Contains("expected 'read'"));
  CHECK(db.one("SELECT kstatsql_version()") == KSTATSQL_TEST_VERSION);
}

TEST_CASE("kstat_select takes kstat(8) selectors and pushes literals down", "[vtab]") {
  Db db(small_machine());
  CHECK(db.rows("SELECT module, instance, name, statistic, value FROM "
                "kstat_select('unix:0:system_misc:n*')") ==
        Rows{{"unix", "0", "system_misc", "ncpus", "2"},
             {"unix", "0", "system_misc", "nproc", "123"},
             {"unix", "0", "system_misc", "negative", "-42"}});
  CHECK(db.one("SELECT kstat_reads()") == "1");
  // Several selectors are ORed; instance globs match the decimal text; /ERE/ is unanchored.
  CHECK(db.rows("SELECT name, statistic FROM kstat_select('sd:1::nread', 'cpu:[1]:sys:/user/')") ==
        Rows{{"sys", "cpu_nsec_user"}, {"sd1", "nread"}});
  CHECK_THAT(db.error_of("SELECT * FROM kstat_select()"), Catch::Contains("missing selector"));
  CHECK_THAT(db.error_of("SELECT * FROM kstat_select('a:b:c:d:e')"),
             Catch::Contains("too many fields"));
}

TEST_CASE("raw kstats without a decoder stay visible with their bytes", "[vtab]") {
  kstatsql::engine::StaticBuilder b;
  b.begin("acme", 3, "blackbox");
  b.set_class("misc");
  b.set_type(kstatsql::engine::KstatType::raw);
  const unsigned char bytes[] = {0xde, 0xad, 0x00, 0xbe, 0xef};
  b.set_raw(std::as_bytes(std::span<const unsigned char>(bytes)));
  Db db(b.finish("raw test"));
  CHECK(db.rows("SELECT type, data_size, hex(raw), error FROM kstat") ==
        Rows{{"raw", "5", "DEAD00BEEF", "NULL"}});
  CHECK(db.one("SELECT count(*) FROM named") == "0");
}
