// The scripted reports in reports/*.sql, run as they ship.
//
// The exact numbers come from tests/support/report_machine.hpp: generation 1
// covers the 10 s since crtime (first/10 per second), generation 2 exactly
// 1 s (step per second). Each expectation below is worked out by hand from
// the values listed there, with the formulas of docs/reports.md
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "support/db.hpp"
#include "support/report_machine.hpp"

using kstatsql::test::Db;
using kstatsql::test::ReportMachine;
using kstatsql::test::Rows;

namespace {

std::string report(const std::string& name) {
  std::string path = std::string(KSTATSQL_REPORTS_DIR) + "/" + name + ".sql";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The report as a subquery: "(<its SQL without the final ;>\n)".
std::string sub(const std::string& name) {
  std::string sql = report(name);
  while (!sql.empty() && (sql.back() == '\n' || sql.back() == ' ' || sql.back() == ';'))
    sql.pop_back();
  return "(" + sql + "\n)";
}

// The column names of a report, in order.
std::vector<std::string> columns(Db& db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  for (int i = 0; i < sqlite3_column_count(st); ++i) out.emplace_back(sqlite3_column_name(st, i));
  sqlite3_finalize(st);
  return out;
}

const char* const kReports[] = {"iostat", "vmstat", "mpstat", "nfsstat", "top"};

}  // namespace

TEST_CASE("iostat report: iostat -x over two generations, hand-checked", "[vtab][reports]") {
  auto m = std::make_shared<ReportMachine>(ReportMachine::Shape::illumos);
  Db db(m);
  const std::string sql = report("iostat");
  CHECK(columns(db, sql) == std::vector<std::string>{"device", "r/s", "w/s", "kr/s", "kw/s", "wait",
                                                     "actv", "svc_t", "%w", "%b"});
  // First run: since crtime (10 s), old values zero. sd0's reads counter
  // stands at 4294967200; the partition sd0,a is not shown; NFS comes last.
  CHECK(db.rows(sql) ==
        Rows{{"sd0", "429496720.0", "50.0", "4096.0", "0.0", "0.5", "1.5", "0.0", "10", "60"},
             {"sd1", "0.0", "0.0", "0.0", "0.0", "0.0", "0.0", "0.0", "0", "0"},
             {"nfs1", "0.0", "0.0", "0.0", "0.0", "0.0", "0.0", "0.0", "0", "0"}});
  // Second run: 1 s later. reads wrapped past 2^32 (+100); svc_t = (0.5 +
  // 1.5) × 1000 / 150 = 13.3 ms; sd1: 0.1 × 1000 / 10 = 10 ms.
  CHECK(db.rows(sql) ==
        Rows{{"sd0", "100.0", "50.0", "4096.0", "2048.0", "0.5", "1.5", "13.3", "10", "60"},
             {"sd1", "10.0", "0.0", "1024.0", "0.0", "0.0", "0.1", "10.0", "0", "10"},
             {"nfs1", "4.0", "0.0", "512.0", "0.0", "0.0", "0.2", "50.0", "0", "0"}});
  CHECK(m->generation() == 2);  // one generation per run of the report
}

TEST_CASE("vmstat report: illumos vmstat over two generations, hand-checked", "[vtab][reports]") {
  auto m = std::make_shared<ReportMachine>(ReportMachine::Shape::illumos);
  Db db(m);
  const std::string sql = report("vmstat");
  CHECK(columns(db, sql) == std::vector<std::string>{"r", "b", "w", "swap", "free", "re", "mf",
                                                     "pi", "po", "fr", "de", "sr", "in", "sy", "cs",
                                                     "us", "sys", "id"});
  // First run: Δupdates = 10. r = 4294967295 / 10 (integer), b = 25 / 10;
  // swap = (5000005 / 10) × 4 KiB, free = 250000 × 4. etime = 2000 ticks / 2
  // CPUs / 100 Hz = 10 s: re 20/10, mf 1100/10, pi 800 × 4 / 10, po 160 × 4
  // / 10, sr 100/10, in 6000/10, sy 120000/10, cs 23000/10; de = 3 pages;
  // us = 260/2000, sys 160/2000, id 1580/2000.
  CHECK(db.rows(sql) == Rows{{"429496729", "2", "0", "2000000", "1000000", "2", "110", "320", "64",
                              "0", "12", "10", "600", "12000", "2300", "13", "8", "79"}});
  // Second run: Δupdates = 1 (runque wrapped: +3), etime = 200 / 2 / 100 = 1 s.
  // swap 500001 × 4; fr = 8 × 4; us = 36/200, sys 26/200, id 138/200.
  CHECK(db.rows(sql) == Rows{{"3", "2", "0", "2000004", "1000000", "3", "110", "320", "64", "32",
                              "12", "25", "580", "11876", "1534", "18", "13", "69"}});
  CHECK(m->generation() == 2);
}

TEST_CASE("vmstat report: the Linux mapping, hand-checked", "[vtab][reports][linux]") {
  auto m = std::make_shared<ReportMachine>(ReportMachine::Shape::linux_like);
  Db db(m);
  const std::string sql = report("vmstat");
  // Pages are 8 KiB (MemTotal / physmem); no cpu:*:vm: mf = pgfault −
  // pgmajfault, pi/po = pgpgin/pgpgout (KiB), fr = pgsteal_{kswapd,direct}
  // pages, sr = pgscan_{kswapd,direct}; in/cs from linux:0:stat; re, de and
  // sy do not exist on Linux. id = idle + iowait; steal is in no column.
  CHECK(db.rows(sql) == Rows{{"429496729", "2", "0", "4000000", "2000000", "NULL", "1100", "320",
                              "64", "0", "NULL", "0", "6000", "NULL", "2300", "13", "8", "79"}});
  CHECK(db.rows(sql) == Rows{{"3", "2", "0", "4000008", "2000000", "NULL", "1100", "320", "64",
                              "64", "NULL", "25", "5800", "NULL", "1534", "18", "13", "69"}});
}

TEST_CASE("mpstat report: per-CPU mpstat over two generations, hand-checked", "[vtab][reports]") {
  auto m = std::make_shared<ReportMachine>(ReportMachine::Shape::illumos);
  Db db(m);
  const std::string sql = report("mpstat");
  CHECK(columns(db, sql) == std::vector<std::string>{"CPU", "minf", "mjf", "xcal", "intr", "ithr",
                                                     "csw", "icsw", "migr", "smtx", "srw", "syscl",
                                                     "usr", "sys", "wt", "idl"});
  // First run: each CPU's etime = 1000 ticks / 100 Hz = 10 s.
  CHECK(db.rows(sql) == Rows{{"0", "100", "3", "10", "500", "100", "2000", "30", "5", "4", "3",
                              "10000", "20", "10", "0", "70"},
                             {"1", "10", "0", "0", "100", "0", "300", "0", "1", "0", "0", "2000",
                              "6", "6", "0", "88"}});
  // Second run: 100 ticks = 1 s per CPU.
  CHECK(db.rows(sql) == Rows{{"0", "100", "2", "7", "480", "45", "1234", "12", "3", "2", "5",
                              "9876", "30", "20", "0", "50"},
                             {"1", "10", "1", "1", "100", "0", "300", "0", "1", "0", "0", "2000",
                              "6", "6", "0", "88"}});
}

TEST_CASE("mpstat report: Linux has only the CPU times", "[vtab][reports][linux]") {
  auto m = std::make_shared<ReportMachine>(ReportMachine::Shape::linux_like);
  Db db(m);
  const std::string sql = report("mpstat");
  db.rows(sql);
  // cpu 0: user 30, kernel 20, iowait 10, idle 40 of 100 ticks (steal is
  // outside the four); the per-CPU counters are NULL, not invented.
  const std::string n = "NULL";
  CHECK(db.rows(sql) == Rows{{"0", n, n, n, n, n, n, n, n, n, n, n, "30", "20", "10", "40"},
                             {"1", n, n, n, n, n, n, n, n, n, n, n, "6", "6", "0", "88"}});
}

TEST_CASE("top report: busiest disks and links, hand-checked", "[vtab][reports]") {
  auto m = std::make_shared<ReportMachine>(ReportMachine::Shape::illumos);
  Db db(m);
  const std::string sql = report("top");
  db.rows(sql);
  // net0: 1250000 B/s in = 1220.7 KiB/s, 125000 out, 10 Mb/s of 1 Gb/s = 1 %;
  // net1 does not know its speed.
  CHECK(db.rows(sql) == Rows{{"disk", "1", "sd0", "4096.0", "2048.0", "150.0", "60.0"},
                             {"disk", "2", "sd1", "1024.0", "0.0", "10.0", "10.0"},
                             {"link", "1", "net0", "1220.7", "122.1", "1500.0", "1.0"},
                             {"link", "2", "net1", "10.0", "0.0", "10.0", "NULL"}});
}

TEST_CASE("nfsstat report: nfsstat -m's fields and milliseconds", "[vtab][reports]") {
  auto m = std::make_shared<ReportMachine>(ReportMachine::Shape::illumos);
  Db db(m);
  const std::string n = "NULL";
  // srtt 7 → 7×2 + 7/2 = 17 ms, deviate 4 → 20 ms, rtxcur 3 → 60 ms; reads
  // have no samples (nfsstat prints no line): NULL. writes: 13 → 32 ms.
  CHECK(
      db.rows(report("nfsstat")) ==
      Rows{{n,
            "filer",
            n,
            "vers=3,proto=tcp,sec=sys,hard,intr,link,symlink,acl,rsize=32768,wsize=32768,retrans=5,"
            "timeo=600",
            "3",
            "tcp",
            "sys",
            "32768",
            "32768",
            "600",
            "5",
            "acregmin=3,acregmax=60,acdirmin=30,acdirmax=60",
            "17",
            "20",
            "60",
            n,
            n,
            n,
            "32",
            "30",
            "200"},
           {n,
            "fs2",
            n,
            "vers=4,proto=udp,sec=krb5,soft,nointr,noac,rsize=8192,wsize=8192,retrans=3,timeo=11",
            "4",
            "udp",
            "krb5",
            "8192",
            "8192",
            "11",
            "3",
            "acregmin=0,acregmax=0,acdirmin=0,acdirmax=0",
            n,
            n,
            n,
            n,
            n,
            n,
            n,
            n,
            n}});
}

TEST_CASE("nfsstat report on the recorded Linux NFS client", "[vtab][reports][linux]") {
  Db db(std::string("procfs:") + KSTATSQL_TEST_DATA + "/linux/nfs");
  Rows r = db.rows("SELECT mount_point, server, export, vers, proto, sec FROM " + sub("nfsstat"));
  REQUIRE(r.size() == 4);
  CHECK(r[1] == std::vector<std::string>{"/home/shared", "nfs1.example.com", "/export/home", "3",
                                         "tcp", "sys"});
  CHECK(r[3] ==
        std::vector<std::string>{"/proj", "fs.example.org", "/projects", "4", "tcp", "krb5p"});
}

TEST_CASE("every report runs on the recorded Linux tree and the illumos dump", "[vtab][reports]") {
  const std::string sources[] = {std::string("procfs:") + KSTATSQL_TEST_DATA + "/linux/vm-2cpu",
                                 std::string(KSTATSQL_TEST_DATA) + "/dumps/illumos-kstat-p.txt"};
  for (const std::string& src : sources) {
    for (const char* name : kReports) {
      INFO(src << ": " << name);
      Db db(src);
      Rows first;
      REQUIRE_NOTHROW(first = db.rows(report(name)));
      REQUIRE_NOTHROW(db.rows(report(name)));  // and again, against the previous generation
      if (std::string(name) == "vmstat") CHECK(first.size() == 1);
      if (std::string(name) == "mpstat") CHECK(first.size() == 2);  // both have 2 CPUs
    }
  }
}

TEST_CASE("reports on the recorded trees: rows and sums that must hold", "[vtab][reports][linux]") {
  Db lx(std::string("procfs:") + KSTATSQL_TEST_DATA + "/linux/vm-2cpu");
  // Disks only, no partitions; vda moved data since boot.
  Rows io = lx.rows("SELECT device, \"kr/s\" > 0 FROM " + sub("iostat") + " WHERE device = 'vda'");
  CHECK(io == Rows{{"vda", "1"}});
  // mpstat's four percentages cover the CPU's ticks (rounding aside).
  Rows cpu = lx.rows("SELECT CPU, usr + sys + wt + idl BETWEEN 98 AND 102, minf IS NULL FROM " +
                     sub("mpstat"));
  CHECK(cpu == Rows{{"0", "1", "1"}, {"1", "1", "1"}});

  Db illumos(std::string(KSTATSQL_TEST_DATA) + "/dumps/illumos-kstat-p.txt");
  Rows disks = illumos.rows("SELECT device FROM " + sub("iostat"));
  CHECK(disks == Rows{{"sd0"}, {"sd1"}});  // sd0,a sd0,b sd0,h are partitions
  CHECK(illumos.one("SELECT mf IS NOT NULL AND \"in\" IS NOT NULL FROM " + sub("vmstat")) == "1");
}
