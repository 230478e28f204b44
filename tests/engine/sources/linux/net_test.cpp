// tests/engine/sources/linux/net_test.cpp — the network protocol families:
// /proc/net/snmp, netstat, snmp6, sockstat{,6}, softnet_stat,
// stat/nf_conntrack, and /proc/net/dev as the link source without /sys.
//   net/      recorded from this VM by tests/data/linux/net/record.sh (no sys/)
//   net-bad/  malformed copies, written by tests/data/linux/net-bad/make.sh
// Expected values are read from the fixture files here, with a parser of the
// test's own, never from the code under test.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/sources/linux/net_mib.hpp"
#include "support/db.hpp"

using namespace kstatsql;

namespace {

const std::string kNet = std::string(KSTATSQL_TEST_DATA) + "/linux/net";
const std::string kBad = std::string(KSTATSQL_TEST_DATA) + "/linux/net-bad";

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string t; in >> t;) w.push_back(t);
  return w;
}

std::vector<std::vector<std::string>> lines_of(const std::string& path) {
  std::istringstream in(slurp(path));
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(in, line);)
    if (auto w = words(line); !w.empty()) out.push_back(w);
  return out;
}

// "Group: names" / "Group: values" pairs → "Group.Name" → value text.
std::map<std::string, std::string> pairs_file(const std::string& path) {
  std::map<std::string, std::string> m;
  auto ls = lines_of(path);
  for (std::size_t i = 0; i + 1 < ls.size(); i += 2) {
    const std::string group = ls[i][0].substr(0, ls[i][0].size() - 1);
    for (std::size_t j = 1; j < ls[i].size(); ++j) m[group + "." + ls[i][j]] = ls[i + 1].at(j);
  }
  return m;
}

std::string first_line(const std::string& path) {
  std::istringstream in(slurp(path));
  std::string line;
  std::getline(in, line);
  return line;
}

std::string hex(const std::string& s) {
  return std::to_string(std::stoull(s, nullptr, 16));
}

// One statistic of one kstat, as text ("" when absent).
std::string value(test::Db& db, const std::string& module, int inst, const std::string& name,
                  const std::string& stat) {
  auto rows = db.rows("SELECT value FROM named WHERE module='" + module +
                      "' AND instance=" + std::to_string(inst) + " AND name='" + name +
                      "' AND statistic='" + stat + "'");
  return rows.empty() ? "" : rows[0][0];
}

std::string error_of(test::Db& db, const std::string& module, int inst, const std::string& name) {
  return db.one("SELECT ifnull(error, '') FROM kstat WHERE module='" + module +
                "' AND instance=" + std::to_string(inst) + " AND name='" + name + "'");
}

}  // namespace

TEST_CASE("linux net: tcp:0:tcp, udp:0:udp, ip:0:ip, ip:0:icmp from /proc/net/snmp",
          "[engine][linux]") {
  test::Db db("procfs:" + kNet);
  auto snmp = pairs_file(kNet + "/proc/net/snmp");
  auto ext = pairs_file(kNet + "/proc/net/netstat");
  CHECK(db.one("SELECT class FROM kstat WHERE module='tcp' AND name='tcp'") == "mib2");
  const std::pair<const char*, const char*> tcp[] = {
      {"activeOpens", "Tcp.ActiveOpens"},
      {"passiveOpens", "Tcp.PassiveOpens"},
      {"inSegs", "Tcp.InSegs"},
      {"outSegs", "Tcp.OutSegs"},
      {"outRsts", "Tcp.OutRsts"},
      {"maxConn", "Tcp.MaxConn"},
      {"rtoMin", "Tcp.RtoMin"},
      {"currEstab", "Tcp.CurrEstab"},
      {"InErrs", "Tcp.InErrs"},
      {"outDataSegs", "TcpExt.TCPOrigDataSent"},
      {"timRetrans", "TcpExt.TCPTimeouts"},
      {"listenDrop", "TcpExt.ListenOverflows"},
  };
  for (const auto& [stat, field] : tcp) {
    INFO(stat);
    const auto& src = std::string(field).rfind("TcpExt", 0) == 0 ? ext : snmp;
    CHECK(value(db, "tcp", 0, "tcp", stat) == src.at(field));
  }
  CHECK(value(db, "tcp", 0, "tcp", "maxConn") == "-1");
  CHECK(
      db.one(
          "SELECT type FROM named WHERE module='tcp' AND name='tcp' AND statistic='activeOpens'") ==
      "uint32");
  CHECK(db.one("SELECT type FROM named WHERE module='tcp' AND name='tcp' AND statistic='inSegs'") ==
        "uint64");
  CHECK(value(db, "udp", 0, "udp", "inDatagrams") == snmp.at("Udp.InDatagrams"));
  CHECK(value(db, "udp", 0, "udp", "outDatagrams") == snmp.at("Udp.OutDatagrams"));
  CHECK(value(db, "udp", 0, "udp", "IgnoredMulti") == snmp.at("Udp.IgnoredMulti"));  // Linux-only
  CHECK(value(db, "udp", 0, "udp", "outErrors").empty());  // no Linux counterpart
  CHECK(value(db, "udp", 0, "udplite", "InDatagrams") == snmp.at("UdpLite.InDatagrams"));
  CHECK(value(db, "ip", 0, "ip", "forwarding") == snmp.at("Ip.Forwarding"));
  CHECK(value(db, "ip", 0, "ip", "defaultTTL") == snmp.at("Ip.DefaultTTL"));
  CHECK(value(db, "ip", 0, "ip", "inReceives") == snmp.at("Ip.InReceives"));
  CHECK(value(db, "ip", 0, "ip", "outRequests") == snmp.at("Ip.OutRequests"));
  CHECK(value(db, "ip", 0, "ip", "noPorts") == snmp.at("Udp.NoPorts"));
  CHECK(value(db, "ip", 0, "ip", "udpInOverflows") == snmp.at("Udp.RcvbufErrors"));
  CHECK(value(db, "ip", 0, "ip", "inErrs") == snmp.at("Tcp.InCsumErrors"));
  CHECK(value(db, "ip", 0, "ip", "inCksumErrs") == ext.at("IpExt.InCsumErrors"));
  CHECK(value(db, "ip", 0, "ip", "reasmTimeout") ==
        first_line(kNet + "/proc/sys/net/ipv4/ipfrag_time"));
  CHECK(value(db, "ip", 0, "ip", "ReasmTimeout") == snmp.at("Ip.ReasmTimeout"));  // Linux's counter
  CHECK(value(db, "ip", 0, "ip", "OutTransmits") == snmp.at("Ip.OutTransmits"));
  CHECK(value(db, "ip", 0, "icmp", "inMsgs") == snmp.at("Icmp.InMsgs"));
  CHECK(value(db, "ip", 0, "icmp", "inDestUnreachs") == snmp.at("Icmp.InDestUnreachs"));
  CHECK(value(db, "ip", 0, "icmp", "inChksumErrs") == snmp.at("Icmp.InCsumErrors"));
  CHECK(value(db, "ip", 0, "icmp", "OutRateLimitHost") == snmp.at("Icmp.OutRateLimitHost"));
  for (const auto& [key, v] : snmp)  // IcmpMsg per-type counters under their Linux names
    if (key.rfind("IcmpMsg.", 0) == 0) CHECK(value(db, "ip", 0, "icmp", key.substr(8)) == v);
}

TEST_CASE("linux net: tcp:0:tcpext and ip:0:ipext keep every netstat field", "[engine][linux]") {
  test::Db db("procfs:" + kNet);
  auto ext = pairs_file(kNet + "/proc/net/netstat");
  std::size_t tcpext = 0, ipext = 0;
  for (const auto& [key, v] : ext) {
    INFO(key);
    if (key.rfind("TcpExt.", 0) == 0) {
      ++tcpext;
      CHECK(value(db, "tcp", 0, "tcpext", key.substr(7)) == v);
    }
    if (key.rfind("IpExt.", 0) == 0) {
      ++ipext;
      CHECK(value(db, "ip", 0, "ipext", key.substr(6)) == v);
    }
  }
  CHECK(db.one("SELECT count(*) FROM named WHERE module='tcp' AND name='tcpext'") ==
        std::to_string(tcpext));
  CHECK(db.one("SELECT count(*) FROM named WHERE module='ip' AND name='ipext'") ==
        std::to_string(ipext));
  CHECK(db.one("SELECT class FROM kstat WHERE module='tcp' AND name='tcpext'") == "net");
}

TEST_CASE("linux net: ip:0:ip6, ip:0:icmp6, udp:0:udp6 from /proc/net/snmp6", "[engine][linux]") {
  test::Db db("procfs:" + kNet);
  std::map<std::string, std::string> v6;
  for (const auto& w : lines_of(kNet + "/proc/net/snmp6")) v6[w.at(0)] = w.at(1);
  CHECK(value(db, "ip", 0, "ip6", "inReceives") == v6.at("Ip6InReceives"));
  CHECK(value(db, "ip", 0, "ip6", "outRequests") == v6.at("Ip6OutRequests"));
  CHECK(value(db, "ip", 0, "ip6", "outFragOKs") == v6.at("Ip6FragOKs"));
  CHECK(value(db, "ip", 0, "ip6", "Ip6InOctets") == v6.at("Ip6InOctets"));  // no illumos member
  CHECK(value(db, "ip", 0, "icmp6", "inDestUnreachs") == v6.at("Icmp6InDestUnreachs"));
  CHECK(value(db, "ip", 0, "icmp6", "outEchoReplies") == v6.at("Icmp6OutEchoReplies"));
  CHECK(value(db, "ip", 0, "icmp6", "Icmp6InCsumErrors") == v6.at("Icmp6InCsumErrors"));
  CHECK(value(db, "udp", 0, "udp6", "inDatagrams") == v6.at("Udp6InDatagrams"));
  CHECK(value(db, "udp", 0, "udp6", "Udp6NoPorts") == v6.at("Udp6NoPorts"));
  CHECK(value(db, "udp", 0, "udplite6", "UdpLite6InDatagrams") == v6.at("UdpLite6InDatagrams"));
  std::size_t ip6 = 0, icmp6 = 0;
  for (const auto& [k, v] : v6) ip6 += k.rfind("Ip6", 0) == 0, icmp6 += k.rfind("Icmp6", 0) == 0;
  CHECK(db.one("SELECT count(*) FROM named WHERE module='ip' AND name='ip6'") ==
        std::to_string(ip6));
  CHECK(db.one("SELECT count(*) FROM named WHERE module='ip' AND name='icmp6'") ==
        std::to_string(icmp6));
  CHECK(db.one("SELECT class FROM kstat WHERE module='ip' AND name='icmp6'") == "mib2");
}

TEST_CASE("linux net: linux:0:sockstat and sockstat6", "[engine][linux]") {
  test::Db db("procfs:" + kNet);
  const auto page = std::to_string(sysconf(_SC_PAGESIZE));
  for (const auto& w : lines_of(kNet + "/proc/net/sockstat")) {
    const std::string label = w[0].substr(0, w[0].size() - 1);
    for (std::size_t i = 1; i + 1 < w.size(); i += 2) {
      const std::string name = label + "_" + w[i];
      INFO(name);
      CHECK(value(db, "linux", 0, "sockstat", name) == w[i + 1]);
      if (w[i] == "mem") {
        CHECK(value(db, "linux", 0, "sockstat", name + "_bytes") ==
              std::to_string(std::stoull(w[i + 1]) * std::stoull(page)));
        CHECK(
            db.one(
                "SELECT unit FROM named WHERE module='linux' AND name='sockstat' AND statistic='" +
                name + "_bytes'") == "bytes");
      }
    }
  }
  CHECK(db.one("SELECT unit FROM named WHERE module='linux' AND name='sockstat' AND "
               "statistic='TCP_mem'") == "pages");
  CHECK(value(db, "linux", 0, "sockstat6", "TCP6_inuse") ==
        lines_of(kNet + "/proc/net/sockstat6")[0].at(2));
}

TEST_CASE("linux net: softnet:N:softnet_stat per CPU and nf_conntrack summed", "[engine][linux]") {
  test::Db db("procfs:" + kNet);
  auto soft = lines_of(kNet + "/proc/net/softnet_stat");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='softnet'") == std::to_string(soft.size()));
  for (std::size_t cpu = 0; cpu < soft.size(); ++cpu) {
    const int inst =
        static_cast<int>(std::stoull(soft[cpu].at(12), nullptr, 16));  // column 13: the CPU
    CHECK(value(db, "softnet", inst, "softnet_stat", "processed") == hex(soft[cpu][0]));
    CHECK(value(db, "softnet", inst, "softnet_stat", "dropped") == hex(soft[cpu][1]));
    CHECK(value(db, "softnet", inst, "softnet_stat", "time_squeeze") == hex(soft[cpu][2]));
    CHECK(value(db, "softnet", inst, "softnet_stat", "received_rps") == hex(soft[cpu][9]));
    CHECK(value(db, "softnet", inst, "softnet_stat", "flow_limit_count") == hex(soft[cpu][10]));
  }
  auto ct = lines_of(kNet + "/proc/net/stat/nf_conntrack");
  REQUIRE(ct.size() >= 2);
  for (std::size_t c = 0; c < ct[0].size(); ++c) {
    unsigned long long sum = 0;
    for (std::size_t r = 1; r < ct.size(); ++r) sum += std::stoull(ct[r].at(c), nullptr, 16);
    if (ct[0][c] == "entries")
      sum = std::stoull(ct[1][c], nullptr, 16);  // a global count, not per CPU
    CHECK(value(db, "nf_conntrack", 0, "nf_conntrack", ct[0][c]) == std::to_string(sum));
  }
}

TEST_CASE("linux net: without /sys, link:0:<if> comes from /proc/net/dev", "[engine][linux]") {
  test::Db db("procfs:" + kNet);
  auto dev = lines_of(kNet + "/proc/net/dev");
  REQUIRE(dev.size() > 2);
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='link'") == std::to_string(dev.size() - 2));
  for (std::size_t i = 2; i < dev.size(); ++i) {
    const std::string ifname = dev[i][0].substr(0, dev[i][0].size() - 1);
    const auto& v = dev[i];  // v[1..8] receive, v[9..16] transmit
    INFO(ifname);
    CHECK(value(db, "link", 0, ifname, "rbytes64") == v[1]);
    CHECK(value(db, "link", 0, ifname, "ipackets64") == v[2]);
    CHECK(value(db, "link", 0, ifname, "ierrors") == v[3]);
    CHECK(value(db, "link", 0, ifname, "multircv") == v[8]);
    CHECK(value(db, "link", 0, ifname, "obytes64") == v[9]);
    CHECK(value(db, "link", 0, ifname, "opackets64") == v[10]);
    CHECK(value(db, "link", 0, ifname, "oerrors") == v[11]);
    CHECK(value(db, "link", 0, ifname, "collisions") == v[14]);
    CHECK(value(db, "link", 0, ifname, "rx_drop") == v[4]);
    CHECK(value(db, "link", 0, ifname, "tx_dropped") == v[12]);
  }
  CHECK(
      db.one("SELECT unit FROM named WHERE module='link' AND name='lo' AND statistic='rbytes64'") ==
      "bytes");
}

TEST_CASE("linux net: malformed files give per-kstat errors; the rest answers", "[engine][linux]") {
  test::Db db("procfs:" + kBad);
  const std::string snmp = kBad + "/proc/net/snmp:8:";
  for (const char* k : {"tcp:tcp", "udp:udp", "ip:ip", "ip:icmp", "udp:udplite"}) {
    const std::string key(k);
    const auto colon = key.find(':');
    CHECK_THAT(error_of(db, key.substr(0, colon), 0, key.substr(colon + 1)), Catch::Contains(snmp));
  }
  CHECK(value(db, "tcp", 0, "tcpext", "TW") ==
        pairs_file(kBad + "/proc/net/netstat").at("TcpExt.TW"));
  CHECK_THAT(error_of(db, "ip", 0, "ip6"), Catch::Contains(kBad + "/proc/net/snmp6:9:"));
  CHECK_THAT(error_of(db, "linux", 0, "sockstat"), Catch::Contains(kBad + "/proc/net/sockstat:2:"));
  CHECK(error_of(db, "linux", 0, "sockstat6").empty());
  CHECK(error_of(db, "softnet", 0, "softnet_stat").empty());
  CHECK_THAT(error_of(db, "softnet", 1, "softnet_stat"),
             Catch::Contains(kBad + "/proc/net/softnet_stat:2:") && Catch::Contains("zzzzzzzz"));
  CHECK_THAT(error_of(db, "nf_conntrack", 0, "nf_conntrack"),
             Catch::Contains(kBad + "/proc/net/stat/nf_conntrack:3:"));
  CHECK_THAT(error_of(db, "link", 0, "eth0"),
             Catch::Contains(kBad + "/proc/net/dev:6:") && Catch::Contains("12x"));
  CHECK(value(db, "link", 0, "lo", "rbytes64") == lines_of(kBad + "/proc/net/dev")[2].at(1));
  CHECK(db.one("SELECT count(*) FROM named WHERE module='cpu' AND name='sys'") != "0");
  // One statement over every kstat still succeeds.
  CHECK(std::stoi(db.one("SELECT count(*) FROM named")) > 0);
}

TEST_CASE("linux net: MIB parser errors name the line", "[engine][linux]") {
  using engine::linuxsrc::MibGroup;
  std::vector<MibGroup> g;
  CHECK(engine::linuxsrc::parse_mib_pairs("Tcp: A B\nTcp: 1 2\nUdp: C\n", "f", g) ==
        "f:3: 'Udp' names with no value line (truncated)");
  g.clear();
  CHECK(engine::linuxsrc::parse_mib_pairs("Tcp: A B\nUdp: 1 2\n", "f", g) ==
        "f:2: expected the values of 'Tcp', found 'Udp:'");
  g.clear();
  CHECK(engine::linuxsrc::parse_mib_pairs(
            "Tcp: A B\nTcp: 1 -2\nIcmpMsg: InType3\nIcmpMsg: 7\nIcmpMsg: OutType0\n"
            "IcmpMsg: 9\n",
            "f", g)
            .empty());
  REQUIRE(g.size() == 2);
  CHECK(g[0].fields[1].negative);
  CHECK(g[1].fields.size() == 2);  // IcmpMsg pairs merged
}

TEST_CASE("linux net: pushdown lists only the families a query reaches", "[engine][linux]") {
  test::Db db("procfs:" + kNet);
  CHECK(db.one("SELECT value FROM named WHERE module='unix' AND instance=0 AND name='system_misc' "
               "AND statistic='nproc'") == "5");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "5");  // the system family alone
  // module 'tcp': the IPv4 MIB family alone (7 kstats of /proc/net/snmp and netstat).
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='tcp'") == "2");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "7");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='softnet'") ==
        std::to_string(lines_of(kNet + "/proc/net/softnet_stat").size()));
  CHECK(db.one("SELECT kstat_reads('enumerated')") ==
        std::to_string(lines_of(kNet + "/proc/net/softnet_stat").size()));
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='linux' AND name='sockstat'") == "1");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "2");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module='ip' AND name='ip6'") == "1");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "4");  // the snmp6 family alone
}

TEST_CASE("linux net: rates across two generations of a recorded tree", "[engine][linux]") {
  test::Db db("procfs:" + kNet);
  const char* q =
      "SELECT delta, rate FROM named WHERE module='tcp' AND name='tcp' AND statistic='activeOpens'";
  db.rows(q);
  // The same recorded moment twice (the tree's proc/uptime): no change, and
  // no interval to divide by.
  CHECK(db.rows(q) == test::Rows{{"0", "NULL"}});
}

namespace {

// Reads a /proc/net/snmp field of the live system.
unsigned long long live_snmp(const std::string& field) {
  return std::stoull(pairs_file("/proc/net/snmp").at(field));
}

// Opens and closes one TCP connection over loopback: ActiveOpens + 1.
void tcp_connect_once() {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(listen(l, 1) == 0);
  REQUIRE(getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  close(c);
  close(l);
}

}  // namespace

TEST_CASE("linux net: live tcp, udp and ip agree with /proc/net/snmp", "[engine][linux]") {
  if (!std::filesystem::exists("/proc/net/snmp")) {
    WARN("no /proc/net/snmp on this machine");
    return;
  }
  test::Db db("live");
  const auto opens0 = live_snmp("Tcp.ActiveOpens"), udp0 = live_snmp("Udp.InDatagrams");
  const auto fwd0 = live_snmp("Ip.Forwarding");
  const auto opens = std::stoull(value(db, "tcp", 0, "tcp", "activeOpens"));
  const auto udp = std::stoull(value(db, "udp", 0, "udp", "inDatagrams"));
  const auto fwd = std::stoull(value(db, "ip", 0, "ip", "forwarding"));
  const auto opens1 = live_snmp("Tcp.ActiveOpens"), udp1 = live_snmp("Udp.InDatagrams");
  const auto fwd1 = live_snmp("Ip.Forwarding");
  CHECK(opens0 <= opens);
  CHECK(opens <= opens1);
  CHECK(udp0 <= udp);
  CHECK(udp <= udp1);
  CHECK((fwd == fwd0 || fwd == fwd1));

  // Two generations: the connection made between them shows as a delta and a rate.
  const char* q =
      "SELECT delta, rate FROM named WHERE module='tcp' AND name='tcp' AND statistic='activeOpens'";
  db.rows(q);
  tcp_connect_once();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const test::Rows r = db.rows(q);
  REQUIRE(r.size() == 1);
  CHECK(std::stoull(r[0][0]) >= 1);
  CHECK(std::stod(r[0][1]) > 0);
}
