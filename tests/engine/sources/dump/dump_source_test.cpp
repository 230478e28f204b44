// tests/engine/sources/dump/dump_source_test.cpp — kstat -p text and kstat -j JSON file sources.
#include "engine/sources/dump/dump_source.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/source.hpp"
#include "kstatsql/error.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using namespace std::string_literals;

namespace {

const std::string kDumps = std::string(KSTATSQL_TEST_DATA) + "/dumps/";

// Everything a source holds, keyed by "module:instance:name".
struct Loaded {
  std::shared_ptr<Source> source;
  Arena arena;
  std::vector<KstatHeader> headers;
  std::map<std::string, std::pair<KstatHeader, KstatData>> by_key;

  const NamedStat* stat(const std::string& key, std::string_view name) const {
    auto it = by_key.find(key);
    if (it == by_key.end()) return nullptr;
    for (const NamedStat& s : it->second.second.named) {
      if (s.name_view() == name) return &s;
    }
    return nullptr;
  }
  const KstatHeader& header(const std::string& key) const { return by_key.at(key).first; }
  const KstatData& data(const std::string& key) const { return by_key.at(key).second; }
};

std::unique_ptr<Loaded> load(const std::string& path) {
  auto l = std::make_unique<Loaded>();
  l->source = open_file_source(path);
  l->source->enumerate(l->arena, l->headers);
  for (const KstatHeader& h : l->headers) {
    KstatData d;
    l->source->read(h, l->arena, d);
    std::string key =
        std::string(h.module) + ":" + std::to_string(h.instance) + ":" + std::string(h.name);
    REQUIRE(l->by_key.count(key) == 0);
    l->by_key.emplace(key, std::make_pair(h, d));
  }
  return l;
}

// A file under the temp directory, removed at scope exit.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content, const char* ext = ".txt") {
    static int n = 0;
    path = (std::filesystem::temp_directory_path() /
            ("kstatsql-file-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ext))
               .string();
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

std::unique_ptr<Loaded> load_text(const std::string& content, const char* ext = ".txt") {
  TempFile f(content, ext);
  return load(f.path);
}

std::string value_text(const NamedStat& s) {
  switch (s.type) {
    case ValueType::uint64:
      return std::to_string(s.v.u);
    case ValueType::int64:
      return std::to_string(s.v.i);
    case ValueType::string:
      return std::string(s.str());
    default:
      return "<type " + std::to_string(static_cast<int>(s.type)) + ">";
  }
}

std::string hrtime_text(std::int64_t ns) {
  if (ns == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(ns / 1000000000),
                static_cast<long long>(ns % 1000000000));
  return buf;
}

// Every record of `a` equals the same record of `b` (identity, class, times, rows).
void require_same(const Loaded& a, const Loaded& b, bool same_types) {
  REQUIRE(a.by_key.size() == b.by_key.size());
  for (const auto& [key, rec] : a.by_key) {
    INFO(key);
    REQUIRE(b.by_key.count(key) == 1);
    const auto& other = b.by_key.at(key);
    CHECK(rec.first.klass == other.first.klass);
    CHECK(rec.first.crtime == other.first.crtime);
    CHECK(rec.second.snaptime == other.second.snaptime);
    if (same_types) CHECK(rec.first.type == other.first.type);
    REQUIRE(rec.second.named.size() == other.second.named.size());
    for (std::size_t i = 0; i < rec.second.named.size(); ++i) {
      const NamedStat& x = rec.second.named[i];
      const NamedStat& y = other.second.named[i];
      INFO(x.name_view());
      CHECK(x.name_view() == y.name_view());
      CHECK(x.type == y.type);
      CHECK(value_text(x) == value_text(y));
    }
  }
}

}  // namespace

TEST_CASE("kstat -p fixture: every line is one statistic with its exact value", "[engine][file]") {
  const std::string path = kDumps + "illumos-kstat-p.txt";
  auto l = load(path);
  CHECK(l->source->description() == path + " (kstat -p text)");

  // An independent reading of the fixture: split each line at its TAB.
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::map<std::string, std::size_t> stats_per_kstat;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    std::string full = line.substr(0, tab), value = line.substr(tab + 1);
    auto c3 = full.find(':', full.find(':', full.find(':') + 1) + 1);
    std::string key = full.substr(0, c3), stat = full.substr(c3 + 1);
    INFO(line);
    REQUIRE(l->by_key.count(key) == 1);
    const KstatHeader& h = l->header(key);
    if (stat == "class") {
      CHECK(h.klass == value);
    } else if (stat == "crtime") {
      CHECK(hrtime_text(h.crtime) == value);
    } else if (stat == "snaptime") {
      CHECK(hrtime_text(l->data(key).snaptime) == value);
    } else {
      ++stats_per_kstat[key];
      const NamedStat* s = l->stat(key, stat);
      REQUIRE(s != nullptr);
      CHECK(value_text(*s) == value);
      bool numeric = !value.empty() && value.find_first_not_of("-0123456789") == std::string::npos;
      CHECK(s->type == (!numeric          ? ValueType::string
                        : value[0] == '-' ? ValueType::int64
                                          : ValueType::uint64));
    }
  }
  CHECK(lines == 620);
  CHECK(l->by_key.size() == stats_per_kstat.size());
  CHECK(l->headers.size() == 28);
  for (const auto& [key, n] : stats_per_kstat) {
    INFO(key);
    CHECK(l->data(key).named.size() == n);
  }

  // Spot checks of the quirks the fixture carries.
  CHECK(l->stat("caps:0:lockedmem_zone_0", "value")->v.u == UINT64_MAX);
  CHECK(l->stat("zfs:0:arcstats", "memory_available_bytes")->v.i == -16498688);
  CHECK(l->stat("sderr:0:sd0,err", "Product")->str() == "VBOX HARDDISK   ");
  CHECK(l->stat("sderr:1:sd1,err", "Serial No")->str().empty());
  CHECK(l->stat("sderr:1:sd1,err", "Serial No")->type == ValueType::string);
  CHECK(l->stat("cpu_info:0:cpu_info0", "supported_frequencies_Hz")->str() ==
        "1600000000:2400000000:3392000000");
  CHECK(l->header("cpu:0:sys").crtime == 35240997153);
  CHECK(l->header("unix:0:system_misc").crtime == 0);
  CHECK(l->header("sd:0:sd0,a").klass == "partition");
}

TEST_CASE("kstat -p fixture: io and intr kstats are recognised", "[engine][file]") {
  auto l = load(kDumps + "illumos-kstat-p.txt");
  const KstatData& d = l->data("sd:0:sd0,a");
  CHECK(l->header("sd:0:sd0,a").type == KstatType::io);
  REQUIRE(d.io != nullptr);
  CHECK(d.io->nread == 1288490188);
  CHECK(d.io->reads == 41027);
  CHECK(d.io->rlastupdate == 9011998765432);
  CHECK(d.named.size() == 12);  // the named rows are kept
  CHECK(l->header("sd:1:sd1").type == KstatType::io);
  CHECK(l->header("ehci:0:ehci0").type == KstatType::intr);
  REQUIRE(l->data("ehci:0:ehci0").intr != nullptr);
  CHECK(l->data("ehci:0:ehci0").intr->intrs[0] == 143);
  CHECK(l->header("cpu:0:sys").type == KstatType::named);
  CHECK(l->data("cpu:0:sys").io == nullptr);
}

TEST_CASE("kstat -p with aligned spaces, indentation, comma decimals and CRLF", "[engine][file]") {
  auto tab = load(kDumps + "illumos-kstat-p.txt");
  auto spaces = load(kDumps + "illumos-kstat-p-spaces.txt");
  require_same(*tab, *spaces, true);
  // The ambiguous lines of that file: a statistic with spaces and a number
  // after one space, a string with spaces, an empty value.
  CHECK(spaces->stat("sderr:0:sd0,err", "Illegal Request")->v.u == 6);
  CHECK(spaces->stat("sderr:0:sd0,err", "Predictive Failure Analysis")->v.u == 0);
  CHECK(spaces->stat("cmdkerror:0:cmdk0,error", "Model")->str() == "VBOX HARDDISK");
  CHECK(spaces->stat("sderr:1:sd1,err", "Serial No")->str().empty());
}

TEST_CASE("kstat -j fixture holds the same data as the kstat -p fixture", "[engine][file]") {
  const std::string path = kDumps + "illumos-kstat-j.json";
  auto j = load(path);
  auto p = load(kDumps + "illumos-kstat-p.txt");
  CHECK(j->source->description() == path + " (kstat -j JSON)");
  require_same(*p, *j, false);
  // Declared types: raw stays raw, io and intr get their records.
  CHECK(j->header("cpu_stat:0:cpu_stat0").type == KstatType::raw);
  CHECK(j->header("unix:0:vminfo").type == KstatType::raw);
  CHECK(j->header("sd:0:sd0").type == KstatType::io);
  REQUIRE(j->data("sd:0:sd0").io != nullptr);
  CHECK(j->data("sd:0:sd0").io->nread == 3 * 1288490188ull);
  CHECK(j->header("ehci:0:ehci0").type == KstatType::intr);
  CHECK(j->header("cpu:1:vm").type == KstatType::named);
  CHECK(j->stat("caps:0:swapresv_zone_0", "value")->v.u == UINT64_MAX);
}

TEST_CASE("kstat -p separator rules", "[engine][file]") {
  struct Case {
    const char* line;
    const char* stat;
    const char* value;
  };
  // clang-format off
  const Case cases[] = {
    {"m:0:n:s\tv",                                  "s",                "v"},
    {"m:0:n:s\t",                                   "s",                ""},
    {"m:0:n:s\t  two  spaces ",                     "s",                "  two  spaces "},
    {"m:0:n:s   \tv",                               "s",                "v"},
    {"m:0:n:stat:with:colons\tv",                   "stat:with:colons", "v"},
    {"m:0:n:brand\tIntel(r) CPU @ 3.40GHz (x: y)",  "brand",            "Intel(r) CPU @ 3.40GHz (x: y)"},
    // Expanded TAB: 1..8 spaces up to a multiple of 8 columns from the key.
    {"sderr:0:sd0,err:Illegal Request 6",           "Illegal Request",  "6"},
    {"sderr:0:sd0,err:Illegal Request 6   ",        "Illegal Request",  "6"},
    {"sderr:0:sd0,err:Product VBOX HARDDISK",       "Product",          "VBOX HARDDISK"},
    {"sderr:0:sd0,err:Serial No       VB0a d2",     "Serial No",        "VB0a d2"},
    {"sderr:0:sd0,err:Serial No       ",            "Serial No",        ""},
    {"sderr:0:sd0,err:Hard Errors     0",           "Hard Errors",      "0"},
    {"cpu_stat:0:cpu_stat0:idlethread 776439232",   "idlethread",       "776439232"},
    {"cpu_info:0:cpu_info0:brand    Intel(R) Xeon(R) CPU           X5570  @ 2.93GHz",
                                                    "brand",            "Intel(R) Xeon(R) CPU           X5570  @ 2.93GHz"},
    // Not aligned: 2+ spaces, else a number after the last space, else the first space.
    {"a:0:b:some stat  a value",                    "some stat",        "a value"},
    {"a:0:b:some stat 12",                          "some stat",        "12"},
    {"a:0:b:stat a value",                          "stat",             "a value"},
    {"m:0:n:s ",                                    "s",                ""},
  };
  // clang-format on
  for (const Case& c : cases) {
    INFO(c.line);
    std::string line = c.line;
    auto l = load_text(line + "\n");
    auto c3 = line.find(':', line.find(':', line.find(':') + 1) + 1);
    std::string key = line.substr(0, c3);
    REQUIRE(l->by_key.count(key) == 1);
    const NamedStat* s = l->stat(key, c.stat);
    REQUIRE(s != nullptr);
    CHECK(value_text(*s) == c.value);
    CHECK(l->data(key).named.size() == 1);
  }
}

TEST_CASE("kstat -p value types", "[engine][file]") {
  auto l = load_text(
      "m:0:n:a\t18446744073709551615\n"
      "m:0:n:b\t-9223372036854775808\n"
      "m:0:n:c\t0\n"
      "m:0:n:d\t007\n"  // not how kstat(8) prints a number: a string
      "m:0:n:e\t-0\n"
      "m:0:n:f\t1.5\n"
      "m:0:n:g\t12 \n"  // trailing blanks after a number are ignored
      "m:0:n:h\t+5\n"
      "m:0:n:i\t-17\n");
  CHECK(l->stat("m:0:n", "a")->type == ValueType::uint64);
  CHECK(l->stat("m:0:n", "a")->v.u == 18446744073709551615ull);
  CHECK(l->stat("m:0:n", "b")->type == ValueType::int64);
  CHECK(l->stat("m:0:n", "b")->v.i == INT64_MIN);
  CHECK(l->stat("m:0:n", "c")->type == ValueType::uint64);
  CHECK(l->stat("m:0:n", "d")->str() == "007");
  CHECK(l->stat("m:0:n", "e")->str() == "-0");
  CHECK(l->stat("m:0:n", "f")->str() == "1.5");
  CHECK(l->stat("m:0:n", "g")->v.u == 12);
  CHECK(l->stat("m:0:n", "h")->str() == "+5");
  CHECK(l->stat("m:0:n", "i")->v.i == -17);
}

TEST_CASE("kstat -p structure: blank lines, CRLF, indentation, timestamps, repeats",
          "[engine][file]") {
  auto l = load_text(
      "\xEF\xBB\xBF"
      "1700466113\r\n"
      "\r\n"
      "  \tunix:0:system_misc:class\tmisc\r\n"
      "unix:0:system_misc:crtime\t0\r\n"
      "unix:0:system_misc:ncpus\t2\r\n"
      "unix:0:system_misc:snaptime\t35,5\r\n"
      "\n"
      "1700466114\n"
      "unix:0:system_misc:ncpus\t4\n"  // second interval: last value wins
      "unix:0:system_misc:nproc\t71\n"
      "unix:0:system_misc:snaptime\t36.000000001\n"
      "cpu:0:sys:b\t1\n"
      "cpu:0:sys:a\t2\n"                // unsorted
      "cpu:0:sys:b\tnow a string\n"     // duplicate after unsorted input
      "unix:0:system_misc:nproc\t72");  // no final newline; resumes a kstat
  // Two reports (a time line before each): two generations, the last one
  // listed by enumerate(); it has no class line of its own.
  REQUIRE(l->source->recorded_count() == 2);
  CHECK(l->source->recorded_time(0) == 1700466113000000000);
  CHECK(l->source->recorded_time(1) == 1700466114000000000);
  {
    Arena a;
    std::vector<KstatHeader> first;
    l->source->enumerate_recorded(0, a, first);
    REQUIRE(first.size() == 1);
    CHECK(first[0].klass == "misc");
    KstatData d;
    l->source->read(first[0], a, d);
    CHECK(d.snaptime == 35500000000);
    CHECK(d.named.size() == 1);
  }
  REQUIRE(l->by_key.size() == 2);
  CHECK(l->header("unix:0:system_misc").klass == "");
  CHECK(l->data("unix:0:system_misc").snaptime == 36000000001);
  CHECK(l->data("unix:0:system_misc").named.size() == 2);
  CHECK(l->stat("unix:0:system_misc", "ncpus")->v.u == 4);
  CHECK(l->stat("unix:0:system_misc", "nproc")->v.u == 72);
  CHECK(l->data("cpu:0:sys").named.size() == 2);
  CHECK(l->stat("cpu:0:sys", "b")->str() == "now a string");
  CHECK(l->stat("cpu:0:sys", "a")->v.u == 2);
}

TEST_CASE("kstat -p: duplicates in a large unsorted kstat", "[engine][file]") {
  std::string text;
  for (int round = 0; round < 2; ++round) {
    for (int i = 500; i > 0; --i)
      text += "m:0:n:s" + std::to_string(i) + "\t" + std::to_string(i + round) + "\n";
  }
  auto l = load_text(text);
  REQUIRE(l->data("m:0:n").named.size() == 500);
  CHECK(l->stat("m:0:n", "s1")->v.u == 2);
  CHECK(l->stat("m:0:n", "s500")->v.u == 501);
}

TEST_CASE("kstat -p errors name the file and the line", "[engine][file]") {
  using Catch::Contains;
  const std::string d = kDumps;
  REQUIRE_THROWS_WITH(open_file_source(d + "bad-truncated.txt"),
                      Contains("bad-truncated.txt:4: expected '<TAB>value'"));
  REQUIRE_THROWS_WITH(open_file_source(d + "bad-binary.txt"),
                      Contains("bad-binary.txt:3: expected"));
  REQUIRE_THROWS_WITH(
      open_file_source(d + "bad-garbled.txt"),
      Contains(
          "bad-garbled.txt:4: expected 'module:instance:name:statistic<TAB>value', found '}{"));
  REQUIRE_THROWS_WITH(
      open_file_source(d + "bad-instance.txt"),
      Contains("bad-instance.txt:3: expected a decimal instance number after 'sd:', found 'x1'"));
  REQUIRE_THROWS_WITH(
      open_file_source(d + "bad-overflow.txt"),
      Contains("bad-overflow.txt:2: value '18446744073709551616' of 'value' does not fit uint64"));

  struct Bad {
    std::string text;
    const char* message;
  };
  const Bad bad[] = {
      {"m:0:n:s\t1\nm:0:n:s2\t-9223372036854775809\n",
       ":2: value '-9223372036854775809' of 's2' does not fit int64"},
      {"m:0:n:s\t1\nm:0:n:crtime\tyesterday\n", ":2: expected crtime as seconds"},
      {"m:0:n:snaptime\t1.0123456789\n", ":1: expected snaptime as seconds"},
      {"m:0:n:s\t1\nm:0:n:s\0x\t1\n"s, ":2: unexpected NUL byte"},
      {"m:0:n:s\t1\nm:0:n:\t1\n", ":2: empty statistic name"},
      {"m:0:n:s\t1\nm:0:n\t1\n", ":2: expected 'module:instance:name:statistic<TAB>value'"},
      {"m:0:n:s\t1\nm:0::s\t1\n", ":2: expected 'module:instance:name:statistic<TAB>value'"},
      {"m:0:n:s\t1\nm:-1:n:s\t1\n", ":2: expected a decimal instance number"},
      {"m:0:n:s\t1\nm:99999999999999999999:n:s\t1\n", ":2: expected a decimal instance number"},
      {"m:0:n:s\t1\nm o:0:n:s\t1\n", ":2: expected 'module:instance:name:statistic<TAB>value'"},
      // kstat -l: names without values; kstat -C: ':' instead of TAB. A file
      // whose first line is no record is not quoted (it may be a secret).
      {"unix:0:system_misc:ncpus\nunix:0:system_misc:nproc\n", ":1: unknown format"},
      {"unix:0:system_misc:ncpus:2\n", ":1: unknown format"},
      {"localhost:5432:db:user:secretpw\n", ":1: unknown format"},
      {"m:0:n:s\t1\nunix:0:system_misc:ncpus\n",
       ":2: expected '<TAB>value' after 'unix:0:system_misc:ncpus'"},
  };
  for (const Bad& b : bad) {
    INFO(b.text);
    TempFile f(b.text);
    REQUIRE_THROWS_WITH(open_file_source(f.path), Contains(f.path + b.message));
    try {
      open_file_source(f.path);
    } catch (const Error& e) {
      CHECK(e.code() == Errc::parse);
    }
  }
}

TEST_CASE("open_file_source: missing, empty and unknown files", "[engine][file]") {
  using Catch::Contains;
  using Catch::StartsWith;
  const std::string missing = kDumps + "no-such-dump.txt";
  try {
    open_file_source(missing);
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::io);
    CHECK(std::string(e.what()) == missing + ": No such file or directory");
  }
  {
    TempFile f("");
    REQUIRE_THROWS_WITH(open_file_source(f.path), f.path + ": empty file");
  }
  {
    TempFile f(" \n\r\n\t\n");
    REQUIRE_THROWS_WITH(open_file_source(f.path), f.path + ": empty file");
  }
  for (const std::string& text :
       {std::string("hello world\n"),
        std::string("\x7f"
                    "ELF\x02\x01\x01\0\0\0",
                    10),
        std::string("{\"module\": \"cpu\"}"), std::string("1700466113\n")}) {
    TempFile f(text);
    REQUIRE_THROWS_WITH(open_file_source(f.path),
                        StartsWith(f.path) && Contains(": unknown format: ") &&
                            Contains("kstat -p text") && Contains("kstat -j JSON") &&
                            Contains("kstat text") && Contains("OpenBSD kstat text") &&
                            Contains(".kss recording"));
  }
  REQUIRE_THROWS_WITH(open_file_source(std::string(KSTATSQL_TEST_DATA)),
                      Contains("Is a directory"));
}

TEST_CASE("format detection", "[engine][file]") {
  using file::detect_format;
  using file::Format;
  CHECK(detect_format("[]") == Format::kstat_json);
  CHECK(detect_format("\n  \t[{") == Format::kstat_json);
  CHECK(detect_format("1700466113\n[") == Format::kstat_json);
  CHECK(detect_format("cpu:0:sys:bread\t1") == Format::kstat_text);
  CHECK(detect_format("   cpu:12:") == Format::kstat_text);
  CHECK(detect_format("cpu:x:sys:bread\t1") == Format::unknown);
  CHECK(detect_format("Tue Nov 21 23:05:01 2023") == Format::unknown);
  CHECK(detect_format(":0:sys:bread") == Format::unknown);
  CHECK(detect_format("") == Format::unknown);
}

TEST_CASE("seconds to nanoseconds is exact", "[engine][file]") {
  using file::parse_seconds_ns;
  CHECK(parse_seconds_ns("0") == 0);
  CHECK(parse_seconds_ns("35.240997153") == 35240997153);
  CHECK(parse_seconds_ns("35,240997153") == 35240997153);
  CHECK(parse_seconds_ns("35.5") == 35500000000);
  CHECK(parse_seconds_ns("9223372036.854775807") == INT64_MAX);
  CHECK_FALSE(parse_seconds_ns("9223372036.854775808"));
  CHECK_FALSE(parse_seconds_ns("1.0000000001"));
  CHECK_FALSE(parse_seconds_ns("1."));
  CHECK_FALSE(parse_seconds_ns(".5"));
  CHECK_FALSE(parse_seconds_ns("1e9"));
  CHECK_FALSE(parse_seconds_ns(""));
  CHECK_FALSE(parse_seconds_ns("-1.5"));
}

TEST_CASE("kstat -j: strings, escapes, numbers", "[engine][file]") {
  auto l = load_text(
      "[{\"module\": \"m\", \"instance\": 3, \"name\": \"n\", \"class\": \"c\", \"type\": 1,"
      " \"snaptime\": 1.5, \"unknown\": {\"x\": [1, {\"y\": null}]}, \"data\": {"
      "\"str_num\": \"123\", \"q\": \"why\\? \\\"x\\\" \\\\ \\/ \\t\", "
      "\"u\": \"\\u00e9\\u4e2d\\ud83d\\ude00\\u0041\", \"raw\": \"caf\xC3\xA9\", "
      "\"max\": 18446744073709551615, \"neg\": -42, \"dbl\": 0.25, \"t\": true, \"nul\": null, "
      "\"crtime\": 35.240997153}}]",
      ".json");
  REQUIRE(l->by_key.size() == 1);
  const std::string k = "m:3:n";
  CHECK(l->header(k).klass == "c");
  CHECK(l->header(k).crtime == 35240997153);
  CHECK(l->data(k).snaptime == 1500000000);
  CHECK(l->stat(k, "str_num")->type == ValueType::string);
  CHECK(l->stat(k, "str_num")->str() == "123");
  CHECK(l->stat(k, "q")->str() == "why? \"x\" \\ / \t");
  CHECK(l->stat(k, "u")->str() ==
        "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"
        "A");
  CHECK(l->stat(k, "raw")->str() == "caf\xC3\xA9");
  CHECK(l->stat(k, "max")->v.u == UINT64_MAX);
  CHECK(l->stat(k, "neg")->type == ValueType::int64);
  CHECK(l->stat(k, "neg")->v.i == -42);
  CHECK(l->stat(k, "dbl")->type == ValueType::double_);
  CHECK(l->stat(k, "dbl")->v.d == 0.25);
  CHECK(l->stat(k, "t")->type == ValueType::boolean);
  CHECK(l->stat(k, "nul")->type == ValueType::null);
  CHECK(l->stat(k, "crtime") == nullptr);
  CHECK(l->data(k).named.size() == 9);
}

TEST_CASE("kstat -j: intervals, key order, declared types", "[engine][file]") {
  auto l = load_text(
      "1700466113\n"
      "[{\"module\": \"old\", \"instance\": 0, \"name\": \"gone\", \"type\": 1, \"data\": {\"a\": "
      "1}}]\n"
      "1700466114\n"
      "[{\"data\": {\"a\": 2, \"snaptime\": 7.000000001}, \"name\": \"n\", \"instance\": 0, "
      "\"module\": \"m\","
      " \"snaptime\": 6},\n"
      " {\"module\": \"d\", \"instance\": 0, \"name\": \"d0\", \"type\": 3, \"data\": {\"nread\": "
      "5}},\n"
      " {\"module\": \"t\", \"instance\": 0, \"name\": \"t0\", \"type\": 4, \"data\": {\"name\": "
      "\"x\","
      " \"num_events\": 1, \"elapsed_time\": 2, \"min_time\": 3, \"max_time\": 4, \"start_time\": "
      "5,"
      " \"stop_time\": 6}},\n"
      " {\"module\": \"e\", \"instance\": 0, \"name\": \"empty\", \"type\": 1, \"data\": {}}]\n",
      ".json");
  CHECK(l->by_key.count("old:0:gone") == 0);  // the last array is the generation
  REQUIRE(l->by_key.size() == 4);
  CHECK(l->stat("m:0:n", "a")->v.u == 2);
  CHECK(l->data("m:0:n").snaptime == 7000000001);       // data.snaptime beats the header's
  CHECK(l->header("d:0:d0").type == KstatType::named);  // incomplete io record
  CHECK(l->header("t:0:t0").type == KstatType::timer);
  REQUIRE(l->data("t:0:t0").timers.size() == 1);
  CHECK(l->data("t:0:t0").timers[0].max_time == 4);
  CHECK(l->data("e:0:empty").named.empty());
}

TEST_CASE("kstat -j errors name file, line and column", "[engine][file]") {
  using Catch::Contains;
  REQUIRE_THROWS_WITH(
      open_file_source(kDumps + "bad-truncated.json"),
      Contains("bad-truncated.json:37:2: expected '\"' (a statistic name), found end of file"));
  struct Bad {
    const char* text;
    const char* message;
  };
  const Bad bad[] = {
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\", \"data\": {\"v\": "
       "18446744073709551616}}]",
       ":1:60: value 18446744073709551616 of \"v\" does not fit uint64"},
      {"[\n{\"module\": \"m\", \"instance\": 0, \"name\": \"n\",\n \"data\": {\"s\": \"a\\x\"}}]",
       ":3:19: expected one of"},
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\", \"data\": {\"s\": \"\\ud800x\"}}]",
       "unpaired"},
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\", \"data\": {\"s\": \"\\udc00\"}}]",
       "unpaired"},
      {"[{\"module\": \"m\", \"name\": \"n\", \"data\": {}}]",
       ":1:2: kstat object without \"instance\""},
      {"[{\"module\": \"m\", \"instance\": \"0\", \"name\": \"n\"}]",
       ":1:30: expected an integer for \"instance\""},
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\", \"type\": 7}]",
       "expected \"type\" between 0 and 4"},
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\", \"data\": {\"crtime\": -1.5}}]",
       "expected crtime as seconds"},
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\", \"data\": {\"v\": [1]}}]",
       "expected a number or a string for statistic 'v'"},
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\"} {}]",
       ":1:46: expected ',' or ']' after a kstat object"},
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\", \"data\": {\"s\": \"a\nb\"}}]",
       "control characters"},
      {"[{\"module\": \"m\", \"instance\": 0, \"name\": \"n\", \"data\": {\"s\": \"abc",
       "unterminated string"},
      {"[] x", ":1:4: expected '[' (a kstat -j array), found 'x'"},
      {"[{\"module\": \"m\", \"module\": \"m\"}]", "duplicate key \"module\""},
  };
  for (const Bad& b : bad) {
    INFO(b.text);
    TempFile f(b.text, ".json");
    REQUIRE_THROWS_WITH(open_file_source(f.path), Contains(f.path + ":") && Contains(b.message));
  }
  // Deep nesting in an ignored key is refused, not a stack overflow.
  std::string deep = "[{\"x\": " + std::string(100000, '[') + "}]";
  TempFile f(deep, ".json");
  REQUIRE_THROWS_WITH(open_file_source(f.path), Contains("nested too deeply"));
}
