// tests/engine/sources/dump/openbsd_text_reader_test.cpp — OpenBSD kstat(1) text as a file source.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "engine/sources/dump/dump_source.hpp"
#include "engine/sources/openbsd/openbsd_source.hpp"
#include "engine/source.hpp"
#include "fakes/fake_devkstat.hpp"
#include "kstatsql/error.hpp"
#include "support/db.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using Catch::Contains;

namespace {

const std::string kFixture = std::string(KSTATSQL_TEST_DATA) + "/dumps/openbsd-kstat.txt";

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    static int n = 0;
    path =
        (std::filesystem::temp_directory_path() /
         ("kstatsql-obsd-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".txt"))
            .string();
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

// Every kstat of a source, keyed by "provider:instance:name:unit".
struct Loaded {
  std::shared_ptr<Source> source;
  Arena arena;
  std::vector<KstatHeader> headers;
  std::map<std::string, std::pair<KstatHeader, KstatData>> by_key;

  const KstatData& data(const std::string& key) const { return by_key.at(key).second; }
  const KstatHeader& header(const std::string& key) const { return by_key.at(key).first; }
  const NamedStat& stat(const std::string& key, std::string_view name) const {
    for (const NamedStat& s : data(key).named)
      if (s.name_view() == name) return s;
    FAIL("no statistic " << key << " " << name);
    return data(key).named.front();
  }
};

std::unique_ptr<Loaded> load_source(std::shared_ptr<Source> src) {
  auto l = std::make_unique<Loaded>();
  l->source = std::move(src);
  l->source->enumerate(l->arena, l->headers);
  for (const KstatHeader& h : l->headers) {
    KstatData d;
    l->source->read(h, l->arena, d);
    std::string key = std::string(h.module) + ":" + std::to_string(h.instance) + ":" +
                      std::string(h.name) + ":" + std::to_string(h.unit);
    REQUIRE(l->by_key.count(key) == 0);
    l->by_key.emplace(key, std::make_pair(h, d));
  }
  return l;
}

std::unique_ptr<Loaded> load_text(const std::string& text) {
  TempFile f(text);
  return load_source(open_file_source(f.path));
}

std::string kv(const std::string& key, const std::string& value) {
  std::string pad = key.size() < 16 ? std::string(16 - key.size(), ' ') : std::string();
  return pad + key + ": " + value + "\n";
}

std::string error_of(const std::string& text) {
  TempFile f(text);
  try {
    open_file_source(f.path);
  } catch (const Error& e) {
    CHECK(e.code() == Errc::parse);
    std::string msg = e.what();
    // Name the file; the rest is what the caller checks.
    REQUIRE(msg.substr(0, f.path.size()) == f.path);
    return msg.substr(f.path.size());
  }
  FAIL("no error for:\n" << text);
  return {};
}

}  // namespace

TEST_CASE("OpenBSD kstat text fixture: identities, types and exact values",
          "[engine][file][openbsd]") {
  auto l = load_source(open_file_source(kFixture));
  CHECK(l->source->description() == kFixture + " (OpenBSD kstat text)");
  REQUIRE(l->headers.size() == 9);
  CHECK(l->headers[0].module == "acpibat0");
  CHECK(l->headers[0].id == 1);

  const KstatHeader& rxq1 = l->header("em0:0:rxq:1");
  CHECK(rxq1.unit == 1);
  CHECK(rxq1.klass.empty());
  CHECK(rxq1.type == KstatType::named);
  const NamedStat& bytes = l->stat("em0:0:rxq:1", "bytes");
  CHECK(bytes.type == ValueType::counter);
  CHECK(bytes.unit == Unit::bytes);
  CHECK(bytes.v.u == 1060119388u);
  CHECK(l->stat("em0:0:rxq:0", "qdrops").unit == Unit::packets);
  CHECK(l->stat("em0:0:rxq:0", "qdrops").v.u == 12);
  CHECK(l->stat("em0:0:txq:0", "oactive").type == ValueType::boolean);
  CHECK(l->stat("em0:0:txq:0", "oactive").v.u == 0);
  CHECK(l->stat("em1:0:phy:0", "link").v.u == 1);

  const NamedStat& t = l->stat("cpu1:0:sensors:0", "temp");
  CHECK(t.type == ValueType::temp);
  CHECK(t.unit == Unit::ukelvin);
  CHECK(t.v.u == 47500000u + 273150000u);
  CHECK(l->stat("cpu0:0:sensors:0", "tjmax").v.u == 373150000u);
  CHECK(l->stat("cpu0:0:sensors:0", "freq").type == ValueType::freq);
  CHECK(l->stat("cpu0:0:sensors:0", "freq").unit == Unit::hz);
  CHECK(l->stat("cpu0:0:sensors:0", "freq").v.u == 2400000000u);
  CHECK(l->stat("cpu1:0:sensors:0", "freq").v.u == 800000000u);

  CHECK(l->stat("acpibat0:0:acpibat:0", "voltage").type == ValueType::volts_dc);
  CHECK(l->stat("acpibat0:0:acpibat:0", "voltage").unit == Unit::uvolts);
  CHECK(l->stat("acpibat0:0:acpibat:0", "voltage").v.u == 12450000u);
  CHECK(l->stat("acpibat0:0:acpibat:0", "design voltage").v.u == 11400000u);
  // kstat(1) v1.13 cannot print AMPS: the walk stops there, the value is lost.
  CHECK(l->data("acpibat0:0:acpibat:0").named.size() == 4);
  CHECK(l->stat("acpibat0:0:acpibat:0", "rate").type == ValueType::null);

  const KstatData& failed = l->data("em0:0:em-stats:0");
  CHECK_FALSE(failed.ok());
  CHECK(failed.err == ENXIO);  // OpenBSD's wording of ENXIO
  CHECK(failed.error == "em0:0:em-stats:0: KSTATIOC_FIND_ID: Device not configured");
  CHECK(failed.named.empty());

  const NamedStat& mac = l->stat("em1:0:phy:0", "lladdr");
  CHECK(mac.type == ValueType::bytes);
  CHECK(mac.str() == std::string_view("\x00\x1b\x21\x3c\x9e\x41", 6));
  CHECK(l->stat("em1:0:phy:0", "model").str() == "82574L");
  CHECK(l->stat("em1:0:phy:0", "descr").str() == "uplink\track 4");  // vis(3) \^I
  CHECK(l->stat("em1:0:phy:0", "mtu").type == ValueType::uint64);

  const KstatHeader& raw = l->header("mcx0:0:hw-raw:0");
  CHECK(raw.type == KstatType::raw);
  const KstatData& rd = l->data("mcx0:0:hw-raw:0");
  REQUIRE(rd.raw.size() == 26);
  CHECK(rd.raw[0] == std::byte{0xde});
  CHECK(rd.raw[7] == std::byte{0x2a});
  CHECK(rd.raw[16] == std::byte{'t'});
  CHECK(rd.raw[25] == std::byte{0xff});
}

TEST_CASE("OpenBSD kstat text through SQL", "[engine][file][openbsd]") {
  test::Db db(kFixture);
  CHECK(db.rows("SELECT module, instance, name, statistic, type, value, unit FROM named "
                "WHERE module = 'em0' AND name = 'rxq' AND statistic IN ('bytes', 'qlen') "
                "ORDER BY value") ==
        test::Rows{{"em0", "0", "rxq", "qlen", "counter", "0", "packets"},
                   {"em0", "0", "rxq", "qlen", "counter", "3", "packets"},
                   {"em0", "0", "rxq", "bytes", "counter", "1060119388", "bytes"},
                   {"em0", "0", "rxq", "bytes", "counter", "2178540212", "bytes"}});
  CHECK(db.rows("SELECT statistic, type, value, unit FROM named WHERE module = 'cpu0' "
                "ORDER BY statistic") == test::Rows{{"freq", "freq", "2400000000", "Hz"},
                                                    {"temp", "temp", "318150000", "uK"},
                                                    {"tjmax", "temp", "373150000", "uK"}});
  CHECK(db.one("SELECT error FROM kstat WHERE name = 'em-stats'") ==
        "em0:0:em-stats:0: KSTATIOC_FIND_ID: Device not configured");
  CHECK(db.one("SELECT type FROM kstat WHERE module = 'mcx0'") == "raw");
  CHECK(db.one("SELECT hex(value) FROM named WHERE statistic = 'lladdr'") == "001B213C9E41");
}

TEST_CASE("OpenBSD kstat text: value conversions", "[engine][file][openbsd]") {
  std::string text = "sensor0:0:misc:7\n" + kv("cold", "-40.25 degC") + kv("hot", "0.01 degC") +
                     kv("f1", "1000 Hz") + kv("f2", "2.01 kHz") + kv("f3", "1.50 THz") +
                     kv("vac", "229.87 VAC") + kv("neg", "-9223372036854775808") +
                     kv("big", "18446744073709551615") + kv("none", "null") +
                     kv("cyc", "77 cycles") + kv("odd", "5 unit-type-9") + kv("empty", "") +
                     kv("esc", "a\\\\b\\M-i\\^?\\012") + kv("words", "2 GHz-ish text") +
                     kv("nolen", "") + "\n" + kv("after", "true");
  auto l = load_text(text);
  const std::string k = "sensor0:0:misc:7";
  CHECK(l->header(k).unit == 7);
  CHECK(l->stat(k, "cold").v.u == 273150000u - 40250000u);
  CHECK(l->stat(k, "hot").v.u == 273160000u);
  CHECK(l->stat(k, "f1").v.u == 1000);
  CHECK(l->stat(k, "f2").v.u == 2010);
  CHECK(l->stat(k, "f3").v.u == 1500000000000ull);
  CHECK(l->stat(k, "vac").type == ValueType::volts_ac);
  CHECK(l->stat(k, "vac").v.u == 229870000u);
  CHECK(l->stat(k, "neg").type == ValueType::int64);
  CHECK(l->stat(k, "neg").v.i == INT64_MIN);
  CHECK(l->stat(k, "big").v.u == UINT64_MAX);
  CHECK(l->stat(k, "none").type == ValueType::null);
  CHECK(l->stat(k, "cyc").type == ValueType::counter);
  CHECK(l->stat(k, "cyc").unit == Unit::cycles);
  CHECK(l->stat(k, "odd").type == ValueType::counter);
  CHECK(l->stat(k, "odd").unit == Unit::none);
  CHECK(l->stat(k, "empty").type == ValueType::string);
  CHECK(l->stat(k, "empty").str().empty());
  CHECK(l->stat(k, "esc").str() == "a\\b\xe9\x7f\n");
  CHECK(l->stat(k, "words").type == ValueType::string);
  CHECK(l->stat(k, "words").str() == "2 GHz-ish text");
  // A BYTES kv of length 0 prints "key: " and then an empty line.
  CHECK(l->stat(k, "nolen").type == ValueType::bytes);
  CHECK(l->stat(k, "nolen").str().empty());
  CHECK(l->stat(k, "after").type == ValueType::boolean);
  CHECK(l->stat(k, "after").v.u == 1);
}

TEST_CASE("OpenBSD kstat text: -w intervals, CRLF, long hexdumps", "[engine][file][openbsd]") {
  std::string blob;
  for (int i = 0; i < 40; ++i) blob += "  " + std::to_string(i) + ": ";  // not a hexdump
  std::string text = "em0:0:rxq:0\r\n" + kv("packets", "5 packets") + "em0:0:rxq:0\r\n" +
                     kv("packets", "9 packets") + kv("bytes", "900 bytes") +
                     "dev:0:big:0\n"
                     "   0: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f |________________|\n"
                     "  16: 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f |~~~~~~~~~~~~~~~~|\n"
                     "  32: 20 21                                           | !|\n";
  auto l = load_text(text);
  REQUIRE(l->headers.size() == 2);
  CHECK(l->data("em0:0:rxq:0").named.size() == 2);  // the last interval wins
  CHECK(l->stat("em0:0:rxq:0", "packets").v.u == 9);
  const KstatData& big = l->data("dev:0:big:0");
  REQUIRE(big.raw.size() == 34);
  CHECK(big.raw[17] == std::byte{0x11});
  CHECK(big.raw[33] == std::byte{0x21});
  CHECK(big.data_size == 34);
}

TEST_CASE("OpenBSD kstat text: errors name the file and the line", "[engine][file][openbsd]") {
  const std::string h = "em0:0:rxq:0\n";
  CHECK_THAT(
      error_of(h + kv("packets", "1") + "em0:0:rxq\n"),
      Contains(":3: expected '<key right-aligned in 16 columns>: <value>', found 'em0:0:rxq'"));
  CHECK_THAT(
      error_of(h + "\tkstat read error: Device busy\n" + kv("packets", "1")),
      Contains(":3: expected a 'provider:instance:name:unit' header, found '         packets: 1'"));
  CHECK_THAT(error_of(h + kv("a", "unknown type 19, stopping") + kv("b", "1")),
             Contains(":3: expected a 'provider:instance:name:unit' header"));
  CHECK_THAT(error_of(h + kv("t", "-300.00 degC")),
             Contains(":2: value out of range for degC: '-300.00 degC'"));
  CHECK_THAT(error_of(h + kv("f", "99999999 EHz")), Contains(":2: value out of range for Hz"));
  CHECK_THAT(error_of(h + kv("n", "-9223372036854775809")),
             Contains(":2: integer below INT64_MIN"));
  CHECK_THAT(error_of(h + kv("x", "1") + kv("y", "2") + "\n" + kv("x", "3")),
             Contains(":5: kv key 'x' repeated within one kstat"));
  CHECK_THAT(error_of(h + "            : 5\n"), Contains(":2: expected a kv key before ': '"));
  CHECK_THAT(error_of(h + kv("p", "1") + "\tkstat read error: Device busy\n"),
             Contains(":3: 'kstat read error' must follow the kstat's header line"));
}

TEST_CASE("OpenBSD kstat text: detection leaves kstat -p alone", "[engine][file][openbsd]") {
  // kstat -p lines carry a statistic and a value after the fourth field.
  TempFile p("cpu:0:sys:0\t12\n");
  CHECK_THAT(open_file_source(p.path)->description(), Contains("(kstat -p text)"));
  TempFile q("\n\nem0:0:rxq:0\n" + kv("packets", "1 packets"));
  CHECK_THAT(open_file_source(q.path)->description(), Contains("(OpenBSD kstat text)"));
  // A read error on a TAB-indented line and a lone header both parse.
  auto l =
      load_text("em0:0:txq:0\n\tkstat read error: Resource temporarily unavailable\nx:0:y:1\n");
  CHECK(l->data("em0:0:txq:0").err == EAGAIN);
  CHECK(l->data("x:0:y:1").named.empty());
  CHECK(l->header("x:0:y:1").type == KstatType::named);
}

TEST_CASE("OpenBSD kstat text replays what the live source reads",
          "[engine][file][openbsd][fakes]") {
  using fakes::KvType;
  using fakes::KvUnit;
  using fakes::ObKstat;
  using fakes::ObKv;
  auto kern = std::make_shared<fakes::ObKernel>();
  fakes::install_ob_kernel(kern);
  struct Uninstall {
    ~Uninstall() { fakes::install_ob_kernel(nullptr); }
  } uninstall;
  ObKstat rx;
  rx.provider = "em0", rx.name = "rxq", rx.unit = 1;
  rx.kv = {ObKv::uint("packets", KvType::counter64, 902113, KvUnit::packets),
           ObKv::uint("bytes", KvType::counter64, 1060119388, KvUnit::bytes),
           ObKv::uint("cyc", KvType::counter32, 77, KvUnit::cycles)};
  kern->add(rx);
  ObKstat s;
  s.provider = "cpu0", s.name = "sensors";
  s.kv = {ObKv::uint("temp", KvType::temp, 318150000),
          ObKv::uint("cold", KvType::temp, 233150000),
          ObKv::uint("freq", KvType::freq, 2400000000u),
          ObKv::uint("vdc", KvType::volts_dc, 12450000),
          ObKv::uint("vac", KvType::volts_ac, 229870000),
          ObKv::uint("up", KvType::boolean, 1),
          ObKv::uint("down", KvType::boolean, 0),
          ObKv::uint("u64", KvType::uint64, UINT64_MAX),
          ObKv::sint("s64", KvType::int64, -5),
          ObKv::text("istr", KvType::istr, "vendor x"),
          ObKv::text("str", KvType::str, "tab\there"),
          ObKv::text("mac", KvType::bytes, std::string("\x00\x1b\x21\x3c\x9e\x41", 6)),
          ObKv::uint("nothing", KvType::null, 0)};
  kern->add(s);
  ObKstat r;
  r.provider = "mcx0", r.name = "hw-raw", r.type = 0;
  for (int i = 0; i < 20; ++i) r.raw.push_back(static_cast<std::byte>(i * 13));
  kern->add(r);

  // What `kstat` prints for that kernel (entries sorted by provider).
  std::string text =
      "cpu0:0:sensors:0\n" + kv("temp", "45.00 degC") + kv("cold", "-40.00 degC") +
      kv("freq", "2.40 GHz") + kv("vdc", "12.45 VDC") + kv("vac", "229.87 VAC") + kv("up", "true") +
      kv("down", "false") + kv("u64", "18446744073709551615") + kv("s64", "-5") +
      kv("istr", "vendor x") + kv("str", "tab\\^Ihere") + kv("mac", "") +
      "   0: 00 1b 21 3c 9e 41                               |_~!<~A|\n" + kv("nothing", "null") +
      "em0:0:rxq:1\n" + kv("packets", "902113 packets") + kv("bytes", "1060119388 bytes") +
      kv("cyc", "77 cycles") + "mcx0:0:hw-raw:0\n" +
      "   0: 00 0d 1a 27 34 41 4e 5b 68 75 82 8f 9c a9 b6 c3 |_~~'4AN[hu~~~~~~|\n" +
      "  16: d0 dd ea f7                                     |~~~~|\n";
  TempFile f(text);
  const std::string cols =
      "SELECT module, instance, name, statistic, type, quote(value), unit FROM named "
      "ORDER BY module, name, statistic";
  test::Db live(make_openbsd_source(fakes::fake_devkstat_ops()));
  test::Db file(f.path);
  test::Rows want = live.rows(cols);
  CHECK(want.size() == 16);
  CHECK(file.rows(cols) == want);
  const std::string ks =
      "SELECT module, instance, name, class, type, quote(raw) FROM kstat ORDER BY module";
  CHECK(file.rows(ks) == live.rows(ks));
}
