-- mpstat.sql — illumos `mpstat`: per-CPU statistics.
--
--   kstatsql --report mpstat 1 5
--
-- One row per CPU (one cpu:N:sys kstat each), computed as illumos mpstat.c
-- does (docs/reports.md), over the interval since the previous
-- generation; the first run of a connection counts from zero, so it shows
-- averages since boot, like mpstat's first lines.
--
--   minf  Δ(hat_fault + as_fault)      of cpu:N:vm  per second
--   mjf   Δmaj_fault                   of cpu:N:vm  per second
--   xcal  Δxcalls                      of cpu:N:sys per second
--   intr  Δintr         ithr  Δintrthread
--   csw   Δpswitch      icsw  Δinv_swtch    migr  Δcpumigrate
--   smtx  Δmutex_adenters               srw  Δ(rw_rdfails + rw_wrfails)
--   syscl Δsyscall
--   usr sys wt idl   Δcpu_ticks_user, _kernel, _wait, _idle as a percentage
--                    of the CPU's elapsed ticks Δ(idle + user + kernel + wait)
--
-- "Per second" divides by mpstat's etime: the CPU's own elapsed ticks ÷ hz
-- (hz = 1e9 / unix:0:system_misc nsec_per_tick; a source without
-- nsec_per_tick uses the kstat's elapsed time instead), or 1 s when no tick
-- passed.
--
-- Linux keeps no per-CPU fault, interrupt, context-switch or system-call
-- counters (docs/linux-mapping.md): there minf … syscl are NULL, never made
-- up. usr/sys/wt/idl work everywhere; on Linux wt is the CPU's iowait and
-- steal time is outside all four (docs/reports.md).
WITH
sys AS (
  SELECT instance AS cpu,
         sum(CASE WHEN statistic IN ('cpu_ticks_idle', 'cpu_ticks_user', 'cpu_ticks_kernel',
                                     'cpu_ticks_wait') THEN delta END) AS ticks,
         max(CASE statistic WHEN 'cpu_ticks_user'   THEN delta END) AS usr,
         max(CASE statistic WHEN 'cpu_ticks_kernel' THEN delta END) AS sys,
         max(CASE statistic WHEN 'cpu_ticks_wait'   THEN delta END) AS wt,
         max(CASE statistic WHEN 'cpu_ticks_idle'   THEN delta END) AS idl,
         max(CASE statistic WHEN 'xcalls'           THEN delta END) AS xcalls,
         max(CASE statistic WHEN 'intr'             THEN delta END) AS intr,
         max(CASE statistic WHEN 'intrthread'       THEN delta END) AS intrthread,
         max(CASE statistic WHEN 'pswitch'          THEN delta END) AS pswitch,
         max(CASE statistic WHEN 'inv_swtch'        THEN delta END) AS inv_swtch,
         max(CASE statistic WHEN 'cpumigrate'       THEN delta END) AS cpumigrate,
         max(CASE statistic WHEN 'mutex_adenters'   THEN delta END) AS mutex_adenters,
         sum(CASE WHEN statistic IN ('rw_rdfails', 'rw_wrfails') THEN delta END) AS rw_fails,
         max(CASE statistic WHEN 'syscall'          THEN delta END) AS syscall,
         max(elapsed) AS elapsed
    FROM named
   WHERE module = 'cpu' AND name = 'sys'
     AND statistic IN ('cpu_ticks_idle', 'cpu_ticks_user', 'cpu_ticks_kernel', 'cpu_ticks_wait',
                       'xcalls', 'intr', 'intrthread', 'pswitch', 'inv_swtch', 'cpumigrate',
                       'mutex_adenters', 'rw_rdfails', 'rw_wrfails', 'syscall')
   GROUP BY instance),
vm AS (
  SELECT instance AS cpu,
         sum(CASE WHEN statistic IN ('hat_fault', 'as_fault') THEN delta END) AS minor_faults,
         max(CASE statistic WHEN 'maj_fault' THEN delta END) AS maj_fault
    FROM named
   WHERE module = 'cpu' AND name = 'vm' AND statistic IN ('hat_fault', 'as_fault', 'maj_fault')
   GROUP BY instance),
misc AS (
  SELECT max(value) AS nsec_per_tick
    FROM named
   WHERE module = 'unix' AND instance = 0 AND name = 'system_misc'
     AND statistic = 'nsec_per_tick'),
-- mpstat's etime (seconds) and percent factor, per CPU.
clock AS (
  SELECT s.cpu,
         CASE WHEN coalesce(s.ticks * m.nsec_per_tick / 1e9, s.elapsed) > 0
              THEN coalesce(s.ticks * m.nsec_per_tick / 1e9, s.elapsed)
              ELSE 1.0 END AS etime,
         100.0 / CASE WHEN s.ticks > 0 THEN s.ticks ELSE 1 END AS pct
    FROM sys s, misc m)
SELECT s.cpu                                           AS CPU,
       CAST(round(v.minor_faults / c.etime) AS INTEGER) AS minf,
       CAST(round(v.maj_fault / c.etime) AS INTEGER)    AS mjf,
       CAST(round(s.xcalls / c.etime) AS INTEGER)       AS xcal,
       CAST(round(s.intr / c.etime) AS INTEGER)         AS intr,
       CAST(round(s.intrthread / c.etime) AS INTEGER)   AS ithr,
       CAST(round(s.pswitch / c.etime) AS INTEGER)      AS csw,
       CAST(round(s.inv_swtch / c.etime) AS INTEGER)    AS icsw,
       CAST(round(s.cpumigrate / c.etime) AS INTEGER)   AS migr,
       CAST(round(s.mutex_adenters / c.etime) AS INTEGER) AS smtx,
       CAST(round(s.rw_fails / c.etime) AS INTEGER)     AS srw,
       CAST(round(s.syscall / c.etime) AS INTEGER)      AS syscl,
       CAST(round(s.usr * c.pct) AS INTEGER)            AS usr,
       CAST(round(s.sys * c.pct) AS INTEGER)            AS sys,
       CAST(round(s.wt * c.pct) AS INTEGER)             AS wt,
       CAST(round(s.idl * c.pct) AS INTEGER)            AS idl
  FROM sys s
  JOIN clock c USING (cpu)
  LEFT JOIN vm v USING (cpu)
 ORDER BY s.cpu;
