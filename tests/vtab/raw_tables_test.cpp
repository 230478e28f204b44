// The typed tables over raw structs and intr/timer kstats, through SQL: from
// raw bytes (StaticBuilder + encoders) and from a replayed `kstat -p` dump.
#include <catch2/catch.hpp>
#include <cstring>

#include "engine/raw_decode.hpp"
#include "engine/static_source.hpp"
#include "support/db.hpp"

namespace eng = kstatsql::engine;
using kstatsql::test::Db;
using kstatsql::test::Rows;

namespace {

// A machine whose raw kstats are real bytes, decoded by the engine.
std::shared_ptr<eng::Source> raw_machine() {
  eng::StaticBuilder b;
  auto raw = [&](std::string_view module, std::int64_t inst, std::string_view name,
                 std::string_view klass, std::span<const std::byte> bytes) {
    b.begin(module, inst, name);
    b.set_class(klass);
    b.set_type(eng::KstatType::raw);
    b.set_crtime(1000 + inst);
    b.set_snaptime(9000000000);
    b.set_raw(bytes);
  };
  eng::Sysinfo si;
  si.updates = 100;
  si.runque = 250;
  si.runocc = 90;
  si.waiting = 3;
  raw("unix", 0, "sysinfo", "misc", eng::encode_raw(si));
  eng::Vminfo vm;
  vm.freemem = 1000;
  vm.swap_resv = 2000;
  vm.swap_alloc = 3000;
  vm.swap_avail = 4000;
  vm.swap_free = 5000;
  vm.updates = 100;
  raw("unix", 0, "vminfo", "vm", eng::encode_raw(vm));
  std::vector<std::byte> short_vm(40);
  raw("unix", 1, "vminfo", "vm", short_vm);  // wrong size: error, no row
  eng::Var v;
  v.v_proc = 30000;
  v.v_maxup = 29995;
  v.v_autoup = 30;
  v.v_bufhwm = 167340;
  raw("unix", 0, "var", "misc", eng::encode_raw(v));
  eng::Ncstats nc;
  nc.hits = 900;
  nc.misses = 100;
  nc.purges = -1;
  raw("unix", 0, "ncstats", "misc", eng::encode_raw(nc));
  eng::MntinfoKstat m;
  std::memcpy(m.mik_proto, "tcp", 4);
  std::memcpy(m.mik_curserver, "fs1", 4);
  m.mik_vers = 3;
  m.mik_timeo = 600;
  m.mik_timers[0] = {21, 11, 37};
  m.mik_timers[1] = {18, 9, 33};
  m.mik_timers[2] = {25, 12, 41};
  raw("nfs", 5, "mntinfo", "misc", eng::encode_raw(m));
  for (int cpu = 0; cpu < 2; ++cpu) {
    eng::CpuStat c;
    c.cpu_sysinfo.cpu[0] = 4000000000u + cpu;
    c.cpu_sysinfo.cpu[1] = 200 + cpu;
    c.cpu_sysinfo.cpu[2] = 300 + cpu;
    c.cpu_sysinfo.pswitch = 5000;
    c.cpu_sysinfo.bawrite = 77;
    c.cpu_syswait.iowait = -2;
    c.cpu_vminfo.hat_fault = 10;
    c.cpu_vminfo.as_fault = 20 + cpu;
    c.cpu_vminfo.fsfree = 99;
    raw("cpu_stat", cpu, "cpu_stat" + std::to_string(cpu), "misc", eng::encode_raw(c));
  }
  b.begin("ata", 0, "ata0");
  b.set_class("controller");
  eng::IntrStats in;
  for (int i = 0; i < 5; ++i) in.intrs[i] = 10u * (i + 1);
  b.set_intr(in);
  b.begin("fake", 0, "timers");
  b.set_class("misc");
  for (int t = 0; t < 2; ++t) {
    eng::TimerStat ts;
    std::string_view n = t == 0 ? "open" : "close";
    ts.name = n.data();
    ts.name_len = static_cast<std::uint32_t>(n.size());
    ts.num_events = 10 + t;
    ts.elapsed_time = 1000 * (t + 1);
    ts.min_time = 5;
    ts.max_time = 500;
    ts.start_time = 7;
    ts.stop_time = 8;
    b.add_timer(ts);
  }
  return b.finish("raw machine");
}

std::string dump_path() {
  return std::string(KSTATSQL_TEST_DATA) + "/dumps/raw-kstats-p.txt";
}

}  // namespace

TEST_CASE("decoded raw kstats appear in named under kstat(8)'s names", "[vtab][raw]") {
  Db db(raw_machine());
  CHECK(db.rows("SELECT statistic, type, value FROM named WHERE module='unix' AND name='vminfo'") ==
        Rows{{"freemem", "uint64", "1000"},
             {"swap_resv", "uint64", "2000"},
             {"swap_alloc", "uint64", "3000"},
             {"swap_avail", "uint64", "4000"},
             {"swap_free", "uint64", "5000"},
             {"updates", "uint64", "100"}});
  CHECK(db.one("SELECT count(*) FROM named WHERE module='cpu_stat' AND instance=0") == "87");
  CHECK(db.one("SELECT value FROM named WHERE name='mntinfo' AND statistic='mik_proto'") == "tcp");
  CHECK(db.one("SELECT type FROM named WHERE name='cpu_stat1' AND statistic='iowait'") == "int32");
  CHECK(db.rows(
            "SELECT name, type, data_size, error FROM kstat WHERE module='unix' AND instance=1") ==
        Rows{{"vminfo", "raw", "NULL",
              "unix:1:vminfo: raw data size 40 matches no known vminfo_t layout (48)"}});
}

TEST_CASE("sysinfo, vminfo, var and ncstats: one row per kstat, wrong sizes left out",
          "[vtab][raw]") {
  Db db(raw_machine());
  CHECK(db.rows("SELECT * FROM sysinfo") == Rows{{"unix", "0", "sysinfo", "misc", "100", "250",
                                                  "90", "0", "0", "3", "9000000000", "1000"}});
  CHECK(db.rows("SELECT * FROM vminfo") ==
        Rows{{"unix", "0", "vminfo", "vm", "1000", "2000", "3000", "4000", "5000", "100",
              "9000000000", "1000"}});
  CHECK(db.rows("SELECT v_buf, v_proc, v_maxup, v_autoup, v_bufhwm FROM var") ==
        Rows{{"0", "30000", "29995", "30", "167340"}});
  CHECK(db.one("SELECT count(*) FROM kstat_columns WHERE table_name='var' AND "
               "column_name <> 'host'") == "21");
  CHECK(db.rows("SELECT hits, misses, purges FROM ncstats") == Rows{{"900", "100", "-1"}});
  // Only kstats with the lookup key are read, and a pushed-down key reads one.
  CHECK(db.one("SELECT count(*) FROM vminfo WHERE instance = 0") == "1");
  CHECK(db.one("SELECT kstat_reads()") == "1");
  CHECK(db.one("SELECT count(freemem) FROM vminfo") == "1");
  CHECK(db.one("SELECT kstat_reads()") == "2");  // unix:0 and the failed unix:1
}

TEST_CASE("mntinfo flattens the timers; mountpoint is NULL without the source's help",
          "[vtab][raw]") {
  Db db(raw_machine());
  CHECK(db.rows("SELECT instance, mountpoint, mik_proto, mik_vers, mik_timeo, mik_curserver, "
                "lookup_srtt, lookup_deviate, lookup_rtxcur, read_srtt, read_deviate, "
                "read_rtxcur, write_srtt, write_deviate, write_rtxcur FROM mntinfo") ==
        Rows{{"5", "NULL", "tcp", "3", "600", "fs1", "21", "11", "37", "18", "9", "33", "25", "12",
              "41"}});
  CHECK(db.one("SELECT typeof(mik_proto) || typeof(mik_vers) FROM mntinfo") == "textinteger");
}

TEST_CASE("cpu_stat has every field kstat(8) prints, one row per CPU", "[vtab][raw]") {
  Db db(raw_machine());
  CHECK(db.rows("SELECT instance, idle, user, kernel, wait_io, pswitch, bawrite, iowait, "
                "hat_fault + as_fault, fsfree FROM cpu_stat") ==
        Rows{{"0", "4000000000", "200", "300", "0", "5000", "77", "-2", "30", "99"},
             {"1", "4000000001", "201", "301", "0", "5000", "77", "-2", "31", "99"}});
  // Columns = identity + the 87 statistics of the decoder + snaptime, crtime,
  // and every statistic name is a column.
  CHECK(db.one("SELECT count(*) FROM kstat_columns WHERE table_name='cpu_stat' AND "
               "column_name <> 'host'") == "93");
  CHECK(db.one("SELECT count(*) FROM named n WHERE n.name='cpu_stat0' AND n.statistic NOT IN "
               "(SELECT column_name FROM kstat_columns WHERE table_name='cpu_stat')") == "0");
  CHECK(db.one("SELECT count(*) FROM cpu_stat WHERE instance = 1") == "1");
  CHECK(db.one("SELECT kstat_reads()") == "1");
}

TEST_CASE("intr and timer tables", "[vtab][raw]") {
  Db db(raw_machine());
  CHECK(db.rows("SELECT * FROM intr") ==
        Rows{{"ata", "0", "ata0", "controller", "10", "20", "30", "40", "50", "0", "0"}});
  // Every timer record is a row (kstat(8) shows only the first).
  CHECK(db.rows("SELECT name, timer_index, timer_name, num_events, elapsed_time, min_time, "
                "max_time, start_time, stop_time FROM timer") ==
        Rows{{"timers", "0", "open", "10", "1000", "5", "500", "7", "8"},
             {"timers", "1", "close", "11", "2000", "5", "500", "7", "8"}});
  CHECK(db.one("SELECT count(*) FROM timer WHERE module = 'nothing'") == "0");
}

TEST_CASE("every typed table answers every declared column", "[vtab][raw]") {
  Db db(raw_machine());
  for (const char* t :
       {"sysinfo", "vminfo", "var", "mntinfo", "cpu_stat", "ncstats", "intr", "timer"}) {
    INFO(t);
    CHECK(db.one(std::string("SELECT count(*) FROM kstat_columns WHERE table_name='") + t + "'") !=
          "0");
    for (const auto& row : db.rows(std::string("SELECT column_name FROM kstat_columns WHERE "
                                               "table_name='") +
                                   t + "'")) {
      INFO(row[0]);
      // Every column exists and is non-NULL in some row, except mountpoint,
      // which only a source can supply, and the hidden host column of
      // multi-host sources.
      std::string n = db.one("SELECT count(" + row[0] + ") FROM " + t);
      if (row[0] != "mountpoint" && row[0] != "host") CHECK(n != "0");
    }
  }
}

TEST_CASE("a replayed kstat -p dump fills named and the typed tables", "[vtab][raw]") {
  Db db(dump_path());
  CHECK(db.one("SELECT value FROM named WHERE module='unix' AND name='vminfo' AND "
               "statistic='freemem'") == "1284390776953");
  CHECK(db.rows("SELECT freemem, swap_resv, swap_alloc, swap_avail, swap_free, updates, class, "
                "snaptime FROM vminfo") ==
        Rows{{"1284390776953", "291738472210", "271937272611", "2131235411012", "2151036610611",
              "98765", "vm", "98765432106111"}});
  CHECK(db.rows("SELECT updates, runque, runocc, swpque, swpocc, waiting FROM sysinfo") ==
        Rows{{"98765", "123456", "45678", "0", "0", "321"}});
  CHECK(db.rows("SELECT v_proc, v_nglobpris, v_bufhwm FROM var") ==
        Rows{{"30000", "170", "167340"}});
  CHECK(db.rows("SELECT instance, mountpoint, mik_proto, mik_vers, mik_flags, mik_curserver, "
                "read_rtxcur, write_srtt FROM mntinfo") ==
        Rows{{"5", "NULL", "tcp", "4", "2105888", "fileserver.example.com", "33", "25"}});
  // Statistics are sorted by name in the dump: columns are still found by name.
  CHECK(db.rows("SELECT instance, idle, user, bread, bawrite, iowait, fsfree FROM cpu_stat") ==
        Rows{{"0", "4000000000", "100037", "100259", "101924", "0", "103182"},
             {"1", "4000000001", "200037", "200259", "201924", "0", "203182"}});
  CHECK(db.one("SELECT count(*) FROM named WHERE module='cpu_stat' AND instance=1") == "87");
  // No cpu_stat statistic in the dump lacks a column, and no column but the
  // pseudo ones lacks a value.
  CHECK(db.one("SELECT count(*) FROM named WHERE module='cpu_stat' AND statistic NOT IN "
               "(SELECT column_name FROM kstat_columns WHERE table_name='cpu_stat')") == "0");
  // No ncstats in this dump: an empty table, not an error.
  CHECK(db.one("SELECT count(*) FROM ncstats") == "0");
}
