// The illumos source over the fake libkstat: decoding of every kstat type,
// chain updates, and every fault the fake can inject.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstring>

#include "engine/sources/illumos/illumos_source.hpp"
#include "engine/raw_decode.hpp"
#include "fakes/fake_libkstat.hpp"
#include "kstatsql/error.hpp"
#include "support/db.hpp"

// The fake's C entry points, declared here without the illumos headers (the
// tags match tests/fakes/illumos/kstat.h).
extern "C" {
struct kstat;
struct kstat_ctl;
kstat_ctl* kstat_open(void);
int kstat_close(kstat_ctl*);
int kstat_read(kstat_ctl*, kstat*, void*);
kstat* kstat_lookup(kstat_ctl*, char*, int, char*);
}

using namespace kstatsql;
using namespace kstatsql::engine;
using fakes::IlKernel;
using fakes::IlKstat;
using fakes::IlNamed;

namespace {

template <typename T>
std::vector<std::byte> bytes_of(const T& v) {
  std::vector<std::byte> b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}

struct Chain {
  std::shared_ptr<IlKernel> kern = std::make_shared<IlKernel>();
  int cpu = 0, misc = 0, disk = 0, intr = 0, timer = 0, sysinfo = 0, blob = 0, var = 0;

  Chain() {
    fakes::install_il_kernel(kern);
    IlKstat k;
    k.module = "cpu", k.instance = 0, k.name = "sys", k.crtime = 111;
    k.named = {IlNamed::u64("cpu_nsec_idle", 9000), IlNamed::u64("cpu_nsec_user", 500)};
    cpu = kern->add(k);
    IlKstat m;
    m.module = "unix", m.name = "system_misc", m.crtime = 222;
    m.named = {IlNamed::u32("nproc", 77),
               IlNamed::i32("neg32", -5),
               IlNamed::i64("neg64", -6000000000LL),
               IlNamed::u64("max", UINT64_MAX),
               IlNamed::chr("chr16", "abcdefghijklmnop"),
               IlNamed::chr("chr3", "abc"),
               IlNamed::str("zonename", "global"),
               IlNamed::str("empty", ""),
               IlNamed::dbl("dbl", 2.5),
               IlNamed::flt("flt", 0.25),
               IlNamed::str("path", "/export/home")};
    misc = kern->add(m);
    IlKstat d;
    d.module = "sd", d.name = "sd0", d.klass = "disk", d.type = 3, d.flags = 0x08;
    IoStats io;
    io.nread = 51200, io.nwritten = 3584, io.reads = 100, io.writes = 7, io.rtime = 123,
    io.rcnt = 1;
    d.data = bytes_of(io);
    disk = kern->add(d);
    IlKstat in;
    in.module = "ata", in.name = "ata0", in.klass = "controller", in.type = 2;
    IntrStats is;
    for (int i = 0; i < 5; ++i) is.intrs[i] = 10u + static_cast<unsigned>(i);
    in.data = bytes_of(is.intrs);
    intr = kern->add(in);
    IlKstat t;
    t.module = "tm", t.name = "timers", t.type = 4, t.ndata = 2;
    t.data.resize(160);
    std::memcpy(t.data.data(), "first", 5);
    std::uint64_t events = 3;
    std::memcpy(t.data.data() + 32, &events, 8);
    std::memcpy(t.data.data() + 80, "second", 6);
    events = 4;
    std::memcpy(t.data.data() + 80 + 32, &events, 8);
    timer = kern->add(t);
    IlKstat s;
    s.module = "unix", s.name = "sysinfo", s.type = 0;
    Sysinfo si;
    si.updates = 100, si.runque = 250, si.waiting = 3;
    s.data = encode_raw(si);
    sysinfo = kern->add(s);
    IlKstat b;
    b.module = "foo", b.name = "blob", b.type = 0;
    b.data = {std::byte{1}, std::byte{2}, std::byte{3}};
    blob = kern->add(b);
    IlKstat v;
    v.module = "unix", v.name = "var", v.type = 0;
    v.data.resize(40);  // not the 60 bytes of struct var
    var = kern->add(v);
  }
  ~Chain() { fakes::install_il_kernel(nullptr); }
};

struct Listed {
  Arena arena;
  std::vector<KstatHeader> headers;
  const KstatHeader& at(int kid) const {
    for (const KstatHeader& h : headers)
      if (h.id == kid) return h;
    FAIL("kid " << kid << " not listed");
    return headers.front();
  }
};

const NamedStat* stat(const KstatData& d, std::string_view name) {
  for (const NamedStat& s : d.named)
    if (s.name_view() == name) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("illumos: enumerate copies the chain headers without reading", "[illumos][fakes]") {
  Chain c;
  auto src = make_illumos_source();
  CHECK(src->changed());
  Listed l;
  src->enumerate(l.arena, l.headers);
  REQUIRE(l.headers.size() == 8);
  CHECK(c.kern->reads == 0);
  const KstatHeader& d = l.at(c.disk);
  CHECK(d.module == "sd");
  CHECK(d.name == "sd0");
  CHECK(d.klass == "disk");
  CHECK(d.type == KstatType::io);
  CHECK(d.flags == 0x08);
  CHECK(d.data_size == 80);
  CHECK(l.at(c.cpu).crtime == 111);
  CHECK(l.at(c.misc).ndata == 11);
  CHECK_FALSE(src->changed());
}

TEST_CASE("illumos: named values of every type, strings after the array", "[illumos][fakes]") {
  Chain c;
  auto src = make_illumos_source();
  Listed l;
  src->enumerate(l.arena, l.headers);
  Arena a;
  KstatData d;
  src->read(l.at(c.misc), a, d);
  REQUIRE(d.ok());
  CHECK(d.ndata == 11);
  CHECK(d.data_size == 11 * 48 + 7 + 1 + 13);
  CHECK(d.snaptime > 0);
  CHECK(stat(d, "nproc")->v.u == 77);
  CHECK(stat(d, "nproc")->type == ValueType::uint32);
  CHECK(stat(d, "neg32")->v.i == -5);
  CHECK(stat(d, "neg64")->v.i == -6000000000LL);
  CHECK(stat(d, "max")->v.u == UINT64_MAX);
  CHECK(stat(d, "chr16")->str() == "abcdefghijklmnop");  // 16 bytes, no NUL
  CHECK(stat(d, "chr3")->str() == "abc");
  CHECK(stat(d, "chr3")->type == ValueType::char_);
  CHECK(stat(d, "zonename")->str() == "global");
  CHECK(stat(d, "zonename")->type == ValueType::string);
  CHECK(stat(d, "empty")->str().empty());
  CHECK(stat(d, "path")->str() == "/export/home");
  CHECK(stat(d, "dbl")->v.d == 2.5);
  CHECK(stat(d, "flt")->type == ValueType::float_);
  CHECK(stat(d, "flt")->v.d == 0.25);
}

TEST_CASE("illumos: io, intr, timer and raw kstats", "[illumos][fakes]") {
  Chain c;
  auto src = make_illumos_source();
  Listed l;
  src->enumerate(l.arena, l.headers);
  Arena a;
  KstatData io, intr, timer, sys, blob, var;
  src->read(l.at(c.disk), a, io);
  REQUIRE(io.io != nullptr);
  CHECK(io.io->nread == 51200);
  CHECK(io.io->writes == 7);
  CHECK(io.io->rcnt == 1);
  CHECK(stat(io, "reads")->v.u == 100);
  src->read(l.at(c.intr), a, intr);
  REQUIRE(intr.intr != nullptr);
  CHECK(stat(intr, "multiple_service")->v.u == 14);
  src->read(l.at(c.timer), a, timer);
  REQUIRE(timer.timers.size() == 2);
  CHECK(timer.timers[1].name_view() == "second");
  CHECK(timer.timers[1].num_events == 4);
  CHECK(stat(timer, "num_events")->v.u == 3);
  src->read(l.at(c.sysinfo), a, sys);
  REQUIRE(sys.ok());
  CHECK(sys.raw.size() == 24);
  CHECK(stat(sys, "runque")->v.u == 250);  // decoded by raw_decode
  src->read(l.at(c.blob), a, blob);
  REQUIRE(blob.ok());
  CHECK(blob.raw.size() == 3);
  CHECK(blob.named.empty());  // no kstat(8) decoder for foo:blob
  src->read(l.at(c.var), a, var);
  CHECK_FALSE(var.ok());  // a known struct with the wrong size is an error, not a guess
  CHECK(var.raw.size() == 40);
}

TEST_CASE("illumos: chain updates drive changed() and enumeration", "[illumos][fakes]") {
  Chain c;
  auto src = make_illumos_source();
  Listed l;
  src->enumerate(l.arena, l.headers);
  CHECK_FALSE(src->changed());
  c.kern->modify(c.cpu, [](IlKstat& k) { k.named[0].u = 9999; });  // values change, chain does not
  CHECK_FALSE(src->changed());
  IlKstat n;
  n.module = "new", n.name = "one";
  n.named = {IlNamed::u64("x", 1)};
  int kid = c.kern->add(n);
  CHECK(src->changed());
  Listed l2;
  src->enumerate(l2.arena, l2.headers);
  CHECK(l2.headers.size() == 9);
  CHECK(l2.at(kid).module == "new");
  Arena a;
  KstatData d;
  src->read(l2.at(c.cpu), a, d);
  CHECK(stat(d, "cpu_nsec_idle")->v.u == 9999);
}

TEST_CASE("illumos: EAGAIN is retried a bounded number of times", "[illumos][fakes]") {
  Chain c;
  auto src = make_illumos_source();
  Listed l;
  src->enumerate(l.arena, l.headers);
  Arena a;
  c.kern->modify(c.cpu, [](IlKstat& k) { k.eagain = 4; });
  KstatData ok;
  src->read(l.at(c.cpu), a, ok);
  CHECK(ok.ok());
  CHECK(stat(ok, "cpu_nsec_user")->v.u == 500);
  c.kern->modify(c.cpu, [](IlKstat& k) { k.eagain = 100; });
  KstatData busy;
  src->read(l.at(c.cpu), a, busy);
  CHECK(busy.err == EAGAIN);
  CHECK(busy.error.find("cpu:0:sys") != std::string_view::npos);
  CHECK(busy.named.empty());
}

TEST_CASE("illumos: ENXIO, EOVERFLOW and bad string pointers are per-kstat errors",
          "[illumos][fakes]") {
  Chain c;
  auto src = make_illumos_source();
  Listed l;
  src->enumerate(l.arena, l.headers);
  Arena a;
  c.kern->modify(c.cpu, [](IlKstat& k) { k.fail = EOVERFLOW; });
  KstatData over;
  src->read(l.at(c.cpu), a, over);
  CHECK(over.err == EOVERFLOW);
  c.kern->modify(c.misc, [](IlKstat& k) { k.bad_string_ptr = true; });
  KstatData bad;
  src->read(l.at(c.misc), a, bad);
  CHECK_FALSE(bad.ok());
  CHECK(bad.error.find("outside") != std::string_view::npos);
  c.kern->modify(c.disk, [](IlKstat& k) { k.vanish_on_read = true; });
  KstatData gone;
  src->read(l.at(c.disk), a, gone);
  CHECK(gone.err == ENXIO);
  CHECK(src->changed());
  Listed l2;
  src->enumerate(l2.arena, l2.headers);
  CHECK(l2.headers.size() == 7);
}

TEST_CASE("illumos: a header whose kstat_t was freed by a chain update reads as gone",
          "[illumos][fakes]") {
  Chain c;
  auto src = make_illumos_source();
  Listed l;
  src->enumerate(l.arena, l.headers);
  c.kern->remove(c.disk);
  CHECK(src->changed());  // chain update frees sd0's kstat_t
  Arena a;
  KstatData d;
  src->read(l.at(c.disk), a, d);  // the old generation asks anyway
  CHECK(d.err == ENXIO);
  KstatData cpu;
  src->read(l.at(c.cpu), a, cpu);  // the others still read through the new chain
  CHECK(cpu.ok());
  // Removed after enumeration without any chain update in between.
  c.kern->remove(c.cpu);
  KstatData cpu2;
  src->read(l.at(c.cpu), a, cpu2);
  CHECK(cpu2.err == ENXIO);
}

TEST_CASE("illumos: VAR_SIZE kstats are re-sized, fixed ones that grow fail", "[illumos][fakes]") {
  Chain c;
  IlKstat v;
  v.module = "zone", v.name = "var", v.flags = 0x02;
  v.named = {IlNamed::str("s", "short")};
  int var = c.kern->add(v);
  auto src = make_illumos_source();
  Listed l;
  src->enumerate(l.arena, l.headers);
  CHECK(l.at(var).data_size == 48 + 6);
  const std::string longer(300, 'x');
  c.kern->modify(var, [&](IlKstat& k) { k.named[0].s = longer; });
  Arena a;
  KstatData d;
  src->read(l.at(var), a, d);
  REQUIRE(d.ok());
  CHECK(stat(d, "s")->str() == longer);
  CHECK(d.data_size == 48 + 301);
  c.kern->modify(c.misc, [&](IlKstat& k) { k.named.back().s = longer; });
  KstatData fixed;
  src->read(l.at(c.misc), a, fixed);
  CHECK(fixed.err == ENOMEM);
}

TEST_CASE("illumos: kstat_open failure is a whole-source error", "[illumos][fakes]") {
  fakes::install_il_kernel(nullptr);
  CHECK_THROWS_AS(make_illumos_source(), Error);
}

TEST_CASE("illumos: the fake counts overlapping use of one kstat_ctl_t", "[illumos][fakes]") {
  Chain c;
  kstat_ctl* kc = kstat_open();
  REQUIRE(kc != nullptr);
  kstat* k = kstat_lookup(kc, nullptr, -1, nullptr);
  REQUIRE(k != nullptr);
  c.kern->on_read = [&] { kstat_lookup(kc, nullptr, -1, nullptr); };
  CHECK(kstat_read(kc, k, nullptr) > 0);
  CHECK(c.kern->concurrent_use == 1);
  c.kern->on_read = nullptr;
  kstat_close(kc);
  CHECK(c.kern->open_handles == 0);
}

TEST_CASE("illumos: through SQL, failures show in kstat.error and nowhere else",
          "[illumos][fakes][vtab]") {
  Chain c;
  c.kern->modify(c.disk, [](IlKstat& k) { k.fail = EIO; });
  test::Db db(make_illumos_source());
  CHECK(db.one("SELECT count(*) FROM kstat") == "8");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE error IS NOT NULL") == "2");  // sd0, unix:0:var
  CHECK(db.one("SELECT error LIKE 'sd:0:sd0: kstat_read: %' FROM kstat WHERE name = 'sd0'") == "1");
  CHECK(db.one("SELECT count(*) FROM named WHERE module = 'sd'") == "0");
  CHECK(db.one("SELECT value FROM named WHERE name = 'system_misc' AND statistic = 'zonename'") ==
        "global");
  CHECK(db.one("SELECT value FROM named WHERE name = 'system_misc' AND statistic = 'max'") ==
        "18446744073709551615");
  CHECK(db.one("SELECT class FROM kstat WHERE module = 'ata'") == "controller");
}
