// engine/sources/linux/links.cpp — link:0:<ifname> under illumos's link
// names, from /sys/class/net/<if>/ (statistics/*, speed, operstate), or from
// /proc/net/dev when /sys/class/net is absent (a procfs tree recorded
// without /sys, a container without sysfs).
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <unordered_map>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::StatList;

enum class Kind : std::uint32_t { sysfs, proc_net_dev };

// One interface line of /proc/net/dev: "name: " and 16 counters, or the
// reason the line does not parse (that interface's kstat error).
struct DevLine {
  std::string_view name;
  std::uint64_t v[16] = {};
  std::string error;
};

// The interface lines after the two header lines. A line with no "name:" is
// skipped: it names no kstat to blame.
std::vector<DevLine> parse_net_dev(std::string_view text, const std::string& path) {
  std::vector<DevLine> out;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    const std::size_t colon = line.find(':');  // interface names never hold ':'
    if (no <= 2 || colon == std::string_view::npos || procfs::trim(line.substr(0, colon)).empty())
      return true;
    DevLine& d = out.emplace_back();
    d.name = procfs::trim(line.substr(0, colon));
    auto w = procfs::fields(line.substr(colon + 1));
    if (w.size() != 16) {
      d.error = fmt::format("{}:{}: {} counters for {}, expected 16", path, no, w.size(), d.name);
      return true;
    }
    for (std::size_t i = 0; i < 16 && d.error.empty(); ++i) {
      if (auto n = procfs::parse_u64(w[i]))
        d.v[i] = *n;
      else
        d.error = fmt::format("{}:{}: column {} is '{}', not a counter", path, no, i + 2, w[i]);
    }
    return true;
  });
  return out;
}

// The same statistics as the sysfs reader where /proc/net/dev has the value.
// Columns: rx bytes packets errs drop fifo frame compressed multicast, then
// tx bytes packets errs drop fifo colls carrier compressed.
void add_dev_stats(const DevLine& d, StatList& s) {
  const auto* v = d.v;
  s.add_u32("multircv", v[7]);
  s.add_u32("ierrors", v[2]);
  s.add_u32("oerrors", v[10]);
  s.add_u32("collisions", v[13]);
  s.add_u32("rbytes", v[0]);
  s.add_u32("ipackets", v[1]);
  s.add_u32("obytes", v[8]);
  s.add_u32("opackets", v[9]);
  s.add_u64("rbytes64", v[0], Unit::bytes);
  s.add_u64("ipackets64", v[1], Unit::packets);
  s.add_u64("obytes64", v[8], Unit::bytes);
  s.add_u64("opackets64", v[9], Unit::packets);
  // Linux-only, under the sysfs name when the column is one sysfs counter;
  // the three sums are named after their /proc/net/dev column.
  static constexpr std::pair<std::size_t, std::string_view> kLinux[] = {
      {0, "rx_bytes"},        {1, "rx_packets"},  {2, "rx_errors"},      {3, "rx_drop"},
      {4, "rx_fifo_errors"},  {5, "rx_frame"},    {6, "rx_compressed"},  {7, "multicast"},
      {8, "tx_bytes"},        {9, "tx_packets"},  {10, "tx_errors"},     {11, "tx_dropped"},
      {12, "tx_fifo_errors"}, {14, "tx_carrier"}, {15, "tx_compressed"},
  };
  for (const auto& [i, name] : kLinux)
    s.add_u64(name, v[i], i == 0 || i == 8 ? Unit::bytes : Unit::none);
}

// link_state_t from operstate (then carrier): UNKNOWN −1 (0xffffffff as
// uint32), DOWN 0, UP 1.
std::uint64_t link_state(const std::string& oper, const std::optional<std::string>& carrier) {
  if (oper == "up") return 1;
  if (oper == "down" || oper == "lowerlayerdown" || oper == "notpresent" || oper == "dormant" ||
      oper == "testing")
    return 0;
  if (carrier == "1" || carrier == "0") return *carrier == "1" ? 1 : 0;
  return 0xffffffffu;
}

// ifspeed in b/s from the sysfs `speed` text (Mb/s; absent — EINVAL for no
// link or a virtual device — or -1 mean unknown: 0). Returns an error naming
// the file when the text is not a number or does not fit in 64 bits as b/s.
std::string link_speed(const std::string& dir, const std::optional<std::string>& text,
                       std::uint64_t& ifspeed, int& err) {
  ifspeed = 0;
  if (!text) return {};
  auto n = procfs::parse_i64(*text);
  if (!n) return fmt::format("{}speed:1: expected Mb/s, found '{}'", dir, *text);
  if (*n > 0 && static_cast<std::uint64_t>(*n) > UINT64_MAX / 1000000)
    return err = ERANGE, fmt::format("{}speed:1: {} Mb/s does not fit in 64 bits as b/s", dir, *n);
  if (*n > 0) ifspeed = static_cast<std::uint64_t>(*n) * 1000000;
  return {};
}

// Fills the link:0:<if> statistics from the interface directory `dir`
// (ending in '/'), stamped `snaptime` (the source's clock). Returns an error
// naming the file, errno in `err`, when a counter is missing (interface
// removed: ENOENT) or malformed, or the speed in b/s does not fit in 64 bits.
std::string read_sysfs_link(const std::string& dir, std::int64_t snaptime, Arena& arena,
                            KstatData& out, int& err) {
  out.snaptime = snaptime;
  std::string msg;
  // One sysfs value; optional files that fail to read give nullopt and no error.
  auto value = [&](const std::string& rel, bool required) -> std::optional<std::string> {
    std::string t;
    if (int e = procfs::read_file(dir + rel, t); e != 0) {
      if (required && msg.empty()) err = e, msg = procfs::read_error(dir + rel, e);
      return std::nullopt;
    }
    return std::string(procfs::trim(t.substr(0, t.find('\n'))));
  };
  auto counter = [&](const std::string& rel) -> std::uint64_t {
    auto t = value(rel, true);
    if (!t) return 0;
    auto n = procfs::parse_u64(*t);
    if (!n && msg.empty())
      msg = fmt::format("{}{}:1: expected a counter, found '{}'", dir, rel, *t);
    return n.value_or(0);
  };
  // Every statistics/* counter, each file read once; the illumos names below
  // take theirs from this list (a counter missing from it is read, and fails,
  // by name).
  std::vector<std::string> names;
  procfs::list_dir(dir + "statistics", names);
  std::vector<std::pair<std::string, std::uint64_t>> all;
  all.reserve(names.size());
  for (std::string& n : names) {
    const std::uint64_t v = counter("statistics/" + n);
    if (!msg.empty()) return msg;
    all.emplace_back(std::move(n), v);
  }
  auto stat = [&](std::string_view n) {
    for (const auto& [name, v] : all)
      if (name == n) return v;
    return counter("statistics/" + std::string(n));
  };
  const std::uint64_t rbytes = stat("rx_bytes"), obytes = stat("tx_bytes"),
                      ipackets = stat("rx_packets"), opackets = stat("tx_packets"),
                      ierrors = stat("rx_errors"), oerrors = stat("tx_errors"),
                      collisions = stat("collisions"), multircv = stat("multicast");
  if (!msg.empty()) return msg;
  std::uint64_t ifspeed = 0;
  if (std::string e = link_speed(dir, value("speed", false), ifspeed, err); !e.empty()) return e;
  const std::string oper = value("operstate", false).value_or("unknown");
  const std::uint64_t state =
      link_state(oper, oper == "up" ? std::nullopt : value("carrier", false));
  // link_duplex_t: UNKNOWN 0, HALF 1, FULL 2.
  const std::string duplex = value("duplex", false).value_or("");
  const std::uint64_t dup = duplex == "full" ? 2 : duplex == "half" ? 1 : 0;
  StatList s(arena);
  s.add_u64("ifspeed", ifspeed);
  s.add_u32("multircv", multircv);
  s.add_u32("ierrors", ierrors);
  s.add_u32("oerrors", oerrors);
  s.add_u32("collisions", collisions);
  s.add_u32("rbytes", rbytes);
  s.add_u32("ipackets", ipackets);
  s.add_u32("obytes", obytes);
  s.add_u32("opackets", opackets);
  s.add_u64("rbytes64", rbytes, Unit::bytes);
  s.add_u64("ipackets64", ipackets, Unit::packets);
  s.add_u64("obytes64", obytes, Unit::bytes);
  s.add_u64("opackets64", opackets, Unit::packets);
  s.add_u32("link_state", state);
  s.add_u32("link_duplex", dup);
  s.add_str("operstate", oper);
  // Linux-only: every statistics/* counter under its own name.
  for (const auto& [n, v] : all) {
    if (n == "collisions") continue;  // already above under the same name
    s.add_u64(n, v);
  }
  out.named = s.finish();
  return {};
}

class LinkFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"link"}, {}, {"net"}, {}}; }

  void enumerate(Lister& out) override {
    std::vector<std::string> names;
    const std::string dir = sys() + "/class/net/";
    if (procfs::list_dir(dir, names) == 0) {
      for (const std::string& n : names)
        if (procfs::is_dir_or_link(dir + n))  // skips bonding_masters and other plain files
          out.add("link", 0, n, "net", KstatType::named, Kind::sysfs);
      return;
    }
    int err = 0;
    const TextFile f = read_text(net_dev(), err);
    if (!f) return;
    std::unordered_map<std::string_view, bool> seen;
    for (const DevLine& d : parse_net_dev(*f.text, f.path))
      if (seen.emplace(d.name, true).second)  // twice: listed once, the file's error
        out.add("link", 0, d.name, "net", KstatType::named, Kind::proc_net_dev);
  }

  std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    if (static_cast<Kind>(kind) == Kind::sysfs)
      return read_sysfs_link(fmt::format("{}/class/net/{}/", sys(), h.name), now(), arena, out,
                             err);
    const TextFile f = read_text(net_dev(), err, &out);
    if (!f) return f.error;
    const DevLine* d = dev_line(f, h.name);
    if (!dup_error_.empty()) return err = EINVAL, dup_error_;
    if (d == nullptr)
      return err = ENOENT, fmt::format("{}: no line for {} (removed?)", f.path, h.name);
    if (!d->error.empty()) return err = EINVAL, d->error;
    StatList s(arena);
    add_dev_stats(*d, s);
    out.named = s.finish();
    return {};
  }

 private:
  std::string net_dev() const { return proc() + "/net/dev"; }
  // The line of interface `name`, from /proc/net/dev parsed once per
  // generation (so reading N interfaces is linear in N); the first of two.
  const DevLine* dev_line(const TextFile& f, std::string_view name) {
    if (devs_text_ != f.text || devs_gen_ != generation()) {
      devs_ = parse_net_dev(*f.text, f.path);
      by_name_.clear();
      dup_error_.clear();
      for (std::size_t i = 0; i < devs_.size(); ++i)
        if (!by_name_.emplace(devs_[i].name, i).second && dup_error_.empty())
          dup_error_ = fmt::format("{}: interface {} listed twice", f.path, devs_[i].name);
      devs_text_ = f.text;
      devs_gen_ = generation();
    }
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &devs_[it->second];
  }
  std::vector<DevLine> devs_;
  std::unordered_map<std::string_view, std::size_t> by_name_;
  std::string dup_error_;  // an interface twice: an error of the whole file
  const std::string* devs_text_ = nullptr;
  std::uint64_t devs_gen_ = UINT64_MAX;
};

}  // namespace

std::unique_ptr<Family> make_link_family(LinuxSource& src) {
  return std::make_unique<LinkFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
