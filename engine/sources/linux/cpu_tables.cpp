// engine/sources/linux/cpu_tables.cpp — /proc/interrupts, /proc/softirqs and
// /proc/schedstat parsers (cpu_tables.hpp).
#include "engine/sources/linux/cpu_tables.hpp"

#include <unordered_map>

#include <fmt/format.h>

#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

using procfs::fields;
using procfs::parse_u64;

namespace {

// "" when the text ends in a newline (or is empty), else the truncation error.
std::string check_complete(std::string_view text, const std::string& path) {
  if (text.empty() || text.back() == '\n') return {};
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n';
  return fmt::format("{}:{}: truncated (the last line has no newline)", path, lines);
}

// The header: "CPU0 CPU1 …", every field "CPU" + digits, each CPU once.
std::string parse_header(std::string_view line, const std::string& path, CpuTable& out) {
  for (std::string_view f : fields(line)) {
    auto n = f.size() > 3 && f.substr(0, 3) == "CPU" ? parse_u64(f.substr(3)) : std::nullopt;
    if (!n) return fmt::format("{}:1: expected CPUn column headers, found '{}'", path, f);
    if (*n > static_cast<std::uint64_t>(kMaxInstance))
      return fmt::format("{}:1: CPU number {} out of range (0..{})", path, *n, kMaxInstance);
    if (out.column(static_cast<std::int64_t>(*n)))
      return fmt::format("{}:1: column {} appears twice", path, f);
    out.cpus.push_back(static_cast<std::int64_t>(*n));
  }
  if (out.cpus.empty()) return fmt::format("{}:1: no CPU columns", path);
  return {};
}

// One "label: counts [text]" row.
std::string parse_row(std::string_view line, std::size_t no, const std::string& path,
                      CpuTable& out) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    return fmt::format("{}:{}: expected 'label: counts'", path, no);
  CpuTable::Row r;
  r.label = procfs::trim(line.substr(0, colon));
  r.line = no;
  std::string_view rest = line.substr(colon + 1);
  while (r.counts.size() < out.cpus.size()) {
    rest = procfs::trim(rest);
    std::size_t end = rest.find_first_of(" \t");
    std::string_view tok = rest.substr(0, end);
    auto n = tok.empty() ? std::nullopt : parse_u64(tok);
    if (!n) break;
    r.counts.push_back(*n);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  }
  r.text = procfs::trim(rest);
  r.per_cpu = r.counts.size() == out.cpus.size();
  if (r.label.empty() || (!r.per_cpu && (r.counts.empty() || !r.text.empty())))
    return fmt::format("{}:{}: expected {} counts after '{}:'", path, no, out.cpus.size(), r.label);
  out.rows.push_back(r);
  return {};
}

}  // namespace

std::optional<std::size_t> CpuTable::column(std::int64_t cpu) const {
  for (std::size_t i = 0; i < cpus.size(); ++i)
    if (cpus[i] == cpu) return i;
  return std::nullopt;
}

std::string parse_cpu_table(std::string_view text, const std::string& path, CpuTable& out) {
  std::string msg = check_complete(text, path);
  if (!msg.empty()) return msg;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    if (no == 1)
      msg = parse_header(line, path, out);
    else if (!procfs::trim(line).empty())
      msg = parse_row(line, no, path, out);
    return msg.empty();
  });
  if (msg.empty() && out.cpus.empty()) msg = fmt::format("{}:1: no CPU columns (empty file)", path);
  return msg;
}

const StatCpus::Cpu* StatCpus::find(std::int64_t cpu) const {
  auto it = index.find(cpu);
  return it == index.end() ? nullptr : &cpus[it->second];
}

std::string parse_stat_cpus(std::string_view text, const std::string& path, StatCpus& out) {
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty() || f[0].size() <= 3 || f[0].substr(0, 3) != "cpu") return true;
    const std::string_view digits = f[0].substr(3);
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) return true;
    auto n = parse_u64(digits);
    std::string e;
    if (!n || *n > static_cast<std::uint64_t>(kMaxInstance)) {
      e = fmt::format("{}:{}: CPU number {} out of range (0..{})", path, no, digits, kMaxInstance);
    } else if (auto [it, fresh] = out.index.emplace(static_cast<std::int64_t>(*n), out.cpus.size());
               !fresh) {
      e = fmt::format("{}:{}: {} appears twice (first on line {})", path, no, f[0],
                      out.cpus[it->second].no);
    } else {
      out.cpus.push_back({static_cast<std::int64_t>(*n), line, no});
    }
    if (!e.empty() && out.error.empty()) out.error = std::move(e);
    return true;
  });
  return {};
}

const SchedCpu* Schedstat::find(std::int64_t cpu) const {
  for (const SchedCpu& c : cpus)
    if (c.cpu == cpu) return &c;
  return nullptr;
}

std::string parse_schedstat(std::string_view text, const std::string& path, Schedstat& out) {
  std::string msg = check_complete(text, path);
  if (!msg.empty()) return msg;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.size() == 2 && f[0] == "version") {
      if (auto v = parse_u64(f[1])) return out.version = *v, true;
    } else if (f.empty() || f[0].substr(0, 3) != "cpu") {
      return true;  // timestamp, domain lines
    } else if (auto n = parse_u64(f[0].substr(3));
               n && *n <= static_cast<std::uint64_t>(kMaxInstance) && f.size() >= 10) {
      SchedCpu c;
      c.cpu = static_cast<std::int64_t>(*n);
      bool ok = true;
      for (std::size_t i = 0; i < 9 && ok; ++i)
        if (auto v = parse_u64(f[i + 1]))
          c.f[i] = *v;
        else
          ok = false;
      if (ok) return out.cpus.push_back(c), true;
    }
    msg = fmt::format("{}:{}: expected 'version N' or 'cpuN' and 9 numbers", path, no);
    return false;
  });
  if (msg.empty() && out.version == 0) msg = fmt::format("{}:1: no 'version N' line", path);
  return msg;
}

}  // namespace kstatsql::engine::linuxsrc
