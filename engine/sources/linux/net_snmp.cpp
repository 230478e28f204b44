// engine/sources/linux/net_snmp.cpp — the IPv4 protocol MIBs of
// /proc/net/snmp and /proc/net/netstat as illumos' mib2 kstats tcp:0:tcp,
// udp:0:udp, ip:0:ip and ip:0:icmp (illumos statistic names where the meaning
// is the same, the group's other fields under their Linux names), plus the
// Linux-only groups as tcp:0:tcpext, ip:0:ipext (class net) and udp:0:udplite.
// docs/linux-mapping.md, "Network protocols", has the tables.
#include <fmt/format.h>

#include <cerrno>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/net_mib.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::StatList;
using W = Width;

enum class Kind : std::uint32_t { tcp, tcpext, udp, udplite, ip, ipext, icmp };

// Tcp group → tcp:0:tcp (illumos types: the 32-bit counters keep their low 32 bits).
constexpr MibMap kTcp[] = {
    {"RtoAlgorithm", "rtoAlgorithm", W::i32},
    {"RtoMin", "rtoMin", W::i32},
    {"RtoMax", "rtoMax", W::i32},
    {"MaxConn", "maxConn", W::i32},
    {"ActiveOpens", "activeOpens", W::u32},
    {"PassiveOpens", "passiveOpens", W::u32},
    {"AttemptFails", "attemptFails", W::u32},
    {"EstabResets", "estabResets", W::u32},
    {"CurrEstab", "currEstab", W::u32},
    {"InSegs", "inSegs", W::u64},
    {"OutSegs", "outSegs", W::u64},
    {"RetransSegs", "retransSegs", W::u32},
    {"OutRsts", "outRsts", W::u32},
};
// TcpExt counters that count what an illumos tcp:0:tcp statistic counts.
constexpr MibMap kTcpExt[] = {
    {"TCPFastRetrans", "outFastRetrans", W::u32},    {"DelayedACKs", "outAckDelayed", W::u32},
    {"TCPWinProbe", "outWinProbe", W::u32},          {"TCPTimeouts", "timRetrans", W::u32},
    {"TCPAbortOnTimeout", "timRetransDrop", W::u32}, {"TCPKeepAlive", "timKeepaliveProbe", W::u32},
    {"ListenOverflows", "listenDrop", W::u32},       {"TCPReqQFullDrop", "listenDropQ0", W::u32},
    {"TCPOFOQueue", "inDataUnorderSegs", W::u32},    {"BeyondWindow", "inDataPastWinSegs", W::u32},
    {"TCPOrigDataSent", "outDataSegs", W::u32},
};
constexpr MibMap kUdp[] = {
    {"InDatagrams", "inDatagrams", W::u64},
    {"InErrors", "inErrors", W::u32},
    {"OutDatagrams", "outDatagrams", W::u64},
};
constexpr MibMap kIp[] = {
    {"Forwarding", "forwarding", W::u32},
    {"DefaultTTL", "defaultTTL", W::u32},
    {"InReceives", "inReceives", W::u64},
    {"InHdrErrors", "inHdrErrors", W::u32},
    {"InAddrErrors", "inAddrErrors", W::u32},
    {"ForwDatagrams", "forwDatagrams", W::u64},
    {"InUnknownProtos", "inUnknownProtos", W::u32},
    {"InDiscards", "inDiscards", W::u32},
    {"InDelivers", "inDelivers", W::u64},
    {"OutRequests", "outRequests", W::u64},
    {"OutDiscards", "outDiscards", W::u32},
    {"OutNoRoutes", "outNoRoutes", W::u32},
    {"ReasmReqds", "reasmReqds", W::u32},
    {"ReasmOKs", "reasmOKs", W::u32},
    {"ReasmFails", "reasmFails", W::u32},
    {"FragOKs", "fragOKs", W::u32},
    {"FragFails", "fragFails", W::u32},
    {"FragCreates", "fragCreates", W::u32},
};
// Fields of other groups that illumos keeps in ip:0:ip.
constexpr MibMap kIpFromUdp[] = {
    {"NoPorts", "noPorts", W::u32},
    {"InCsumErrors", "udpInCksumErrs", W::u32},
    {"RcvbufErrors", "udpInOverflows", W::u32},
};
constexpr MibMap kIpFromTcp[] = {{"InCsumErrors", "inErrs", W::u32}};
constexpr MibMap kIpFromIpExt[] = {{"InCsumErrors", "inCksumErrs", W::u32}};
constexpr MibMap kIcmp[] = {
    {"InMsgs", "inMsgs", W::u32},
    {"InErrors", "inErrors", W::u32},
    {"InCsumErrors", "inChksumErrs", W::u32},
    {"InDestUnreachs", "inDestUnreachs", W::u32},
    {"InTimeExcds", "inTimeExcds", W::u32},
    {"InParmProbs", "inParmProbs", W::u32},
    {"InSrcQuenchs", "inSrcQuenchs", W::u32},
    {"InRedirects", "inRedirects", W::u32},
    {"InEchos", "inEchos", W::u32},
    {"InEchoReps", "inEchoReps", W::u32},
    {"InTimestamps", "inTimestamps", W::u32},
    {"InTimestampReps", "inTimestampReps", W::u32},
    {"InAddrMasks", "inAddrMasks", W::u32},
    {"InAddrMaskReps", "inAddrMaskReps", W::u32},
    {"OutMsgs", "outMsgs", W::u32},
    {"OutErrors", "outErrors", W::u32},
    {"OutDestUnreachs", "outDestUnreachs", W::u32},
    {"OutTimeExcds", "outTimeExcds", W::u32},
    {"OutParmProbs", "outParmProbs", W::u32},
    {"OutSrcQuenchs", "outSrcQuenchs", W::u32},
    {"OutRedirects", "outRedirects", W::u32},
    {"OutEchos", "outEchos", W::u32},
    {"OutEchoReps", "outEchoReps", W::u32},
    {"OutTimestamps", "outTimestamps", W::u32},
    {"OutTimestampReps", "outTimestampReps", W::u32},
    {"OutAddrMasks", "outAddrMasks", W::u32},
    {"OutAddrMaskReps", "outAddrMaskReps", W::u32},
};

class NetSnmpFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override {
    return {{"tcp", "udp", "ip"},
            {"tcp", "tcpext", "udp", "udplite", "ip", "ipext", "icmp"},
            {"mib2", "net"},
            {}};
  }

  void enumerate(Lister& out) override {
    if (procfs::exists(snmp())) {
      out.add("ip", 0, "icmp", "mib2", KstatType::named, Kind::icmp);
      out.add("ip", 0, "ip", "mib2", KstatType::named, Kind::ip);
      out.add("tcp", 0, "tcp", "mib2", KstatType::named, Kind::tcp);
      out.add("udp", 0, "udp", "mib2", KstatType::named, Kind::udp);
      out.add("udp", 0, "udplite", "mib2", KstatType::named, Kind::udplite);
    }
    if (procfs::exists(netstat())) {
      out.add("ip", 0, "ipext", "net", KstatType::named, Kind::ipext);
      out.add("tcp", 0, "tcpext", "net", KstatType::named, Kind::tcpext);
    }
  }

  std::string read(const KstatHeader&, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override;

 private:
  std::string snmp() const { return proc() + "/net/snmp"; }
  std::string netstat() const { return proc() + "/net/netstat"; }
  // Parses one file into `groups`; `optional`: an unreadable file gives no
  // groups and no error (it costs only the values it feeds).
  std::string load(const std::string& path, bool optional, int& err, KstatData* stamp,
                   std::vector<MibGroup>& groups);
  std::string read_ip(const std::vector<MibGroup>& snmp, const std::vector<MibGroup>& ext,
                      StatList& s, int& err);
};

// The group's fields, or the error that the file lacks it.
std::string need(const std::vector<MibGroup>& groups, std::string_view name,
                 const std::string& path, int& err, std::span<const MibField>& out) {
  const MibGroup* g = find_group(groups, name);
  if (g == nullptr) return err = EINVAL, fmt::format("{}: no '{}:' lines (truncated?)", path, name);
  out = g->fields;
  return {};
}

std::span<const MibField> maybe(const std::vector<MibGroup>& groups, std::string_view name) {
  const MibGroup* g = find_group(groups, name);
  return g ? std::span<const MibField>(g->fields) : std::span<const MibField>{};
}

}  // namespace

std::string NetSnmpFamily::load(const std::string& path, bool optional, int& err, KstatData* stamp,
                                std::vector<MibGroup>& groups) {
  int e = 0;
  const TextFile f = read_text(path, e, stamp);
  if (!f) return optional ? std::string() : (err = e, f.error);
  std::string msg = parse_mib_pairs(*f.text, f.path, groups);
  if (!msg.empty()) err = EINVAL;
  return msg;
}

std::string NetSnmpFamily::read_ip(const std::vector<MibGroup>& snmp,
                                   const std::vector<MibGroup>& ext, StatList& s, int& err) {
  std::span<const MibField> ip;
  if (std::string msg = need(snmp, "Ip", this->snmp(), err, ip); !msg.empty()) return msg;
  add_mapped(s, ip, kIp);
  // illumos' reasmTimeout is the reassembly timeout setting, in seconds.
  int e = 0;
  if (const TextFile t = read_text(proc() + "/sys/net/ipv4/ipfrag_time", e)) {
    auto v =
        procfs::parse_u64(procfs::trim(std::string_view(*t.text).substr(0, t.text->find('\n'))));
    if (!v) return err = EINVAL, fmt::format("{}:1: expected seconds", t.path);
    s.add_u32("reasmTimeout", *v);
  }
  add_mapped(s, maybe(snmp, "Tcp"), kIpFromTcp);
  add_mapped(s, maybe(snmp, "Udp"), kIpFromUdp);
  add_mapped(s, maybe(ext, "IpExt"), kIpFromIpExt);
  add_unmapped(s, ip, kIp);
  return {};
}

std::string NetSnmpFamily::read(const KstatHeader&, std::uint32_t kind, Arena& arena,
                                KstatData& out, int& err) {
  const Kind k = static_cast<Kind>(kind);
  const bool ext_only = k == Kind::tcpext || k == Kind::ipext;
  std::vector<MibGroup> snmp_groups, ext_groups;
  std::string msg;
  if (!ext_only && !(msg = load(snmp(), false, err, &out, snmp_groups)).empty()) return msg;
  const bool wants_ext = ext_only || k == Kind::tcp || k == Kind::ip;
  if (wants_ext &&
      !(msg = load(netstat(), !ext_only, err, ext_only ? &out : nullptr, ext_groups)).empty())
    return msg;
  StatList s(arena);
  std::span<const MibField> g;
  switch (k) {
    case Kind::tcp:
      if (!(msg = need(snmp_groups, "Tcp", snmp(), err, g)).empty()) return msg;
      add_mapped(s, g, kTcp);
      add_mapped(s, maybe(ext_groups, "TcpExt"), kTcpExt);
      add_unmapped(s, g, kTcp);
      break;
    case Kind::udp:
    case Kind::udplite:
      if (!(msg = need(snmp_groups, k == Kind::udp ? "Udp" : "UdpLite", snmp(), err, g)).empty())
        return msg;
      if (k == Kind::udp) add_mapped(s, g, kUdp);
      add_unmapped(s, g,
                   k == Kind::udp ? std::span<const MibMap>(kUdp) : std::span<const MibMap>{});
      break;
    case Kind::ip:
      if (!(msg = read_ip(snmp_groups, ext_groups, s, err)).empty()) return msg;
      break;
    case Kind::icmp:
      if (!(msg = need(snmp_groups, "Icmp", snmp(), err, g)).empty()) return msg;
      add_mapped(s, g, kIcmp);
      add_unmapped(s, g, kIcmp);
      add_unmapped(s, maybe(snmp_groups, "IcmpMsg"), {});  // InType3 …, only the nonzero types
      break;
    case Kind::tcpext:
    case Kind::ipext:
      if (!(msg = need(ext_groups, k == Kind::tcpext ? "TcpExt" : "IpExt", netstat(), err, g))
               .empty())
        return msg;
      add_unmapped(s, g, {});
      break;
  }
  out.named = s.finish();
  return {};
}

std::unique_ptr<Family> make_net_snmp_family(LinuxSource& src) {
  return std::make_unique<NetSnmpFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
