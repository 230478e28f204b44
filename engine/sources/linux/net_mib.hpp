// engine/sources/linux/net_mib.hpp — parsers for the MIB counter files of
// /proc/net (snmp, netstat, snmp6, softnet_stat, stat/*) and the helper that
// puts Linux MIB fields under illumos mib2 names. The mapping tables live in
// the families (net_snmp.cpp, net_snmp6.cpp); docs/linux-mapping.md,
// "Network protocols", lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

// One counter of a MIB file. `bits` is the value; a negative value (only Tcp
// MaxConn is printed signed) has `negative` set and `bits` holds its two's
// complement.
struct MibField {
  std::string_view name;
  std::uint64_t bits = 0;
  bool negative = false;
};

// The fields of one group ("Tcp", "TcpExt", …) in file order.
struct MibGroup {
  std::string_view name;
  std::vector<MibField> fields;
};

// Parses the "Group: name name …" / "Group: value value …" line pairs of
// /proc/net/snmp and /proc/net/netstat. A group printed in several pairs
// (IcmpMsg) is merged into one. Returns "" or "path:line: what".
std::string parse_mib_pairs(std::string_view text, const std::string& path,
                            std::vector<MibGroup>& out);

// Parses the "Name value" lines of /proc/net/snmp6. Returns "" or "path:line: what".
std::string parse_mib_lines(std::string_view text, const std::string& path,
                            std::vector<MibField>& out);

const MibGroup* find_group(const std::vector<MibGroup>& groups, std::string_view name);
const MibField* find_field(std::span<const MibField> fields, std::string_view name);

// A strict unsigned hex number ("0000001e"), as softnet_stat and /proc/net/stat/* print.
std::optional<std::uint64_t> parse_hex(std::string_view s);

// How an illumos mib2 statistic is typed (its KSTAT_DATA_* type).
enum class Width : std::uint8_t { u32, u64, i32 };

// A Linux field and the illumos statistic it becomes.
struct MibMap {
  std::string_view from;
  std::string_view to;
  Width width;
};

// Adds one field under `name` with `width`; u32 keeps the low 32 bits, as
// illumos' 32-bit counters wrap.
void add_mib(procfs::StatList& s, std::string_view name, const MibField& f, Width width);
// Adds every field of `fields` named in `map`, in map order, under its illumos name.
void add_mapped(procfs::StatList& s, std::span<const MibField> fields, std::span<const MibMap> map);
// Adds every field of `fields` not named in `map` under its Linux name (uint64;
// int64 when negative).
void add_unmapped(procfs::StatList& s, std::span<const MibField> fields,
                  std::span<const MibMap> map);

}  // namespace kstatsql::engine::linuxsrc
