// engine/sources/linux/nfs_mountstats.hpp — the text of /proc/<pid>/mountstats:
// its "device" sections and the body of an NFS mount's section. Used by the
// NFS mount family (nfs_mounts.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc::mountstats {

// One "device ..." line of mountstats and the lines under it.
struct Section {
  std::string_view device, mountpoint, fstype;
  std::string_view body;  // the lines after the device line, up to the next one
  std::size_t line = 0;   // 1-based line number of the device line
  bool nfs() const { return fstype == "nfs" || fstype == "nfs4"; }
};

// The parsed body of one NFS section.
struct NfsOp {
  std::uint64_t ops = 0, trans = 0, timeouts = 0, bytes_sent = 0, bytes_recv = 0, queue_ms = 0,
                rtt_ms = 0, execute_ms = 0;
  std::optional<std::uint64_t> errors;  // the 9th value, on kernels that print it
};
// One line of a section kept for a kstat that parses it on its own.
struct BodyLine {
  std::string_view text;
  std::size_t line = 0;
};
struct NfsBody {
  std::vector<std::pair<std::string_view, std::string_view>> opts;  // key, value ("" for flags)
  std::optional<std::uint64_t> caps, pseudoflavor;
  std::vector<std::uint64_t> bytes;
  std::string_view xprt;
  std::vector<std::pair<std::string_view, NfsOp>> ops;
  BodyLine events;              // "events:" values, parsed by the events kstat
  std::vector<BodyLine> xprts;  // "xprt:" values, one per transport (nconnect)

  std::optional<std::string_view> opt(std::string_view key) const {
    for (const auto& [k, v] : opts)
      if (k == key) return v;
    return std::nullopt;
  }
  std::optional<std::uint64_t> num(std::string_view key) const {
    auto v = opt(key);
    return v ? procfs::parse_u64(*v) : std::nullopt;
  }
  NfsOp op(std::string_view name) const {
    for (const auto& [k, v] : ops)
      if (k == name) return v;
    return {};
  }
};

// "device D mounted on M with fstype F [statvers=V]" sections, in file order.
std::vector<Section> split_sections(std::string_view text);
// "k=v,k2=v2,flag" → pairs.
void split_options(std::string_view s,
                   std::vector<std::pair<std::string_view, std::string_view>>& out);
// Parses the lines of an NFS section. Returns "" or "path:line: what".
std::string parse_body(const Section& sec, const std::string& path, NfsBody& b);
// "\040" octal escapes (space, tab, newline, backslash) as the kernel prints them.
std::string unescape(std::string_view s);
// "server:/path" or "[v6addr]:/path" → server and path.
std::pair<std::string_view, std::string_view> split_device(std::string_view dev);
// The "age:" of a section: seconds since the mount, nullopt without one.
std::optional<std::uint64_t> section_age(std::string_view body);
// The number of "xprt:" lines of a section.
std::size_t xprt_count(std::string_view body);

}  // namespace kstatsql::engine::linuxsrc::mountstats
