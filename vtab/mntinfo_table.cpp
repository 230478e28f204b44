/*
** mntinfo — one row per NFS mount: nfs:N:mntinfo (struct mntinfo_kstat, raw;
** kstat(8)'s nfs:mntinfo decoder). Instance N is the minor number of the
** mount's device; the mount's io kstat is nfs:N:nfsN (see the io table).
**
**   SELECT mountpoint, mik_proto, mik_vers, mik_curserver, read_srtt FROM mntinfo;
**   SELECT m.mountpoint, i.nread, i.nwritten
**     FROM mntinfo m JOIN io i ON i.module = 'nfs' AND i.instance = m.instance;
**
** Columns: module, instance, name, class (key columns, pushed down);
** mountpoint (TEXT: the statistic "mountpoint" when the source knows it — the
** Linux source does; the illumos struct does not hold it, so NULL there);
** mik_proto (transport, e.g. tcp), mik_vers, mik_flags (MI_* bits),
** mik_secmod, mik_curread, mik_curwrite (transfer sizes, bytes), mik_timeo
** (tenths of a second), mik_retrans, mik_acregmin, mik_acregmax, mik_acdirmin,
** mik_acdirmax (attribute cache, seconds); lookup_, read_ and write_srtt,
** _deviate, _rtxcur (mik_timers[0..2], the kernel's units: see nfsstat -m);
** mik_noresponse, mik_failover, mik_remap; mik_curserver (TEXT); snaptime,
** crtime (ns). The names are kstat(8)'s, mik_ prefix included.
**
** HOW IT WORKS: only kstats whose module:name with digits removed is
** nfs:mntinfo are visited (checked on the header). Values are read by name
** from the kstat's statistics (decoded raw struct or replayed dump alike). A
** missing statistic is NULL; a failed read, or a raw size other than 492,
** gives no row (see kstat.error). See docs/raw-kstats.md.
*/
#include "vtab/struct_table.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

constexpr std::string_view kKey = "nfs:mntinfo";
constexpr int kFirstStat = 5;  // mik_proto; mountpoint is not in the struct

const Column kColumns[] = {
    key_column(engine::KeyCol::module, "kstat module (nfs)"),
    key_column(engine::KeyCol::instance, "minor number of the mount's device"),
    key_column(engine::KeyCol::name, "kstat name (mntinfo)"),
    key_column(engine::KeyCol::klass, "kstat class (misc)"),
    {"mountpoint", "TEXT", "mount point when the source knows it (Linux), else NULL", -1, true},
    {"mik_proto", "TEXT", "transport protocol (tcp, udp, ...)", -1, true},
    {"mik_vers", "INTEGER", "NFS version", -1, true},
    {"mik_flags", "INTEGER", "MI_* mount flags", -1, true},
    {"mik_secmod", "INTEGER", "security mode", -1, true},
    {"mik_curread", "INTEGER", "current read size, bytes", -1, true},
    {"mik_curwrite", "INTEGER", "current write size, bytes", -1, true},
    {"mik_timeo", "INTEGER", "initial timeout, tenths of a second", -1, true},
    {"mik_retrans", "INTEGER", "retransmissions before a soft mount fails", -1, true},
    {"mik_acregmin", "INTEGER", "minimum attribute cache time for files, s", -1, true},
    {"mik_acregmax", "INTEGER", "maximum attribute cache time for files, s", -1, true},
    {"mik_acdirmin", "INTEGER", "minimum attribute cache time for directories, s", -1, true},
    {"mik_acdirmax", "INTEGER", "maximum attribute cache time for directories, s", -1, true},
    {"lookup_srtt", "INTEGER", "lookups: smoothed round-trip time (mik_timers[0])", -1, true},
    {"lookup_deviate", "INTEGER", "lookups: round-trip time deviation", -1, true},
    {"lookup_rtxcur", "INTEGER", "lookups: current retransmission timeout", -1, true},
    {"read_srtt", "INTEGER", "reads: smoothed round-trip time (mik_timers[1])", -1, true},
    {"read_deviate", "INTEGER", "reads: round-trip time deviation", -1, true},
    {"read_rtxcur", "INTEGER", "reads: current retransmission timeout", -1, true},
    {"write_srtt", "INTEGER", "writes: smoothed round-trip time (mik_timers[2])", -1, true},
    {"write_deviate", "INTEGER", "writes: round-trip time deviation", -1, true},
    {"write_rtxcur", "INTEGER", "writes: current retransmission timeout", -1, true},
    {"mik_noresponse", "INTEGER", "times the server did not respond", -1, true},
    {"mik_failover", "INTEGER", "failovers to another server", -1, true},
    {"mik_remap", "INTEGER", "remaps of file handles after failover", -1, true},
    {"mik_curserver", "TEXT", "server in use", -1, true},
    kSnaptimeColumn,
    kCrtimeColumn,
};

}  // namespace

const TableSpec MntinfoTable::spec = {"mntinfo",
                                      "one row per NFS mount (nfs:N:mntinfo, struct mntinfo_kstat)",
                                      kColumns, static_cast<int>(std::size(kColumns)), 0.01};

KSTATSQL_STRUCT_TABLE(MntinfoTable, kKey, kFirstStat)

}  // namespace kstatsql::vtab
