// engine/sources/linux/nfs_mounts.cpp — NFS client mounts from /proc/self/mountstats as
// illumos' nfs:N:mntinfo (raw struct mntinfo_kstat, class misc) and
// nfs:N:nfsN (io, class nfs). N is the minor number of the mount's anonymous
// device (/proc/self/mountinfo), as illumos uses getminor(vfs_dev). Every
// field's source and unit: docs/linux-mapping.md, "NFS".
//
// Cost: enumerate() reads mountstats and, when it lists an NFS mount,
// mountinfo; only the "device" lines are parsed then. read() parses the body
// of its own mount's section only.
#include <cerrno>
#include <algorithm>
#include <cstring>
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/sources/linux/procfs.hpp"
#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/nfs_mountstats.hpp"
#include "engine/raw_decode.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;
using namespace mountstats;

// MI_* bits with a Linux equivalent (nfs_clnt.h; MI4_* has the same values).
constexpr std::uint32_t kMiHard = 0x1, kMiNoac = 0x10, kMiNocto = 0x20, kMiLlock = 0x80,
                        kMiLink = 0x400, kMiSymlink = 0x800, kMiReaddirOnly = 0x1000,
                        kMiAcl = 0x2000;
// NFS_CAP_* bits of the caps= value (include/linux/nfs_fs_sb.h, stable since 2.6).
constexpr std::uint64_t kCapReaddirplus = 1, kCapHardlinks = 2, kCapSymlinks = 4, kCapAcls = 8;
constexpr std::int64_t kFallbackInstance = 1 << 20;  // above any minor (MINORBITS = 20)
constexpr std::uint64_t kMs = 1000000;

// illumos secmod (nfssec.conf): none 0, sys 1, krb5 390003, krb5i 390004, krb5p 390005.
std::optional<std::uint32_t> secmod_of(const NfsBody& b) {
  if (b.pseudoflavor && *b.pseudoflavor <= UINT32_MAX)
    return static_cast<std::uint32_t>(*b.pseudoflavor);
  auto sec = b.opt("sec");
  if (!sec) return std::nullopt;
  static constexpr std::pair<std::string_view, std::uint32_t> kSec[] = {
      {"null", 0}, {"none", 0}, {"sys", 1}, {"krb5", 390003}, {"krb5i", 390004}, {"krb5p", 390005}};
  for (const auto& [name, num] : kSec)
    if (*sec == name) return num;
  return std::nullopt;
}

// Mean RTT of one operation in nfsstat -m's srtt unit (2.5 ms), rounded.
std::uint32_t srtt_of(const NfsOp& op) {
  if (op.ops == 0) return 0;
  return static_cast<std::uint32_t>((4 * op.rtt_ms + 5 * op.ops) / (10 * op.ops));
}

// mntinfo fields copied from a mount option (left out when the option is).
constexpr std::pair<std::string_view, std::string_view> kFromOption[] = {
    {"mik_curread", "rsize"},     {"mik_curwrite", "wsize"},    {"mik_timeo", "timeo"},
    {"mik_retrans", "retrans"},   {"mik_acregmin", "acregmin"}, {"mik_acregmax", "acregmax"},
    {"mik_acdirmin", "acdirmin"}, {"mik_acdirmax", "acdirmax"}};

void copy_str(char* dst, std::size_t size, std::string_view s) {
  std::size_t n = std::min(s.size(), size - 1);
  std::memcpy(dst, s.data(), n);
  dst[n] = '\0';
}

// nfs_xprt + k: the k-th "xprt:" line of the mount (k > 0 with nconnect).
enum class Kind : std::uint32_t { nfs_mntinfo, nfs_io, nfs_ops, nfs_events, nfs_xprt };

// The directory whose mountstats and mountinfo are read: <proc>/self, or
// the first <proc>/<pid> that has mountstats (a tree recorded without self).
std::string stats_dir(const std::string& proc) {
  if (procfs::exists(proc + "/self/mountstats")) return proc + "/self";
  std::vector<std::string> names;
  if (procfs::list_dir(proc, names) != 0) return proc + "/self";
  std::vector<std::uint64_t> pids;
  for (const std::string& n : names)
    if (auto pid = parse_u64(n)) pids.push_back(*pid);
  std::sort(pids.begin(), pids.end());
  for (std::uint64_t pid : pids)
    if (procfs::exists(fmt::format("{}/{}/mountstats", proc, pid)))
      return fmt::format("{}/{}", proc, pid);
  return proc + "/self";
}

// One NFS mount as the listing saw it.
struct NfsMountId {
  std::string mountpoint;   // as /proc/self/mountstats prints it (\040 for a space)
  std::size_t section = 0;  // its position among the file's "device" lines
};

class NfsFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override { return {{"nfs"}, {}, {"misc", "nfs"}, {}}; }
  bool has_io() const override { return true; }
  void enumerate(Lister& out) override;
  std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override;

 private:
  // The sections of this generation's mountstats, split once (not per kstat).
  const std::vector<Section>& sections_of(const TextFile& f) {
    if (sections_text_ != f.text || sections_gen_ != generation()) {
      sections_ = split_sections(*f.text);
      sections_text_ = f.text;
      sections_gen_ = generation();
    }
    return sections_;
  }
  std::vector<Section> sections_;
  const std::string* sections_text_ = nullptr;
  std::uint64_t sections_gen_ = UINT64_MAX;
  std::int64_t mount_crtime(std::int64_t instance, const Section& s, std::int64_t snaptime,
                            std::unordered_map<std::int64_t, std::int64_t>& next) const;
  std::unordered_map<std::int64_t, NfsMountId> nfs_;        // by instance, from the last listing
  std::unordered_map<std::int64_t, std::int64_t> crtimes_;  // by instance, from the last listing
  std::string dir_;  // <proc>/self or <proc>/<pid>, from the last listing
};

}  // namespace

void NfsFamily::enumerate(Lister& out) {
  nfs_.clear();
  dir_ = stats_dir(proc());
  int err = 0;
  const TextFile ms = read_text(dir_ + "/mountstats", err);
  if (!ms) return;  // no mountstats (no procfs self, old kernel): no NFS kstats
  const std::vector<Section>& sections = sections_of(ms);
  std::unordered_map<std::int64_t, std::int64_t> crtimes;
  struct Info {
    std::string_view mountpoint, fstype, source;
    std::int64_t minor;
    bool used = false;
  };
  std::vector<Info> infos;
  // mountinfo lines by mount point (so matching N mounts is linear in N).
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_mount;
  const std::string* mi = nullptr;
  std::int64_t ordinal = 0;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const Section& s = sections[i];
    if (!s.nfs()) continue;
    if (mi == nullptr && (mi = read_text(dir_ + "/mountinfo", err).text) != nullptr) {
      // "id parent major:minor root mountpoint options [optional...] - fstype source superopts"
      procfs::for_each_line(*mi, [&](std::string_view line, std::size_t) {
        auto f = fields(line);
        std::size_t dash = 6;
        while (dash < f.size() && f[dash] != "-") ++dash;
        if (dash + 2 >= f.size() || f[2].find(':') == std::string_view::npos) return true;
        auto minor = parse_u64(f[2].substr(f[2].find(':') + 1));
        if (minor) {
          by_mount[f[4]].push_back(infos.size());
          infos.push_back({f[4], f[dash + 1], f[dash + 2], static_cast<std::int64_t>(*minor)});
        }
        return true;
      });
    }
    std::int64_t instance = kFallbackInstance + ++ordinal;
    // The first unused mountinfo line of the same mount point, source and type.
    if (auto m = by_mount.find(s.mountpoint); m != by_mount.end()) {
      for (std::size_t k : m->second) {
        Info& in = infos[k];
        if (in.used || in.source != s.device || in.fstype != s.fstype) continue;
        in.used = true;
        instance = in.minor;
        break;
      }
    }
    // A second mount of the same superblock (bind mount, sharecache) has the
    // same minor and the same statistics: one kstat, as for one vfs on illumos.
    if (!nfs_.emplace(instance, NfsMountId{std::string(s.mountpoint), i}).second) continue;
    const std::int64_t crtime = mount_crtime(instance, s, ms.snaptime, crtimes);
    auto add = [&](std::string_view name, std::string_view klass, KstatType type,
                   std::uint32_t kind) -> KstatHeader& {
      KstatHeader& h = out.add("nfs", instance, name, klass, type, kind);
      h.crtime = crtime;
      return h;
    };
    add("mntinfo", "misc", KstatType::raw, static_cast<std::uint32_t>(Kind::nfs_mntinfo));
    out.back().ndata = 1;
    out.back().data_size = sizeof(MntinfoKstat);
    add(fmt::format("nfs{}", instance), "nfs", KstatType::io,
        static_cast<std::uint32_t>(Kind::nfs_io));
    out.back().ndata = 1;
    out.back().data_size = sizeof(IoStats);
    add("ops", "misc", KstatType::named, static_cast<std::uint32_t>(Kind::nfs_ops));
    if (s.body.find("events:") != std::string_view::npos)
      add("events", "misc", KstatType::named, static_cast<std::uint32_t>(Kind::nfs_events));
    for (std::size_t k = 0, n = xprt_count(s.body); k < n; ++k)
      add(k == 0 ? std::string("xprt") : fmt::format("xprt{}", k), "misc", KstatType::named,
          static_cast<std::uint32_t>(Kind::nfs_xprt) + static_cast<std::uint32_t>(k));
  }
  crtimes_.swap(crtimes);
}

// When the mount was made: the read time minus mountstats' "age:" (whole
// seconds), 0 without one. The value of the last listing is kept while the
// new one is within a second of it (age's rounding), so rates do not
// restart at every sample.
std::int64_t NfsFamily::mount_crtime(std::int64_t instance, const Section& s, std::int64_t snaptime,
                                     std::unordered_map<std::int64_t, std::int64_t>& next) const {
  const auto age = section_age(s.body);
  if (!age || *age > static_cast<std::uint64_t>(snaptime / 1000000000)) return next[instance] = 0;
  const std::int64_t crtime = snaptime - static_cast<std::int64_t>(*age) * 1000000000;
  auto it = crtimes_.find(instance);
  if (it != crtimes_.end() && it->second != 0 && it->second - crtime <= 1000000000 &&
      crtime - it->second <= 1000000000)
    return next[instance] = it->second;
  return next[instance] = crtime;
}

namespace {

// nfs:N:nfsN: the io kstat of one mount, from its READ and WRITE op lines.
void fill_nfs_io(const NfsBody& b, const NfsOp& read, const NfsOp& write, Arena& arena,
                 KstatData& out) {
  auto* io = arena.make_array<IoStats>(1);
  io->nread = b.bytes[4];  // serverreadbytes: what READ calls returned
  io->nwritten = b.bytes[5];
  io->reads = static_cast<std::uint32_t>(read.ops);
  io->writes = static_cast<std::uint32_t>(write.ops);
  io->rlentime = static_cast<std::int64_t>((read.execute_ms + write.execute_ms) * kMs);
  io->rlastupdate = io->wlastupdate = out.snaptime;
  out.io = io;
  StatList s(arena);
  s.append(io_as_named(*io, arena));
  static constexpr std::string_view kBytes[8] = {
      "normal_read_bytes", "normal_write_bytes", "direct_read_bytes", "direct_write_bytes", "", "",
      "read_pages",        "write_pages"};
  for (std::size_t i = 0; i < 8; ++i)
    if (!kBytes[i].empty()) s.add_u64(kBytes[i], b.bytes[i], i < 6 ? Unit::bytes : Unit::none);
  for (const auto& [name, op] :
       {std::pair<std::string_view, NfsOp>{"read", read}, {"write", write}}) {
    s.add_u64(fmt::format("{}_rtt_ns", name), op.rtt_ms * kMs, Unit::ns);
    s.add_u64(fmt::format("{}_execute_ns", name), op.execute_ms * kMs, Unit::ns);
    s.add_u64(fmt::format("{}_retrans", name), op.trans > op.ops ? op.trans - op.ops : 0);
    s.add_u64(fmt::format("{}_timeouts", name), op.timeouts);
  }
  out.named = s.finish();
  out.ndata = 1;
  out.data_size = sizeof(IoStats);
}

// nfs:N:mntinfo: struct mntinfo_kstat from one mount's options, caps and RTTs.
void fill_nfs_mntinfo(const KstatHeader& h, const Section& sec, const NfsBody& b, const NfsOp& read,
                      const NfsOp& write, Arena& arena, KstatData& out) {
  MntinfoKstat m;
  std::string_view proto = b.opt("proto").value_or(b.xprt);
  if (proto.size() > 1 && proto.back() == '6') proto.remove_suffix(1);  // tcp6 → tcp, as knc_proto
  copy_str(m.mik_proto, sizeof m.mik_proto, proto);
  std::string_view vers = b.opt("vers").value_or(sec.fstype == "nfs4" ? "4" : "");
  auto major = parse_u64(vers.substr(0, vers.find('.')));
  std::optional<std::uint64_t> minor;
  if (vers.find('.') != std::string_view::npos)
    minor = parse_u64(vers.substr(vers.find('.') + 1));
  else if (major == 4u)
    minor = b.num("minorversion").value_or(0);
  m.mik_vers = static_cast<std::uint32_t>(major.value_or(0));
  std::uint32_t flags = 0;
  if (!b.opt("soft") && !b.opt("softerr")) flags |= kMiHard;
  if (b.opt("noac")) flags |= kMiNoac;
  if (b.opt("nocto")) flags |= kMiNocto;
  auto local_lock = b.opt("local_lock");
  if (b.opt("nolock") || local_lock == "posix" || local_lock == "all") flags |= kMiLlock;
  if (b.caps) {
    if (*b.caps & kCapHardlinks) flags |= kMiLink;
    if (*b.caps & kCapSymlinks) flags |= kMiSymlink;
    if (*b.caps & kCapAcls) flags |= kMiAcl;
    if (m.mik_vers == 3 && !(*b.caps & kCapReaddirplus)) flags |= kMiReaddirOnly;
  }
  m.mik_flags = flags;
  auto secmod = secmod_of(b);
  m.mik_secmod = secmod.value_or(0);
  auto u32 = [&](std::string_view key) {
    return static_cast<std::uint32_t>(b.num(key).value_or(0));
  };
  m.mik_curread = u32("rsize");
  m.mik_curwrite = u32("wsize");
  m.mik_timeo = static_cast<std::int32_t>(u32("timeo"));
  m.mik_retrans = static_cast<std::int32_t>(u32("retrans"));
  m.mik_acregmin = u32("acregmin");
  m.mik_acregmax = u32("acregmax");
  m.mik_acdirmin = u32("acdirmin");
  m.mik_acdirmax = u32("acdirmax");
  m.mik_timers[0].srtt = srtt_of(b.op("LOOKUP"));
  m.mik_timers[1].srtt = srtt_of(read);
  m.mik_timers[2].srtt = srtt_of(write);
  auto [server, export_path] = split_device(sec.device);
  const std::string host = unescape(server);
  copy_str(m.mik_curserver, sizeof m.mik_curserver, host);
  publish_raw(h, m, arena, out);
  // Dropped: what Linux does not report (no deviation, no current RTO), and
  // options this kernel did not print.
  StatList s(arena);
  for (const NamedStat& st : out.named) {
    std::string_view n = st.name_view();
    if (n.ends_with("_deviate") || n.ends_with("_rtxcur")) continue;
    if (n == "mik_secmod" && !secmod) continue;
    if (n == "mik_vers" && !major) continue;
    bool missing = false;
    for (const auto& [field, key] : kFromOption)
      if (n == field) missing = !b.num(key);
    if (!missing) s.append({&st, 1});
  }
  s.add_str("mountpoint", unescape(sec.mountpoint));  // Linux-only (the mntinfo table shows it)
  s.add_str("export", unescape(export_path));
  if (minor && m.mik_vers == 4) s.add_u32("minorversion", *minor);
  out.named = s.finish();
  out.ndata = 1;
}

// nfs:N:ops: every per-op line, <op>_ops … <op>_errors (op in lower case).
void fill_nfs_ops(const NfsBody& b, Arena& arena, KstatData& out) {
  StatList s(arena);
  for (const auto& [name, op] : b.ops) {
    std::string n(name);
    for (char& c : n) c = text::ascii_lower(c);
    s.add_u64(n + "_ops", op.ops);
    s.add_u64(n + "_trans", op.trans);
    s.add_u64(n + "_timeouts", op.timeouts);
    s.add_u64(n + "_bytes_sent", op.bytes_sent, Unit::bytes);
    s.add_u64(n + "_bytes_recv", op.bytes_recv, Unit::bytes);
    s.add_u64(n + "_queue_ns", op.queue_ms * kMs, Unit::ns);
    s.add_u64(n + "_rtt_ns", op.rtt_ms * kMs, Unit::ns);
    s.add_u64(n + "_execute_ns", op.execute_ms * kMs, Unit::ns);
    if (op.errors) s.add_u64(n + "_errors", *op.errors);
  }
  out.named = s.finish();
}

// Counts of one line under `names`; a value past them is "<extra><k>".
std::string add_counts(const BodyLine& l, std::span<const std::string_view> names,
                       std::string_view extra, std::size_t first, const std::string& path,
                       StatList& s) {
  const auto f = fields(l.text);
  for (std::size_t k = first; k < f.size(); ++k) {
    auto v = parse_u64(f[k]);
    if (!v) return fmt::format("{}:{}: value '{}' is not a number", path, l.line, f[k]);
    if (k - first < names.size())
      s.add_u64(names[k - first], *v);
    else
      s.add_u64(fmt::format("{}{}", extra, k - first), *v);
  }
  return {};
}

// nfs:N:events: the 27 nfs_iostat event counters (older kernels print fewer).
std::string fill_nfs_events(const NfsBody& b, const std::string& path, Arena& arena, KstatData& out,
                            int& err) {
  static constexpr std::string_view kEvents[] = {
      "inoderevalidate", "dentryrevalidate", "datainvalidate", "attrinvalidate", "vfsopen",
      "vfslookup",       "vfsaccess",        "vfsupdatepage",  "vfsreadpage",    "vfsreadpages",
      "vfswritepage",    "vfswritepages",    "vfsgetdents",    "vfssetattr",     "vfsflush",
      "vfsfsync",        "vfslock",          "vfsrelease",     "congestionwait", "setattrtrunc",
      "extendwrite",     "sillyrename",      "shortread",      "shortwrite",     "delay",
      "pnfs_read",       "pnfs_write"};
  StatList s(arena);
  if (b.events.line == 0)
    return err = ENOENT, fmt::format("{}: the mount has no 'events:' line", path);
  if (std::string m = add_counts(b.events, kEvents, "event", 0, path, s); !m.empty())
    return err = EINVAL, m;
  if (s.size() == 0)
    return err = EINVAL, fmt::format("{}:{}: 'events:' has no values", path, b.events.line);
  out.named = s.finish();
  return {};
}

// nfs:N:xprt[k]: one transport's counters, named by its protocol's layout.
std::string fill_nfs_xprt(const NfsBody& b, std::size_t k, const std::string& path, Arena& arena,
                          KstatData& out, int& err) {
  static constexpr std::string_view kTcp[] = {
      "srcport",  "bind_count", "connect_count", "connect_time", "idle_time", "sends",    "recvs",
      "bad_xids", "req_u",      "bklog_u",       "max_slots",    "sending_u", "pending_u"};
  static constexpr std::string_view kUdp[] = {"srcport",   "bind_count", "sends",   "recvs",
                                              "bad_xids",  "req_u",      "bklog_u", "max_slots",
                                              "sending_u", "pending_u"};
  static constexpr std::string_view kRdma[] = {"srcport",
                                               "bind_count",
                                               "connect_count",
                                               "connect_time",
                                               "idle_time",
                                               "sends",
                                               "recvs",
                                               "bad_xids",
                                               "req_u",
                                               "bklog_u",
                                               "read_chunk_count",
                                               "write_chunk_count",
                                               "reply_chunk_count",
                                               "total_rdma_request",
                                               "total_rdma_reply",
                                               "pullup_copy_count",
                                               "fixup_copy_count",
                                               "hardway_register_count",
                                               "failed_marshal_count",
                                               "bad_reply_count",
                                               "nomsg_call_count",
                                               "mrs_recycled",
                                               "mrs_orphaned",
                                               "mrs_allocated",
                                               "local_inv_needed",
                                               "empty_sendctx_q",
                                               "reply_waits_for_send"};
  if (k >= b.xprts.size())
    return err = ENOENT, fmt::format("{}: the mount has no xprt line {}", path, k);
  const BodyLine& l = b.xprts[k];
  const auto f = fields(l.text);
  if (f.empty()) return err = EINVAL, fmt::format("{}:{}: empty 'xprt:' line", path, l.line);
  std::span<const std::string_view> names =
      f[0] == "tcp"    ? std::span<const std::string_view>(kTcp)
      : f[0] == "udp"  ? std::span<const std::string_view>(kUdp)
      : f[0] == "rdma" ? std::span<const std::string_view>(kRdma)
                       : std::span<const std::string_view>();
  StatList s(arena);
  s.add_str("proto", f[0]);
  if (std::string m = add_counts(l, names, "v", 1, path, s); !m.empty()) return err = EINVAL, m;
  out.named = s.finish();
  return {};
}

}  // namespace

std::string NfsFamily::read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                            int& err) {
  const std::string path = dir_ + "/mountstats";
  auto it = nfs_.find(h.instance);
  if (it == nfs_.end())
    return err = ENOENT, fmt::format("{}: no NFS mount with minor {}", path, h.instance);
  const TextFile in = read_text(path, err, &out);
  if (!in) return in.error;
  const std::vector<Section>& sections = sections_of(in);
  const std::size_t at = it->second.section;
  if (at >= sections.size() || sections[at].mountpoint != it->second.mountpoint ||
      !sections[at].nfs())
    return err = ENOENT,
           fmt::format("{}: {} is no longer mounted", path, unescape(it->second.mountpoint));
  const Section& sec = sections[at];
  NfsBody b;
  if (std::string msg = parse_body(sec, path, b); !msg.empty()) return err = EINVAL, msg;
  const NfsOp read = b.op("READ"), write = b.op("WRITE");
  switch (kind >= static_cast<std::uint32_t>(Kind::nfs_xprt) ? Kind::nfs_xprt
                                                             : static_cast<Kind>(kind)) {
    case Kind::nfs_io:
      fill_nfs_io(b, read, write, arena, out);
      break;
    case Kind::nfs_mntinfo:
      fill_nfs_mntinfo(h, sec, b, read, write, arena, out);
      break;
    case Kind::nfs_ops:
      fill_nfs_ops(b, arena, out);
      break;
    case Kind::nfs_events:
      return fill_nfs_events(b, path, arena, out, err);
    case Kind::nfs_xprt:
      return fill_nfs_xprt(b, kind - static_cast<std::uint32_t>(Kind::nfs_xprt), path, arena, out,
                           err);
  }
  return {};
}

std::unique_ptr<Family> make_nfs_family(LinuxSource& src) {
  return std::make_unique<NfsFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
