// tests/engine/kstat_rules_test.cpp — kstat(8)'s rules (engine/kstat_rules.hpp):
// one order for SQL scans and for kstat -p, the hidden kstat_* kstats, and
// selector pushdown.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/kstat_rules.hpp"
#include "engine/session.hpp"
#include "engine/sources/dump/dump_writer.hpp"
#include "engine/static_source.hpp"
#include "support/db.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;

namespace {

// sd:2, Sd:10 and sd:10 given in an order that is none of the sorted ones.
std::shared_ptr<Source> mixed_case_disks() {
  StaticBuilder b;
  b.begin("sd", 10, "sd10");
  b.add_uint("reads", ValueType::uint64, 3);
  b.begin("Sd", 10, "Sd10");
  b.add_uint("reads", ValueType::uint64, 2);
  b.begin("sd", 2, "sd2");
  b.add_uint("reads", ValueType::uint64, 1);
  b.begin("unix", 0, "kstat_headers");
  b.add_uint("count", ValueType::uint64, 9);
  return b.finish("mixed");
}

std::vector<std::string> dump_lines(const std::string& text) {
  std::vector<std::string> v;
  std::size_t from = 0;
  for (std::size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) {
    std::string line = text.substr(from, nl - from);
    if (line.find(":reads\t") != std::string::npos) v.push_back(line);
  }
  return v;
}

}  // namespace

TEST_CASE("kstat order: module and name case-insensitive, instance numeric, bytes break ties",
          "[engine]") {
  KstatHeader a, b;
  a.module = "sd", a.instance = 2, a.name = "sd2";
  b.module = "Sd", b.instance = 10, b.name = "Sd10";
  CHECK(kstat8::kstat_less(a, b));  // 2 < 10 before case matters
  CHECK_FALSE(kstat8::kstat_less(b, a));
  KstatHeader c = b;
  c.module = "sd", c.name = "sd10";
  CHECK(kstat8::kstat_less(b, c));  // equal but for case: "Sd" < "sd" in bytes
  CHECK_FALSE(kstat8::kstat_less(c, b));
  CHECK_FALSE(kstat8::kstat_less(c, c));
  CHECK(kstat8::statistic_less("crtime", "Reads"));
  CHECK(kstat8::statistic_less("Reads", "reads"));
  CHECK_FALSE(kstat8::statistic_less("reads", "Reads"));
}

TEST_CASE("SQL scans and kstat -p list kstats in the same order", "[engine]") {
  auto src = mixed_case_disks();
  test::Db db(src);
  const test::Rows sql =
      db.rows("SELECT module, instance, name FROM kstat WHERE name <> 'kstat_headers'");
  REQUIRE(sql == test::Rows{{"sd", "2", "sd2"}, {"Sd", "10", "Sd10"}, {"sd", "10", "sd10"}});

  Session s(src, "mixed");
  auto gen = s.open_cursor();
  std::vector<DumpEntry> entries;
  for (std::uint32_t i = 0; i < gen->size(); ++i)
    entries.push_back({&gen->header(i), &gen->data(i)});
  std::reverse(entries.begin(), entries.end());  // the writer sorts whatever it is given
  std::string out;
  write_dump(entries, DumpOptions{}, out);
  s.close_cursor();
  CHECK(dump_lines(out) == std::vector<std::string>{"sd:2:sd2:reads\t1", "Sd:10:Sd10:reads\t2",
                                                    "sd:10:sd10:reads\t3"});
  CHECK(out.find("kstat_headers") == std::string::npos);  // hidden, as kstat(8) hides it
}

TEST_CASE("kstat_* kstats are hidden from kstat_select() but not from SQL tables", "[engine]") {
  test::Db db(mixed_case_disks());
  CHECK(db.one("SELECT count(*) FROM kstat WHERE name = 'kstat_headers'") == "1");
  CHECK(db.one("SELECT count(*) FROM kstat_select('unix:0:kstat_headers')") == "0");
  CHECK(db.one("SELECT count(*) FROM kstat_select('unix')") == "0");
}

TEST_CASE("selector pushdown: literal modules, names and instances; nothing for patterns",
          "[engine]") {
  auto set = SelectorSet::parse(std::vector<std::string>{"sd:2:sd2", "sd:10:sd10:reads"});
  Filter f = kstat8::pushdown(set);
  REQUIRE(f.preds.size() == 3);
  CHECK(f.preds[0].col == KeyCol::module);
  CHECK(f.preds[0].text == std::vector<std::string>{"sd", "sd"});
  CHECK(f.preds[1].col == KeyCol::name);
  CHECK(f.preds[2].col == KeyCol::instance);
  CHECK(f.preds[2].ints == std::vector<std::int64_t>{2, 10});

  auto wide = SelectorSet::parse(std::vector<std::string>{"sd:1*", "s?"});
  CHECK(kstat8::pushdown(wide).preds.empty());

  // kstat_select() reads only the kstats the literal parts allow.
  test::Db db(mixed_case_disks());
  CHECK(db.one("SELECT count(*) FROM kstat_select('sd:10:sd10')") == "1");
  CHECK(db.one("SELECT kstat_reads()") == "1");
}
