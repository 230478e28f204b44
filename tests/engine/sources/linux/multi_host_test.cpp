// tests/engine/sources/linux/multi_host_test.cpp — several sources of one host
// (engine/sources/multi/): every child is its own timeline, never diffed
// against another child's samples.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "engine/rates.hpp"
#include "engine/sources/kss/kss_writer.hpp"
#include "engine/sources/open_source.hpp"
#include "support/kss_temp.hpp"
#include "support/ticking_source.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using kstatsql::test::TempDir;

namespace {

// Records `gens` generations of a two-kstat ticking source on host `host`,
// after letting it tick `skip` times (so its values start at skip + 1).
void record(const std::string& path, const std::string& host, int skip, int gens) {
  Session s(std::make_shared<test::TickingSource>(2), "tick");
  for (int g = 0; g < skip; ++g) {
    (void)s.open_cursor();
    s.close_cursor();
  }
  KssWriter w(path, KssWriter::Mode::create, {host, "Linux", "", "", ""});
  w.set_sync(false);
  for (int g = 0; g < gens; ++g) {
    w.append(*s.open_cursor());
    s.close_cursor();
  }
}

// host → delta of tick:0:k0's "value" in the selected generation.
std::map<std::string, std::int64_t> deltas(Session& s) {
  std::map<std::string, std::int64_t> out;
  auto gen = s.open_cursor();
  auto prev = gen->previous();
  for (std::uint32_t i = 0; i < gen->size(); ++i) {
    const KstatHeader& h = gen->header(i);
    if (h.name != "k0") continue;
    const KstatData& now = gen->data(i);
    Baseline b = baseline(*gen, i, now, prev.get());
    const NamedStat* before = previous_stat(b, now.named[0], 0);
    out[std::string(h.host)] = int_delta_of(now.named[0], before).value_or(-1);
  }
  s.close_cursor();
  return out;
}

}  // namespace

TEST_CASE("two recordings of one host are two timelines, never diffed across files",
          "[engine][multi]") {
  TempDir dir;
  record(dir.file("r1.kss"), "db1", 0, 3);    // values 1, 2, 3
  record(dir.file("r2.kss"), "db1", 100, 3);  // values 101, 102, 103
  auto src = open_source(dir.file("r1.kss") + "," + dir.file("r2.kss"));
  REQUIRE(src->recorded_count() == 3);
  Session s(src, "multi");
  s.select_recorded(1);
  auto d = deltas(s);
  // Each file against its own generation 0: +1, not r2's 102 minus r1's 1.
  REQUIRE(d.size() == 2);
  CHECK(d["db1@r1.kss"] == 1);
  CHECK(d["db1@r2.kss"] == 1);
  std::set<std::string> hosts;
  for (const RecordedInfo& i : src->recorded_info()) hosts.insert(i.host);
  CHECK(hosts == std::set<std::string>{"db1@r1.kss", "db1@r2.kss"});
}

TEST_CASE("distinct hosts keep their names; identical specs still get distinct hosts",
          "[engine][multi]") {
  TempDir dir;
  record(dir.file("a.kss"), "alpha", 0, 2);
  record(dir.file("b.kss"), "beta", 10, 2);
  auto src = open_source(dir.file("a.kss") + "," + dir.file("b.kss") + "," + dir.file("a.kss"));
  Session s(src, "multi");
  s.select_recorded(1);
  auto d = deltas(s);
  REQUIRE(d.size() == 3);
  CHECK(d["beta"] == 1);
  CHECK(d["alpha@a.kss"] == 1);
  CHECK(d["alpha@a.kss#2"] == 1);
}

TEST_CASE("two recorded /proc trees of one host are two hosts", "[engine][multi][linux]") {
  const std::string cpu = KSTATSQL_TEST_DATA "/linux/cpu";
  auto src = open_source("procfs:" + cpu + ",procfs:" + cpu);
  Session s(src, "multi");
  auto gen = s.open_cursor();
  std::set<std::string> hosts;
  for (std::uint32_t i = 0; i < gen->size(); ++i)
    if (gen->header(i).module == "cpu") hosts.insert(std::string(gen->header(i).host));
  s.close_cursor();
  CHECK(hosts == std::set<std::string>{"cpu@cpu", "cpu@cpu#2"});
}
