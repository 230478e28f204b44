// engine/sources/linux/nfs_rpc.cpp — the NFS client and server RPC counters
// of /proc/net/rpc/nfs and /proc/net/rpc/nfsd under illumos' names:
//   unix:0:rpc_client, unix:0:rpc_server (class rpc), nfs:0:rfsreqcnt_v2/v3
//   (client calls per procedure), nfs:0:rfsproccnt_v2/v3/v4 (server), and
//   nfs:V:nfs_server (server calls per version), class misc; and under Linux
//   names nfs:0:client_proc4 (the client's NFSv4 pseudo-procedures) and
//   nfs:0:nfsd (reply cache, file handles, bytes, threads).
// The per-procedure orders: net/sunrpc/stats.c, fs/nfsd/stats.c,
// include/linux/nfs4.h. docs/linux-mapping.md, "NFS".
#include <array>
#include <cerrno>
#include <iterator>
#include <numeric>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;
using Names = std::span<const std::string_view>;

// RFC 1094 and RFC 1813 procedure orders: illumos' and Linux' alike.
constexpr std::string_view kV2[] = {"null", "getattr", "setattr", "root",   "lookup",  "readlink",
                                    "read", "wrcache", "write",   "create", "remove",  "rename",
                                    "link", "symlink", "mkdir",   "rmdir",  "readdir", "statfs"};
constexpr std::string_view kV3[] = {
    "null",    "getattr",     "setattr", "lookup", "access",   "readlink", "read",   "write",
    "create",  "mkdir",       "symlink", "mknod",  "remove",   "rmdir",    "rename", "link",
    "readdir", "readdirplus", "fsstat",  "fsinfo", "pathconf", "commit"};
// NFSv4 operations by op number (enum nfs_opnum4): 0-2 are not operations;
// 3-39 are illumos' rfsproccnt_v4 names, 40-75 the v4.1, v4.2 and xattr ones.
constexpr std::string_view kV4Ops[] = {"",
                                       "",
                                       "",
                                       "access",
                                       "close",
                                       "commit",
                                       "create",
                                       "delegpurge",
                                       "delegreturn",
                                       "getattr",
                                       "getfh",
                                       "link",
                                       "lock",
                                       "lockt",
                                       "locku",
                                       "lookup",
                                       "lookupp",
                                       "nverify",
                                       "open",
                                       "openattr",
                                       "open_confirm",
                                       "open_downgrade",
                                       "putfh",
                                       "putpubfh",
                                       "putrootfh",
                                       "read",
                                       "readdir",
                                       "readlink",
                                       "remove",
                                       "rename",
                                       "renew",
                                       "restorefh",
                                       "savefh",
                                       "secinfo",
                                       "setattr",
                                       "setclientid",
                                       "setclientid_confirm",
                                       "verify",
                                       "write",
                                       "release_lockowner",
                                       "backchannel_ctl",
                                       "bind_conn_to_session",
                                       "exchange_id",
                                       "create_session",
                                       "destroy_session",
                                       "free_stateid",
                                       "get_dir_delegation",
                                       "getdeviceinfo",
                                       "getdevicelist",
                                       "layoutcommit",
                                       "layoutget",
                                       "layoutreturn",
                                       "secinfo_no_name",
                                       "sequence",
                                       "set_ssv",
                                       "test_stateid",
                                       "want_delegation",
                                       "destroy_clientid",
                                       "reclaim_complete",
                                       "allocate",
                                       "copy",
                                       "copy_notify",
                                       "deallocate",
                                       "io_advise",
                                       "layouterror",
                                       "layoutstats",
                                       "offload_cancel",
                                       "offload_status",
                                       "read_plus",
                                       "seek",
                                       "write_same",
                                       "clone",
                                       "getxattr",
                                       "setxattr",
                                       "listxattrs",
                                       "removexattr"};
// The client's NFSPROC4_CLNT_* pseudo-procedures (include/linux/nfs4.h), in
// the current kernel's order (71, with zero_range at 57); kernels without
// zero_range print 70. Other counts name only the first 44, stable since v4.1.
constexpr std::string_view kClient4[] = {"null",
                                         "read",
                                         "write",
                                         "commit",
                                         "open",
                                         "open_confirm",
                                         "open_noattr",
                                         "open_downgrade",
                                         "close",
                                         "setattr",
                                         "fsinfo",
                                         "renew",
                                         "setclientid",
                                         "setclientid_confirm",
                                         "lock",
                                         "lockt",
                                         "locku",
                                         "access",
                                         "getattr",
                                         "lookup",
                                         "lookup_root",
                                         "remove",
                                         "rename",
                                         "link",
                                         "symlink",
                                         "create",
                                         "pathconf",
                                         "statfs",
                                         "readlink",
                                         "readdir",
                                         "server_caps",
                                         "delegreturn",
                                         "getacl",
                                         "setacl",
                                         "fs_locations",
                                         "release_lockowner",
                                         "secinfo",
                                         "fsid_present",
                                         "exchange_id",
                                         "create_session",
                                         "destroy_session",
                                         "sequence",
                                         "get_lease_time",
                                         "reclaim_complete",
                                         "layoutget",
                                         "getdeviceinfo",
                                         "layoutcommit",
                                         "layoutreturn",
                                         "secinfo_no_name",
                                         "test_stateid",
                                         "free_stateid",
                                         "getdevicelist",
                                         "bind_conn_to_session",
                                         "destroy_clientid",
                                         "seek",
                                         "allocate",
                                         "deallocate",
                                         "zero_range",
                                         "layoutstats",
                                         "clone",
                                         "copy",
                                         "offload_cancel",
                                         "lookupp",
                                         "layouterror",
                                         "copy_notify",
                                         "getxattr",
                                         "setxattr",
                                         "listxattrs",
                                         "removexattr",
                                         "read_plus",
                                         "offload_status"};
constexpr std::size_t kClient4Stable = 44, kZeroRange = 57;

enum class Kind : std::uint32_t {
  rpc_client,
  req_v2,
  req_v3,
  client_proc4,
  rpc_server,
  nfsd,
  proc_v2,
  proc_v3,
  proc_v4,
  nfs_server
};

// One "key n n n" line of the file.
struct Row {
  std::string_view key;
  std::vector<std::string_view> values;
  std::size_t line = 0;
};
std::vector<Row> rows_of(std::string_view text) {
  std::vector<Row> out;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    auto f = fields(line);
    if (!f.empty()) out.push_back({f[0], {f.begin() + 1, f.end()}, no});
    return true;
  });
  return out;
}
const Row* find(const std::vector<Row>& rows, std::string_view key) {
  for (const Row& r : rows)
    if (r.key == key) return &r;
  return nullptr;
}

// The numbers of a row, or "path:line: what". With `counted`, the first
// value is the count of the others ("proc3 22 …").
std::string numbers(const Row& r, const std::string& path, std::size_t need, bool counted,
                    std::vector<std::uint64_t>& v) {
  for (std::string_view f : r.values) {
    auto n = parse_u64(f);
    if (!n) return fmt::format("{}:{}: '{}' value '{}' is not a number", path, r.line, r.key, f);
    v.push_back(*n);
  }
  if (counted && (v.empty() || v[0] != v.size() - 1))
    return fmt::format("{}:{}: '{}' announces {} values, has {}", path, r.line, r.key,
                       v.empty() ? 0 : v[0], v.empty() ? 0 : v.size() - 1);
  if (counted) v.erase(v.begin());
  if (v.size() < need)
    return fmt::format("{}:{}: '{}' needs {} values, has {} (truncated?)", path, r.line, r.key,
                       need, v.size());
  return {};
}

// Per-procedure counts under `names` (an empty or missing name: "proc<k>").
void add_procs(const std::vector<std::uint64_t>& v, Names names, std::size_t first, StatList& s) {
  for (std::size_t k = first; k < v.size(); ++k) {
    std::string_view n = k < names.size() ? names[k] : std::string_view{};
    if (n.empty())
      s.add_u64(fmt::format("proc{}", k), v[k]);
    else
      s.add_u64(n, v[k]);
  }
}

class NfsRpcFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override {
    return {{"unix", "nfs"},
            {"rpc_client", "rpc_server", "rfsreqcnt_v2", "rfsreqcnt_v3", "client_proc4", "nfsd",
             "rfsproccnt_v2", "rfsproccnt_v3", "rfsproccnt_v4", "nfs_server"},
            {"rpc", "misc"},
            {},
            {}};
  }
  void enumerate(Lister& out) override;
  std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override;

 private:
  std::string client(Kind k, const std::vector<Row>& rows, const std::string& path, StatList& s);
  std::string server(const KstatHeader& h, Kind k, const std::vector<Row>& rows,
                     const std::string& path, StatList& s);
};

void NfsRpcFamily::enumerate(Lister& out) {
  int err = 0;
  if (const TextFile c = read_text(proc() + "/net/rpc/nfs", err)) {
    const auto rows = rows_of(*c.text);
    out.add("unix", 0, "rpc_client", "rpc", KstatType::named, Kind::rpc_client);
    if (find(rows, "proc2"))
      out.add("nfs", 0, "rfsreqcnt_v2", "misc", KstatType::named, Kind::req_v2);
    if (find(rows, "proc3"))
      out.add("nfs", 0, "rfsreqcnt_v3", "misc", KstatType::named, Kind::req_v3);
    if (find(rows, "proc4"))
      out.add("nfs", 0, "client_proc4", "misc", KstatType::named, Kind::client_proc4);
  }
  if (const TextFile d = read_text(proc() + "/net/rpc/nfsd", err)) {
    const auto rows = rows_of(*d.text);
    out.add("unix", 0, "rpc_server", "rpc", KstatType::named, Kind::rpc_server);
    out.add("nfs", 0, "nfsd", "misc", KstatType::named, Kind::nfsd);
    const std::pair<const char*, Kind> versions[] = {
        {"proc2", Kind::proc_v2}, {"proc3", Kind::proc_v3}, {"proc4", Kind::proc_v4}};
    for (int v = 2; v <= 4; ++v) {
      if (!find(rows, versions[v - 2].first)) continue;
      out.add("nfs", 0, fmt::format("rfsproccnt_v{}", v), "misc", KstatType::named,
              versions[v - 2].second);
      out.add("nfs", v, "nfs_server", "misc", KstatType::named, Kind::nfs_server);
    }
  }
}

std::string NfsRpcFamily::client(Kind k, const std::vector<Row>& rows, const std::string& path,
                                 StatList& s) {
  const char* key = k == Kind::rpc_client ? "rpc"
                    : k == Kind::req_v2   ? "proc2"
                    : k == Kind::req_v3   ? "proc3"
                                          : "proc4";
  const Row* r = find(rows, key);
  if (!r) return fmt::format("{}: no '{}' line", path, key);
  std::vector<std::uint64_t> v;
  if (k == Kind::rpc_client) {
    if (std::string m = numbers(*r, path, 3, false, v); !m.empty()) return m;
    s.add_u64("calls", v[0]);
    s.add_u64("retrans", v[1]);
    s.add_u64("newcreds", v[2]);
    std::vector<std::uint64_t> net;
    if (const Row* n = find(rows, "net")) {
      if (std::string m = numbers(*n, path, 4, false, net); !m.empty()) return m;
      for (std::size_t i = 0; i < 4; ++i)
        s.add_u64(std::array{"netcnt", "netudpcnt", "nettcpcnt", "nettcpconn"}[i], net[i]);
    }
    return {};
  }
  if (std::string m = numbers(*r, path, 0, true, v); !m.empty()) return m;
  if (k == Kind::req_v2 || k == Kind::req_v3)
    return add_procs(v, k == Kind::req_v2 ? Names(kV2) : Names(kV3), 0, s), std::string();
  std::vector<std::string_view> names(std::begin(kClient4), std::end(kClient4));
  if (v.size() == std::size(kClient4) - 1)
    names.erase(names.begin() + kZeroRange);
  else if (v.size() != std::size(kClient4))
    names.resize(kClient4Stable);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (i < names.size())
      s.add_u64(names[i], v[i]);
    else
      s.add_u64(fmt::format("proc{}", i), v[i]);
  return {};
}

// nfsd "rc hits misses nocache", "fh stale …", "io read write", "th threads …".
std::string add_nfsd(const std::vector<Row>& rows, const std::string& path, StatList& s) {
  struct Field {
    const char* line;
    std::size_t index;
    const char* name;
    Unit unit;
  };
  static constexpr Field kFields[] = {
      {"rc", 0, "rc_hits", Unit::none},    {"rc", 1, "rc_misses", Unit::none},
      {"rc", 2, "rc_nocache", Unit::none}, {"fh", 0, "fh_stale", Unit::none},
      {"io", 0, "io_read", Unit::bytes},   {"io", 1, "io_write", Unit::bytes},
      {"th", 0, "th_threads", Unit::none}, {"wdeleg_getattr", 0, "wdeleg_getattr", Unit::none}};
  for (const Field& f : kFields) {
    const Row* r = find(rows, f.line);
    if (!r) continue;  // an older or newer kernel without that line
    if (r->values.size() <= f.index)
      return fmt::format("{}:{}: '{}' has too few values", path, r->line, f.line);
    auto n = parse_u64(r->values[f.index]);
    if (!n)
      return fmt::format("{}:{}: '{}' value '{}' is not a number", path, r->line, f.line,
                         r->values[f.index]);
    s.add_u64(f.name, *n, f.unit);
  }
  return {};
}

// unix:0:rpc_server from "rpc cnt badtotal badfmt badauth badclnt", "net …" and "rc …".
std::string add_rpc_server(const std::vector<Row>& rows, const std::string& path, StatList& s) {
  const Row* r = find(rows, "rpc");
  if (!r) return fmt::format("{}: no 'rpc' line", path);
  std::vector<std::uint64_t> v, rc, net;
  if (std::string m = numbers(*r, path, 5, false, v); !m.empty()) return m;
  s.add_u64("calls", v[0]);
  s.add_u64("badcalls", v[1]);
  if (const Row* c = find(rows, "rc")) {
    if (std::string m = numbers(*c, path, 3, false, rc); !m.empty()) return m;
    s.add_u64("dupchecks", rc[0] + rc[1]);  // every cacheable request is looked up
    s.add_u64("dupreqs", rc[0]);
  }
  s.add_u64("badfmt", v[2]);
  s.add_u64("badauth", v[3]);
  s.add_u64("badclnt", v[4]);
  if (const Row* n = find(rows, "net")) {
    if (std::string m = numbers(*n, path, 4, false, net); !m.empty()) return m;
    for (std::size_t i = 0; i < 4; ++i)
      s.add_u64(std::array{"netcnt", "netudpcnt", "nettcpcnt", "nettcpconn"}[i], net[i]);
  }
  return {};
}

// nfs:0:rfsproccnt_v4: null and compound of "proc4", then the operations of
// "proc4ops" by op number (0-2 are not operations).
std::string add_proc4(const std::vector<Row>& rows, const std::string& path, StatList& s) {
  std::vector<std::uint64_t> v, ops;
  const Row* r = find(rows, "proc4");
  if (std::string m = numbers(*r, path, 2, true, v); !m.empty()) return m;
  s.add_u64("null", v[0]);
  s.add_u64("compound", v[1]);
  if (const Row* o = find(rows, "proc4ops")) {
    if (std::string m = numbers(*o, path, 0, true, ops); !m.empty()) return m;
    add_procs(ops, kV4Ops, 3, s);
  }
  return {};
}

std::string NfsRpcFamily::server(const KstatHeader& h, Kind k, const std::vector<Row>& rows,
                                 const std::string& path, StatList& s) {
  if (k == Kind::rpc_server) return add_rpc_server(rows, path, s);
  if (k == Kind::nfsd) return add_nfsd(rows, path, s);
  const int version = k == Kind::nfs_server ? static_cast<int>(h.instance)
                      : k == Kind::proc_v2  ? 2
                      : k == Kind::proc_v3  ? 3
                                            : 4;
  const std::string key = fmt::format("proc{}", version);
  const Row* r = find(rows, key);
  if (!r) return fmt::format("{}: no '{}' line", path, key);
  if (k == Kind::proc_v4) return add_proc4(rows, path, s);
  std::vector<std::uint64_t> v;
  if (std::string m = numbers(*r, path, 0, true, v); !m.empty()) return m;
  if (k == Kind::nfs_server) {
    s.add_u64("calls", std::accumulate(v.begin(), v.end(),
                                       std::uint64_t{0}));  // every call is one procedure
    return {};
  }
  add_procs(v, version == 2 ? Names(kV2) : Names(kV3), 0, s);
  return {};
}

std::string NfsRpcFamily::read(const KstatHeader& h, std::uint32_t kind, Arena& arena,
                               KstatData& out, int& err) {
  const Kind k = static_cast<Kind>(kind);
  const bool is_client =
      k == Kind::rpc_client || k == Kind::req_v2 || k == Kind::req_v3 || k == Kind::client_proc4;
  const TextFile in = read_text(proc() + (is_client ? "/net/rpc/nfs" : "/net/rpc/nfsd"), err, &out);
  if (!in) return in.error;
  const auto rows = rows_of(*in.text);
  StatList s(arena);
  std::string msg = is_client ? client(k, rows, in.path, s) : server(h, k, rows, in.path, s);
  if (!msg.empty()) return err = EINVAL, msg;
  out.named = s.finish();
  return {};
}

}  // namespace

std::unique_ptr<Family> make_nfs_rpc_family(LinuxSource& src) {
  return std::make_unique<NfsRpcFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
