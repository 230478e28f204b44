// vtab/schema.cpp — the one schema (vtab/schema.hpp): every table and column.
#include "vtab/schema.hpp"

#include <iterator>

#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

constexpr const char* kInteger = "INTEGER";
constexpr const char* kText = "TEXT";
constexpr const char* kReal = "REAL";
constexpr const char* kBlob = "BLOB";
constexpr const char* kAny = "ANY";

// A key column (module, instance, name, class, statistic): pushed down.
constexpr Column key(Key k, const char* doc) {
  constexpr const char* kNames[] = {"module", "instance", "name", "class", "statistic"};
  const int i = static_cast<int>(k);
  return {kNames[i], k == Key::instance ? kInteger : kText, doc, k, k == Key::statistic};
}
// A column whose value needs the kstat's data.
constexpr Column stat(const char* name, const char* type, const char* doc,
                      const char* unit = nullptr) {
  return {name, type, doc, Key::none, true, false, unit};
}
// A column known from the kstat's header alone (no read).
constexpr Column attr(const char* name, const char* type, const char* doc,
                      const char* unit = nullptr) {
  return {name, type, doc, Key::none, false, false, unit};
}
constexpr Column hidden(Column c) {
  c.hidden = true;
  return c;
}

// ---- tables over kstats (vtab/*_table.cpp) ----------------------------------

constexpr Column kKstatColumns[] = {
    key(Key::module, "kstat module (illumos ks_module; OpenBSD provider)"),
    key(Key::instance, "instance number"),
    key(Key::name, "kstat name"),
    key(Key::klass, "kstat class (disk, net, misc, partition, ...)"),
    attr("type", kText, "kstat type: raw, named, intr, io or timer"),
    attr("id", kInteger, "kstat id (ks_kid), or a synthetic id for sources without one"),
    attr("crtime", kInteger, "creation time in nanoseconds (gethrtime / CLOCK_MONOTONIC)"),
    stat("snaptime", kInteger, "time of this generation's read in nanoseconds; NULL if it failed"),
    stat("ndata", kInteger, "number of data records (named statistics, timers, ...)"),
    stat("data_size", kInteger, "size of the kstat's data in bytes"),
    stat("error", kText, "why the kstat could not be read in this generation, or NULL"),
    hidden(
        stat("raw", kBlob, "a raw kstat's bytes as read (decoded or not); NULL for other types")),
};

constexpr Column kNamedColumns[] = {
    key(Key::module, "kstat module"),
    key(Key::instance, "kstat instance"),
    key(Key::name, "kstat name"),
    key(Key::klass, "kstat class"),
    key(Key::statistic, "statistic name, as kstat(8) prints it"),
    stat(
        "type", kText,
        "value type: char, int32, uint32, int64, uint64, string, float, double, hrtime, bool, ..."),
    stat("value", kAny,
         "the value: INTEGER, REAL or TEXT (uint64 above 2^63-1: exact decimal TEXT)"),
    stat("unit", kText, "unit of the value when known (bytes, packets, ns, ...), else NULL"),
    stat("snaptime", kInteger, "time of the read in nanoseconds", "ns"),
    attr("crtime", kInteger, "kstat creation time in nanoseconds", "ns"),
    hidden(stat("delta", kAny,
                "value minus the previous generation's (32-bit counters wrap; 0 as the base on a "
                "first sample or a re-created kstat); NULL for strings")),
    hidden(stat("rate", kReal, "delta per second over elapsed; NULL when elapsed is unknown")),
    hidden(
        stat("elapsed", kReal,
             "seconds the delta covers: between the two reads, or since crtime on a first sample")),
};

constexpr Column kIoColumns[] = {
    key(Key::module, "kstat module (driver)"),
    key(Key::instance, "kstat instance"),
    key(Key::name, "kstat name (device)"),
    key(Key::klass, "disk, partition, nfs, ..."),
    stat("nread", kInteger, "bytes read", "bytes"),
    stat("nwritten", kInteger, "bytes written", "bytes"),
    stat("reads", kInteger, "read operations (32-bit counter)"),
    stat("writes", kInteger, "write operations (32-bit counter)"),
    stat("wtime", kInteger, "cumulative wait (pre-service) time, ns", "ns"),
    stat("wlentime", kInteger, "cumulative wait length x time product, ns", "ns"),
    stat("wlastupdate", kInteger, "last time the wait queue changed, ns", "ns"),
    stat("rtime", kInteger, "cumulative run (service) time, ns", "ns"),
    stat("rlentime", kInteger, "cumulative run length x time product, ns", "ns"),
    stat("rlastupdate", kInteger, "last time the run queue changed, ns", "ns"),
    stat("wcnt", kInteger, "operations waiting now"),
    stat("rcnt", kInteger, "operations running now"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
    hidden(
        stat("elapsed", kReal,
             "seconds since the previous generation's read (or since crtime on a first sample)")),
    hidden(stat("r_s", kReal, "iostat -x r/s: reads per second")),
    hidden(stat("w_s", kReal, "iostat -x w/s: writes per second")),
    hidden(stat("kr_s", kReal, "iostat -x kr/s: KiB read per second")),
    hidden(stat("kw_s", kReal, "iostat -x kw/s: KiB written per second")),
    hidden(stat("wait", kReal, "iostat -x wait: average wait queue length")),
    hidden(stat("actv", kReal, "iostat -x actv: average run queue length")),
    hidden(
        stat("svc_t", kReal, "iostat -x svc_t: average service time, ms ((wait+actv)/(r/s+w/s))")),
    hidden(stat("pct_w", kReal, "iostat -x %w: percent of time the wait queue was non-empty")),
    hidden(stat("pct_b", kReal, "iostat -x %b: percent of time the device was busy")),
};

constexpr Column kSysinfoColumns[] = {
    key(Key::module, "kstat module (unix)"),
    key(Key::instance, "kstat instance (0)"),
    key(Key::name, "kstat name (sysinfo)"),
    key(Key::klass, "kstat class (misc)"),
    stat("updates", kInteger, "seconds counted: +1 each second"),
    stat("runque", kInteger, "running sum of runnable threads, added each second"),
    stat("runocc", kInteger, "seconds in which some thread was runnable"),
    stat("swpque", kInteger, "running sum of swapped-out threads, added each second"),
    stat("swpocc", kInteger, "seconds in which some thread was swapped out"),
    stat("waiting", kInteger, "running sum of threads waiting for I/O, added each second"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
};

constexpr Column kVminfoColumns[] = {
    key(Key::module, "kstat module (unix)"),
    key(Key::instance, "kstat instance (0)"),
    key(Key::name, "kstat name (vminfo)"),
    key(Key::klass, "kstat class (vm)"),
    stat("freemem", kInteger, "running sum of free memory, pages, added each second"),
    stat("swap_resv", kInteger, "running sum of reserved swap, pages", "pages"),
    stat("swap_alloc", kInteger, "running sum of allocated swap, pages", "pages"),
    stat("swap_avail", kInteger, "running sum of unreserved swap, pages", "pages"),
    stat("swap_free", kInteger, "running sum of unallocated swap, pages", "pages"),
    stat("updates", kInteger, "seconds counted: +1 each second"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
};

constexpr Column kVarColumns[] = {
    key(Key::module, "kstat module (unix)"),
    key(Key::instance, "kstat instance (0)"),
    key(Key::name, "kstat name (var)"),
    key(Key::klass, "kstat class (misc)"),
    stat("v_buf", kInteger, "number of I/O buffers"),
    stat("v_call", kInteger, "number of callout (timeout) entries"),
    stat("v_proc", kInteger, "maximum processes, system wide"),
    stat("v_maxupttl", kInteger, "maximum user processes, system wide"),
    stat("v_nglobpris", kInteger, "number of global scheduling priorities"),
    stat("v_maxsyspri", kInteger, "highest global priority used by the SYS class"),
    stat("v_clist", kInteger, "number of clists allocated"),
    stat("v_maxup", kInteger, "maximum processes per user"),
    stat("v_hbuf", kInteger, "number of buffer hash buckets"),
    stat("v_hmask", kInteger, "hash mask for buffers"),
    stat("v_pbuf", kInteger, "number of physical I/O buffers"),
    stat("v_sptmap", kInteger, "size of the system virtual space allocation map"),
    stat("v_maxpmem", kInteger, "maximum physical memory to use, pages (0: all)"),
    stat("v_autoup", kInteger, "minimum age in seconds of dirty data before fsflush writes it"),
    stat("v_bufhwm", kInteger, "high-water mark of buffer cache memory, KB"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
};

constexpr Column kMntinfoColumns[] = {
    key(Key::module, "kstat module (nfs)"),
    key(Key::instance, "minor number of the mount's device"),
    key(Key::name, "kstat name (mntinfo)"),
    key(Key::klass, "kstat class (misc)"),
    stat("mountpoint", kText, "mount point when the source knows it (Linux), else NULL"),
    stat("mik_proto", kText, "transport protocol (tcp, udp, ...)"),
    stat("mik_vers", kInteger, "NFS version"),
    stat("mik_flags", kInteger, "MI_* mount flags"),
    stat("mik_secmod", kInteger, "security mode"),
    stat("mik_curread", kInteger, "current read size, bytes", "bytes"),
    stat("mik_curwrite", kInteger, "current write size, bytes", "bytes"),
    stat("mik_timeo", kInteger, "initial timeout, tenths of a second"),
    stat("mik_retrans", kInteger, "retransmissions before a soft mount fails"),
    stat("mik_acregmin", kInteger, "minimum attribute cache time for files, s", "s"),
    stat("mik_acregmax", kInteger, "maximum attribute cache time for files, s", "s"),
    stat("mik_acdirmin", kInteger, "minimum attribute cache time for directories, s", "s"),
    stat("mik_acdirmax", kInteger, "maximum attribute cache time for directories, s", "s"),
    stat("lookup_srtt", kInteger, "lookups: smoothed round-trip time (mik_timers[0])"),
    stat("lookup_deviate", kInteger, "lookups: round-trip time deviation"),
    stat("lookup_rtxcur", kInteger, "lookups: current retransmission timeout"),
    stat("read_srtt", kInteger, "reads: smoothed round-trip time (mik_timers[1])"),
    stat("read_deviate", kInteger, "reads: round-trip time deviation"),
    stat("read_rtxcur", kInteger, "reads: current retransmission timeout"),
    stat("write_srtt", kInteger, "writes: smoothed round-trip time (mik_timers[2])"),
    stat("write_deviate", kInteger, "writes: round-trip time deviation"),
    stat("write_rtxcur", kInteger, "writes: current retransmission timeout"),
    stat("mik_noresponse", kInteger, "times the server did not respond"),
    stat("mik_failover", kInteger, "failovers to another server"),
    stat("mik_remap", kInteger, "remaps of file handles after failover"),
    stat("mik_curserver", kText, "server in use"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
};

constexpr Column kCpuStatColumns[] = {
    key(Key::module, "kstat module (cpu_stat)"),
    key(Key::instance, "CPU id"),
    key(Key::name, "kstat name (cpu_statN)"),
    key(Key::klass, "kstat class (misc)"),
    stat("idle", kInteger, "ticks idle (cpu[CPU_IDLE])"),
    stat("user", kInteger, "ticks in user mode (cpu[CPU_USER])"),
    stat("kernel", kInteger, "ticks in kernel mode (cpu[CPU_KERNEL])"),
    stat("wait", kInteger, "ticks waiting for I/O (cpu[CPU_WAIT]; always 0 on illumos)"),
    stat("wait_io", kInteger, "wait[W_IO] (always 0 on illumos)"),
    stat("wait_swap", kInteger, "wait[W_SWAP] (always 0 on illumos)"),
    stat("wait_pio", kInteger, "wait[W_PIO] (always 0 on illumos)"),
    stat("bread", kInteger, "physical block reads"),
    stat("bwrite", kInteger, "physical block writes (sync and async)"),
    stat("lread", kInteger, "logical block reads"),
    stat("lwrite", kInteger, "logical block writes"),
    stat("phread", kInteger, "raw I/O reads"),
    stat("phwrite", kInteger, "raw I/O writes"),
    stat("pswitch", kInteger, "context switches"),
    stat("trap", kInteger, "traps"),
    stat("intr", kInteger, "device interrupts"),
    stat("syscall", kInteger, "system calls"),
    stat("sysread", kInteger, "read() and readv() calls"),
    stat("syswrite", kInteger, "write() and writev() calls"),
    stat("sysfork", kInteger, "forks"),
    stat("sysvfork", kInteger, "vforks"),
    stat("sysexec", kInteger, "execs"),
    stat("readch", kInteger, "bytes read by read system calls"),
    stat("writech", kInteger, "bytes written by write system calls"),
    stat("rcvint", kInteger, "terminal receive interrupts (unused)"),
    stat("xmtint", kInteger, "terminal transmit interrupts (unused)"),
    stat("mdmint", kInteger, "modem interrupts (unused)"),
    stat("rawch", kInteger, "terminal input characters"),
    stat("canch", kInteger, "characters handled in canonical mode"),
    stat("outch", kInteger, "terminal output characters"),
    stat("msg", kInteger, "message queue operations (msgrcv, msgsnd)"),
    stat("sema", kInteger, "semaphore operations (semop)"),
    stat("namei", kInteger, "path name lookups"),
    stat("ufsiget", kInteger, "ufs_iget() calls"),
    stat("ufsdirblk", kInteger, "UFS directory blocks read"),
    stat("ufsipage", kInteger, "UFS inodes taken with pages attached"),
    stat("ufsinopage", kInteger, "UFS inodes taken with no pages attached"),
    stat("inodeovf", kInteger, "inode table overflows (always 0 on illumos)"),
    stat("fileovf", kInteger, "file table overflows (always 0 on illumos)"),
    stat("procovf", kInteger, "process table overflows"),
    stat("intrthread", kInteger, "interrupts handled as threads (below LOCK_LEVEL)"),
    stat("intrblk", kInteger, "interrupt threads that blocked"),
    stat("idlethread", kInteger, "times the idle thread was scheduled"),
    stat("inv_swtch", kInteger, "involuntary context switches"),
    stat("nthreads", kInteger, "threads created"),
    stat("cpumigrate", kInteger, "thread migrations to this CPU"),
    stat("xcalls", kInteger, "cross-calls to other CPUs"),
    stat("mutex_adenters", kInteger, "failed adaptive mutex enters (spins)"),
    stat("rw_rdfails", kInteger, "reader-writer lock read failures"),
    stat("rw_wrfails", kInteger, "reader-writer lock write failures"),
    stat("modload", kInteger, "kernel modules loaded"),
    stat("modunload", kInteger, "kernel modules unloaded"),
    stat("bawrite", kInteger, "physical block writes (async)"),
    stat("iowait", kInteger, "threads waiting for I/O now (cpu_syswait, int32)"),
    stat("swap", kInteger, "threads waiting for swap now (cpu_syswait, int32)"),
    stat("physio", kInteger, "threads waiting for raw I/O now (cpu_syswait, int32)"),
    stat("pgrec", kInteger, "page reclaims (pageouts included)"),
    stat("pgfrec", kInteger, "page reclaims from the free list"),
    stat("pgin", kInteger, "page-in operations"),
    stat("pgpgin", kInteger, "pages paged in"),
    stat("pgout", kInteger, "page-out operations"),
    stat("pgpgout", kInteger, "pages paged out"),
    stat("swapin", kInteger, "swap-in operations"),
    stat("pgswapin", kInteger, "pages swapped in"),
    stat("swapout", kInteger, "swap-out operations"),
    stat("pgswapout", kInteger, "pages swapped out"),
    stat("zfod", kInteger, "pages zero-filled on demand"),
    stat("dfree", kInteger, "pages freed by the page daemon or automatically"),
    stat("scan", kInteger, "pages examined by the page daemon"),
    stat("rev", kInteger, "revolutions of the page daemon's hand"),
    stat("hat_fault", kInteger, "minor faults handled by hat_fault()"),
    stat("as_fault", kInteger, "minor faults handled by as_fault()"),
    stat("maj_fault", kInteger, "major faults"),
    stat("cow_fault", kInteger, "copy-on-write faults"),
    stat("prot_fault", kInteger, "protection faults"),
    stat("softlock", kInteger, "faults for software page locking"),
    stat("kernel_asflt", kInteger, "as_fault() calls in the kernel address space"),
    stat("pgrrun", kInteger, "times the pager ran"),
    stat("execpgin", kInteger, "executable pages paged in"),
    stat("execpgout", kInteger, "executable pages paged out"),
    stat("execfree", kInteger, "executable pages freed"),
    stat("anonpgin", kInteger, "anonymous pages paged in"),
    stat("anonpgout", kInteger, "anonymous pages paged out"),
    stat("anonfree", kInteger, "anonymous pages freed"),
    stat("fspgin", kInteger, "file system pages paged in"),
    stat("fspgout", kInteger, "file system pages paged out"),
    stat("fsfree", kInteger, "file system pages freed"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
};

constexpr Column kNcstatsColumns[] = {
    key(Key::module, "kstat module (unix)"),
    key(Key::instance, "kstat instance (0)"),
    key(Key::name, "kstat name (ncstats)"),
    key(Key::klass, "kstat class"),
    stat("hits", kInteger, "lookups answered by the cache"),
    stat("misses", kInteger, "lookups the cache could not answer"),
    stat("enters", kInteger, "entries added"),
    stat("dbl_enters", kInteger, "adds of an entry already cached"),
    stat("long_enter", kInteger, "adds refused: name too long"),
    stat("long_look", kInteger, "lookups refused: name too long"),
    stat("move_to_front", kInteger, "entries moved to the front of their hash chain"),
    stat("purges", kInteger, "cache purges"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
};

constexpr Column kIntrColumns[] = {
    key(Key::module, "kstat module (driver)"),
    key(Key::instance, "kstat instance"),
    key(Key::name, "kstat name"),
    key(Key::klass, "kstat class (controller, ...)"),
    stat("hard", kInteger, "hardware interrupts"),
    stat("soft", kInteger, "soft interrupts"),
    stat("watchdog", kInteger, "watchdog interrupts"),
    stat("spurious", kInteger, "spurious interrupts"),
    stat("multiple_service", kInteger, "interrupts that serviced several requests (MULTSVC)"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
};

constexpr Column kTimerColumns[] = {
    key(Key::module, "kstat module"),
    key(Key::instance, "kstat instance"),
    key(Key::name, "kstat name"),
    key(Key::klass, "kstat class"),
    stat("timer_index", kInteger, "position of the record in the kstat, from 0"),
    stat("timer_name", kText, "the record's name (kstat(8)'s statistic 'name')"),
    stat("num_events", kInteger, "number of events timed"),
    stat("elapsed_time", kInteger, "cumulative elapsed time, ns", "ns"),
    stat("min_time", kInteger, "shortest event, ns", "ns"),
    stat("max_time", kInteger, "longest event, ns", "ns"),
    stat("start_time", kInteger, "start of the last event, ns", "ns"),
    stat("stop_time", kInteger, "end of the last event, ns", "ns"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
};

// ---- table-valued functions and metadata --------------------------------------

constexpr Column kKstatSelectColumns[] = {
    attr("module", kText, "kstat module"),
    attr("instance", kInteger, "kstat instance"),
    attr("name", kText, "kstat name"),
    attr("class", kText, "kstat class"),
    stat("statistic", kText, "statistic name"),
    stat("type", kText, "value type"),
    stat("value", kAny, "the value (as in named)"),
    stat("unit", kText, "unit of the value, when known"),
    stat("snaptime", kInteger, "time of the read, ns", "ns"),
    attr("crtime", kInteger, "kstat creation time, ns", "ns"),
    hidden(attr("spec1", kText, "selector (first argument)")),
    hidden(attr("spec2", kText, "more selectors, ORed")),
    hidden(attr("spec3", kText, "")),
    hidden(attr("spec4", kText, "")),
    hidden(attr("spec5", kText, "")),
    hidden(attr("spec6", kText, "")),
    hidden(attr("spec7", kText, "")),
    hidden(attr("spec8", kText, "")),
};

constexpr Column kKstatGenerationsColumns[] = {
    attr("generation", kInteger, "index in the recording (0 = first)"),
    attr("time_ns", kInteger, "wall clock when it was recorded, ns since the epoch", "ns"),
    attr("time", kText, "the same as ISO 8601 UTC, YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ"),
    attr("kstats", kInteger, "kstats in the generation (of that host)"),
    attr("host", kText, "recorded host name"),
    attr("bytes", kInteger, "size of the generation's block in the file", "bytes"),
    attr("selected", kInteger, "1 for the generation statements currently see"),
};

constexpr Column kKstatColumnsColumns[] = {
    attr("table_name", kText, "table"),
    attr("column_name", kText, "column"),
    attr("type", kText, "declared SQL type (HIDDEN: only returned when named)"),
    attr("is_key", kInteger, "1 for a key column (=, IN, GLOB, LIKE pushed down)"),
    attr("doc", kText, "what the column holds"),
    attr("table_doc", kText, "what one row of the table is"),
    attr("position", kInteger, "position of the column in the table, from 0"),
    attr("unit", kText, "unit of the column's values (ns, bytes, pages, s), or NULL"),
};

constexpr const char* kNotKqlFunction = "a table-valued function: KQL selectors compile to it";

// The list of tables. Order: documentation order (kstat_columns, README.md).
const TableSpec kTables[] = {
    {"kstat", "one row per kstat: identity, type and read status (the catalog)", kKstatColumns, 1.0,
     true, nullptr, register_table<KstatTable>},
    {"named", "one row per statistic of every kstat (what kstat -p prints)", kNamedColumns, 20.0,
     true, nullptr, register_table<NamedTable>},
    {"io", "one row per io kstat (kstat_io_t)", kIoColumns, 0.05, true, nullptr,
     register_table<IoTable>},
    {"sysinfo", "run and swap queue sums (unix:0:sysinfo, sysinfo_t)", kSysinfoColumns, 0.001, true,
     nullptr, register_table<SysinfoTable>},
    {"vminfo", "free memory and swap sums (unix:0:vminfo, vminfo_t)", kVminfoColumns, 0.001, true,
     nullptr, register_table<VminfoTable>},
    {"var", "configured kernel limits (unix:0:var, struct var)", kVarColumns, 0.001, true, nullptr,
     register_table<VarTable>},
    {"mntinfo", "one row per NFS mount (nfs:N:mntinfo, struct mntinfo_kstat)", kMntinfoColumns,
     0.01, true, nullptr, register_table<MntinfoTable>},
    {"cpu_stat", "per-CPU counters (cpu_stat:N:cpu_statN, cpu_stat_t)", kCpuStatColumns, 0.05, true,
     nullptr, register_table<CpuStatTable>},
    {"ncstats", "name cache counters (unix:0:ncstats, struct ncstats)", kNcstatsColumns, 0.001,
     true, nullptr, register_table<NcstatsTable>},
    {"intr", "one row per interrupt kstat (kstat_intr_t)", kIntrColumns, 0.01, true, nullptr,
     register_table<IntrTable>},
    {"timer", "one row per timer record (kstat_timer_t)", kTimerColumns, 0.01, true, nullptr,
     register_table<TimerTable>},
    {"kstat_select",
     "kstat(8) selectors as a table-valued function: the statistics matching any of the given "
     "selectors",
     kKstatSelectColumns, 20.0, true, kNotKqlFunction, register_kstat_select},
    {"kstat_generations", "one row per recorded generation of a .kss or multi-host source",
     kKstatGenerationsColumns, 0.0, false, "describes recordings, not kstats",
     register_generations_table},
    {"kstat_columns", "the schema of every kstatsql table, one row per column",
     kKstatColumnsColumns, 0.0, false, "describes the schema, not kstats", register_columns_table},
};

}  // namespace

const Column kHostColumn = hidden(attr(
    "host", kText,
    "host the kstat was recorded on, when several recordings are queried together; else NULL"));

const Column& TableSpec::column(int i) const noexcept {
  return i < ncolumns() ? columns[static_cast<std::size_t>(i)] : kHostColumn;
}

std::span<const TableSpec> tables() noexcept {
  return kTables;
}

const TableSpec* find_table(std::string_view name) noexcept {
  for (const TableSpec& t : kTables) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

std::string declare_sql(const TableSpec& spec) {
  std::string sql = "CREATE TABLE x(";
  for (int i = 0; i < spec.declared_columns(); ++i) {
    const Column& c = spec.column(i);
    sql += (i ? ", " : "") + std::string(c.name) + ' ' + c.declared_type();
  }
  return sql + ')';
}

}  // namespace kstatsql::vtab
