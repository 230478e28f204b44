-- nfsstat.sql — illumos `nfsstat -m`: one row per NFS client mount.
--
--   kstatsql --report nfsstat
--
-- From the mntinfo table (nfs:N:mntinfo, struct mntinfo_kstat; see
-- docs/raw-kstats.md). The columns follow what nfsstat -m prints:
--
--   mount_point   the mount point. Linux knows it (from /proc/self/mountstats);
--                 an illumos kstat does not hold it (nfsstat -m reads mnttab),
--                 so it is NULL there: match instance (the device minor) with
--                 mnttab's dev= option
--   server        the current server (mik_curserver)
--   export        the path on the server (Linux only; NULL on illumos)
--   flags         nfsstat -m's "Flags:" line, built from the same fields:
--                 vers, proto, sec, hard/soft, intr/nointr, the MI_* flags it
--                 names, rsize, wsize, retrans, timeo
--   vers, proto, sec, rsize, wsize, timeo (tenths of a second), retrans
--   attr_cache    nfsstat -m's "Attr cache:" line (seconds)
--   <op>_srtt_ms, <op>_dev_ms, <op>_cur_ms for op = lookup, read, write:
--                 nfsstat -m's "(NNms)" values: srtt × 2 + srtt / 2 (integer
--                 arithmetic, i.e. srtt × 2.5 ms truncated), deviate × 5 ms,
--                 rtxcur × 20 ms. nfsstat prints an operation's line only when
--                 its srtt or rtxcur is non-zero; here such an operation's
--                 three columns are NULL.
--
-- On Linux srtt is the mean RTT since the mount in nfsstat's 2.5 ms units, and
-- deviate and rtxcur are not reported, so *_dev_ms and *_cur_ms are NULL
-- (docs/linux-mapping.md, "Timer units").
WITH m AS (
  SELECT instance, mountpoint, mik_curserver, mik_vers, mik_proto, mik_secmod, mik_flags,
         mik_curread, mik_curwrite, mik_timeo, mik_retrans,
         mik_acregmin, mik_acregmax, mik_acdirmin, mik_acdirmax,
         lookup_srtt, lookup_deviate, lookup_rtxcur,
         read_srtt, read_deviate, read_rtxcur,
         write_srtt, write_deviate, write_rtxcur,
         -- /etc/nfssec.conf's names for the security flavours
         CASE mik_secmod WHEN 0 THEN 'none' WHEN 1 THEN 'sys' WHEN 3 THEN 'dh'
                         WHEN 390003 THEN 'krb5' WHEN 390004 THEN 'krb5i'
                         WHEN 390005 THEN 'krb5p' END AS sec
    FROM mntinfo)
SELECT m.mountpoint AS mount_point,
       m.mik_curserver AS server,
       (SELECT e.value FROM named e
         WHERE e.module = 'nfs' AND e.instance = m.instance AND e.name = 'mntinfo'
           AND e.statistic = 'export') AS export,
       'vers=' || m.mik_vers || ',proto=' || m.mik_proto
         || CASE WHEN m.sec IS NOT NULL THEN ',sec=' || m.sec ELSE ',sec#=' || m.mik_secmod END
         || CASE WHEN m.mik_flags & 1 THEN ',hard' ELSE ',soft' END           -- MI_HARD
         || CASE WHEN m.mik_flags & 2 THEN ',printed' ELSE '' END             -- MI_PRINTED
         || CASE WHEN m.mik_flags & 4 THEN ',intr' ELSE ',nointr' END         -- MI_INT
         || CASE WHEN m.mik_flags & 8 THEN ',down' ELSE '' END                -- MI_DOWN
         || CASE WHEN m.mik_flags & 16 THEN ',noac' ELSE '' END               -- MI_NOAC
         || CASE WHEN m.mik_flags & 32 THEN ',nocto' ELSE '' END              -- MI_NOCTO
         || CASE WHEN m.mik_flags & 64 THEN ',dynamic' ELSE '' END            -- MI_DYNAMIC
         || CASE WHEN m.mik_flags & 128 THEN ',llock' ELSE '' END             -- MI_LLOCK
         || CASE WHEN m.mik_flags & 256 THEN ',grpid' ELSE '' END             -- MI_GRPID
         || CASE WHEN m.mik_flags & 512 THEN ',rpctimesync' ELSE '' END       -- MI_RPCTIMESYNC
         || CASE WHEN m.mik_flags & 1024 THEN ',link' ELSE '' END             -- MI_LINK
         || CASE WHEN m.mik_flags & 2048 THEN ',symlink' ELSE '' END          -- MI_SYMLINK
         || CASE WHEN m.mik_flags & 4096 THEN ',readdir' ELSE '' END          -- MI_READDIR
         || CASE WHEN m.mik_flags & 8192 THEN ',acl' ELSE '' END              -- MI_ACL
         || ',rsize=' || m.mik_curread || ',wsize=' || m.mik_curwrite
         || ',retrans=' || m.mik_retrans || ',timeo=' || m.mik_timeo AS flags,
       m.mik_vers AS vers,
       m.mik_proto AS proto,
       coalesce(m.sec, 'sec#=' || m.mik_secmod) AS sec,
       m.mik_curread AS rsize,
       m.mik_curwrite AS wsize,
       m.mik_timeo AS timeo,
       m.mik_retrans AS retrans,
       'acregmin=' || m.mik_acregmin || ',acregmax=' || m.mik_acregmax
         || ',acdirmin=' || m.mik_acdirmin || ',acdirmax=' || m.mik_acdirmax AS attr_cache,
       -- Lookups, Reads, Writes: shown only when srtt or rtxcur is non-zero.
       CASE WHEN m.lookup_srtt OR m.lookup_rtxcur
            THEN m.lookup_srtt * 2 + m.lookup_srtt / 2 END AS lookup_srtt_ms,
       CASE WHEN m.lookup_srtt OR m.lookup_rtxcur THEN m.lookup_deviate * 5 END AS lookup_dev_ms,
       CASE WHEN m.lookup_srtt OR m.lookup_rtxcur THEN m.lookup_rtxcur * 20 END AS lookup_cur_ms,
       CASE WHEN m.read_srtt OR m.read_rtxcur
            THEN m.read_srtt * 2 + m.read_srtt / 2 END AS read_srtt_ms,
       CASE WHEN m.read_srtt OR m.read_rtxcur THEN m.read_deviate * 5 END AS read_dev_ms,
       CASE WHEN m.read_srtt OR m.read_rtxcur THEN m.read_rtxcur * 20 END AS read_cur_ms,
       CASE WHEN m.write_srtt OR m.write_rtxcur
            THEN m.write_srtt * 2 + m.write_srtt / 2 END AS write_srtt_ms,
       CASE WHEN m.write_srtt OR m.write_rtxcur THEN m.write_deviate * 5 END AS write_dev_ms,
       CASE WHEN m.write_srtt OR m.write_rtxcur THEN m.write_rtxcur * 20 END AS write_cur_ms
  FROM m
 ORDER BY m.mountpoint, m.instance;
