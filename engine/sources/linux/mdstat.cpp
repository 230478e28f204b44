// engine/sources/linux/mdstat.cpp — Linux software RAID arrays from
// /proc/mdstat: one kstat mdstat:N:mdN (class misc) per array, with its
// state, level, members (failed, spare), size and resync progress. The io of
// an array is its diskstats kstat (md:N:mdN, disks.cpp). Field by field:
// docs/linux-mapping.md, "Storage".
//
// The file, per array (drivers/md/md.c md_seq_show):
//   mdN : active|inactive [(read-only)|(auto-read-only)] [level] dev[idx][(W)(F)(S)(R)]...
//         <blocks> blocks [super V] ... [[n/m] [UU_]]
//         [[==>..]  recovery|resync|reshape|check = P% (a/b) finish=Xmin speed=YK/sec]
//         [resync=DELAYED|PENDING]   [bitmap: ...]
#include <cerrno>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_fixed;
using procfs::parse_u64;
using procfs::StatList;

constexpr std::uint64_t kKiB = 1024;

std::string lower(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = text::ascii_lower(c);
  return out;
}

// "md127" → 127; a name without trailing digits → 0.
std::int64_t array_number(std::string_view name) {
  std::size_t i = name.size();
  while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
  auto n = parse_u64(name.substr(i));
  return n && *n < (1ULL << 31) ? static_cast<std::int64_t>(*n) : 0;
}

// The array name of an "mdN : ..." line, or "" for any other line.
std::string_view array_of(std::string_view line) {
  auto f = fields(line);
  if (f.size() >= 3 && f[1] == ":" && line.front() != ' ' && f[0] != "Personalities" &&
      f[0] != "unused")
    return f[0];
  return {};
}

// The member list and flags of the array line.
void add_members(const std::vector<std::string_view>& f, std::size_t from, StatList& s) {
  std::uint64_t members = 0, failed = 0, spare = 0, write_mostly = 0, replacement = 0;
  std::string devices;
  for (std::size_t i = from; i < f.size(); ++i) {
    ++members;
    if (f[i].find("(F)") != std::string_view::npos) ++failed;
    if (f[i].find("(S)") != std::string_view::npos) ++spare;
    if (f[i].find("(W)") != std::string_view::npos) ++write_mostly;
    if (f[i].find("(R)") != std::string_view::npos) ++replacement;
    if (!devices.empty()) devices += ' ';
    devices += f[i];
  }
  s.add_u64("members", members);
  s.add_u64("failed", failed);
  s.add_u64("spare", spare);
  s.add_u64("write_mostly", write_mostly);
  s.add_u64("replacement", replacement);
  s.add_str("devices", devices);
}

// "<blocks> blocks ... [n/m] [UU_]". Returns false when it does not start so.
bool add_size(std::string_view line, StatList& s) {
  auto f = fields(line);
  auto blocks = f.size() >= 2 && f[1] == "blocks" ? parse_u64(f[0]) : std::nullopt;
  if (!blocks) return false;
  s.add_u64("blocks", *blocks);
  s.add_u64("size", *blocks * kKiB, Unit::bytes);
  for (std::size_t i = 2; i + 1 < f.size(); ++i) {
    std::string_view a = f[i], b = f[i + 1];
    std::size_t slash = a.find('/');
    if (a.size() < 5 || a.front() != '[' || a.back() != ']' || slash == std::string_view::npos)
      continue;
    auto n = parse_u64(a.substr(1, slash - 1)),
         m = parse_u64(a.substr(slash + 1, a.size() - slash - 2));
    if (!n || !m || b.size() < 3 || b.front() != '[' || b.back() != ']') continue;
    s.add_u64("raid_disks", *n);
    s.add_u64("active_disks", *m);
    s.add_u64("degraded", *n > *m ? *n - *m : 0);
    s.add_str("status", b.substr(1, b.size() - 2));
  }
  return true;
}

// "[==>..]  recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec".
// Returns false when the line is a progress line that does not parse.
bool add_progress(std::string_view line, StatList& s, bool& seen) {
  auto f = fields(line);
  if (f.size() == 1 && f[0].substr(0, 7) == "resync=") {  // resync=DELAYED / PENDING
    seen = true;
    s.add_str("sync_action", "resync");
    s.add_str("sync_state", lower(f[0].substr(7)));
    return true;
  }
  std::size_t at = 0;
  while (at < f.size() && f[at] != "=") ++at;
  if (at == 0 || at >= f.size() || f[0].front() != '[') return true;  // not a progress line
  seen = true;
  if (at + 2 >= f.size() || f[at + 1].empty() || f[at + 1].back() != '%') return false;
  auto permille = parse_fixed(f[at + 1].substr(0, f[at + 1].size() - 1), 10, false);
  std::string_view frac = f[at + 2];
  std::size_t slash = frac.find('/');
  if (!permille || frac.size() < 5 || frac.front() != '(' || slash == std::string_view::npos)
    return false;
  auto done = parse_u64(frac.substr(1, slash - 1)),
       total = parse_u64(frac.substr(slash + 1, frac.size() - slash - 2));
  if (!done || !total) return false;
  s.add_str("sync_action", f[at - 1]);
  s.add_str("sync_state", "running");
  s.add_f64("sync_percent", static_cast<double>(*permille) / 10);
  s.add_u64("sync_completed", *done * kKiB, Unit::bytes);
  s.add_u64("sync_total", *total * kKiB, Unit::bytes);
  for (std::size_t i = at + 3; i < f.size(); ++i) {
    std::string_view v = f[i];
    if (v.substr(0, 7) == "finish=" && v.ends_with("min")) {
      if (auto ns = parse_fixed(v.substr(7, v.size() - 10), 60'000'000'000ULL, true))
        s.add_u64("sync_finish_ns", *ns, Unit::ns);
    } else if (v.substr(0, 6) == "speed=" && v.ends_with("K/sec")) {
      if (auto k = parse_u64(v.substr(6, v.size() - 11)))
        s.add_u64("sync_speed", *k * kKiB, Unit::bytes);
    }
  }
  return true;
}

class MdstatFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"mdstat"}, {}, {"misc"}, {}, {}}; }

  void enumerate(Lister& out) override {
    int err = 0;
    const TextFile f = read_text(proc() + "/mdstat", err);
    if (!f) return;  // no md driver: no arrays
    procfs::for_each_line(*f.text, [&](std::string_view line, std::size_t) {
      if (std::string_view a = array_of(line); !a.empty())
        out.add("mdstat", array_number(a), a, "misc", KstatType::named, 0u);
      return true;
    });
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override;
};

std::string MdstatFamily::read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                               int& err) {
  const TextFile in = read_text(proc() + "/mdstat", err, &out);
  if (!in) return in.error;
  StatList s(arena);
  std::string msg;
  std::size_t state = 0;  // 0 before the array, 1 on its line, 2 after its size line, 3 done
  bool progress = false;
  std::size_t array_line = 0;
  procfs::for_each_line(*in.text, [&](std::string_view line, std::size_t no) {
    std::string_view a = array_of(line);
    if (state == 0) {
      if (a != h.name) return true;
      auto f = fields(line);
      std::size_t i = 2;
      s.add_str("state", f[i++]);
      bool ro = i < f.size() && (f[i] == "(read-only)" || f[i] == "(auto-read-only)");
      s.add_u32("read_only", ro ? 1 : 0);
      if (ro) ++i;
      if (i < f.size() && f[i].find('[') == std::string_view::npos) s.add_str("level", f[i++]);
      add_members(f, i, s);
      state = 1;
      array_line = no;
      return true;
    }
    if (!a.empty() || line.substr(0, 7) == "unused ") return state = 3, false;
    if (procfs::trim(line).empty()) return true;
    if (state == 1) {
      if (!add_size(line, s))
        msg =
            fmt::format("{}:{}: expected '<blocks> blocks' after the {} line", in.path, no, h.name);
      state = 2;
      return msg.empty();
    }
    if (!add_progress(line, s, progress))
      msg =
          fmt::format("{}:{}: expected '= P% (done/total) finish=Xmin speed=YK/sec'", in.path, no);
    return msg.empty();
  });
  if (!msg.empty()) return err = EINVAL, msg;
  if (state == 0) return err = ENOENT, fmt::format("{}: no array {}", in.path, h.name);
  if (state == 1)
    return err = EINVAL, fmt::format("{}:{}: {} has no '<blocks> blocks' line (truncated?)",
                                     in.path, array_line, h.name);
  if (!progress) s.add_str("sync_action", "idle");
  out.named = s.finish();
  return {};
}

}  // namespace

std::unique_ptr<Family> make_mdstat_family(LinuxSource& src) {
  return std::make_unique<MdstatFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
