// Tests of the Linux storage families: mdstat:N:mdN, fs:0:<mount point> and
// fs_pseudo, xfs:0:<line>, btrfs:0:<uuid>, bcache:0:<set>, fscache:0:stats,
// and the NFS RPC counters (unix:0:rpc_client/server, nfs:0:rfs*, nfs_server).
//
// Fixture tests/data/linux/storage: proc/stat, loadavg, meminfo, uptime (from
// vm-2cpu) and proc/self/mountinfo recorded from this VM; proc/fs/xfs/stat is
// this VM's layout (kernel 6.x) with distinct counters set by hand (the VM
// mounts no xfs, so all its counters are 0). This machine has no md arrays,
// btrfs or bcache filesystems, fscache or NFS, so proc/mdstat,
// sys/fs/btrfs/<uuid>, sys/fs/bcache/<set>, proc/fs/fscache/stats and
// proc/net/rpc/{nfs,nfsd} are hand-made in the kernel's documented formats
// (drivers/md/md.c, fs/btrfs/sysfs.c, drivers/md/bcache/sysfs.c,
// fs/fscache/stats.c, net/sunrpc/stats.c, fs/nfsd/stats.c).
// tests/data/linux/storage-bad: the same with one garbled or truncated file
// per family. Expected values are read from the fixture text or written from it.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/db.hpp"

using namespace kstatsql;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(KSTATSQL_TEST_DATA) + "/linux/";
const std::string kTree = "procfs:" + kData + "storage";

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The numbers after `key` on the line of `file` that starts with it.
std::vector<std::string> line_values(const std::string& file, const std::string& key) {
  std::istringstream in(slurp(file));
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::string k;
    l >> k;
    if (k != key) continue;
    std::vector<std::string> v;
    for (std::string x; l >> x;) v.push_back(x);
    return v;
  }
  return {};
}

std::string stat(test::Db& db, const std::string& module, const std::string& name,
                 const std::string& statistic) {
  return db.one("SELECT value FROM named WHERE module = '" + module + "' AND name = '" + name +
                "' AND statistic = '" + statistic + "'");
}

// df -B1's size, used and avail of /, or nullopt when df cannot run.
std::optional<std::array<unsigned long long, 3>> df_root() {
  FILE* p = ::popen("df -B1 --output=size,used,avail / 2>/dev/null | tail -1", "r");
  if (p == nullptr) return std::nullopt;
  std::array<unsigned long long, 3> v{};
  const int n = std::fscanf(p, "%llu %llu %llu", &v[0], &v[1], &v[2]);
  ::pclose(p);
  if (n != 3) return std::nullopt;
  return v;
}

}  // namespace

TEST_CASE("linux storage: one mdstat kstat per array", "[engine][linux][storage]") {
  test::Db db(kTree);
  CHECK(db.rows(
            "SELECT instance, name, class FROM kstat WHERE module = 'mdstat' ORDER BY instance") ==
        test::Rows{{"0", "md0", "misc"},
                   {"3", "md3", "misc"},
                   {"4", "md4", "misc"},
                   {"6", "md6", "misc"},
                   {"7", "md7", "misc"},
                   {"9", "md9", "misc"},
                   {"10", "md10", "misc"},
                   {"127", "md127", "misc"}});
  // md6: "195310144 blocks [2/1] [U_]" and "recovery =  8.5% (16775552/195310144)
  // finish=17.0min speed=259783K/sec" (1 KiB blocks).
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'mdstat' AND name = 'md6' AND "
                "statistic IN "
                "('state', 'level', 'raid_disks', 'active_disks', 'degraded', 'status', 'size', "
                "'sync_action', "
                "'sync_percent', 'sync_completed', 'sync_total', 'sync_finish_ns', 'sync_speed') "
                "ORDER BY statistic") ==
        test::Rows{{"active_disks", "1"},
                   {"degraded", "1"},
                   {"level", "raid1"},
                   {"raid_disks", "2"},
                   {"size", std::to_string(195310144ULL * 1024)},
                   {"state", "active"},
                   {"status", "U_"},
                   {"sync_action", "recovery"},
                   {"sync_completed", std::to_string(16775552ULL * 1024)},
                   {"sync_finish_ns", std::to_string(17ULL * 60 * 1000000000)},
                   {"sync_percent", "8.5"},
                   {"sync_speed", std::to_string(259783ULL * 1024)},
                   {"sync_total", std::to_string(195310144ULL * 1024)}});
  // md9: seven members, (W) once, (F) twice, (S) once; resync=DELAYED.
  CHECK(db.rows("SELECT statistic, value FROM named WHERE module = 'mdstat' AND name = 'md9' AND "
                "statistic IN "
                "('members', 'failed', 'spare', 'write_mostly', 'sync_action', 'sync_state') ORDER "
                "BY statistic") == test::Rows{{"failed", "2"},
                                              {"members", "7"},
                                              {"spare", "1"},
                                              {"sync_action", "resync"},
                                              {"sync_state", "delayed"},
                                              {"write_mostly", "1"}});
  // md4 is inactive: no level; md127 is auto-read-only; md10 (raid0) has no [n/m].
  CHECK(stat(db, "mdstat", "md4", "state") == "inactive");
  CHECK(db.one("SELECT count(*) FROM named WHERE module = 'mdstat' AND name = 'md4' AND statistic "
               "= 'level'") == "0");
  CHECK(stat(db, "mdstat", "md127", "read_only") == "1");
  CHECK(stat(db, "mdstat", "md3", "sync_action") == "idle");
  CHECK(db.one("SELECT count(*) FROM named WHERE module = 'mdstat' AND name = 'md10' AND statistic "
               "= 'raid_disks'") == "0");
  CHECK(db.one("SELECT unit FROM named WHERE module = 'mdstat' AND name = 'md10' AND statistic = "
               "'size'") == "bytes");
}

TEST_CASE("linux storage: filesystems from mountinfo, pseudo ones apart",
          "[engine][linux][storage]") {
  test::Db db(kTree);
  // The recorded mountinfo: ext4 /, devtmpfs /dev, tmpfs /dev/shm (twice: the
  // last one is listed), a tmpfs under /mnt and /sys/fs/cgroup; the rest are
  // proc, sysfs, devpts and cgroup mounts.
  CHECK(db.rows("SELECT name FROM kstat WHERE module = 'fs' ORDER BY name") ==
        test::Rows{{"/"},
                   {"/dev"},
                   {"/dev/shm"},
                   {"/mnt/sandboxing/model_tools_env/v1/python"},
                   {"/sys/fs/cgroup"}});
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'fs_pseudo'") == "13");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "13");  // the fs_pseudo family only
  // statvfs cannot be replayed: a per-kstat error that names the mountinfo line.
  CHECK(db.one("SELECT error FROM kstat WHERE module = 'fs' AND name = '/'") ==
        kData + "storage/proc/self/mountinfo:6: /: statvfs needs the live system");
  // \040 in a mount point is a space.
  test::Db nfs("procfs:" + kData + "nfs");
  CHECK(nfs.one("SELECT count(*) FROM kstat WHERE module = 'fs' AND name = '/mnt/scratch area'") ==
        "1");
}

TEST_CASE("linux storage: fs:0:/ equals df -B1 / within one block", "[engine][linux][storage]") {
  if (!fs::exists("/proc/self/mountinfo")) {
    WARN("no /proc/self/mountinfo");
    return;
  }
  test::Db db("live");
  // Other writers (the parallel test run) move used/avail: df is read before
  // and after the kstat, and a try counts only when both df readings agree.
  for (int attempt = 0; attempt < 10; ++attempt) {
    const auto before = df_root();
    const test::Rows r = db.rows(
        "SELECT statistic, value FROM named WHERE module = 'fs' AND name = '/' AND "
        "statistic IN ('size', 'used', 'avail', 'f_frsize') ORDER BY statistic");
    const auto after = df_root();
    REQUIRE(r.size() == 4);
    if (!before) {
      WARN("df -B1 --output did not run");
      return;
    }
    if (before != after) continue;
    const long long block = std::stoll(r[1][1]);  // f_frsize
    auto near = [block](const std::string& v, unsigned long long df) {
      return std::llabs(std::stoll(v) - static_cast<long long>(df)) <= block;
    };
    CHECK(near(r[2][1], (*before)[0]));  // size
    CHECK(near(r[3][1], (*before)[1]));  // used: blocks - bfree, as df
    CHECK(near(r[0][1], (*before)[2]));  // avail
    return;
  }
  WARN("the root filesystem kept changing; not compared");
}

TEST_CASE("linux storage: one xfs kstat per line of /proc/fs/xfs/stat",
          "[engine][linux][storage]") {
  test::Db db(kTree);
  const std::string file = kData + "storage/proc/fs/xfs/stat";
  std::istringstream in(slurp(file));
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    std::istringstream l(line);
    std::string key;
    l >> key;
    std::vector<std::string> v;
    for (std::string x; l >> x;) v.push_back(x);
    INFO(key);
    // Every value of the line, in order, as the kstat's statistics.
    const test::Rows got =
        db.rows("SELECT value FROM named WHERE module = 'xfs' AND name = '" + key + "'");
    REQUIRE(got.size() == v.size());
    for (std::size_t i = 0; i < v.size(); ++i) CHECK(got[i][0] == v[i]);
  }
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'xfs'") == std::to_string(lines));
  const auto xpc = line_values(file, "xpc");
  CHECK(db.rows("SELECT statistic, value, unit FROM named WHERE module = 'xfs' AND name = 'xpc'") ==
        test::Rows{{"xstrat_bytes", xpc[0], "bytes"},
                   {"write_bytes", xpc[1], "bytes"},
                   {"read_bytes", xpc[2], "bytes"}});
  const auto dir = line_values(file, "dir");
  CHECK(stat(db, "xfs", "dir", "getdents") == dir[3]);
  CHECK(stat(db, "xfs", "abtb2", "moves") == line_values(file, "abtb2")[14]);
}

TEST_CASE("linux storage: btrfs, bcache and fscache", "[engine][linux][storage]") {
  test::Db db(kTree);
  const std::string uuid = "0f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  CHECK(db.rows("SELECT name FROM kstat WHERE module = 'btrfs'") ==
        test::Rows{{uuid}});  // not "features"
  CHECK(stat(db, "btrfs", uuid, "label") == "backup");
  CHECK(stat(db, "btrfs", uuid, "data_total_bytes") == "2147483648");
  CHECK(stat(db, "btrfs", uuid, "metadata_dup_used") == "16777216");
  CHECK(stat(db, "btrfs", uuid, "global_rsv_size") == "5242880");
  CHECK(
      db.one("SELECT unit FROM named WHERE module = 'btrfs' AND statistic = 'system_disk_used'") ==
      "bytes");
  CHECK(db.one("SELECT unit FROM named WHERE module = 'btrfs' AND statistic = 'data_flags'") ==
        "NULL");
  const std::string set = "5b7f0c8e-2d4a-4f1e-9b3c-6a8d0e2f4c1b";
  CHECK(db.rows("SELECT name FROM kstat WHERE module = 'bcache'") == test::Rows{{set}});
  // bch_hprint sizes: "1.5M" = 1.5 × 2^20, "512.0k" = 512 × 2^10, "35.0M".
  CHECK(stat(db, "bcache", set, "btree_cache_size") == "1572864");
  CHECK(stat(db, "bcache", set, "bucket_size") == "524288");
  CHECK(stat(db, "bcache", set, "total_bypassed") == std::to_string(35ULL << 20));
  CHECK(stat(db, "bcache", set, "total_cache_hits") == "12000");
  CHECK(stat(db, "bcache", set, "five_minute_cache_misses") == "3");
  CHECK(stat(db, "bcache", set, "backing_devices") == "1");
  // fscache: every "Group: key=value" pair; "IO     : rd=1544 wr=288".
  CHECK(stat(db, "fscache", "stats", "cookies_n") == "12");
  CHECK(stat(db, "fscache", "stats", "io_rd") == "1544");
  CHECK(stat(db, "fscache", "stats", "lru_at") == "0");
  CHECK(db.one("SELECT count(*) FROM named WHERE module = 'fscache'") == "24");
}

TEST_CASE("linux storage: NFS client and server RPC counters", "[engine][linux][storage][nfs]") {
  test::Db db(kTree);
  const std::string nfs = kData + "storage/proc/net/rpc/nfs",
                    nfsd = kData + "storage/proc/net/rpc/nfsd";
  const auto rpc = line_values(nfs, "rpc");
  CHECK(db.rows("SELECT statistic, value, class FROM named WHERE module = 'unix' AND name = "
                "'rpc_client' AND "
                "statistic IN ('calls', 'retrans', 'newcreds')") ==
        test::Rows{
            {"calls", rpc[0], "rpc"}, {"retrans", rpc[1], "rpc"}, {"newcreds", rpc[2], "rpc"}});
  // proc3: the count, then the 22 procedures in RFC 1813 order, illumos' names.
  const auto p3 = line_values(nfs, "proc3");
  const test::Rows v3 =
      db.rows("SELECT statistic, value FROM named WHERE module = 'nfs' AND name = 'rfsreqcnt_v3'");
  REQUIRE(v3.size() == 22);
  CHECK(v3[0] == std::vector<std::string>{"null", p3[1]});
  CHECK(v3[3] == std::vector<std::string>{"lookup", p3[4]});
  CHECK(v3[17] == std::vector<std::string>{"readdirplus", p3[18]});
  CHECK(v3[21] == std::vector<std::string>{"commit", p3[22]});
  // The client's proc4 (71 values: the current kernel's enum, zero_range at 57).
  const auto c4 = line_values(nfs, "proc4");
  CHECK(stat(db, "nfs", "client_proc4", "zero_range") == c4[58]);
  CHECK(stat(db, "nfs", "client_proc4", "offload_status") == c4[71]);
  // Server: rpc "18628 3 1 2 0", rc "0 6 18622": dupchecks = hits + misses.
  CHECK(db.rows(
            "SELECT statistic, value FROM named WHERE module = 'unix' AND name = 'rpc_server' AND "
            "statistic IN ('calls', 'badcalls', 'dupchecks', 'dupreqs', 'badauth')") ==
        test::Rows{{"calls", "18628"},
                   {"badcalls", "3"},
                   {"dupchecks", "6"},
                   {"dupreqs", "0"},
                   {"badauth", "2"}});
  // proc4ops by op number: 3 access, 38 write, 39 release_lockowner, 53 sequence, 75 removexattr.
  const auto ops = line_values(nfsd, "proc4ops");
  CHECK(stat(db, "nfs", "rfsproccnt_v4", "compound") == line_values(nfsd, "proc4")[2]);
  CHECK(stat(db, "nfs", "rfsproccnt_v4", "access") == ops[4]);
  CHECK(stat(db, "nfs", "rfsproccnt_v4", "write") == ops[39]);
  CHECK(stat(db, "nfs", "rfsproccnt_v4", "release_lockowner") == ops[40]);
  CHECK(stat(db, "nfs", "rfsproccnt_v4", "sequence") == ops[54]);
  CHECK(stat(db, "nfs", "rfsproccnt_v4", "removexattr") == ops[76]);
  CHECK(db.one("SELECT count(*) FROM named WHERE module = 'nfs' AND name = 'rfsproccnt_v4' AND "
               "statistic = 'reserved'") == "0");
  // nfs:V:nfs_server calls: the sum of version V's procedures (v2: 2 + 69; v4: 2 + 10853).
  CHECK(db.rows("SELECT instance, value FROM named WHERE module = 'nfs' AND name = 'nfs_server' "
                "ORDER BY instance") == test::Rows{{"2", "71"}, {"3", "3190"}, {"4", "10855"}});
  CHECK(stat(db, "nfs", "nfsd", "io_read") == "157286400");
  CHECK(stat(db, "nfs", "nfsd", "th_threads") == "8");
  CHECK(stat(db, "nfs", "nfsd", "wdeleg_getattr") == "17");
}

TEST_CASE("linux storage: a bad file costs only its own kstat", "[engine][linux][storage]") {
  test::Db db("procfs:" + kData + "storage-bad");
  const std::string root = kData + "storage-bad/";
  auto error = [&](const std::string& where) {
    return db.one("SELECT error FROM kstat WHERE " + where);
  };
  CHECK(error("module = 'mdstat' AND name = 'md6'") ==
        root + "proc/mdstat:16: expected '= P% (done/total) finish=Xmin speed=YK/sec'");
  CHECK(error("module = 'mdstat' AND name = 'md10'") ==
        root + "proc/mdstat:26: md10 has no '<blocks> blocks' line (truncated?)");
  CHECK(error("module = 'mdstat' AND name = 'md3'") == "NULL");
  CHECK(error("module = 'xfs' AND name = 'dir'") ==
        root + "proc/fs/xfs/stat:5: value 2 of 'dir' is not a number: 'x'");
  CHECK(error("module = 'xfs' AND name = 'log'") ==
        root + "proc/fs/xfs/stat:8: 'log' has no values");
  CHECK(error("module = 'xfs' AND name = 'abt'") == "NULL");
  CHECK_THAT(error("module = 'fscache'"), Catch::StartsWith(root + "proc/fs/fscache/stats:2: "));
  CHECK_THAT(error("module = 'btrfs'"),
             Catch::Contains("allocation/data/total_bytes:1: expected a number"));
  CHECK_THAT(error("module = 'bcache'"),
             Catch::Contains("stats_total/cache_hits:1: expected a number"));
  CHECK(error("name = 'rfsreqcnt_v3'") ==
        root + "proc/net/rpc/nfs:3: 'proc3' announces 22 values, has 5");
  CHECK(error("name = 'rpc_server'") ==
        root + "proc/net/rpc/nfsd:7: 'rpc' needs 5 values, has 1 (truncated?)");
  CHECK(error("name = 'rpc_client'") == "NULL");
  CHECK(error("name = 'rfsproccnt_v3'") == "NULL");
  // The truncated last mountinfo line is skipped; the others are listed.
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'fs_pseudo'") == "12");
  // Other families still answer.
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'cpu' AND error IS NULL") == "2");
}

TEST_CASE("linux storage: point queries list one family", "[engine][linux][storage]") {
  test::Db db(kTree);
  CHECK(db.one("SELECT value FROM named WHERE module='unix' AND instance=0 AND name='system_misc' "
               "AND statistic='nproc'") != "");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "5");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'mdstat'") == "8");
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "8");
  CHECK(db.one("SELECT count(*) FROM kstat WHERE module = 'unix' AND name = 'rpc_server'") == "1");
  // The NFS RPC family alone: rpc_client, rfsreqcnt_v3, client_proc4, rpc_server,
  // nfsd, and rfsproccnt_vN with nfs:N:nfs_server for N = 2, 3, 4.
  CHECK(db.one("SELECT kstat_reads('enumerated')") == "11");
}

TEST_CASE("linux storage: rates of a counter across two generations", "[engine][linux][storage]") {
  const fs::path dir =
      fs::temp_directory_path() / ("kstatsql-storage-rate-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(kData + "storage", dir, fs::copy_options::recursive);
  std::ofstream(dir / "proc/uptime") << "100.00 1.00\n";  // the tree's clock
  test::Db db("procfs:" + dir.string());
  const std::string q =
      "SELECT value, delta, rate > 0 FROM named WHERE module = 'xfs' AND name = 'rw' "
      "AND statistic = 'read_calls'";
  const std::string before = db.rows(q)[0][0];
  std::string text = slurp((dir / "proc/fs/xfs/stat").string());
  const std::string from =
      "rw " + line_values(kData + "storage/proc/fs/xfs/stat", "rw")[0] + " " + before;
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(
      text.find(from), from.size(),
      from.substr(0, from.size() - before.size()) + std::to_string(std::stoull(before) + 500));
  std::ofstream(dir / "proc/fs/xfs/stat") << text;
  std::ofstream(dir / "proc/uptime") << "101.00 1.00\n";  // recorded 1 s later
  CHECK(db.rows(q) == test::Rows{{std::to_string(std::stoull(before) + 500), "500", "1"}});
  fs::remove_all(dir);
}
