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

}  // namespace

KSTATSQL_STRUCT_TABLE(MntinfoTable, kKey, kFirstStat)

}  // namespace kstatsql::vtab
