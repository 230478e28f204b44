// tests/shell/kstat_mode_test.cpp — `kstatsql kstat`: options, matching,
// output bytes (fixtures in tests/data/shell/ written from docs/kstat-mode.md),
// exit codes, intervals, and the replay of a real kstat -p dump.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <strings.h>

#include "engine/sources/open_source.hpp"
#include "engine/sources/dump/dump_source.hpp"
#include "engine/source.hpp"
#include "engine/static_source.hpp"
#include "shell/kstat_mode.hpp"
#include "support/ticking_source.hpp"

using namespace kstatsql;
using shell::KstatArgs;
using shell::parse_kstat_args;

namespace {

// The machine the fixtures describe (see tests/data/shell/*.txt).
std::shared_ptr<engine::Source> fixture_machine() {
  using engine::ValueType;
  engine::StaticBuilder b;
  b.begin("unix", 0, "system_misc");
  b.set_class("misc");
  b.set_crtime(0);
  b.set_snaptime(9013271863046);
  b.add_uint("nproc", ValueType::uint32, 102);
  b.add_uint("avenrun_1min", ValueType::uint32, 42);
  b.add_uint("boot_time", ValueType::uint32, 1700000000);
  b.add_uint("ncpus", ValueType::uint32, 2);
  for (int i : {1, 0}) {
    b.begin("cpu", i, "sys");
    b.set_class("misc");
    b.set_crtime(39001000000 + i);
    b.set_snaptime(9013271863046 + 1000 * i);
    b.add_uint("cpu_ticks_idle", ValueType::uint64, i ? 5 : 7);
    b.add_int("Canch", ValueType::int32, i ? -3 : 4);
  }
  b.begin("unix", 0, "kstat_types");
  b.set_class("kstat");
  b.add_uint("raw", ValueType::uint32, 0);
  b.begin("sd", 0, "sd0");
  b.set_class("disk");
  b.set_type(engine::KstatType::io);
  b.set_crtime(40100000000);
  b.set_snaptime(9013271866046);
  b.set_io({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  b.begin("cmdkerror", 0, "cmdk0,error");
  b.set_class("device_error");
  b.set_crtime(40100000000);
  b.set_snaptime(9013271865046);
  b.add_string("Model", ValueType::string, "VBOX \"HARD\" disk? \xc3\xa9");
  b.add_uint("Size", ValueType::uint64, 53687091200);
  b.begin("nfs", 3, "vanished");
  b.set_class("misc");
  b.set_crtime(1000000000);
  b.set_error(ENXIO, "nfs:3:vanished: no such kstat");
  b.begin("averyveryveryverylongmodulename_xyz", 12, "name");
  b.set_class("misc");
  b.set_crtime(5);
  b.set_snaptime(10000000000);
  b.add_uint("v", ValueType::uint64, 18446744073709551615ull);
  return b.finish("kstat mode fixture");
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fixture(const char* name) {
  return slurp(std::string(KSTATSQL_TEST_DATA) + "/shell/" + name);
}

struct Run {
  int status;
  std::string out, err;
};

// Runs `kstat ARGS` over `source` in-process, capturing stdout and stderr.
Run kstat(std::vector<std::string> args, std::shared_ptr<engine::Source> source = fixture_machine(),
          Session* keep = nullptr) {
  KstatArgs a = parse_kstat_args(args);
  if (a.status >= 0) return {a.status, "", a.message};
  Session local(source, "fixture");
  Session& s = keep ? *keep : local;
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  int st = shell::run_kstat(a.options, s, out, err);
  auto read = [](std::FILE* f) {
    std::string text;
    std::rewind(f);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    return text;
  };
  return {st, read(out), read(err)};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("kstat mode: option rules and exit status 2", "[shell][kstat]") {
  KstatArgs a = parse_kstat_args(std::vector<std::string>{"-q", "-p"});
  CHECK(a.status == 2);
  CHECK_THAT(a.message,
             Catch::StartsWith("-q and -lpj are mutually exclusive\nUsage:\nkstat [ -Cjlpq ]"));
  for (auto args : std::vector<std::vector<std::string>>{{"-q", "-j"},
                                                         {"-lq"},
                                                         {"-q", "-C"},
                                                         {"-m", "cpu", "cpu:0"},
                                                         {"-T", "x"},
                                                         {"-c"},
                                                         {"-z"},
                                                         {"0"},
                                                         {"1", "0"},
                                                         {"1", "2", "3"},
                                                         {"a:b:c:d:e"},
                                                         {"99999999999999999999"},
                                                         {"/a(/"}}) {
    INFO(args[0]);
    CHECK(parse_kstat_args(args).status == 2);
  }
  CHECK_THAT(parse_kstat_args(std::vector<std::string>{"-m", "cpu", "cpu:0"}).message,
             Catch::Contains("-m -i -n -s are mutually exclusive"));
  CHECK_THAT(parse_kstat_args(std::vector<std::string>{"0"}).message,
             Catch::StartsWith("Interval must be an integer >= 1"));
  CHECK_THAT(parse_kstat_args(std::vector<std::string>{"-z"}).message,
             Catch::StartsWith("kstat: illegal option -- z"));
  CHECK(parse_kstat_args(std::vector<std::string>{"-h"}).status == 0);

  KstatArgs ok =
      parse_kstat_args(std::vector<std::string>{"-pT", "u", "-c", "disk", "sd", "5", "3"});
  REQUIRE(ok.status == -1);
  CHECK(ok.options.parseable);
  CHECK(ok.options.timestamp == 'u');
  CHECK(ok.options.interval_ns == 5000000000);
  CHECK(ok.options.count == 3);
  CHECK(ok.options.selectors.size() == 1);
  KstatArgs forever = parse_kstat_args(std::vector<std::string>{"2"});
  CHECK(forever.options.count == -1);
  CHECK(forever.options.selectors.size() == 1);  // the match-all selector
  // getopt stops at the first operand: a later "-l" is a selector, not -l.
  KstatArgs later = parse_kstat_args(std::vector<std::string>{"cpu", "-l"});
  CHECK_FALSE(later.options.list);
  CHECK(later.options.selectors.size() == 2);
}

TEST_CASE("kstat mode: output bytes of -p, -C, -l, -j and the default layout", "[shell][kstat]") {
  Run p = kstat({"-p"});
  CHECK(p.status == 0);
  CHECK(p.out == fixture("kstat-p.txt"));
  CHECK(kstat({"-C"}).out == fixture("kstat-C.txt"));
  CHECK(kstat({"-l"}).out == fixture("kstat-l.txt"));
  CHECK(kstat({"-j"}).out == fixture("kstat-j.json"));
  CHECK(kstat({}).out == fixture("kstat-human.txt"));
}

TEST_CASE("kstat mode: matching, selector order and exit status 1", "[shell][kstat]") {
  // Selectors print one after the other; a kstat matching both prints twice.
  Run r = kstat({"-p", "cpu:0:sys:Canch", "cpu::sys:/^can/"});
  CHECK(r.out == "cpu:0:sys:Canch\t4\n");  // the RE is case-sensitive: no match
  r = kstat({"-p", "cpu:0:sys:Canch", "cpu::sys:[Cc]anch"});
  CHECK(r.out == "cpu:0:sys:Canch\t4\ncpu:0:sys:Canch\t4\ncpu:1:sys:Canch\t-3\n");
  // Instance as a decimal string; class filter; -m -i -n -s.
  CHECK(kstat({"-p", "averyveryveryverylongmodulename_xyz:1*::v"}).out ==
        "averyveryveryverylongmodulename_xyz:12:name:v\t18446744073709551615\n");
  CHECK(kstat({"-p", "-c", "disk", ":::r*"}).out ==
        "sd:0:sd0:rcnt\t12\nsd:0:sd0:reads\t3\nsd:0:sd0:rlastupdate\t10\n"
        "sd:0:sd0:rlentime\t9\nsd:0:sd0:rtime\t8\n");
  CHECK(kstat({"-p", "-m", "unix", "-s", "n*"}).out ==
        "unix:0:system_misc:ncpus\t2\nunix:0:system_misc:nproc\t102\n");
  // kstat_* kstats are never shown; a failed read shows crtime (and class).
  CHECK(kstat({"-p", "unix:0:kstat_types"}).status == 1);
  CHECK(kstat({"-p", "nfs"}).out ==
        "nfs:3:vanished:class\tmisc\nnfs:3:vanished:crtime\t1.000000000\n");
  // Nothing matched: exit 1, no output; -q prints nothing either way.
  Run none = kstat({"-p", "nosuch"});
  CHECK(none.status == 1);
  CHECK(none.out.empty());
  Run q = kstat({"-q", "cpu:0:sys:Canch"});
  CHECK(q.status == 0);
  CHECK(q.out.empty());
  CHECK(kstat({"-q", ":::class"}).status == 1);  // class is a pseudo-statistic of -p only
  CHECK(kstat({"-j", "nosuch"}).out == "[]\n");
  // JSON objects of several selectors share one array.
  CHECK(kstat({"-j", "cpu:0:sys:Canch", "cpu:1:sys:Canch"}).out ==
        "[{\n\t\"module\": \"cpu\",\n\t\"instance\": 0,\n\t\"name\": \"sys\",\n\t\"class\": "
        "\"misc\",\n"
        "\t\"type\": 1,\n\t\"snaptime\": 9013.271863046,\n\t\"data\": {\n\t\t\"Canch\": 4\n\t}\n}, "
        "{\n"
        "\t\"module\": \"cpu\",\n\t\"instance\": 1,\n\t\"name\": \"sys\",\n\t\"class\": \"misc\",\n"
        "\t\"type\": 1,\n\t\"snaptime\": 9013.271864046,\n\t\"data\": {\n\t\t\"Canch\": "
        "-3\n\t}\n}]\n");
}

TEST_CASE("kstat mode: literal selectors read only what they name", "[shell][kstat]") {
  Session s(fixture_machine(), "fixture");
  Run r = kstat({"-p", "unix:0:system_misc"}, nullptr, &s);
  CHECK(r.status == 0);
  CHECK(lines_of(r.out).size() == 7);
  CHECK(s.counters().read == 1);
  CHECK(s.counters().matched == 1);
  kstat({"-p", "cpu::sys:Canch", "sd"}, nullptr, &s);
  CHECK(s.counters().read == 3);
}

TEST_CASE("kstat mode: interval and count over a live-like source", "[shell][kstat]") {
  auto src = std::make_shared<test::TickingSource>(2);
  Session s(src, "ticking");
  KstatArgs a = parse_kstat_args(std::vector<std::string>{"-p", "tick:1::value"});
  REQUIRE(a.status == -1);
  a.options.interval_ns = 50000000;  // 0.05 s (the command line takes whole seconds, as kstat(8))
  a.options.count = 3;
  a.options.timestamp = 'u';
  std::FILE* out = std::tmpfile();
  std::int64_t t0 = shell::monotonic_ns();
  int st = shell::run_kstat(a.options, s, out, stderr);
  std::int64_t elapsed = shell::monotonic_ns() - t0;
  CHECK(st == 0);
  CHECK(elapsed >= 100000000);
  CHECK(elapsed < 2000000000);
  std::rewind(out);
  std::string text;
  for (int c; (c = std::fgetc(out)) != EOF;) text += static_cast<char>(c);
  std::fclose(out);
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 8);  // timestamp, value; blank; ... three times
  CHECK(lines[1] == "tick:1:k1:value\t1");
  CHECK(lines[2].empty());
  CHECK(lines[4] == "tick:1:k1:value\t2");
  CHECK(lines[7] == "tick:1:k1:value\t3");
  CHECK(std::stol(lines[0]) > 1600000000);
}

TEST_CASE("kstat mode: drift-free deadlines", "[shell][kstat]") {
  using shell::next_deadline;
  CHECK(next_deadline(1000, 100, 1, 1050) == 1100);
  CHECK(next_deadline(1000, 100, 2, 1150) == 1200);
  CHECK(next_deadline(1000, 100, 1, 1350) == 1400);  // missed slots are skipped
}

TEST_CASE("kstat mode: replaying a real kstat -p dump reproduces it", "[shell][kstat]") {
  const std::string path = std::string(KSTATSQL_TEST_DATA) + "/dumps/illumos-kstat-p.txt";
  Run r = kstat({"-p"}, engine::open_file_source(path));
  REQUIRE(r.status == 0);
  std::vector<std::string> got = lines_of(r.out);
  std::vector<std::string> want = lines_of(slurp(path));
  // Same lines (set), and in kstat(8)'s order.
  std::vector<std::string> gs = got, ws = want;
  std::sort(gs.begin(), gs.end());
  std::sort(ws.begin(), ws.end());
  CHECK(gs == ws);
  struct Key {
    std::string module, name, stat;
    long instance;
  };
  auto key = [](const std::string& l) {
    std::string k = l.substr(0, l.find('\t'));
    std::size_t a = k.find(':'), b = k.find(':', a + 1), c = k.rfind(':');
    return Key{k.substr(0, a), k.substr(b + 1, c - b - 1), k.substr(c + 1),
               std::stol(k.substr(a + 1, b - a - 1))};
  };
  for (std::size_t i = 1; i < got.size(); ++i) {
    Key x = key(got[i - 1]), y = key(got[i]);
    int m = strcasecmp(x.module.c_str(), y.module.c_str());
    int n = strcasecmp(x.name.c_str(), y.name.c_str());
    bool ordered =
        m < 0 ||
        (m == 0 && (x.instance < y.instance ||
                    (x.instance == y.instance &&
                     (n < 0 || (n == 0 && strcasecmp(x.stat.c_str(), y.stat.c_str()) <= 0)))));
    INFO(got[i - 1] << " then " << got[i]);
    REQUIRE(ordered);
  }
  // The default layout shows the same values: rebuild -p lines from it.
  Run h = kstat({}, engine::open_file_source(path));
  std::vector<std::string> rebuilt;
  std::string prefix;
  for (const std::string& l : lines_of(h.out)) {
    if (l.rfind("module: ", 0) == 0) {
      std::istringstream in(l.substr(8));
      std::string module, label, instance;
      in >> module >> label >> instance;
      prefix = module + ":" + instance + ":";
    } else if (l.rfind("name:   ", 0) == 0) {
      std::string rest = l.substr(8);
      std::string name = rest.substr(0, rest.find("  class:    "));
      name.erase(name.find_last_not_of(' ') + 1);
      rebuilt.push_back(prefix + name + ":class\t" + rest.substr(rest.find("class:    ") + 10));
      prefix += name + ":";
    } else if (!l.empty()) {
      REQUIRE(l[0] == '\t');
      std::size_t gap = l.find("  ", 1);
      REQUIRE(gap != std::string::npos);
      rebuilt.push_back(prefix + l.substr(1, gap - 1) + "\t" +
                        l.substr(std::max<std::size_t>(33, gap + 2)));
    }
  }
  std::sort(rebuilt.begin(), rebuilt.end());
  CHECK(rebuilt == ws);
}

TEST_CASE("kstat mode: a source that cannot be opened is exit status 3", "[shell][kstat]") {
  KstatArgs a = parse_kstat_args(std::vector<std::string>{"-p"});
  Session s("/nonexistent/dump.txt");
  std::FILE* err = std::tmpfile();
  CHECK(shell::run_kstat(a.options, s, stdout, err) == 3);
  std::fclose(err);
}
