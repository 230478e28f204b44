// engine/sources/linux/filesystems.cpp — space and inodes of every mounted
// filesystem: fs:0:<mount point> (class fs), from /proc/self/mountinfo and
// statvfs(3); pseudo filesystems (proc, sysfs, cgroup2, …) under their own
// module fs_pseudo, so a query on module fs never lists them.
//
// statvfs asks the kernel about the live mount, so it is called only when the
// proc root is the live "/proc"; a recorded tree lists the mounts of its
// mountinfo, and reading one gives the error "statvfs needs the live system".
// A statvfs happens only when that kstat is read (a hung NFS server blocks
// only the queries that read its mount). docs/linux-mapping.md, "Storage".
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::StatList;

// Filesystems that hold no blocks of their own (df's "dummy" list, plus the
// kernel's other virtual filesystems). tmpfs, devtmpfs and overlay have real
// sizes and are kept.
constexpr std::string_view kPseudo[] = {
    "autofs",     "binfmt_misc", "bpf",       "cgroup",      "cgroup2", "configfs",
    "debugfs",    "devpts",      "efivarfs",  "fuse.portal", "fusectl", "hugetlbfs",
    "mqueue",     "nfsd",        "nsfs",      "proc",        "pstore",  "ramfs",
    "rpc_pipefs", "securityfs",  "selinuxfs", "sysfs",       "tracefs", "none"};

bool pseudo(std::string_view fstype) {
  for (std::string_view p : kPseudo)
    if (p == fstype) return true;
  return false;
}

// "\040" octal escapes as the kernel prints them in mountinfo.
std::string unescape(std::string_view s) {
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// One mountinfo line: "id parent major:minor root mountpoint options
// [optional...] - fstype source superopts".
struct Mount {
  std::string mountpoint, fstype, source, device, options;
  std::size_t line = 0;
};

// Returns "" or "path:line: what" for the first malformed line (the others
// are still listed).
std::string parse_mountinfo(std::string_view text, const std::string& path,
                            std::vector<Mount>& out) {
  std::string msg;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    if (procfs::trim(line).empty()) return true;
    auto f = fields(line);
    std::size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash + 2 >= f.size() || f[2].find(':') == std::string_view::npos) {
      if (msg.empty())
        msg = fmt::format(
            "{}:{}: expected 'id parent major:minor root mountpoint options - fstype source'", path,
            no);
      return true;
    }
    out.push_back({unescape(f[4]), std::string(f[dash + 1]), unescape(f[dash + 2]),
                   std::string(f[2]), std::string(f[5]), no});
    return true;
  });
  return msg;
}

class FsFamily final : public Family {
 public:
  FsFamily(LinuxSource& src, bool pseudo)
      : Family(src), pseudo_(pseudo), module_(pseudo ? "fs_pseudo" : "fs") {}
  PartScope scope() const override { return {{module_}, {}, {"fs"}, {}, {}}; }

  void enumerate(Lister& out) override {
    mounts_.clear();
    int err = 0;
    const TextFile mi = read_text(proc() + "/self/mountinfo", err);
    if (!mi) return;  // no mountinfo: no filesystem kstats
    std::vector<Mount> all;
    (void)parse_mountinfo(*mi.text, mi.path, all);  // a bad line lists nothing for itself
    // The last mount at a mount point is the one the path reaches (it covers
    // the earlier ones), so it is the one listed.
    for (Mount& m : all) {
      if (pseudo(m.fstype) != pseudo_) continue;
      mounts_.insert_or_assign(m.mountpoint, std::move(m));
    }
    for (const auto& [mp, m] : mounts_) out.add(module_, 0, mp, "fs", KstatType::named, 0u);
  }

  std::string read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                   int& err) override;

 private:
  bool pseudo_;
  std::string module_;
  std::unordered_map<std::string, Mount> mounts_;  // by mount point, from the last listing
};

std::string FsFamily::read(const KstatHeader& h, std::uint32_t, Arena& arena, KstatData& out,
                           int& err) {
  auto it = mounts_.find(std::string(h.name));
  if (it == mounts_.end())
    return err = ENOENT, fmt::format("{}/self/mountinfo: {} is not mounted", proc(), h.name);
  const Mount& m = it->second;
  StatList s(arena);
  auto strings = [&] {
    s.add_str("fstype", m.fstype);
    s.add_str("device", m.source);
    s.add_str("dev", m.device);  // major:minor
    s.add_str("mount_options", m.options);
  };
  struct statvfs v {};
  if (proc() != "/proc") {
    return err = EOPNOTSUPP, fmt::format("{}/self/mountinfo:{}: {}: statvfs needs the live system",
                                         proc(), m.line, m.mountpoint);
  }
  out.snaptime = now();
  // autofs: a statvfs could trigger the automount; only its strings are shown.
  if (m.fstype != "autofs") {
    if (::statvfs(m.mountpoint.c_str(), &v) != 0) {
      err = errno;
      return fmt::format("statvfs({}): {}", m.mountpoint, std::strerror(err));
    }
    const std::uint64_t frsize = v.f_frsize ? v.f_frsize : v.f_bsize;
    s.add_u64("f_bsize", v.f_bsize, Unit::bytes);
    s.add_u64("f_frsize", frsize, Unit::bytes);
    s.add_u64("f_blocks", v.f_blocks);
    s.add_u64("f_bfree", v.f_bfree);
    s.add_u64("f_bavail", v.f_bavail);
    s.add_u64("f_files", v.f_files);
    s.add_u64("f_ffree", v.f_ffree);
    s.add_u64("f_favail", v.f_favail);
    s.add_u64("f_fsid", v.f_fsid);
    s.add_u64("f_flag", v.f_flag);
    s.add_u64("f_namemax", v.f_namemax);
    s.add_u64("size", v.f_blocks * frsize, Unit::bytes);
    s.add_u64("free", v.f_bfree * frsize, Unit::bytes);
    s.add_u64("avail", v.f_bavail * frsize, Unit::bytes);
    s.add_u64("used", (v.f_blocks - v.f_bfree) * frsize, Unit::bytes);
    s.add_u64("files_used", v.f_files - v.f_ffree);
  }
  strings();
  out.named = s.finish();
  return {};
}

}  // namespace

std::unique_ptr<Family> make_fs_family(LinuxSource& src) {
  return std::make_unique<FsFamily>(src, false);
}
std::unique_ptr<Family> make_fs_pseudo_family(LinuxSource& src) {
  return std::make_unique<FsFamily>(src, true);
}

}  // namespace kstatsql::engine::linuxsrc
