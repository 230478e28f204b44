// engine/sources/linux/net_snmp6.cpp — /proc/net/snmp6 as ip:0:ip6,
// ip:0:icmp6, udp:0:udp6 and udp:0:udplite6 (class mib2). illumos has no IPv6
// mib2 kstat; these are named as illumos names its IPv6 MIB members
// (mib2_ipv6IfStatsEntry_t, mib2_ipv6IfIcmpEntry_t): the ipv6 / ipv6IfIcmp
// prefix dropped and the first letter lower-cased. Fields with no illumos
// member keep their Linux names (Ip6InOctets, Icmp6InCsumErrors, …).
#include <fmt/format.h>

#include <cerrno>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/net_mib.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::StatList;
using W = Width;

enum class Kind : std::uint32_t { ip6, icmp6, udp6, udplite6 };

constexpr MibMap kIp6[] = {
    {"Ip6InReceives", "inReceives", W::u64},
    {"Ip6InHdrErrors", "inHdrErrors", W::u64},
    {"Ip6InTooBigErrors", "inTooBigErrors", W::u64},
    {"Ip6InNoRoutes", "inNoRoutes", W::u64},
    {"Ip6InAddrErrors", "inAddrErrors", W::u64},
    {"Ip6InUnknownProtos", "inUnknownProtos", W::u64},
    {"Ip6InTruncatedPkts", "inTruncatedPkts", W::u64},
    {"Ip6InDiscards", "inDiscards", W::u64},
    {"Ip6InDelivers", "inDelivers", W::u64},
    {"Ip6OutForwDatagrams", "outForwDatagrams", W::u64},
    {"Ip6OutRequests", "outRequests", W::u64},
    {"Ip6OutDiscards", "outDiscards", W::u64},
    {"Ip6OutNoRoutes", "outNoRoutes", W::u64},
    {"Ip6ReasmReqds", "reasmReqds", W::u64},
    {"Ip6ReasmOKs", "reasmOKs", W::u64},
    {"Ip6ReasmFails", "reasmFails", W::u64},
    {"Ip6FragOKs", "outFragOKs", W::u64},
    {"Ip6FragFails", "outFragFails", W::u64},
    {"Ip6FragCreates", "outFragCreates", W::u64},
    {"Ip6InMcastPkts", "inMcastPkts", W::u64},
    {"Ip6OutMcastPkts", "outMcastPkts", W::u64},
};
constexpr MibMap kIcmp6[] = {
    {"Icmp6InMsgs", "inMsgs", W::u64},
    {"Icmp6InErrors", "inErrors", W::u64},
    {"Icmp6InDestUnreachs", "inDestUnreachs", W::u64},
    {"Icmp6InPktTooBigs", "inPktTooBigs", W::u64},
    {"Icmp6InTimeExcds", "inTimeExcds", W::u64},
    {"Icmp6InParmProblems", "inParmProblems", W::u64},
    {"Icmp6InEchos", "inEchos", W::u64},
    {"Icmp6InEchoReplies", "inEchoReplies", W::u64},
    {"Icmp6InRouterSolicits", "inRouterSolicits", W::u64},
    {"Icmp6InRouterAdvertisements", "inRouterAdvertisements", W::u64},
    {"Icmp6InNeighborSolicits", "inNeighborSolicits", W::u64},
    {"Icmp6InNeighborAdvertisements", "inNeighborAdvertisements", W::u64},
    {"Icmp6InRedirects", "inRedirects", W::u64},
    {"Icmp6InGroupMembQueries", "inGroupMembQueries", W::u64},
    {"Icmp6InGroupMembResponses", "inGroupMembResponses", W::u64},
    {"Icmp6InGroupMembReductions", "inGroupMembReductions", W::u64},
    {"Icmp6OutMsgs", "outMsgs", W::u64},
    {"Icmp6OutErrors", "outErrors", W::u64},
    {"Icmp6OutDestUnreachs", "outDestUnreachs", W::u64},
    {"Icmp6OutPktTooBigs", "outPktTooBigs", W::u64},
    {"Icmp6OutTimeExcds", "outTimeExcds", W::u64},
    {"Icmp6OutParmProblems", "outParmProblems", W::u64},
    {"Icmp6OutEchos", "outEchos", W::u64},
    {"Icmp6OutEchoReplies", "outEchoReplies", W::u64},
    {"Icmp6OutRouterSolicits", "outRouterSolicits", W::u64},
    {"Icmp6OutRouterAdvertisements", "outRouterAdvertisements", W::u64},
    {"Icmp6OutNeighborSolicits", "outNeighborSolicits", W::u64},
    {"Icmp6OutNeighborAdvertisements", "outNeighborAdvertisements", W::u64},
    {"Icmp6OutRedirects", "outRedirects", W::u64},
    {"Icmp6OutGroupMembQueries", "outGroupMembQueries", W::u64},
    {"Icmp6OutGroupMembResponses", "outGroupMembResponses", W::u64},
    {"Icmp6OutGroupMembReductions", "outGroupMembReductions", W::u64},
};
// udp:0:udp6 has udp:0:udp's names; illumos' one udp kstat counts both families.
constexpr MibMap kUdp6[] = {
    {"Udp6InDatagrams", "inDatagrams", W::u64},
    {"Udp6InErrors", "inErrors", W::u32},
    {"Udp6OutDatagrams", "outDatagrams", W::u64},
};

struct Section {
  std::string_view prefix;
  std::span<const MibMap> map;
};

Section section(Kind k) {
  switch (k) {
    case Kind::ip6:
      return {"Ip6", kIp6};
    case Kind::icmp6:
      return {"Icmp6", kIcmp6};
    case Kind::udp6:
      return {"Udp6", kUdp6};
    case Kind::udplite6:
      return {"UdpLite6", {}};
  }
  return {};
}

class NetSnmp6Family final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override {
    return {{"ip", "udp"}, {"ip6", "icmp6", "udp6", "udplite6"}, {"mib2"}, {}};
  }

  void enumerate(Lister& out) override {
    if (!procfs::exists(proc() + "/net/snmp6")) return;  // no IPv6 in this kernel
    out.add("ip", 0, "icmp6", "mib2", KstatType::named, Kind::icmp6);
    out.add("ip", 0, "ip6", "mib2", KstatType::named, Kind::ip6);
    out.add("udp", 0, "udp6", "mib2", KstatType::named, Kind::udp6);
    out.add("udp", 0, "udplite6", "mib2", KstatType::named, Kind::udplite6);
  }

  std::string read(const KstatHeader&, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    const TextFile f = read_text(proc() + "/net/snmp6", err, &out);
    if (!f) return f.error;
    std::vector<MibField> all;
    if (std::string msg = parse_mib_lines(*f.text, f.path, all); !msg.empty())
      return err = EINVAL, msg;
    const Section sec = section(static_cast<Kind>(kind));
    // The section's fields: names with the prefix and then an upper-case letter
    // (so "Udp6" does not take "UdpLite6…").
    std::vector<MibField> mine;
    for (const MibField& m : all)
      if (m.name.size() > sec.prefix.size() && m.name.substr(0, sec.prefix.size()) == sec.prefix &&
          text::ascii_is_upper(m.name[sec.prefix.size()]))
        mine.push_back(m);
    if (mine.empty())
      return err = EINVAL, fmt::format("{}: no {}* lines (truncated?)", f.path, sec.prefix);
    StatList s(arena);
    add_mapped(s, mine, sec.map);
    add_unmapped(s, mine, sec.map);
    out.named = s.finish();
    return {};
  }
};

}  // namespace

std::unique_ptr<Family> make_net_snmp6_family(LinuxSource& src) {
  return std::make_unique<NetSnmp6Family>(src);
}

}  // namespace kstatsql::engine::linuxsrc
