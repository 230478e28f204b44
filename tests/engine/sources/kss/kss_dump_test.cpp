// tests/engine/sources/kss/kss_dump_test.cpp — kstat(8) -p/-j output, and the record/convert
// commands.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "engine/sources/open_source.hpp"
#include "engine/sources/dump/dump_writer.hpp"
#include "engine/sources/kss/kss_writer.hpp"
#include "engine/sources/kss/kss_reader.hpp"
#include "engine/static_source.hpp"
#include "kstatsql/error.hpp"
#include "shell/commands.hpp"
#include "support/kss_temp.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using kstatsql::test::TempDir;

namespace {

const std::string kDumpP = KSTATSQL_TEST_DATA "/dumps/illumos-kstat-p.txt";
const std::string kDumpJ = KSTATSQL_TEST_DATA "/dumps/illumos-kstat-j.json";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

// Everything a source's (selected) generation prints as kstat -p / -j.
std::string dump(const std::shared_ptr<Source>& src, DumpOptions o = {}) {
  Session s(src, "dump");
  auto gen = s.open_cursor();
  std::vector<DumpEntry> entries;
  for (std::uint32_t i = 0; i < gen->size(); ++i)
    entries.push_back({&gen->header(i), &gen->data(i)});
  std::string out;
  write_dump(entries, o, out);
  s.close_cursor();
  return out;
}

int run(int (*fn)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return fn(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("hrtime and JSON strings as kstat(8) -p / valid JSON print them", "[engine][dump]") {
  CHECK(format_hrtime(0) == "0");
  CHECK(format_hrtime(1) == "0.000000001");
  CHECK(format_hrtime(9013271863046) == "9013.271863046");
  CHECK(format_hrtime(-1500000000) == "-1.500000000");
  std::string j;
  append_json_string(j, std::string("a\"b\\c?\n\t\x01\x7f\0", 11));
  CHECK(j == "\"a\\\"b\\\\c?\\n\\t\\u0001\\u007f\\u0000\"");
  j.clear();
  append_json_string(
      j, "caf\xc3\xa9 \xff \xe2\x82 \xed\xa0\x80 \xf0\x9f\x98\x80");  // é kept, bad bytes escaped
  CHECK(j == "\"caf\xc3\xa9 \\u00ff \\u00e2\\u0082 \\u00ed\\u00a0\\u0080 \xf0\x9f\x98\x80\"");
}

TEST_CASE("kstat -p text: order, pseudo-statistics, -C and -l", "[engine][dump]") {
  StaticBuilder b;
  b.begin("Zed", 0, "b");
  b.set_class("misc");
  b.set_crtime(1000000000);
  b.set_snaptime(2500000000);
  b.add_uint("Snap", ValueType::uint64, 1);
  b.add_int("alpha", ValueType::int32, -3);
  b.add_string("Class", ValueType::char_, std::string("ab\0cd", 5));
  b.begin("abc", 10, "x");
  b.set_class("net");
  b.add_uint("v", ValueType::uint32, 7);
  b.begin("abc", 2, "x");
  b.set_class("net");
  b.set_error(ENXIO, "gone");
  b.begin("abc", 2, "kstat_types");  // skipped, as kstat(8) does
  b.add_uint("v", ValueType::uint32, 7);
  auto src = b.finish("t");
  const std::string p = dump(src);
  CHECK(p ==
        "abc:2:x:class\tnet\n"
        "abc:2:x:crtime\t0\n"  // a failed read: no snaptime
        "abc:10:x:class\tnet\n"
        "abc:10:x:crtime\t0\n"
        "abc:10:x:snaptime\t0\n"
        "abc:10:x:v\t7\n"
        "Zed:0:b:alpha\t-3\n"
        "Zed:0:b:Class\tab\n"  // strcasecmp ties: byte order, as the file parser sorts
        "Zed:0:b:class\tmisc\n"
        "Zed:0:b:crtime\t1.000000000\n"
        "Zed:0:b:Snap\t1\n"
        "Zed:0:b:snaptime\t2.500000000\n");
  DumpOptions c;
  c.separator = ':';
  CHECK(lines_of(dump(src, c))[5] == "abc:10:x:v:7");
  DumpOptions l;
  l.names_only = true;
  CHECK(lines_of(dump(src, l))[5] == "abc:10:x:v");
  DumpOptions s;
  std::vector<std::string> spec = {"::x:v", "Zed:::/^c/"};
  SelectorSet sel = SelectorSet::parse(std::span<const std::string>(spec));
  s.statistics = &sel;
  CHECK(lines_of(dump(src, s)) == std::vector<std::string>{"abc:10:x:v\t7", "Zed:0:b:class\tmisc",
                                                           "Zed:0:b:crtime\t1.000000000"});
}

TEST_CASE("kstat -p fixture -> .kss -> text gives the original lines", "[engine][dump][kss]") {
  TempDir dir;
  {
    Session s(open_source(kDumpP), "p");
    KssWriter(dir.file("p.kss"), KssWriter::Mode::create).append(*s.open_cursor());
    s.close_cursor();
  }
  std::vector<std::string> want = lines_of(test::slurp(kDumpP));
  std::vector<std::string> got = lines_of(dump(open_source(dir.file("p.kss"))));
  CHECK(got == want);  // kstat(8)'s own order, too
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  CHECK(got == want);
}

TEST_CASE("kstat -j fixture -> .kss -> JSON is kstat(8)'s layout", "[engine][dump][kss]") {
  TempDir dir;
  {
    Session s(open_source(kDumpJ), "j");
    KssWriter(dir.file("j.kss"), KssWriter::Mode::create).append(*s.open_cursor());
    s.close_cursor();
  }
  DumpOptions o;
  o.format = DumpOptions::Format::json;
  const std::string got = dump(open_source(dir.file("j.kss")), o);
  CHECK(got == test::slurp(kDumpJ));
  // And it reads back as the same data.
  test::spit(dir.file("back.json"), got);
  CHECK(dump(open_source(dir.file("back.json"))) == dump(open_source(kDumpJ)));
}

TEST_CASE("kstatsql convert between kss, text and JSON", "[engine][dump][kss][shell]") {
  TempDir dir;
  const std::string kss = dir.file("c.kss"), txt = dir.file("c.txt"), json = dir.file("c.json");
  REQUIRE(run(run_convert, {"convert", kDumpP, kss}) == 0);
  CHECK(is_kss_file(kss));
  REQUIRE(run(run_convert, {"convert", kss, txt}) == 0);
  CHECK(lines_of(test::slurp(txt)) == lines_of(test::slurp(kDumpP)));
  REQUIRE(run(run_convert, {"convert", kss, json, "--select", "cpu:0:sys:cpu_nsec_*"}) == 0);
  std::string j = test::slurp(json);
  CHECK(j.rfind("[{\n\t\"module\": \"cpu\",", 0) == 0);
  CHECK(j.find("\"cpu_nsec_idle\": ") != std::string::npos);
  CHECK(j.find("\"bread\"") == std::string::npos);
  REQUIRE(run(run_convert, {"convert", json, dir.file("c2.txt"), "--format", "text"}) == 0);
  // The 5 cpu_nsec_* statistics, plus class and snaptime: the selector dropped crtime, and
  // a replay invents none.
  CHECK(lines_of(test::slurp(dir.file("c2.txt"))).size() == 5 + 2);
  CHECK(run(run_convert, {"convert", kss}) == 2);
  CHECK(run(run_convert, {"convert", kss, txt, "--format", "xml"}) == 2);
  CHECK(run(run_convert, {"convert", dir.file("missing"), txt}) == 3);
  CHECK(run(run_convert, {"convert", kss, txt, "--generation", "5"}) == 3);
}

TEST_CASE("kstatsql record writes generations from a source", "[engine][kss][shell]") {
  TempDir dir;
  const std::string out = dir.file("rec.kss");
  REQUIRE(run(run_record, {"record", "-q", "--no-sync", "-o", out, "--source", kDumpP, "--count",
                           "3", "--interval", "0.01", "cpu:::"}) == 0);
  KssSource k(out);
  REQUIRE(k.recorded_count() == 3);
  for (const RecordedInfo& i : k.recorded_info())
    CHECK(i.kstats == 4);  // cpu:{0,1}:{sys,vm} of the fixture
  CHECK(k.recorded_info()[2].wall_ns - k.recorded_info()[0].wall_ns >=
        15000000);                                           // two sleeps of ~10 ms
  CHECK(run(run_record, {"record", "-q", "-o", out}) == 3);  // exists: refuses
  REQUIRE(run(run_record,
              {"record", "-q", "--no-sync", "--append", "-o", out, "--source", kDumpP}) == 0);
  CHECK(KssSource(out).recorded_count() == 4);
  CHECK(run(run_record, {"record", "--count", "0", "-o", out}) == 2);
  CHECK(run(run_record, {"record", "--select", "a:b:c:d:e", "-o", dir.file("x.kss")}) == 2);
}
