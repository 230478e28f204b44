// engine/sources/linux/net_mib.cpp — the /proc/net MIB file parsers and the
// illumos-name helper (net_mib.hpp).
#include "engine/sources/linux/net_mib.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;

// A decimal counter, or a negative decimal (MaxConn −1).
bool parse_value(std::string_view t, MibField& f) {
  if (auto u = procfs::parse_u64(t)) return f.bits = *u, f.negative = false, true;
  if (auto i = procfs::parse_i64(t); i && *i < 0)
    return f.bits = static_cast<std::uint64_t>(*i), f.negative = true, true;
  return false;
}

// "Tcp:" → "Tcp"; empty when the first token is not a group label.
std::string_view label(std::string_view tok) {
  return tok.size() >= 2 && tok.back() == ':' ? tok.substr(0, tok.size() - 1) : std::string_view{};
}

// Merges one names/values pair into `out`. Returns "" or the message.
std::string add_pair(const std::vector<std::string_view>& names,
                     const std::vector<std::string_view>& values, const std::string& path,
                     std::size_t no, std::vector<MibGroup>& out) {
  const std::string_view group = label(names[0]);
  if (names.size() != values.size())
    return fmt::format("{}:{}: {} names but {} values for '{}'", path, no, names.size() - 1,
                       values.size() - 1, group);
  auto it =
      std::find_if(out.begin(), out.end(), [&](const MibGroup& g) { return g.name == group; });
  if (it == out.end()) it = out.insert(out.end(), MibGroup{group, {}});
  for (std::size_t i = 1; i < names.size(); ++i) {
    MibField f{names[i]};
    if (!parse_value(values[i], f))
      return fmt::format("{}:{}: {} is '{}', not a number", path, no, names[i], values[i]);
    it->fields.push_back(f);
  }
  return {};
}

}  // namespace

std::string parse_mib_pairs(std::string_view text, const std::string& path,
                            std::vector<MibGroup>& out) {
  std::string msg;
  std::vector<std::string_view> names;  // the pending header line
  std::size_t header_no = 0;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty()) return true;
    if (label(f[0]).empty())
      return msg = fmt::format("{}:{}: expected 'Group: …'", path, no), false;
    if (names.empty()) {
      names = std::move(f), header_no = no;
      return true;
    }
    if (f[0] != names[0])
      return msg = fmt::format("{}:{}: expected the values of '{}', found '{}'", path, no,
                               label(names[0]), f[0]),
             false;
    msg = add_pair(names, f, path, no, out);
    names.clear();
    return msg.empty();
  });
  if (msg.empty() && !names.empty())
    msg = fmt::format("{}:{}: '{}' names with no value line (truncated)", path, header_no,
                      label(names[0]));
  return msg;
}

std::string parse_mib_lines(std::string_view text, const std::string& path,
                            std::vector<MibField>& out) {
  std::string msg;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (f.empty()) return true;
    MibField m{f[0]};
    if (f.size() != 2 || !parse_value(f[1], m))
      return msg = fmt::format("{}:{}: expected 'Name value'", path, no), false;
    out.push_back(m);
    return true;
  });
  return msg;
}

const MibGroup* find_group(const std::vector<MibGroup>& groups, std::string_view name) {
  for (const MibGroup& g : groups)
    if (g.name == name) return &g;
  return nullptr;
}

const MibField* find_field(std::span<const MibField> fields, std::string_view name) {
  for (const MibField& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<std::uint64_t> parse_hex(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<std::uint64_t>(d);
  }
  return v;
}

void add_mib(procfs::StatList& s, std::string_view name, const MibField& f, Width width) {
  switch (width) {
    case Width::u32:
      s.add_u32(name, f.bits);
      break;
    case Width::u64:
      s.add_u64(name, f.bits);
      break;
    case Width::i32:
      s.add_i32(name, static_cast<std::int64_t>(f.bits));
      break;
  }
}

void add_mapped(procfs::StatList& s, std::span<const MibField> fields,
                std::span<const MibMap> map) {
  for (const MibMap& m : map)
    if (const MibField* f = find_field(fields, m.from)) add_mib(s, m.to, *f, m.width);
}

void add_unmapped(procfs::StatList& s, std::span<const MibField> fields,
                  std::span<const MibMap> map) {
  for (const MibField& f : fields) {
    if (std::any_of(map.begin(), map.end(), [&](const MibMap& m) { return m.from == f.name; }))
      continue;
    if (f.negative)
      s.add_i64(f.name, static_cast<std::int64_t>(f.bits));
    else
      s.add_u64(f.name, f.bits);
  }
}

}  // namespace kstatsql::engine::linuxsrc
