// tests/engine/sources/dump/kstat_human_reader_test.cpp — kstat(8)'s default
// (human) output as a dump: both layouts, names with spaces, pseudo-statistics
// anywhere, and `kstat -p` of the replay.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/source.hpp"
#include "engine/sources/dump/dump_source.hpp"
#include "engine/sources/dump/dump_writer.hpp"
#include "kstatsql/error.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using Catch::Contains;

namespace {

const std::string kDumps = std::string(KSTATSQL_TEST_DATA) + "/dumps/";

struct Replay {
  std::shared_ptr<Source> source;
  Arena arena;
  std::vector<KstatHeader> headers;
  std::vector<KstatData> data;
  std::map<std::string, std::size_t> index;  // "module:instance:name" -> position

  const KstatHeader& header(const std::string& key) const { return headers.at(index.at(key)); }
  const KstatData& kdata(const std::string& key) const { return data.at(index.at(key)); }
  const NamedStat* stat(const std::string& key, std::string_view name) const {
    for (const NamedStat& s : kdata(key).named) {
      if (s.name_view() == name) return &s;
    }
    return nullptr;
  }
  // `kstat -p` of the replay, as the shell's kstat mode and convert print it.
  std::string kstat_p() const {
    std::vector<DumpEntry> entries;
    for (std::size_t i = 0; i < headers.size(); ++i) entries.push_back({&headers[i], &data[i]});
    std::string out;
    write_dump(entries, DumpOptions{}, out);
    return out;
  }
};

std::unique_ptr<Replay> replay(std::shared_ptr<Source> src) {
  auto r = std::make_unique<Replay>();
  r->source = std::move(src);
  r->source->enumerate(r->arena, r->headers);
  r->data.resize(r->headers.size());
  for (std::size_t i = 0; i < r->headers.size(); ++i) {
    r->source->read(r->headers[i], r->arena, r->data[i]);
    const KstatHeader& h = r->headers[i];
    r->index[std::string(h.module) + ":" + std::to_string(h.instance) + ":" + std::string(h.name)] =
        i;
  }
  return r;
}

std::unique_ptr<Replay> replay_file(const std::string& name) {
  return replay(open_file_source(kDumps + name));
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<Replay> replay_text(const std::string& text) {
  return replay(file::parse_kstat_human(text, "t.txt"));
}

}  // namespace

TEST_CASE("human kstat: Solaris 11 cpu_info (TAB, Perl padding, case-sensitive order)",
          "[engine][file][human]") {
  auto r = replay_file("human-cpu_info.txt");
  REQUIRE(r->headers.size() == 2);
  const std::string k = "cpu_info:0:cpu_info0";
  CHECK(r->header(k).klass == "misc");
  CHECK(r->header(k).type == KstatType::named);
  CHECK(r->header(k).crtime == 74069713566);
  CHECK(r->kdata(k).snaptime == 9305222459039730);  // the count that prints so
  CHECK(r->kdata(k).named.size() == 26);            // 28 lines less crtime and snaptime
  // A string value with runs of spaces starts at column 32 and keeps them.
  CHECK(r->stat(k, "brand")->str() == "Intel(r) Xeon(r) CPU           E5620  @ 2.40GHz");
  CHECK(r->stat(k, "clock_MHz")->type == ValueType::uint64);
  CHECK(r->stat(k, "clock_MHz")->v.u == 2400);
  CHECK(r->stat(k, "current_clock_Hz")->v.u == 2400000000u);
  CHECK(r->stat(k, "state")->str() == "on-line");
  CHECK(r->stat(k, "cstates_count")->str() == "2917452:2917453");
  CHECK(r->stat("cpu_info:1:cpu_info1", "core_id")->v.u == 1);
}

TEST_CASE("human kstat: sderr copy (8 spaces, names with spaces, trailing blanks)",
          "[engine][file][human]") {
  auto r = replay_file("human-sderr.txt");
  REQUIRE(r->headers.size() == 2);
  const std::string k = "sderr:1:sd1,err";
  CHECK(r->header(k).klass == "device_error");
  CHECK(r->kdata(k).named.size() == 14);
  CHECK(r->stat(k, "Hard Errors")->v.u == 0);
  CHECK(r->stat(k, "Illegal Request")->v.u == 4);
  CHECK(r->stat(k, "Predictive Failure Analysis")->v.u == 0);
  CHECK(r->stat(k, "Serial No")->str() == "3HY14Q2N00007445");
  CHECK(r->stat(k, "Size")->v.u == 146815737856u);
  CHECK(r->stat(k, "Product")->str() == "ST914602SSUN146G");
  CHECK(r->header(k).crtime == 131385886400);
  CHECK(r->kdata(k).snaptime == 8495836119712003);
  std::string p = r->kstat_p();
  CHECK_THAT(p, Contains("sderr:1:sd1,err:Hard Errors\t0\n"));
  CHECK_THAT(p, Contains("sderr:1:sd1,err:class\tdevice_error\n"));
  CHECK_THAT(p, Contains("sderr:1:sd1,err:crtime\t131.385886400\n"));
}

TEST_CASE("human kstat: kstat -p of a replayed system_pages is what the host prints",
          "[engine][file][human]") {
  auto r = replay_file("human-system_pages.txt");
  REQUIRE(r->headers.size() == 1);
  const std::string k = "unix:0:system_pages";
  CHECK(r->header(k).klass == "pages");
  CHECK(r->kdata(k).named.size() == 23);
  CHECK(r->stat(k, "econtig")->v.u == 18446744072598319104u);
  // Byte for byte, crtime and snaptime included (9305222.459039729 > 2^23 s).
  CHECK(r->kstat_p() == slurp(kDumps + "human-system_pages.p.txt"));
}

TEST_CASE("human kstat: zfs arcstats and a NIC's kstat -n", "[engine][file][human]") {
  auto arc = replay_file("human-arcstats.txt");
  REQUIRE(arc->headers.size() == 1);
  CHECK(arc->header("zfs:0:arcstats").klass == "misc");
  CHECK(arc->kdata("zfs:0:arcstats").named.size() == 39);
  CHECK(arc->stat("zfs:0:arcstats", "c_max")->v.u == 12555845632u);
  CHECK(arc->stat("zfs:0:arcstats", "p")->v.u == 2074718208u);
  CHECK(arc->kdata("zfs:0:arcstats").snaptime == 10442816736183312);

  auto nic = replay_file("human-nic.txt");
  REQUIRE(nic->headers.size() == 2);
  CHECK(nic->header("e1000g:0:e1000g0").klass == "net");
  CHECK(nic->kdata("e1000g:0:e1000g0").named.size() == 22);
  CHECK(nic->stat("e1000g:0:e1000g0", "obytes64")->v.u == 266240138447u);
  CHECK(nic->kdata("link:0:e1000g0").named.size() == 23);
  CHECK(nic->stat("link:0:e1000g0", "zonename")->str() == "global");
  CHECK(nic->source->recorded_count() == 0);  // one report
}

TEST_CASE("human kstat: layouts, long names, odd placements", "[engine][file][human]") {
  // kstat.c's statistic line: TAB, "%-30s", two spaces, the value.
  auto line = [](std::string name, const std::string& value) {
    if (name.size() < 30) name.append(30 - name.size(), ' ');
    return "\t" + name + "  " + value + "\n";
  };
  std::string t =
      "module: m                               instance: 3     \n"
      "name:   k name                          class:    misc  \n" +
      line("snaptime", "12.5") + line("a_statistic_name_longer_than_thirty", "42") +
      line("crtime", "1.000000001") + line("spaced", "  lead") + "\tempty\n" + "\tsqueezed 7\n" +
      "\t4096\n" + line("neg", "-5") + "\n";
  auto r = replay_text(t);
  const std::string k = "m:3:k name";
  REQUIRE(r->headers.size() == 1);
  CHECK(r->header(k).klass == "misc");
  CHECK(r->header(k).crtime == 1000000001);
  CHECK(r->kdata(k).snaptime == 12500000000);
  CHECK(r->stat(k, "a_statistic_name_longer_than_thirty")->v.u == 42);
  CHECK(r->stat(k, "spaced")->str() == "  lead");  // column 32: its own spaces kept
  CHECK(r->stat(k, "empty")->str().empty());
  CHECK(r->stat(k, "squeezed")->v.u == 7);
  CHECK(r->stat(k, "4096")->str().empty());  // indented: a statistic, not a -T u time
  CHECK(r->stat(k, "neg")->v.i == -5);
}

TEST_CASE("human kstat: the same kstat again is the next report", "[engine][file][human]") {
  std::string one = "module: unix    instance: 0\nname:   system_misc     class:    misc\n";
  std::string t = "1700466113\n" + one + "\tnproc   71\n\n" + "1700466118\n" + one +
                  "\tnproc   73\n\n" + one + "\tnproc   75\n";
  auto r = replay_text(t);
  REQUIRE(r->source->recorded_count() == 3);
  CHECK(r->source->recorded_time(0) == 1700466113000000000);
  CHECK(r->source->recorded_time(2) == 0);
  CHECK(r->stat("unix:0:system_misc", "nproc")->v.u == 75);
  Arena a;
  std::vector<KstatHeader> g1;
  r->source->enumerate_recorded(1, a, g1);
  REQUIRE(g1.size() == 1);
  KstatData d;
  r->source->read(g1[0], a, d);
  CHECK(d.snaptime == 1700466118000000000);  // the time line, as the dump had no snaptime
  REQUIRE(d.named.size() == 1);
  CHECK(d.named[0].v.u == 73);
}

TEST_CASE("human kstat: errors name file and line", "[engine][file][human]") {
  struct Bad {
    std::string text, what;
  };
  for (const Bad& b : std::vector<Bad>{
           {"module: m  instance: x\n", "t.txt:1: expected a decimal instance number"},
           {"module: m  instance: 1\n\tstat  1\n", "t.txt:2: expected 'name: "},
           {"module: m  instance: 1\n", "t.txt:1: expected 'name: "},
           {"module: m  instance: 1\nname: n\n", "t.txt:2: expected 'class:'"},
           {"\tstat  1\n", "t.txt:1: expected 'module: "},
           {"module: m  instance: 1\nname: n class: c\nnot indented\n",
            "t.txt:3: expected an indented"},
           {"module: m  instance: 1\nname: n class: c\n\tcrtime  soon\n",
            "t.txt:3: expected crtime as seconds"},
           {std::string("module: m  instance: 1\nname: n class: c\n\ts  \0\n",
                        sizeof("module: m  instance: 1\nname: n class: c\n\ts  \0\n") - 1),
            "t.txt:3: unexpected NUL byte"},
       }) {
    CAPTURE(b.text);
    REQUIRE_THROWS_WITH(replay_text(b.text), Contains(b.what));
  }
}

TEST_CASE("human kstat: format detection picks it", "[engine][file][human]") {
  using file::detect;
  CHECK(detect("module: cpu_info    instance: 0\n").format == file::Format::kstat_human);
  CHECK(detect("\xEF\xBB\xBF# note\n\n1700466113\nmodule: m  instance: 12   \n").format ==
        file::Format::kstat_human);
  CHECK(detect("Mon Nov 20 07:41:53 UTC 2023\nmodule: m  instance: 1\n").format ==
        file::Format::kstat_human);
  CHECK(detect("module: m  instance: x\n").format == file::Format::unknown);
  CHECK(detect("module:0:n:s\t1\n").format == file::Format::kstat_text);
}
