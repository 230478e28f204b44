// engine/raw_decode.hpp — raw kstats (KSTAT_TYPE_RAW) decoded exactly as kstat(8) does.
//
// A raw kstat is an opaque C struct. kstat(8) decodes a few of them
// (ks_raw_lookup) and prints their fields as statistics; kstatsql does the same
// so they appear in `named` and feed the typed tables (sysinfo, vminfo, var,
// ncstats, mntinfo, cpu_stat). Everything here follows docs/raw-kstats.md:
//
//  * The decoder is chosen by kstat(8)'s lookup key: the module and the name
//    with every digit removed, joined by ':' (cpu_stat:3:cpu_stat3 →
//    "cpu_stat:cpu_stat"). The key must equal a known key exactly (kstat(8)
//    also accepts a key that is a prefix of one; we do not — docs/raw-kstats.md).
//  * AND by the data size: the bytes must be exactly the size of a known layout
//    of that struct. Any other size is recorded as the kstat's read error
//    ("unix:0:vminfo: raw data size 40 matches no known vminfo_t layout (48)"),
//    never decoded by guess.
//  * Statistics get kstat(8)'s names and types, in kstat(8)'s order (the order
//    of the struct, not sorted). Strings stop at the first NUL, bounded by the
//    field. Bytes are read with memcpy in host byte order (raw kstats are read
//    on the machine that published them), never through a cast pointer.
//
// The structs below mirror the illumos C layouts byte for byte (checked by
// static_asserts), so a struct is also its own encoder: encode_raw() copies
// the object representation (with padding zeroed). Sources that synthesise a
// raw kstat (the Linux source builds vminfo_t from /proc/meminfo) fill a struct,
// then call publish_raw().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "engine/arena.hpp"
#include "engine/kstat.hpp"

namespace kstatsql::engine {

// sysinfo_t (sys/sysinfo.h), 24 bytes: running sums, updated once a second.
struct Sysinfo {
  std::uint32_t updates = 0, runque = 0, runocc = 0, swpque = 0, swpocc = 0, waiting = 0;
};

// vminfo_t (sys/sysinfo.h), 48 bytes: running sums in pages; divide Δ by Δupdates.
struct Vminfo {
  std::uint64_t freemem = 0, swap_resv = 0, swap_alloc = 0, swap_avail = 0, swap_free = 0,
                updates = 0;
};

// struct var (sys/var.h), 60 bytes.
struct Var {
  std::int32_t v_buf = 0, v_call = 0, v_proc = 0, v_maxupttl = 0, v_nglobpris = 0, v_maxsyspri = 0,
               v_clist = 0, v_maxup = 0, v_hbuf = 0, v_hmask = 0, v_pbuf = 0, v_sptmap = 0,
               v_maxpmem = 0, v_autoup = 0, v_bufhwm = 0;
};

// struct ncstats (sys/dnlc.h), 32 bytes.
struct Ncstats {
  std::int32_t hits = 0, misses = 0, enters = 0, dbl_enters = 0, long_enter = 0, long_look = 0,
               move_to_front = 0, purges = 0;
};

// struct mntinfo_kstat (nfs/nfs_clnt.h), 492 bytes, align 4.
struct MntinfoKstat {
  struct Timer {
    std::uint32_t srtt = 0, deviate = 0, rtxcur = 0;
  };
  char mik_proto[128] = {};  // KNC_STRSIZE
  std::uint32_t mik_vers = 0;
  std::uint32_t mik_flags = 0;
  std::uint32_t mik_secmod = 0;
  std::uint32_t mik_curread = 0;
  std::uint32_t mik_curwrite = 0;
  std::int32_t mik_timeo = 0;
  std::int32_t mik_retrans = 0;
  std::uint32_t mik_acregmin = 0;
  std::uint32_t mik_acregmax = 0;
  std::uint32_t mik_acdirmin = 0;
  std::uint32_t mik_acdirmax = 0;
  Timer mik_timers[4] = {};  // NFS_CALLTYPES + 1: lookup, read, write, unused
  std::uint32_t mik_noresponse = 0;
  std::uint32_t mik_failover = 0;
  std::uint32_t mik_remap = 0;
  char mik_curserver[257] = {};  // SYS_NMLN
};

// cpu_sysinfo_t, 236 bytes (59 uint_t).
struct CpuSysinfo {
  std::uint32_t cpu[4] = {};   // idle, user, kernel, wait
  std::uint32_t wait[3] = {};  // io, swap, pio
  std::uint32_t bread = 0, bwrite = 0, lread = 0, lwrite = 0, phread = 0, phwrite = 0, pswitch = 0,
                trap = 0, intr = 0, syscall = 0, sysread = 0, syswrite = 0, sysfork = 0,
                sysvfork = 0, sysexec = 0, readch = 0, writech = 0, rcvint = 0, xmtint = 0,
                mdmint = 0, rawch = 0, canch = 0, outch = 0, msg = 0, sema = 0, namei = 0,
                ufsiget = 0, ufsdirblk = 0, ufsipage = 0, ufsinopage = 0, inodeovf = 0, fileovf = 0,
                procovf = 0, intrthread = 0, intrblk = 0, idlethread = 0, inv_swtch = 0,
                nthreads = 0, cpumigrate = 0, xcalls = 0, mutex_adenters = 0, rw_rdfails = 0,
                rw_wrfails = 0, modload = 0, modunload = 0, bawrite = 0;
  // #ifdef STATISTICS fields: kept for the layout, not printed by kstat(8).
  std::uint32_t rw_enters = 0, win_uo_cnt = 0, win_uu_cnt = 0, win_so_cnt = 0, win_su_cnt = 0,
                win_suo_cnt = 0;
};

// cpu_syswait_t, 12 bytes.
struct CpuSyswait {
  std::int32_t iowait = 0, swap = 0, physio = 0;
};

// cpu_vminfo_t, 124 bytes (31 uint_t).
struct CpuVminfo {
  std::uint32_t pgrec = 0, pgfrec = 0, pgin = 0, pgpgin = 0, pgout = 0, pgpgout = 0, swapin = 0,
                pgswapin = 0, swapout = 0, pgswapout = 0, zfod = 0, dfree = 0, scan = 0, rev = 0,
                hat_fault = 0, as_fault = 0, maj_fault = 0, cow_fault = 0, prot_fault = 0,
                softlock = 0, kernel_asflt = 0, pgrrun = 0, execpgin = 0, execpgout = 0,
                execfree = 0, anonpgin = 0, anonpgout = 0, anonfree = 0, fspgin = 0, fspgout = 0,
                fsfree = 0;
};

// cpu_stat_t (sys/sysinfo.h), 380 bytes.
struct CpuStat {
  std::uint32_t cpu_stat_lock[2] = {};  // 32-bit compatibility, unused
  CpuSysinfo cpu_sysinfo;
  CpuSyswait cpu_syswait;
  CpuVminfo cpu_vminfo;
};

// The layouts in docs/raw-kstats.md (gcc, x86_64; the same on ILP32).
static_assert(sizeof(Sysinfo) == 24 && sizeof(Vminfo) == 48 && sizeof(Var) == 60);
static_assert(sizeof(Ncstats) == 32);
static_assert(sizeof(MntinfoKstat) == 492 && alignof(MntinfoKstat) == 4);
static_assert(offsetof(MntinfoKstat, mik_vers) == 128 && offsetof(MntinfoKstat, mik_flags) == 132);
static_assert(offsetof(MntinfoKstat, mik_secmod) == 136 &&
              offsetof(MntinfoKstat, mik_curread) == 140);
static_assert(offsetof(MntinfoKstat, mik_curwrite) == 144 &&
              offsetof(MntinfoKstat, mik_timeo) == 148);
static_assert(offsetof(MntinfoKstat, mik_retrans) == 152 &&
              offsetof(MntinfoKstat, mik_acregmin) == 156);
static_assert(offsetof(MntinfoKstat, mik_acdirmax) == 168 &&
              offsetof(MntinfoKstat, mik_timers) == 172);
static_assert(sizeof(MntinfoKstat::Timer) == 12);
static_assert(offsetof(MntinfoKstat, mik_noresponse) == 220 &&
              offsetof(MntinfoKstat, mik_remap) == 228);
static_assert(offsetof(MntinfoKstat, mik_curserver) == 232);
static_assert(sizeof(CpuSysinfo) == 236 && sizeof(CpuSyswait) == 12 && sizeof(CpuVminfo) == 124);
static_assert(sizeof(CpuStat) == 380 && offsetof(CpuStat, cpu_sysinfo) == 8);
static_assert(offsetof(CpuStat, cpu_syswait) == 244 && offsetof(CpuStat, cpu_vminfo) == 256);
static_assert(offsetof(CpuSysinfo, bread) == 28 && offsetof(CpuSysinfo, bawrite) == 208);

// One statistic kstat(8) prints for a raw struct: where it is and how it reads.
struct RawField {
  std::string_view name;
  std::uint32_t offset;
  std::uint32_t size;  // 4 or 8 for numbers; the array size for strings
  ValueType type;      // int32, uint32, uint64 or string
};

// One known layout of one raw struct.
struct RawLayout {
  std::string_view key;              // kstat(8)'s lookup key, e.g. "unix:vminfo"
  std::string_view struct_name;      // for messages: "vminfo_t", "struct var"
  std::uint32_t size;                // the only ks_data_size this layout accepts
  std::span<const RawField> fields;  // in kstat(8)'s print order
};

// Every layout kstatsql decodes (several may share a key, told apart by size).
std::span<const RawLayout> raw_layouts() noexcept;

// True when module:name, digits removed, equals `key` ("cpu_stat:cpu_stat").
// No allocation.
bool raw_key_matches(std::string_view module, std::string_view name, std::string_view key) noexcept;

// The first layout whose key matches the kstat's module and name (any size), or
// nullptr when kstat(8) has no decoder for it.
const RawLayout* find_raw_key(std::string_view module, std::string_view name) noexcept;

enum class RawDecode {
  no_decoder,     // no layout has this key: out untouched apart from raw
  decoded,        // out.named holds every field
  size_mismatch,  // a layout has the key but not the size: error recorded on out
};

// Decodes `bytes` as the raw struct of kstat `h` into `out`: out.raw =
// bytes, out.data_size = bytes.size(), out.named = the fields (allocated in
// `arena`). On size_mismatch, out's error is set (EINVAL and a message naming
// the kstat, the size and the known sizes); raw and data_size are kept.
// REQUIRES: `bytes` outlives every reader of `arena` (it is arena-backed or
// the source's immutable storage): string statistics point into it.
RawDecode decode_raw(const KstatHeader& h, std::span<const std::byte> bytes, Arena& arena,
                     KstatData& out);

// What a source calls after reading a kstat: when h is a raw kstat whose
// out.raw is set and out.named is empty, decodes out.raw in place (same
// REQUIRES as decode_raw). Any other kstat is left as is. Returns the outcome.
RawDecode finish_raw(const KstatHeader& h, Arena& arena, KstatData& out);

// Encoders: the struct's bytes exactly as the C struct would hold them
// (padding zeroed), for sources that synthesise raw kstats and for tests.
template <typename T>
concept RawStruct =
    std::is_same_v<T, Sysinfo> || std::is_same_v<T, Vminfo> || std::is_same_v<T, Var> ||
    std::is_same_v<T, Ncstats> || std::is_same_v<T, MntinfoKstat> || std::is_same_v<T, CpuStat>;

template <RawStruct T>
std::vector<std::byte> encode_raw(const T& s);
template <RawStruct T>
std::span<const std::byte> encode_raw(const T& s, Arena& arena);

// Encodes `s` into `arena` and decodes it into `out` (publish a synthesised
// raw kstat in one call). h must carry the matching module and name.
template <RawStruct T>
RawDecode publish_raw(const KstatHeader& h, const T& s, Arena& arena, KstatData& out) {
  return decode_raw(h, encode_raw(s, arena), arena, out);
}

// Index of the statistic called `name` in `named`: tries `hint` first (decoded
// raw kstats keep the struct's order), then scans. -1 when absent.
std::ptrdiff_t find_stat(std::span<const NamedStat> named, std::string_view name,
                         std::ptrdiff_t hint = -1) noexcept;

}  // namespace kstatsql::engine
