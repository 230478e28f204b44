// KQL through SQL: every construct's rows against hand-written SQL on fixed
// data, selector exactness against kstat_select(), pushdown, rates under a
// pinned generation, the kql() function, and the compiler's table list
// against kstat_columns.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <sstream>

#include "engine/static_source.hpp"
#include "grammar/kql.hpp"
#include "vtab/kql_sql.hpp"
#include "vtab/schema.hpp"
#include "kstatsql/kql.hpp"
#include "support/db.hpp"
#include "support/ticking_source.hpp"

using kstatsql::kql_to_sql;
using kstatsql::test::Db;
using kstatsql::test::Rows;

namespace {

Rows sorted(Rows r) {
  std::sort(r.begin(), r.end());
  return r;
}

// Runs the KQL query's SQL and the hand-written SQL on one connection.
// `ordered`: compare row order too.
void same(Db& db, const std::string& kql, const std::string& sql, bool ordered = false) {
  INFO("kql: " << kql);
  const std::string compiled = kql_to_sql(kql);
  INFO("compiled:\n" << compiled);
  const Rows got = db.rows(compiled), want = db.rows(sql);
  CHECK_FALSE(want.empty());
  if (ordered) {
    CHECK(got == want);
  } else {
    CHECK(sorted(got) == sorted(want));
  }
}

// 12 kstats "m:I:kI" (class even/odd), statistics x (varied, one NULL-free
// integer), y (I * 10), s (a string); plus two io disks.
std::shared_ptr<kstatsql::engine::Source> numbers() {
  using kstatsql::engine::ValueType;
  kstatsql::engine::StaticBuilder b;
  const std::int64_t xs[] = {7, 3, 9, 1, 12, 5, 5, 20, 2, 8, 11, 4};
  for (int i = 0; i < 12; ++i) {
    std::string name = "k";  // not "k" + ...: GCC 12's false -Wrestrict
    name += std::to_string(i);
    b.begin("m", i, name);
    b.set_class(i % 2 ? "odd" : "even");
    b.set_snaptime(4000000000);
    b.add_int("x", ValueType::int64, xs[i]);
    b.add_int("y", ValueType::int64, i * 10);
    b.add_string("s", ValueType::string, i % 3 ? "b" : "a");
  }
  kstatsql::engine::IoStats io;
  for (int d = 0; d < 2; ++d) {
    io.nread = 4096u * (d + 1);
    io.nwritten = 1024u * (d + 3);
    io.reads = 8u * (d + 1);
    io.writes = 2u * (d + 1);
    io.rtime = 400000000 * (d + 1);
    io.wtime = 100000000;
    io.rlentime = 800000000;
    io.wlentime = 200000000 * (d + 1);
    b.begin("dsk", d, "dsk" + std::to_string(d));
    b.set_class("disk");
    b.set_io(io);
    b.set_snaptime(4000000000);  // crtime 0: the first sample covers 4 s
  }
  return b.finish("numbers");
}

}  // namespace

TEST_CASE("KQL selectors select exactly what kstat_select selects", "[vtab][kql]") {
  Db db(kstatsql::test::small_machine());
  for (const char* spec : {"cpu", "cpu:1", "cpu:1*", "cpu:*:sys:cpu_nsec_*", ":::cpu_nsec_?dle",
                           "sd:::/^n/", "::sd0*", "unix:0:system_misc:n*", "*:*:*:*", "cpu:01",
                           "::[sl]*", "sd:0:sd0\\,a", "link:::/bytes/", "*"}) {
    INFO("selector: " << spec);
    const std::string quoted = std::string("'") + spec + "'";
    const Rows want = db.rows("SELECT * FROM kstat_select(" + quoted + ")");
    CHECK(sorted(db.rows(kql_to_sql(quoted))) == sorted(want));
    CHECK(want.empty() == (std::string_view(spec) == "cpu:01"));
  }
  // Several selectors are ORed, like kstat(8) operands.
  same(db, "cpu:0 unix:::ncpus", "SELECT * FROM kstat_select('cpu:0', 'unix:::ncpus')");
  same(db, "cpu:0 link:::/obytes/", "SELECT * FROM kstat_select('cpu:0', 'link:::/obytes/')");
}

TEST_CASE("KQL table sources and filters", "[vtab][kql]") {
  Db db(kstatsql::test::small_machine());
  same(db, "io class=disk", "SELECT * FROM io WHERE class = 'disk'");
  same(db, "io class!=disk", "SELECT * FROM io WHERE class != 'disk'");
  same(db, "named module=unix name=system_misc statistic~'n*'",
       "SELECT * FROM named WHERE module='unix' AND name='system_misc' AND statistic GLOB 'n*'");
  same(db, "kstat class=net", "SELECT * FROM kstat WHERE class = 'net'");
  same(db, "kstat instance=1", "SELECT * FROM kstat WHERE instance = 1");
  same(db, "io nread>=5120 name!~'*,a'",
       "SELECT * FROM io WHERE nread >= 5120 AND name NOT GLOB '*,a'");
}

TEST_CASE("KQL where: comparisons, glob, boolean operators, arithmetic, calls", "[vtab][kql]") {
  Db db(numbers());
  const std::string base =
      "SELECT * FROM named WHERE module = 'm' AND name NOT GLOB 'kstat_*' AND ";
  same(db, "m | where value = 5", base + "value = 5");
  same(db, "m | where value == 5", base + "value = 5");
  same(db, "m | where statistic = 'x' and value != 5", base + "statistic = 'x' AND value != 5");
  same(db, "m | where statistic = 'x' and value <> 5", base + "statistic = 'x' AND value <> 5");
  same(db, "m | where statistic='x' and value < 5", base + "statistic = 'x' AND value < 5");
  same(db, "m | where statistic='x' and value <= 5", base + "statistic = 'x' AND value <= 5");
  same(db, "m | where statistic='y' and value > 50", base + "statistic = 'y' AND value > 50");
  same(db, "m | where statistic='y' and value >= 50", base + "statistic = 'y' AND value >= 50");
  same(db, "m | where name ~ 'k1*'", base + "name GLOB 'k1*'");
  same(db, "m | where name !~ 'k1*' and statistic = \"s\"",
       base + "name NOT GLOB 'k1*' AND statistic = 's'");
  same(db, "m | where statistic = 'x' and (value < 3 or value > 10)",
       base + "statistic = 'x' AND (value < 3 OR value > 10)");
  same(db, "m | where not statistic = 's' and not (instance > 2)",
       base + "statistic != 's' AND instance <= 2");
  same(db, "m | where statistic = 'y' and value / 10 + 1 = instance * 2 - instance + 1 % 7",
       base + "statistic = 'y'");
  same(db, "m | where statistic != 's' and -value < -10", base + "statistic != 's' AND value > 10");
  same(db, "m | where length(name) = 3 and statistic = 's' and value = 'b'",
       base + "name IN ('k10', 'k11') AND statistic = 's' AND value = 'b'");
  const std::string quoted = kql_to_sql("m | where value = 'it''s' or value = \"say \"\"hi\"\"\"");
  CHECK(quoted.find("value = 'it''s' OR value = 'say \"hi\"'") != std::string::npos);
  CHECK(db.rows(quoted).empty());
}

TEST_CASE("KQL aggregates: sum avg min max count, by, as", "[vtab][kql]") {
  Db db(numbers());
  const std::string src = "(SELECT * FROM named WHERE module = 'm' AND statistic = 'x')";
  same(db, "m:::x | sum", "SELECT sum(value) FROM " + src);
  same(db, "m:::x | sum value as total, avg, min, max, count",
       "SELECT sum(value), avg(value), min(value), max(value), count(*) FROM " + src);
  same(db, "m:::x | count value by class",
       "SELECT class, count(value) FROM " + src + " GROUP BY class ORDER BY class", true);
  same(db, "m | count by statistic, class",
       "SELECT statistic, class, count(*) FROM named WHERE module='m' GROUP BY statistic, class "
       "ORDER BY 1, 2",
       true);
  same(db, "io | sum nread, max nwritten by class",
       "SELECT class, sum(nread), max(nwritten) FROM io GROUP BY class", true);
  // Output names: fn_col, count, or the alias.
  sqlite3_stmt* st = nullptr;
  const std::string sql = kql_to_sql("m:::x | sum, count, max value as top by class");
  REQUIRE(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  CHECK(std::string(sqlite3_column_name(st, 0)) == "class");
  CHECK(std::string(sqlite3_column_name(st, 1)) == "sum_value");
  CHECK(std::string(sqlite3_column_name(st, 2)) == "count");
  CHECK(std::string(sqlite3_column_name(st, 3)) == "top");
  sqlite3_finalize(st);
}

TEST_CASE("KQL percentiles are nearest-rank", "[vtab][kql]") {
  Db db(numbers());
  // x sorted: 1 2 3 4 5 5 7 8 9 11 12 20 (n = 12): p50 -> rank 6 = 5, p90 -> rank 11 = 12,
  // p0 -> 1, p100 -> 20, p25 -> rank 3 = 3.
  CHECK(db.rows(kql_to_sql("m:::x | p0, p25, p50, p90, p100")) ==
        Rows{{"1", "3", "5", "12", "20"}});
  // By class: even x = 7 9 12 5 2 11 (sorted 2 5 7 9 11 12), odd x = 3 1 5 20 8 4 (1 3 4 5 8 20);
  // rank ceil(50 * 6 / 100) = 3.
  same(db, "m:::x | p50, count by class", "SELECT 'even', 7, 6 UNION ALL SELECT 'odd', 4, 6", true);
  // Checked against an ORDER BY … LIMIT 1 OFFSET formulation.
  for (int p : {10, 33, 50, 75, 99}) {
    const std::string off = "((" + std::to_string(p) + " * 12 + 99) / 100 - 1)";
    same(db, "m:::x | p" + std::to_string(p) + " value, count",
         "SELECT (SELECT value FROM named WHERE module='m' AND statistic='x' ORDER BY value LIMIT "
         "1 OFFSET " +
             off + "), 12");
  }
}

TEST_CASE("KQL join on identity and on columns", "[vtab][kql]") {
  Db db(kstatsql::test::small_machine());
  same(
      db, "cpu:0:sys | join cpu:1:sys on statistic | select statistic, value, value1",
      "SELECT a.statistic, a.value, b.value FROM named a JOIN named b ON a.statistic = b.statistic "
      "WHERE a.module='cpu' AND a.instance=0 AND b.module='cpu' AND b.instance=1");
  same(db, "named statistic=nread | join io on identity | select name, value, nwritten, class1",
       "SELECT n.name, n.value, i.nwritten, i.class FROM named n JOIN io i USING (module, "
       "instance, name) "
       "WHERE n.statistic='nread'");
  same(db, "io | join kstat class=disk on module, instance, name | select name, type, ndata",
       "SELECT i.name, k.type, k.ndata FROM io i JOIN kstat k USING (module, instance, name) WHERE "
       "k.class='disk'");
}

TEST_CASE("KQL sort, top, select, limit keep their order", "[vtab][kql]") {
  Db db(numbers());
  const std::string x = "(SELECT * FROM named WHERE module='m' AND statistic='x')";
  same(db, "m:::x | sort value desc, instance",
       "SELECT * FROM " + x + " ORDER BY value DESC, instance", true);
  same(db, "m:::x | sort by value, instance desc",
       "SELECT * FROM " + x + " ORDER BY value, instance DESC", true);
  same(db, "m:::x | top 3 by value", "SELECT * FROM " + x + " ORDER BY value DESC LIMIT 3", true);
  same(db, "m:::x | top 3 by value asc", "SELECT * FROM " + x + " ORDER BY value LIMIT 3", true);
  same(db, "m:::x | sort instance desc | limit 4 | where value > 4",
       "SELECT * FROM (SELECT * FROM " + x +
           " ORDER BY instance DESC LIMIT 4) WHERE value > 4 ORDER BY instance DESC",
       true);
  // select keeps the order when it keeps the sort column, and also when it drops it.
  same(db, "m:::x | top 4 by value | select name, value * 2 as twice, value",
       "SELECT name, value * 2, value FROM " + x + " ORDER BY value DESC LIMIT 4", true);
  same(db, "m:::x | top 4 by value | select name",
       "SELECT name FROM " + x + " ORDER BY value DESC LIMIT 4", true);
  same(db, "m:::x | sort value | project instance as i, value as v | limit 2",
       "SELECT instance, value FROM " + x + " ORDER BY value LIMIT 2", true);
  same(db, "m:::x | take 5", "SELECT * FROM " + x + " LIMIT 5");
}

TEST_CASE("KQL rate and delta on named and io (first sample: since crtime)", "[vtab][kql]") {
  Db db(numbers());
  // Every statement would start a generation (a static source's second one has
  // zero deltas): hold the first for the KQL and the hand-written SQL alike.
  db.rows("SELECT kstat_pin()");
  // Static data, crtime 0, snaptime 4 s: delta = value, rate = value / 4.
  same(db, "m:::y | rate",
       "SELECT module, instance, name, class, statistic, type, value / 4.0, unit, snaptime, crtime "
       "FROM named WHERE module='m' AND statistic='y'");
  same(db, "m:::y | delta | sum",
       "SELECT sum(value) FROM named WHERE module='m' AND statistic='y'");
  same(db, "io | rate | select name, nread, nwritten, reads, writes, pct_b",
       "SELECT name, nread / 4.0, nwritten / 4.0, reads / 4.0, writes / 4.0, 100.0 * rtime / 4e9 "
       "FROM io");
  same(db,
       "io | delta | select name, nread, nwritten, reads, writes, wtime, wlentime, rtime, rlentime",
       "SELECT name, nread, nwritten, reads, writes, wtime, wlentime, rtime, rlentime FROM io");
  same(db, "io class=disk | rate | top 1 by nread | select name", "SELECT 'dsk1'", true);
  // A regex selector takes its rates from named.
  same(db, "'m:::/^y$/' | rate | sum by class",
       "SELECT class, sum(rate) FROM named WHERE module='m' AND statistic='y' GROUP BY class",
       true);
  // Hidden columns a query names become columns.
  same(db, "m:::y | where rate > 20 | select name, rate, elapsed",
       "SELECT name, rate, elapsed FROM named WHERE module='m' AND statistic='y' AND rate > 20");
}

TEST_CASE("A KQL rate-and-aggregate query gives the rows of its SQL in a pinned generation",
          "[vtab][kql]") {
  auto src = std::make_shared<kstatsql::test::TickingSource>(3);
  Db db(src);
  db.rows("SELECT count(*) FROM named");  // generation 1: every kstat read once
  db.rows("SELECT kstat_pin()");          // generation 2, held
  const std::string kql = "tick | rate | sum by statistic";
  const Rows want = db.rows(
      "SELECT statistic, sum(rate) FROM named WHERE module = 'tick' GROUP BY statistic ORDER BY "
      "statistic");
  REQUIRE(want.size() == 3);
  CHECK(want[0] == std::vector<std::string>{"label", "NULL"});
  CHECK(want[1] == std::vector<std::string>{"value", "3.0"});  // +1 per generation, 1 s apart
  CHECK(db.rows(kql_to_sql(kql)) == want);
  same(db, "tick | delta | max by statistic",
       "SELECT statistic, max(delta) FROM named WHERE module = 'tick' GROUP BY statistic ORDER BY "
       "statistic",
       true);
  db.rows("SELECT kstat_unpin()");
}

TEST_CASE("KQL sources keep pushdown: only matching kstats are read", "[vtab][kql]") {
  Db db(kstatsql::test::small_machine());
  db.rows(
      kql_to_sql("named module=unix name=system_misc | where statistic = 'nproc' | select value"));
  CHECK(db.one("SELECT kstat_reads()") == "1");
  db.rows(kql_to_sql("cpu:1:sys | rate | sum by statistic"));
  CHECK(db.one("SELECT kstat_reads()") == "1");
  db.rows(kql_to_sql("io class=disk | rate | top 5 by nread"));
  CHECK(db.one("SELECT kstat_reads()") == "2");
  db.rows(kql_to_sql("link:::/bytes/ | rate"));
  CHECK(db.one("SELECT kstat_reads()") == "1");
}

TEST_CASE("kql() returns the compiled SQL, or the caret error", "[vtab][kql]") {
  Db db(kstatsql::test::small_machine());
  CHECK(db.one("SELECT kql('io class=disk | rate | top 5 by nread')") ==
        kql_to_sql("io class=disk | rate | top 5 by nread"));
  CHECK(db.one("SELECT kql(NULL) IS NULL") == "1");
  CHECK(db.error_of("SELECT kql('io | bogus')") ==
        "kql: expected a stage: where, rate, delta, sum, avg, min, max, count, pNN, join, sort, "
        "top, select or "
        "limit\n  io | bogus\n       ^");
  // A nesting bomb in a view or a query is an error, not a stack overflow.
  const std::string deep = std::string(9000, '(') + "1" + std::string(9000, ')');
  CHECK(db.error_of("SELECT kql('unix | where " + deep + "')")
            .rfind("kql: expression nested too deeply (more than 64 levels)\n", 0) == 0);
  CHECK(db.error_of("CREATE VIEW v AS SELECT kql('unix | where " + deep + "'); SELECT * FROM v")
            .rfind("kql: expression nested too deeply", 0) == 0);
  // The deepest accepted expressions (64 levels of nesting, 256 of operators,
  // with the comparison) still compile to SQL that SQLite takes.
  const std::string ok = std::string(63, '(') + "value" + std::string(63, ')');
  CHECK_NOTHROW(db.rows(kql_to_sql("named | where " + ok + " > 0")));
  std::string chain = "value";
  for (int i = 0; i < 254; ++i) chain += "+1";
  CHECK_NOTHROW(db.rows(kql_to_sql("named | where " + chain + " > 0")));
}

TEST_CASE("KQL tables match kstat_columns", "[vtab][kql]") {
  Db db(kstatsql::test::small_machine());
  std::map<std::string, std::pair<std::string, std::string>> declared;
  for (const auto& row :
       db.rows("SELECT table_name, column_name, type LIKE '%HIDDEN%' FROM kstat_columns "
               "ORDER BY table_name, position")) {
    std::string& list = row[2] == "1" ? declared[row[0]].second : declared[row[0]].first;
    list += (list.empty() ? "" : " ") + row[1];
  }
  REQUIRE(declared.size() == kstatsql::vtab::tables().size());
  const auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
    return out;
  };
  // Every table of the schema is a KQL source, or says why it is not one.
  for (const auto& [name, cols] : declared) {
    INFO("table " << name);
    const kstatsql::vtab::TableSpec* t = kstatsql::vtab::find_table(name);
    REQUIRE(t != nullptr);
    if (t->not_kql) {
      CHECK(std::string(t->not_kql).size() > 10);
      CHECK(kstatsql::vtab::kql::kql_table(name) == nullptr);
      continue;
    }
    REQUIRE(kstatsql::vtab::kql::kql_table(name) == t);
    CHECK(join(kstatsql::vtab::kql::visible_columns(*t)) == cols.first);
    CHECK(join(kstatsql::vtab::kql::hidden_columns(*t)) == cols.second);
    CHECK(kql_to_sql(name) == "SELECT * FROM " + name);
    CHECK(db.error_of(kql_to_sql(name + " | limit 1")) == "");
    // Each column, visible or hidden, is known to the compiler and to SQLite.
    std::istringstream all(cols.first + " " + cols.second);
    for (std::string c; all >> c;) {
      INFO("column " << c);
      CHECK(db.error_of(kql_to_sql(name + " | select " + c + " | limit 1")) == "");
    }
  }
}
