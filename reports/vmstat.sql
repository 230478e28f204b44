-- vmstat.sql — illumos `vmstat`: threads, memory, paging, faults and CPU.
--
--   kstatsql --report vmstat 1 5
--
-- One row for the whole system, computed as illumos vmstat.c does
-- (docs/reports.md), over the interval since the previous generation. The
-- first run of a connection has no previous generation: every delta counts
-- from zero and the interval from crtime, so it shows averages since boot,
-- like vmstat's first line. (On Linux the sysinfo/vminfo sums behind r b w
-- swap free start with the connection, so there they cover only that time.)
--
--   kthr   r b w      Δrunque, Δwaiting, Δswpque of unix:0:sysinfo ÷ Δupdates
--                     (running sums, added to once a second; integer division)
--   memory swap free  Δswap_avail, Δfreemem of unix:0:vminfo ÷ Δupdates, in KiB
--   page   re mf      Δpgrec, Δ(hat_fault + as_fault) of cpu:*:vm, per second
--          pi po fr   Δpgpgin, Δpgpgout, Δdfree of cpu:*:vm in KiB per second
--          de         unix:0:system_misc deficit (a current value) in KiB
--          sr         Δscan of cpu:*:vm per second
--   faults in sy cs   Δintr, Δsyscall, Δpswitch of cpu:*:sys per second
--   cpu    us sys id  Δcpu_ticks_user, _kernel, _idle + _wait of cpu:*:sys as a
--                     percentage of all CPUs' ticks (vmstat's "us sy id"; the
--                     second "sy" is called sys here so the names are unique)
--
-- "Per second" divides by vmstat's etime: the CPUs' elapsed ticks ÷ ncpus ÷
-- hz (hz = 1e9 / system_misc.nsec_per_tick; a source without nsec_per_tick,
-- such as an old kstat -p dump, uses the cpu:*:sys kstats' elapsed time).
--
-- Linux has no cpu:*:vm and no per-CPU intr/syscall/pswitch; these columns
-- come from linux:0:vmstat and linux:0:stat instead, or are NULL when Linux
-- has no such counter (re, de, sy). The mapping and how each column compares
-- with procps vmstat are in docs/reports.md.
--
-- pgtok (pages → KiB) needs the source's page size: MemTotal (bytes) ÷
-- physmem (pages) where linux:0:meminfo exists (Linux), else 4096 (illumos
-- on x86; change it to 8192 for a SPARC dump).
WITH
-- Running sums: their deltas over the interval (vmstat's DELTA()).
sysinfo AS (
  SELECT max(CASE statistic WHEN 'updates' THEN delta END) AS updates,
         max(CASE statistic WHEN 'runque'  THEN delta END) AS runque,
         max(CASE statistic WHEN 'waiting' THEN delta END) AS waiting,
         max(CASE statistic WHEN 'swpque'  THEN delta END) AS swpque
    FROM named
   WHERE module = 'unix' AND instance = 0 AND name = 'sysinfo'
     AND statistic IN ('updates', 'runque', 'waiting', 'swpque')),
vminfo AS (
  SELECT max(CASE statistic WHEN 'updates'    THEN delta END) AS updates,
         max(CASE statistic WHEN 'freemem'    THEN delta END) AS freemem,
         max(CASE statistic WHEN 'swap_avail' THEN delta END) AS swap_avail
    FROM named
   WHERE module = 'unix' AND instance = 0 AND name = 'vminfo'
     AND statistic IN ('updates', 'freemem', 'swap_avail')),
-- Sums over every CPU (vmstat's ss_agg_sys and ss_agg_vm).
cpu_sys AS (
  SELECT count(DISTINCT instance) AS ncpus,
         sum(CASE WHEN statistic IN ('cpu_ticks_idle', 'cpu_ticks_user', 'cpu_ticks_kernel',
                                    'cpu_ticks_wait') THEN delta END) AS ticks,
         sum(CASE statistic WHEN 'cpu_ticks_user'   THEN delta END) AS usr,
         sum(CASE statistic WHEN 'cpu_ticks_kernel' THEN delta END) AS sys,
         sum(CASE WHEN statistic IN ('cpu_ticks_idle', 'cpu_ticks_wait') THEN delta END) AS idl,
         sum(CASE statistic WHEN 'intr'    THEN delta END) AS intr,
         sum(CASE statistic WHEN 'syscall' THEN delta END) AS syscall,
         sum(CASE statistic WHEN 'pswitch' THEN delta END) AS pswitch,
         avg(elapsed) AS elapsed
    FROM named
   WHERE module = 'cpu' AND name = 'sys'
     AND statistic IN ('cpu_ticks_idle', 'cpu_ticks_user', 'cpu_ticks_kernel', 'cpu_ticks_wait',
                       'intr', 'syscall', 'pswitch')),
cpu_vm AS (
  SELECT sum(CASE statistic WHEN 'pgrec' THEN delta END) AS pgrec,
         sum(CASE WHEN statistic IN ('hat_fault', 'as_fault') THEN delta END) AS minor_faults,
         sum(CASE statistic WHEN 'pgpgin'  THEN delta END) AS pgpgin,
         sum(CASE statistic WHEN 'pgpgout' THEN delta END) AS pgpgout,
         sum(CASE statistic WHEN 'dfree'   THEN delta END) AS dfree,
         sum(CASE statistic WHEN 'scan'    THEN delta END) AS scan
    FROM named
   WHERE module = 'cpu' AND name = 'vm'
     AND statistic IN ('pgrec', 'hat_fault', 'as_fault', 'pgpgin', 'pgpgout', 'dfree', 'scan')),
-- Linux: the same quantities from /proc/vmstat and /proc/stat (NULL elsewhere).
--   minor faults = pgfault - pgmajfault; pgpgin/pgpgout are already KiB;
--   pages freed by the page daemon = pages reclaimed (pgsteal_<reclaimer>);
--   pages scanned = pgscan_<reclaimer>. pgsteal_/pgscan_anon and _file split
--   the same total another way and pgscan_direct_throttle counts events, so
--   they are left out of the sums.
linux_vm AS (
  SELECT sum(CASE statistic WHEN 'pgfault' THEN delta END)
           - sum(CASE statistic WHEN 'pgmajfault' THEN delta END) AS minor_faults,
         sum(CASE statistic WHEN 'pgpgin'  THEN delta END) AS pgpgin_kib,
         sum(CASE statistic WHEN 'pgpgout' THEN delta END) AS pgpgout_kib,
         sum(CASE WHEN statistic GLOB 'pgsteal_*'
                   AND statistic NOT IN ('pgsteal_anon', 'pgsteal_file') THEN delta END) AS freed,
         sum(CASE WHEN statistic GLOB 'pgscan_*'
                   AND statistic NOT IN ('pgscan_anon', 'pgscan_file', 'pgscan_direct_throttle')
                  THEN delta END) AS scanned
    FROM named
   WHERE module = 'linux' AND instance = 0 AND name = 'vmstat'),
linux_stat AS (
  SELECT max(CASE statistic WHEN 'intr' THEN delta END) AS intr,
         max(CASE statistic WHEN 'ctxt' THEN delta END) AS ctxt
    FROM named
   WHERE module = 'linux' AND instance = 0 AND name = 'stat' AND statistic IN ('intr', 'ctxt')),
misc AS (
  SELECT max(CASE statistic WHEN 'nsec_per_tick' THEN value END) AS nsec_per_tick,
         max(CASE statistic WHEN 'deficit'       THEN value END) AS deficit
    FROM named
   WHERE module = 'unix' AND instance = 0 AND name = 'system_misc'
     AND statistic IN ('nsec_per_tick', 'deficit')),
-- KiB per page (vmstat's pagesize >> 10).
page AS (
  SELECT coalesce(
           (SELECT t.value / p.value
              FROM named t, named p
             WHERE t.module = 'linux' AND t.instance = 0 AND t.name = 'meminfo'
               AND t.statistic = 'MemTotal'
               AND p.module = 'unix' AND p.instance = 0 AND p.name = 'system_pages'
               AND p.statistic = 'physmem' AND p.value > 0),
           4096) / 1024 AS kib),
-- vmstat's etime (seconds per CPU) and percent_factor.
clock AS (
  SELECT CASE WHEN s.ticks >= 1
              THEN coalesce(s.ticks * m.nsec_per_tick / 1e9 / s.ncpus, s.elapsed)
              ELSE 1.0 END AS etime,
         100.0 / CASE WHEN s.ticks > 0 THEN s.ticks ELSE 1 END AS pct
    FROM cpu_sys s, misc m)
SELECT si.runque  / CASE WHEN si.updates > 0 THEN si.updates ELSE 1 END AS r,
       si.waiting / CASE WHEN si.updates > 0 THEN si.updates ELSE 1 END AS b,
       si.swpque  / CASE WHEN si.updates > 0 THEN si.updates ELSE 1 END AS w,
       vi.swap_avail / CASE WHEN vi.updates > 0 THEN vi.updates ELSE 1 END * pg.kib AS swap,
       vi.freemem    / CASE WHEN vi.updates > 0 THEN vi.updates ELSE 1 END * pg.kib AS free,
       CAST(round(vm.pgrec / c.etime) AS INTEGER) AS re,
       CAST(round(coalesce(vm.minor_faults, lv.minor_faults) / c.etime) AS INTEGER) AS mf,
       CAST(round(coalesce(vm.pgpgin * pg.kib, lv.pgpgin_kib) / c.etime) AS INTEGER) AS pi,
       CAST(round(coalesce(vm.pgpgout * pg.kib, lv.pgpgout_kib) / c.etime) AS INTEGER) AS po,
       CAST(round(coalesce(vm.dfree, lv.freed) * pg.kib / c.etime) AS INTEGER) AS fr,
       m.deficit * pg.kib AS de,
       CAST(round(coalesce(vm.scan, lv.scanned) / c.etime) AS INTEGER) AS sr,
       CAST(round(coalesce(s.intr, ls.intr) / c.etime) AS INTEGER) AS "in",
       CAST(round(s.syscall / c.etime) AS INTEGER) AS sy,
       CAST(round(coalesce(s.pswitch, ls.ctxt) / c.etime) AS INTEGER) AS cs,
       CAST(round(s.usr * c.pct) AS INTEGER) AS us,
       CAST(round(s.sys * c.pct) AS INTEGER) AS sys,
       CAST(round(s.idl * c.pct) AS INTEGER) AS id
  FROM sysinfo si, vminfo vi, cpu_sys s, cpu_vm vm, linux_vm lv, linux_stat ls, misc m, page pg,
       clock c;
