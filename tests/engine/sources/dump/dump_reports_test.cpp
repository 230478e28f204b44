// tests/engine/sources/dump/dump_reports_test.cpp — dumps of several reports
// (interval output, -T u / -T d, # comments) as generations, rates through
// SQL, kstat(8)'s hrtime bytes, self-explaining format detection, capped
// reads of pipes and devices, and write -> read round trips of every writer.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/source.hpp"
#include "engine/sources/dump/dump_source.hpp"
#include "engine/sources/dump/dump_writer.hpp"
#include "engine/static_source.hpp"
#include "kstatsql/error.hpp"
#include "support/db.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using Catch::Contains;
using kstatsql::test::Db;
using kstatsql::test::Rows;

namespace {

const std::string kDumps = std::string(KSTATSQL_TEST_DATA) + "/dumps/";

// One generation of a source: headers and data, in enumeration order.
struct Gen {
  Arena arena;
  std::vector<KstatHeader> headers;
  std::vector<KstatData> data;

  std::string kstat_p(DumpOptions::Format f = DumpOptions::Format::text) const {
    std::vector<DumpEntry> e;
    for (std::size_t i = 0; i < headers.size(); ++i) e.push_back({&headers[i], &data[i]});
    DumpOptions o;
    o.format = f;
    std::string out;
    write_dump(e, o, out);
    return out;
  }
};

std::unique_ptr<Gen> generation(Source& src, std::size_t g) {
  auto r = std::make_unique<Gen>();
  if (src.recorded_count() == 0) {
    src.enumerate(r->arena, r->headers);
  } else {
    src.enumerate_recorded(g, r->arena, r->headers);
  }
  r->data.resize(r->headers.size());
  for (std::size_t i = 0; i < r->headers.size(); ++i) src.read(r->headers[i], r->arena, r->data[i]);
  return r;
}

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content, const char* ext = ".txt") {
    static int n = 0;
    path =
        (std::filesystem::temp_directory_path() /
         ("kstatsql-reports-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ext))
            .string();
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("interval dumps: the man page's example shapes replay section by section",
          "[engine][file][reports]") {
  auto src = open_file_source(kDumps + "illumos-manpage-examples.txt");
  // Example 1 (one report), 2 (three), 3 (-T u, two), 4 (-T d, two).
  REQUIRE(src->recorded_count() == 8);
  // Filtered to intr*: kstat -p of the replay prints those lines only.
  CHECK(generation(*src, 0)->kstat_p() ==
        "cpu_stat:0:cpu_stat0:intr\t29682330\ncpu_stat:0:cpu_stat0:intrblk\t87\n"
        "cpu_stat:0:cpu_stat0:intrthread\t15054222\n"
        "cpu_stat:1:cpu_stat1:intr\t426073\ncpu_stat:1:cpu_stat1:intrblk\t51\n"
        "cpu_stat:1:cpu_stat1:intrthread\t289668\n");
  for (std::size_t g = 1; g <= 3; ++g) {
    auto gen = generation(*src, g);
    REQUIRE(gen->headers.size() == 1);
    CHECK(gen->data[0].named.size() == 3);
  }
  CHECK(generation(*src, 3)->data[0].named[0].v.u == 29683508);
  CHECK(generation(*src, 3)->data[0].named[1].v.u == 88);
  // -T u: the time line is the report's time and, with no snaptime line, its snaptime.
  CHECK(src->recorded_time(4) == 1700466113000000000);
  CHECK(src->recorded_time(5) == 1700466118000000000);
  auto g5 = generation(*src, 5);
  CHECK(g5->data[0].snaptime == 1700466118000000000);
  CHECK(g5->data[0].named[0].v.u == 29684701);
  // -T d: date(1)'s layout.
  CHECK(src->recorded_time(6) == 1700466113000000000);
  CHECK(src->recorded_time(7) == 1700466118000000000);
  CHECK(generation(*src, 7)->data[0].named[0].v.u == 73);
  CHECK(src->recorded_time(0) == 0);
}

TEST_CASE("interval dumps: a pasted kstat -p -T u 5 3 gives rates through SQL",
          "[engine][file][reports]") {
  Db db(open_file_source(kDumps + "kstat-p-T-u-5-3.txt"));
  CHECK(db.one("SELECT count(*) FROM kstat_generations") == "3");
  // The last report against the one before: 150 ticks in 5 s.
  CHECK(db.rows("SELECT statistic, delta, rate FROM named WHERE module = 'cpu' ORDER BY "
                "statistic") == Rows{{"cpu_ticks_idle", "500", "100.0"},
                                     {"cpu_ticks_kernel", "10", "2.0"},
                                     {"cpu_ticks_user", "150", "30.0"}});
  db.one("SELECT kstat_generation(1)");
  CHECK(db.one("SELECT rate FROM named WHERE statistic = 'cpu_ticks_user'") == "20.0");
}

TEST_CASE("interval dumps: kstat -j -T d, one array per report", "[engine][file][reports]") {
  auto src = open_file_source(kDumps + "kstat-j-T-d.json");
  REQUIRE(src->recorded_count() == 2);
  CHECK(src->recorded_time(1) == 1700466118000000000);
  auto g0 = generation(*src, 0);
  REQUIRE(g0->headers.size() == 1);
  CHECK(g0->data[0].snaptime == 9305222459039730);  // its own snaptime wins
  CHECK(generation(*src, 1)->data[0].named[0].v.u == 73);
}

TEST_CASE("interval dumps: blank lines split reports only where kstats repeat",
          "[engine][file][reports]") {
  // A stray blank line inside one report does not split it.
  TempFile one("a:0:x:s\t1\n\nb:0:y:s\t2\n");
  auto s1 = open_file_source(one.path);
  CHECK(s1->recorded_count() == 0);
  CHECK(generation(*s1, 0)->headers.size() == 2);
  // A comment anywhere is skipped; a repeat after a blank line is a new report.
  TempFile two("# top\na:0:x:s\t1\n  # indented comment\n\na:0:x:s\t2\n# end\n");
  auto s2 = open_file_source(two.path);
  REQUIRE(s2->recorded_count() == 2);
  CHECK(generation(*s2, 1)->data[0].named[0].v.u == 2);
}

TEST_CASE("a filtered dump invents nothing: no class, crtime or snaptime lines, NULL in SQL",
          "[engine][file][reports]") {
  TempFile one("unix:0:system_misc:boot_time\t1700000000\n");
  auto src = open_file_source(one.path);
  CHECK(generation(*src, 0)->kstat_p() == "unix:0:system_misc:boot_time\t1700000000\n");
  Db db(open_file_source(one.path));
  CHECK(db.rows("SELECT crtime, snaptime, class FROM kstat") == Rows{{"NULL", "NULL", ""}});
  // What the dump gave is kept, and printed back.
  TempFile two("m:0:n:crtime\t5.000000001\nm:0:n:s\t1\n");
  auto src2 = open_file_source(two.path);
  CHECK(generation(*src2, 0)->kstat_p() == "m:0:n:crtime\t5.000000001\nm:0:n:s\t1\n");
  Db db2(open_file_source(two.path));
  CHECK(db2.rows("SELECT crtime, snaptime FROM kstat") == Rows{{"5000000001", "NULL"}});
  // A -T u time line stands in for a missing snaptime.
  TempFile three("1700466113\nm:0:n:s\t1\n");
  Db db3(open_file_source(three.path));
  CHECK(db3.one("SELECT snaptime FROM kstat") == "1700466113000000000");
}

TEST_CASE("hrtime prints as kstat(8)'s %.9f of a double", "[engine][file][reports]") {
  CHECK(format_hrtime(0) == "0");
  CHECK(format_hrtime(35240997153) == "35.240997153");
  // Above 2^23 s the double's digits, not the counter's, as illumos prints them.
  CHECK(format_hrtime(9305222459039730) == "9305222.459039729");
  char buf[64];
  std::mt19937_64 rng(23);
  for (int i = 0; i < 20000; ++i) {
    // 2^23 s .. 2^33 s in ns, where the double loses the last digit.
    auto ns = static_cast<std::int64_t>(8388608000000000ull + rng() % 8589934592000000000ull);
    std::snprintf(buf, sizeof buf, "%.9f", static_cast<double>(ns) / 1000000000.0);
    REQUIRE(format_hrtime(ns) == buf);
    // What kstat(8) printed reads back to a value that prints the same.
    auto back = file::parse_seconds_ns(buf);
    REQUIRE(back);
    REQUIRE(format_hrtime(file::hrtime_printing_as(*back, buf)) == buf);
  }
}

TEST_CASE("format detection explains itself", "[engine][file][reports]") {
  TempFile f(
      "# a comment\n\n1700466113\nhello\x1b[31m world, this line is rather long and goes on "
      "and on past eighty bytes of text\n");
  try {
    open_file_source(f.path);
    FAIL("no error");
  } catch (const Error& e) {
    std::string m = e.what();
    // The line number names the offending line; its text is not quoted (a file
    // of no known format may hold a secret).
    CHECK_THAT(m, Contains(f.path + ":4: unknown format"));
    CHECK_THAT(m, !Contains("hello"));
    CHECK(m.find('\x1b') == std::string::npos);
    CHECK_THAT(m, Contains("kstat -p text") && Contains("kstat -j JSON") &&
                      Contains("kstat text") && Contains("OpenBSD") && Contains(".kss"));
  }
  TempFile only("# nothing but notes\n1700466113\n");
  REQUIRE_THROWS_WITH(open_file_source(only.path), Contains("only blank, comment and time lines"));
}

TEST_CASE("dump reads: pipes once and whole, devices refused, a size cap",
          "[engine][file][reports]") {
  SECTION("a FIFO keeps its first bytes") {
    std::string fifo =
        (std::filesystem::temp_directory_path() / ("kstatsql-fifo-" + std::to_string(::getpid())))
            .string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::thread writer([&] { std::ofstream(fifo) << "unix:0:system_misc:ncpus\t8\n"; });
    std::shared_ptr<Source> src;
    REQUIRE_NOTHROW(src = open_file_source(fifo));
    writer.join();
    std::filesystem::remove(fifo);
    auto g = generation(*src, 0);
    REQUIRE(g->headers.size() == 1);
    CHECK(g->data[0].named[0].v.u == 8);
  }
  SECTION("character devices are refused at once") {
    for (const char* dev : {"/dev/zero", "/dev/urandom", "/dev/null"}) {
      REQUIRE_THROWS_WITH(open_file_source(dev),
                          Contains(std::string(dev) + ": not a regular file or a pipe"));
    }
  }
  SECTION("KSTATSQL_MAX_DUMP_BYTES bounds what is read") {
    TempFile big(std::string(5000, '#') + "\n");
    ::setenv("KSTATSQL_MAX_DUMP_BYTES", "4K", 1);
    REQUIRE_THROWS_WITH(open_file_source(big.path),
                        Contains("larger than the dump size limit of 4096 bytes"));
    ::setenv("KSTATSQL_MAX_DUMP_BYTES", "four", 1);
    REQUIRE_THROWS_WITH(open_file_source(big.path), Contains("KSTATSQL_MAX_DUMP_BYTES"));
    ::unsetenv("KSTATSQL_MAX_DUMP_BYTES");
    REQUIRE_THROWS_WITH(open_file_source(big.path), Contains("only blank, comment"));
  }
}

TEST_CASE("JSON: pseudo-statistics of the wrong type are errors, never rows",
          "[engine][file][reports]") {
  for (const char* data :
       {R"("crtime": "soon")", R"("snaptime": true)", R"("class": 3)", R"("crtime": null)"}) {
    CAPTURE(data);
    TempFile f(
        std::string(R"([{"module": "m", "instance": 0, "name": "n", "data": {)") + data + "}}]\n",
        ".json");
    REQUIRE_THROWS_WITH(open_file_source(f.path), Contains(f.path + ":1:"));
  }
}
