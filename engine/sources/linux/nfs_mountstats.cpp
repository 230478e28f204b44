// engine/sources/linux/nfs_mountstats.cpp — mountstats text (nfs_mountstats.hpp).
#include "engine/sources/linux/nfs_mountstats.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/text.hpp"

namespace kstatsql::engine::linuxsrc::mountstats {

namespace {
using procfs::fields;
using procfs::parse_u64;

std::optional<std::uint64_t> parse_hex(std::string_view s) {
  if (s.substr(0, 2) != "0x" || s.size() == 2 || s.size() > 18) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s.substr(2)) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  return v;
}

}  // namespace

// "device D mounted on M with fstype F [statvers=V]"; lines that do not look
// like that (there are none on real kernels) are skipped.
std::vector<Section> split_sections(std::string_view text) {
  std::vector<Section> out;
  std::size_t body_start = 0;
  auto close_body = [&](std::size_t end) {
    if (!out.empty()) out.back().body = text.substr(body_start, end - body_start);
  };
  for (const text::Line& l : text::lines(text)) {
    const std::string_view line = l.text;
    const auto pos = static_cast<std::size_t>(line.data() - text.data());
    auto f = line.substr(0, 7) == "device " ? fields(line) : std::vector<std::string_view>{};
    if (f.size() >= 8 && f[2] == "mounted" && f[3] == "on" && f[5] == "with" && f[6] == "fstype") {
      close_body(pos);
      out.push_back({f[1], f[4], f[7], {}, l.number});
      body_start = std::min(pos + line.size() + 1, text.size());
    }
  }
  close_body(text.size());
  return out;
}

// "k=v,k2=v2,flag" → pairs.
void split_options(std::string_view s,
                   std::vector<std::pair<std::string_view, std::string_view>>& out) {
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    std::size_t eq = item.find('=');
    out.emplace_back(item.substr(0, eq), eq == std::string_view::npos ? "" : item.substr(eq + 1));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
}

// Parses the lines of an NFS section. Returns "" or "path:line: what".
std::string parse_body(const Section& sec, const std::string& path, NfsBody& b) {
  std::string msg;
  bool per_op = false;
  procfs::for_each_line(sec.body, [&](std::string_view raw, std::size_t i) {
    std::string_view line = procfs::trim(raw);
    const std::size_t no = sec.line + i;
    auto numbers = [&](std::string_view rest, std::size_t need, std::vector<std::uint64_t>& v) {
      for (std::string_view f : fields(rest)) {
        auto n = parse_u64(f);
        if (!n) return false;
        v.push_back(*n);
      }
      return v.size() >= need;
    };
    if (per_op) {
      std::size_t colon = line.find(':');
      std::vector<std::uint64_t> v;
      if (line.empty()) return true;
      if (colon == std::string_view::npos || !numbers(line.substr(colon + 1), 8, v)) {
        msg = fmt::format(
            "{}:{}: expected 'OP: ops trans timeouts bytes_sent bytes_recv queue rtt execute'",
            path, no);
        return false;
      }
      NfsOp op{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], std::nullopt};
      if (v.size() > 8) op.errors = v[8];
      b.ops.emplace_back(line.substr(0, colon), op);
    } else if (line.substr(0, 5) == "opts:") {
      split_options(procfs::trim(line.substr(5)), b.opts);
    } else if (line.substr(0, 5) == "caps:") {
      std::vector<std::pair<std::string_view, std::string_view>> caps;
      split_options(procfs::trim(line.substr(5)), caps);
      for (const auto& [k, v] : caps)
        if (k == "caps") b.caps = parse_hex(v);
    } else if (line.substr(0, 4) == "sec:") {
      std::vector<std::pair<std::string_view, std::string_view>> sec_opts;
      split_options(procfs::trim(line.substr(4)), sec_opts);
      for (const auto& [k, v] : sec_opts)
        if (k == "pseudoflavor") b.pseudoflavor = parse_u64(v);
    } else if (line.substr(0, 6) == "bytes:") {
      if (!numbers(line.substr(6), 8, b.bytes)) {
        msg = fmt::format("{}:{}: expected 8 byte counters after 'bytes:'", path, no);
        return false;
      }
    } else if (line.substr(0, 7) == "events:") {
      b.events = {line.substr(7), no};
    } else if (line.substr(0, 5) == "xprt:") {
      auto f = fields(line.substr(5));
      if (b.xprts.empty() && !f.empty()) b.xprt = f[0];
      b.xprts.push_back({line.substr(5), no});
    } else if (line == "per-op statistics") {
      per_op = true;
    }
    return true;
  });
  if (msg.empty() && b.bytes.empty())
    msg = fmt::format("{}:{}: NFS mount has no 'bytes:' line", path, sec.line);
  return msg;
}

// "\040" octal escapes (space, tab, newline, backslash) as the kernel prints them.
std::string unescape(std::string_view s) {
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] <= '3' && octal(s[i + 1]) && octal(s[i + 2]) &&
        octal(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "server:/path" or "[v6addr]:/path" → server and path.
std::pair<std::string_view, std::string_view> split_device(std::string_view dev) {
  if (!dev.empty() && dev.front() == '[') {
    std::size_t close = dev.find("]:");
    if (close != std::string_view::npos) return {dev.substr(1, close - 1), dev.substr(close + 2)};
  }
  std::size_t colon = dev.find(':');
  if (colon == std::string_view::npos) return {dev, {}};
  return {dev.substr(0, colon), dev.substr(colon + 1)};
}

std::optional<std::uint64_t> section_age(std::string_view body) {
  std::optional<std::uint64_t> age;
  procfs::for_each_line(body, [&](std::string_view raw, std::size_t) {
    std::string_view line = procfs::trim(raw);
    if (line.substr(0, 4) != "age:") return true;
    age = parse_u64(procfs::trim(line.substr(4)));
    return false;
  });
  return age;
}

// The number of "xprt:" lines of a section.
std::size_t xprt_count(std::string_view body) {
  std::size_t n = 0;
  for (std::size_t at = body.find("xprt:"); at != std::string_view::npos;
       at = body.find("xprt:", at + 5))
    ++n;
  return n;
}

}  // namespace kstatsql::engine::linuxsrc::mountstats
