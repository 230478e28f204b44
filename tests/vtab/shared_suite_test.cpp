// One logical machine, four sources: fake illumos (libkstat), fake OpenBSD
// (/dev/kstat), a recorded Linux tree (tests/data/shared/linux) and a kstat -p
// dump (tests/data/shared/machine-kstat-p.txt). The same SQL must give the
// same answers from each.
//
// The machine: 2 CPUs (cpu:N:sys cpu_nsec_{idle,user,kernel}), unix:0:system_misc
// (ncpus 2, nproc 3), one disk nvme:0:nvme0n1 (100 reads, 7 writes, 51200 and
// 3584 bytes), one link link:0:eth0 (4096/2048 bytes, 10/5 packets).
#include <catch2/catch.hpp>

#include <cstring>
#include <functional>

#include "engine/sources/illumos/illumos_source.hpp"
#include "engine/sources/openbsd/openbsd_source.hpp"
#include "fakes/fake_devkstat.hpp"
#include "fakes/fake_libkstat.hpp"
#include "support/db.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;

namespace {

struct CpuTimes {
  std::uint64_t idle, user, kernel;  // ns
};
constexpr CpuTimes kCpu[2] = {{90000000000ull, 5000000000ull, 3000000000ull},
                              {80000000000ull, 12000000000ull, 4000000000ull}};

// What a source offers beyond `named` and `kstat`.
struct Traits {
  bool io_table;  // the disk is an io kstat (io table rows)
  bool units;     // link byte/packet counters carry a unit
};

// Installs the machine into the fake illumos kernel.
std::shared_ptr<fakes::IlKernel> illumos_machine() {
  using fakes::IlKstat;
  using fakes::IlNamed;
  auto kern = std::make_shared<fakes::IlKernel>();
  for (int i = 0; i < 2; ++i) {
    IlKstat k;
    k.module = "cpu", k.instance = i, k.name = "sys";
    k.named = {IlNamed::u64("cpu_nsec_idle", kCpu[i].idle),
               IlNamed::u64("cpu_nsec_user", kCpu[i].user),
               IlNamed::u64("cpu_nsec_kernel", kCpu[i].kernel)};
    kern->add(k);
  }
  IlKstat m;
  m.module = "unix", m.name = "system_misc";
  m.named = {IlNamed::u32("ncpus", 2), IlNamed::u32("nproc", 3)};
  kern->add(m);
  IlKstat d;
  d.module = "nvme", d.name = "nvme0n1", d.klass = "disk", d.type = 3;
  IoStats io;
  io.nread = 51200, io.nwritten = 3584, io.reads = 100, io.writes = 7;
  d.data.resize(sizeof io);
  std::memcpy(d.data.data(), &io, sizeof io);
  kern->add(d);
  IlKstat l;
  l.module = "link", l.name = "eth0", l.klass = "net";
  l.named = {IlNamed::u64("rbytes64", 4096), IlNamed::u64("obytes64", 2048),
             IlNamed::u64("ipackets64", 10), IlNamed::u64("opackets64", 5)};
  kern->add(l);
  return kern;
}

std::shared_ptr<fakes::ObKernel> openbsd_machine() {
  using fakes::KvType;
  using fakes::KvUnit;
  using fakes::ObKstat;
  using fakes::ObKv;
  auto kern = std::make_shared<fakes::ObKernel>();
  for (unsigned i = 0; i < 2; ++i) {
    ObKstat k;
    k.provider = "cpu", k.instance = i, k.name = "sys";
    k.kv = {ObKv::uint("cpu_nsec_idle", KvType::uint64, kCpu[i].idle),
            ObKv::uint("cpu_nsec_user", KvType::uint64, kCpu[i].user),
            ObKv::uint("cpu_nsec_kernel", KvType::uint64, kCpu[i].kernel)};
    kern->add(k);
  }
  ObKstat m;
  m.provider = "unix", m.name = "system_misc";
  m.kv = {ObKv::uint("ncpus", KvType::uint32, 2), ObKv::uint("nproc", KvType::uint32, 3)};
  kern->add(m);
  ObKstat d;
  d.provider = "nvme", d.name = "nvme0n1";
  d.kv = {ObKv::uint("nread", KvType::counter64, 51200, KvUnit::bytes),
          ObKv::uint("nwritten", KvType::counter64, 3584, KvUnit::bytes),
          ObKv::uint("reads", KvType::counter64, 100), ObKv::uint("writes", KvType::counter64, 7)};
  kern->add(d);
  ObKstat l;
  l.provider = "link", l.name = "eth0";
  l.kv = {ObKv::uint("rbytes64", KvType::counter64, 4096, KvUnit::bytes),
          ObKv::uint("obytes64", KvType::counter64, 2048, KvUnit::bytes),
          ObKv::uint("ipackets64", KvType::counter64, 10, KvUnit::packets),
          ObKv::uint("opackets64", KvType::counter64, 5, KvUnit::packets)};
  kern->add(l);
  return kern;
}

// The SQL every source must answer the same way.
void shared_checks(test::Db& db, const Traits& t) {
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'cpu' AND name = 'sys'") == "2");
  CHECK(db.one("SELECT sum(value) FROM named WHERE module = 'cpu' AND name = 'sys' "
               "AND statistic = 'cpu_nsec_user'") == "17000000000");
  CHECK(db.rows(
            "SELECT instance, statistic, value FROM named WHERE module = 'cpu' AND name = 'sys' "
            "AND statistic IN ('cpu_nsec_idle', 'cpu_nsec_kernel') ORDER BY instance, statistic") ==
        test::Rows{{"0", "cpu_nsec_idle", "90000000000"},
                   {"0", "cpu_nsec_kernel", "3000000000"},
                   {"1", "cpu_nsec_idle", "80000000000"},
                   {"1", "cpu_nsec_kernel", "4000000000"}});
  CHECK(db.one("SELECT value FROM named WHERE module = 'unix' AND instance = 0 "
               "AND name = 'system_misc' AND statistic = 'nproc'") == "3");
  CHECK(db.one("SELECT value FROM named WHERE module = 'unix' AND name = 'system_misc' "
               "AND statistic = 'ncpus'") == "2");
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'nvme' AND name = 'nvme0n1' "
                "AND statistic IN ('reads', 'writes', 'nread', 'nwritten') ORDER BY statistic") ==
        test::Rows{{"nread", "51200"}, {"nwritten", "3584"}, {"reads", "100"}, {"writes", "7"}});
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'link' AND name = 'eth0' "
                "AND statistic GLOB '*64' ORDER BY statistic") ==
        test::Rows{
            {"ipackets64", "10"}, {"obytes64", "2048"}, {"opackets64", "5"}, {"rbytes64", "4096"}});
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module IN ('cpu', 'unix', 'nvme', 'link') "
               "AND error IS NOT NULL") == "0");
  // Derived numbers, as a report would compute them.
  CHECK(db.one("SELECT round(100.0 * sum(CASE WHEN statistic = 'cpu_nsec_idle' THEN value END) / "
               "sum(value), 1) FROM named WHERE module = 'cpu' AND name = 'sys' "
               "AND statistic IN ('cpu_nsec_idle', 'cpu_nsec_user', 'cpu_nsec_kernel')") == "87.6");
  if (t.io_table) {
    CHECK(db.rows("SELECT reads, writes, nread, nwritten FROM io WHERE module = 'nvme'") ==
          test::Rows{{"100", "7", "51200", "3584"}});
  }
  if (t.units) {
    CHECK(db.one("SELECT unit FROM named WHERE module = 'link' AND statistic = 'rbytes64'") ==
          "bytes");
    CHECK(db.one("SELECT unit FROM named WHERE module = 'link' AND statistic = 'opackets64'") ==
          "packets");
  }
}

}  // namespace

TEST_CASE("shared suite: fake illumos", "[shared][illumos][fakes]") {
  fakes::install_il_kernel(illumos_machine());
  {
    test::Db db(make_illumos_source());
    shared_checks(db, {true, false});
    CHECK(db.one("SELECT class FROM kstat WHERE module = 'nvme'") == "disk");
  }
  fakes::install_il_kernel(nullptr);
}

TEST_CASE("shared suite: fake OpenBSD", "[shared][openbsd][fakes]") {
  fakes::install_ob_kernel(openbsd_machine());
  {
    test::Db db(make_openbsd_source(fakes::fake_devkstat_ops()));
    shared_checks(db, {false, true});
  }
  fakes::install_ob_kernel(nullptr);
}

TEST_CASE("shared suite: recorded Linux tree", "[shared][linux]") {
  test::Db db(std::string("procfs:") + KSTATSQL_TEST_DATA + "/shared/linux");
  shared_checks(db, {true, true});
}

TEST_CASE("shared suite: kstat -p dump", "[shared][files]") {
  test::Db db(std::string(KSTATSQL_TEST_DATA) + "/shared/machine-kstat-p.txt");
  shared_checks(db, {false, false});
  CHECK(db.one("SELECT class FROM kstat WHERE module = 'nvme'") == "disk");
}
