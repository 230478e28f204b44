// The OpenBSD source over the fake /dev/kstat: kv decoding of every type and
// unit, version resynchronisation, short buffers and per-kstat failures.
#include <catch2/catch.hpp>

#include <cerrno>

#include "engine/sources/openbsd/openbsd_source.hpp"
#include "fakes/fake_devkstat.hpp"
#include "kstatsql/error.hpp"
#include "support/db.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using fakes::KvType;
using fakes::KvUnit;
using fakes::ObKernel;
using fakes::ObKstat;
using fakes::ObKv;

namespace {

struct Box {
  std::shared_ptr<ObKernel> kern = std::make_shared<ObKernel>();
  std::uint64_t kv = 0, raw = 0, ring = 0;

  Box() {
    fakes::install_ob_kernel(kern);
    ObKstat k;
    k.provider = "ix", k.name = "sensors", k.created_ns = 2500000000;
    k.kv = {ObKv::uint("up", KvType::boolean, 7),
            ObKv::uint("ipkts", KvType::counter64, 1ull << 40, KvUnit::packets),
            ObKv::uint("ibytes", KvType::counter32, 4000000000u, KvUnit::bytes),
            ObKv::uint("c16", KvType::counter16, 65535, KvUnit::cycles),
            ObKv::uint("u64", KvType::uint64, UINT64_MAX),
            ObKv::sint("s64", KvType::int64, INT64_MIN),
            ObKv::uint("u32", KvType::uint32, 4294967295u),
            ObKv::sint("s32", KvType::int32, -2),
            ObKv::text("istr", KvType::istr, "0123456789abcdef"),
            ObKv::text("str", KvType::str, "hello"),  // 5 bytes, padded to 8
            ObKv::text("blob", KvType::bytes, std::string("\0\1\2\3\4\5\6\7\x08", 9)),
            ObKv::uint("temp", KvType::temp, 300150000),
            ObKv::uint("u16", KvType::uint16, 65535),
            ObKv::sint("s16", KvType::int16, -32768),
            ObKv::uint("freq", KvType::freq, 2400000000u),
            ObKv::uint("vdc", KvType::volts_dc, 12000000),
            ObKv::uint("vac", KvType::volts_ac, 230000000),
            ObKv::uint("amps", KvType::amps, 1500000),
            ObKv::uint("watts", KvType::watts, 65000000),
            ObKv::uint("nothing", KvType::null, 0),
            ObKv::uint("last", KvType::uint64, 42)};
    kv = kern->add(k);
    ObKstat r;
    r.provider = "mbuf", r.name = "raw", r.type = 0;
    r.raw = {std::byte{9}, std::byte{8}, std::byte{7}};
    raw = kern->add(r);
    ObKstat q;
    q.provider = "ix", q.name = "rxq", q.unit = 3;
    q.kv = {ObKv::uint("packets", KvType::counter64, 5, KvUnit::packets)};
    ring = kern->add(q);
  }
  ~Box() { fakes::install_ob_kernel(nullptr); }
};

struct Listed {
  Arena arena;
  std::vector<KstatHeader> headers;
  const KstatHeader& at(std::uint64_t id) const {
    for (const KstatHeader& h : headers)
      if (h.id == static_cast<std::int64_t>(id)) return h;
    FAIL("id " << id << " not listed");
    return headers.front();
  }
};

const NamedStat& stat(const KstatData& d, std::string_view name) {
  for (const NamedStat& s : d.named)
    if (s.name_view() == name) return s;
  FAIL("no statistic " << name);
  return d.named.front();
}

}  // namespace

TEST_CASE("openbsd: enumeration keeps the 4-part identity", "[openbsd][fakes]") {
  Box b;
  auto src = make_openbsd_source(fakes::fake_devkstat_ops());
  CHECK(src->changed());
  Listed l;
  src->enumerate(l.arena, l.headers);
  REQUIRE(l.headers.size() == 3);
  CHECK(b.kern->finds == 0);
  const KstatHeader& q = l.at(b.ring);
  CHECK(q.module == "ix");
  CHECK(q.name == "rxq");
  CHECK(q.unit == 3);
  CHECK(q.klass.empty());
  CHECK(q.type == KstatType::named);
  CHECK(l.at(b.raw).type == KstatType::raw);
  CHECK(l.at(b.kv).crtime == 2500000000);
  CHECK(l.at(b.raw).data_size == 3);
  CHECK_FALSE(src->changed());
}

TEST_CASE("openbsd: every kv type and unit", "[openbsd][fakes]") {
  Box b;
  auto src = make_openbsd_source(fakes::fake_devkstat_ops());
  Listed l;
  src->enumerate(l.arena, l.headers);
  Arena a;
  KstatData d;
  src->read(l.at(b.kv), a, d);
  REQUIRE(d.ok());
  CHECK(d.named.size() == 21);
  CHECK(d.snaptime > 5000000000);
  CHECK(stat(d, "up").type == ValueType::boolean);
  CHECK(stat(d, "up").v.u == 1);
  CHECK(stat(d, "ipkts").type == ValueType::counter);
  CHECK(stat(d, "ipkts").v.u == 1ull << 40);
  CHECK(stat(d, "ipkts").unit == Unit::packets);
  CHECK(stat(d, "ibytes").v.u == 4000000000u);
  CHECK(stat(d, "ibytes").unit == Unit::bytes);
  CHECK(stat(d, "c16").v.u == 65535);
  CHECK(stat(d, "c16").unit == Unit::cycles);
  CHECK(stat(d, "u64").v.u == UINT64_MAX);
  CHECK(stat(d, "s64").v.i == INT64_MIN);
  CHECK(stat(d, "u32").v.u == 4294967295u);
  CHECK(stat(d, "s32").v.i == -2);
  CHECK(stat(d, "istr").str() == "0123456789abcdef");
  CHECK(stat(d, "str").str() == "hello");
  CHECK(stat(d, "blob").type == ValueType::bytes);
  CHECK(stat(d, "blob").str() == std::string_view("\0\1\2\3\4\5\6\7\x08", 9));
  CHECK(stat(d, "temp").type == ValueType::temp);
  CHECK(stat(d, "temp").unit == Unit::ukelvin);
  CHECK(stat(d, "temp").v.u == 300150000);
  CHECK(stat(d, "u16").v.u == 65535);
  CHECK(stat(d, "s16").v.i == -32768);
  CHECK(stat(d, "freq").unit == Unit::hz);
  CHECK(stat(d, "freq").v.u == 2400000000u);
  CHECK(stat(d, "vdc").type == ValueType::volts_dc);
  CHECK(stat(d, "vac").unit == Unit::uvolts);
  CHECK(stat(d, "amps").unit == Unit::uamps);
  CHECK(stat(d, "watts").v.u == 65000000);
  CHECK(stat(d, "watts").unit == Unit::uwatts);
  CHECK(stat(d, "nothing").type == ValueType::null);
  CHECK(stat(d, "last").v.u == 42);  // alignment after the trailing data held
  KstatData r;
  src->read(l.at(b.raw), a, r);
  REQUIRE(r.ok());
  CHECK(r.raw.size() == 3);
  CHECK(r.raw[0] == std::byte{9});
}

TEST_CASE("openbsd: a version change resynchronises and reports changed()", "[openbsd][fakes]") {
  Box b;
  auto src = make_openbsd_source(fakes::fake_devkstat_ops());
  Listed l;
  src->enumerate(l.arena, l.headers);
  b.kern->bump_version();
  Arena a;
  KstatData d;
  src->read(l.at(b.ring), a, d);
  CHECK(d.ok());
  CHECK(stat(d, "packets").v.u == 5);
  CHECK(b.kern->einval == 1);
  CHECK(src->changed());
  Listed l2;
  src->enumerate(l2.arena, l2.headers);
  CHECK_FALSE(src->changed());
  // The set moves while it is being listed: the listing restarts, once.
  int moves = 1;
  b.kern->on_nfind = [&] {
    if (moves-- > 0) b.kern->bump_version();
  };
  const int refused = b.kern->einval;
  Listed l3;
  src->enumerate(l3.arena, l3.headers);
  CHECK(l3.headers.size() == 3);  // each kstat listed once
  CHECK(b.kern->einval == refused + 1);
  CHECK_FALSE(src->changed());
  b.kern->on_nfind = nullptr;
}

TEST_CASE("openbsd: a buffer too small for ks_datalen is grown", "[openbsd][fakes]") {
  Box b;
  auto src = make_openbsd_source(fakes::fake_devkstat_ops());
  Listed l;
  src->enumerate(l.arena, l.headers);
  const std::string big(20000, 'z');
  b.kern->modify(b.ring, [&](ObKstat& k) { k.kv.push_back(ObKv::text("big", KvType::str, big)); });
  Arena a;
  KstatData d;
  src->read(l.at(b.ring), a, d);
  REQUIRE(d.ok());
  CHECK(b.kern->short_reads == 1);
  CHECK(stat(d, "big").str() == big);
  CHECK(d.data_size == 40 + 40 + 20000);
}

TEST_CASE("openbsd: per-kstat failures are recorded", "[openbsd][fakes]") {
  Box b;
  auto src = make_openbsd_source(fakes::fake_devkstat_ops());
  Listed l;
  src->enumerate(l.arena, l.headers);
  Arena a;
  b.kern->modify(b.kv, [](ObKstat& k) { k.fail = EIO; });
  KstatData io;
  src->read(l.at(b.kv), a, io);
  CHECK(io.err == EIO);
  CHECK(io.error.find("ix:0:sensors:0") != std::string_view::npos);
  b.kern->modify(b.ring, [](ObKstat& k) {
    k.kv[0] = ObKv::text("s", KvType::str, "abc"), k.kv[0].len_override = 4096;
  });
  KstatData bad;
  src->read(l.at(b.ring), a, bad);
  CHECK(bad.err == EOVERFLOW);
  b.kern->modify(b.raw, [](ObKstat& k) { k.vanish_on_read = true; });
  KstatData gone;
  src->read(l.at(b.raw), a, gone);
  CHECK(gone.err == ENOENT);
  CHECK(src->changed());
  Listed l2;
  src->enumerate(l2.arena, l2.headers);
  CHECK(l2.headers.size() == 2);
}

TEST_CASE("openbsd: an unknown kv type ends the walk visibly", "[openbsd][fakes]") {
  Box b;
  b.kern->modify(b.ring, [](ObKstat& k) {
    ObKv odd = ObKv::uint("future", static_cast<KvType>(99), 1);
    k.kv.push_back(odd);
    k.kv.push_back(ObKv::uint("after", KvType::uint64, 2));
  });
  auto src = make_openbsd_source(fakes::fake_devkstat_ops());
  Listed l;
  src->enumerate(l.arena, l.headers);
  Arena a;
  KstatData d;
  src->read(l.at(b.ring), a, d);
  REQUIRE(d.ok());
  REQUIRE(d.named.size() == 2);
  CHECK(d.named[1].name_view() == "future");
  CHECK(d.named[1].type == ValueType::null);
}

TEST_CASE("openbsd: no /dev/kstat is a whole-source error", "[openbsd][fakes]") {
  fakes::install_ob_kernel(nullptr);
  CHECK_THROWS_AS(make_openbsd_source(fakes::fake_devkstat_ops()), Error);
  CHECK_THROWS_AS(make_openbsd_source(), Error);  // no real /dev/kstat on this system
}

TEST_CASE("openbsd: units and the fourth identity part reach SQL", "[openbsd][fakes][vtab]") {
  Box b;
  test::Db db(make_openbsd_source(fakes::fake_devkstat_ops()));
  CHECK(db.one("SELECT unit FROM named WHERE name = 'sensors' AND statistic = 'temp'") == "uK");
  CHECK(db.one("SELECT type FROM named WHERE name = 'sensors' AND statistic = 'temp'") == "temp");
  CHECK(db.one("SELECT unit FROM named WHERE name = 'rxq' AND statistic = 'packets'") == "packets");
  CHECK(db.one("SELECT value FROM named WHERE name = 'sensors' AND statistic = 'ipkts'") ==
        "1099511627776");
  CHECK(db.one("SELECT typeof(value) FROM named WHERE name = 'sensors' AND statistic = 'blob'") ==
        "blob");
  CHECK(db.one("SELECT class FROM kstat WHERE name = 'rxq'") == "");
  CHECK(db.one("SELECT type FROM kstat WHERE name = 'raw'") == "raw");
  b.kern->modify(b.kv, [](ObKstat& k) { k.fail = EIO; });
  CHECK(db.one("SELECT count(*) FROM kstat WHERE error IS NOT NULL") == "1");
}
