-- iostat.sql — illumos `iostat -x`: extended device statistics.
--
--   kstatsql --report iostat 1 5          -- every second, five times
--   sqlite3 -cmd '.load build/kstatsql' < reports/iostat.sql
--
-- One row per disk, tape and NFS mount (io kstats of class disk, tape, nfs),
-- as `iostat -x` shows them. Partitions (class partition) are left out, as
-- iostat does without -p; add 'partition' to the IN list to see them.
--
-- The numbers are the io table's hidden iostat columns (vtab/io_table.cpp),
-- computed by iostat's formulas over the interval since the previous
-- generation (docs/reports.md). The first run of a connection has no
-- previous generation: it covers the time since the kstat's crtime, like
-- iostat's first line ("since boot"). Values are rounded as iostat prints
-- them (%6.1f, and %3.0f for %w and %b).
--
--   r/s, w/s     reads, writes per second (32-bit counters, wrap-safe)
--   kr/s, kw/s   KiB read, written per second
--   wait, actv   average number of requests waiting, being serviced
--   svc_t        (wait + actv) × 1000 / (r/s + w/s): ms per request
--   %w, %b       percent of time the wait queue was non-empty / the device busy
--
-- On Linux (docs/linux-mapping.md, docs/reports.md): wait and %w are always 0
-- (Linux reports no separate wait queue), actv is Linux iostat's aqu-sz, and
-- %b is Linux iostat's %util (io_ticks).
SELECT name                          AS device,
       round(r_s, 1)                 AS "r/s",
       round(w_s, 1)                 AS "w/s",
       round(kr_s, 1)                AS "kr/s",
       round(kw_s, 1)                AS "kw/s",
       round(wait, 1)                AS wait,
       round(actv, 1)                AS actv,
       round(svc_t, 1)               AS svc_t,
       CAST(round(pct_w) AS INTEGER) AS "%w",
       CAST(round(pct_b) AS INTEGER) AS "%b"
  FROM io
 WHERE class IN ('disk', 'tape', 'nfs')
 ORDER BY class = 'nfs', name;
