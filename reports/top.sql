-- top.sql — the busiest disks and network links, like a `top` for I/O.
--
--   kstatsql --report top 2
--
-- Up to five disks (io kstats of class disk, partitions left out) ranked by
-- %b, then by KiB/s moved, and up to five links (link:0:<name>) ranked by
-- KiB/s moved, over the interval since the previous generation (the first
-- run of a connection shows averages since crtime, i.e. since boot).
--
--   kind       disk or link
--   rank       1 = busiest of its kind
--   name       device or link name
--   r_kib_s    disk: KiB read per second (iostat kr/s); link: KiB received
--              per second (Δrbytes64)
--   w_kib_s    disk: KiB written per second (iostat kw/s); link: KiB sent per
--              second (Δobytes64)
--   ops_s      disk: reads + writes per second; link: packets in + out per
--              second (Δipackets64 + Δopackets64)
--   busy_pct   disk: iostat %b (on Linux, iostat's %util); link: the busier
--              direction's bits per second as a percentage of ifspeed (each
--              direction of a full-duplex link carries ifspeed), NULL when
--              the link does not know its speed (ifspeed 0)
--
-- Change the two "rank <= 5" limits to see more.
WITH
disks AS (
  SELECT 'disk' AS kind, name, kr_s AS r_kib_s, kw_s AS w_kib_s, r_s + w_s AS ops_s,
         pct_b AS busy_pct
    FROM io
   WHERE class = 'disk'),
links AS (
  SELECT 'link' AS kind, name,
         sum(CASE statistic WHEN 'rbytes64' THEN rate END) / 1024 AS r_kib_s,
         sum(CASE statistic WHEN 'obytes64' THEN rate END) / 1024 AS w_kib_s,
         sum(CASE WHEN statistic IN ('ipackets64', 'opackets64') THEN rate END) AS ops_s,
         100.0 * max(sum(CASE statistic WHEN 'rbytes64' THEN rate END),
                     sum(CASE statistic WHEN 'obytes64' THEN rate END)) * 8
           / nullif(max(CASE statistic WHEN 'ifspeed' THEN value END), 0) AS busy_pct
    FROM named
   WHERE module = 'link'
     AND statistic IN ('rbytes64', 'obytes64', 'ipackets64', 'opackets64', 'ifspeed')
   GROUP BY instance, name),
ranked AS (
  SELECT *, row_number() OVER (ORDER BY busy_pct DESC, r_kib_s + w_kib_s DESC, name) AS rank
    FROM disks
  UNION ALL
  SELECT *, row_number() OVER (ORDER BY r_kib_s + w_kib_s DESC, name) AS rank
    FROM links)
SELECT kind, rank, name,
       round(r_kib_s, 1)  AS r_kib_s,
       round(w_kib_s, 1)  AS w_kib_s,
       round(ops_s, 1)    AS ops_s,
       round(busy_pct, 1) AS busy_pct
  FROM ranked
 WHERE rank <= 5
 ORDER BY kind, rank;
