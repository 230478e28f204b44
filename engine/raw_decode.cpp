#include "engine/raw_decode.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "engine/source.hpp"

namespace kstatsql::engine {

namespace {

// clang-format off
// A field printed under its member's own name.
#define KSTATSQL_RAW_FIELD(S, m, T) \
  RawField { #m, static_cast<std::uint32_t>(offsetof(S, m)), sizeof(S::m), ValueType::T }
// A field of a struct nested at offset `base` in the kstat's struct.
#define KSTATSQL_RAW_NESTED(base, S, m, T) \
  RawField { #m, static_cast<std::uint32_t>((base) + offsetof(S, m)), sizeof(S::m), ValueType::T }
// clang-format on

constexpr RawField kSysinfo[] = {
    KSTATSQL_RAW_FIELD(Sysinfo, updates, uint32), KSTATSQL_RAW_FIELD(Sysinfo, runque, uint32),
    KSTATSQL_RAW_FIELD(Sysinfo, runocc, uint32),  KSTATSQL_RAW_FIELD(Sysinfo, swpque, uint32),
    KSTATSQL_RAW_FIELD(Sysinfo, swpocc, uint32),  KSTATSQL_RAW_FIELD(Sysinfo, waiting, uint32),
};

constexpr RawField kVminfo[] = {
    KSTATSQL_RAW_FIELD(Vminfo, freemem, uint64),    KSTATSQL_RAW_FIELD(Vminfo, swap_resv, uint64),
    KSTATSQL_RAW_FIELD(Vminfo, swap_alloc, uint64), KSTATSQL_RAW_FIELD(Vminfo, swap_avail, uint64),
    KSTATSQL_RAW_FIELD(Vminfo, swap_free, uint64),  KSTATSQL_RAW_FIELD(Vminfo, updates, uint64),
};

constexpr RawField kVar[] = {
    KSTATSQL_RAW_FIELD(Var, v_buf, int32),       KSTATSQL_RAW_FIELD(Var, v_call, int32),
    KSTATSQL_RAW_FIELD(Var, v_proc, int32),      KSTATSQL_RAW_FIELD(Var, v_maxupttl, int32),
    KSTATSQL_RAW_FIELD(Var, v_nglobpris, int32), KSTATSQL_RAW_FIELD(Var, v_maxsyspri, int32),
    KSTATSQL_RAW_FIELD(Var, v_clist, int32),     KSTATSQL_RAW_FIELD(Var, v_maxup, int32),
    KSTATSQL_RAW_FIELD(Var, v_hbuf, int32),      KSTATSQL_RAW_FIELD(Var, v_hmask, int32),
    KSTATSQL_RAW_FIELD(Var, v_pbuf, int32),      KSTATSQL_RAW_FIELD(Var, v_sptmap, int32),
    KSTATSQL_RAW_FIELD(Var, v_maxpmem, int32),   KSTATSQL_RAW_FIELD(Var, v_autoup, int32),
    KSTATSQL_RAW_FIELD(Var, v_bufhwm, int32),
};

constexpr RawField kNcstats[] = {
    KSTATSQL_RAW_FIELD(Ncstats, hits, int32),
    KSTATSQL_RAW_FIELD(Ncstats, misses, int32),
    KSTATSQL_RAW_FIELD(Ncstats, enters, int32),
    KSTATSQL_RAW_FIELD(Ncstats, dbl_enters, int32),
    KSTATSQL_RAW_FIELD(Ncstats, long_enter, int32),
    KSTATSQL_RAW_FIELD(Ncstats, long_look, int32),
    KSTATSQL_RAW_FIELD(Ncstats, move_to_front, int32),
    KSTATSQL_RAW_FIELD(Ncstats, purges, int32),
};

// kstat(8) flattens mik_timers[0..2] (lookups, reads, writes); [3] is unused.
constexpr std::uint32_t timer_at(int t, int member) {
  return static_cast<std::uint32_t>(offsetof(MntinfoKstat, mik_timers) +
                                    t * sizeof(MntinfoKstat::Timer) + member * 4);
}

constexpr RawField kMntinfo[] = {
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_proto, string),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_vers, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_flags, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_secmod, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_curread, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_curwrite, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_timeo, int32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_retrans, int32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_acregmin, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_acregmax, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_acdirmin, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_acdirmax, uint32),
    {"lookup_srtt", timer_at(0, 0), 4, ValueType::uint32},
    {"lookup_deviate", timer_at(0, 1), 4, ValueType::uint32},
    {"lookup_rtxcur", timer_at(0, 2), 4, ValueType::uint32},
    {"read_srtt", timer_at(1, 0), 4, ValueType::uint32},
    {"read_deviate", timer_at(1, 1), 4, ValueType::uint32},
    {"read_rtxcur", timer_at(1, 2), 4, ValueType::uint32},
    {"write_srtt", timer_at(2, 0), 4, ValueType::uint32},
    {"write_deviate", timer_at(2, 1), 4, ValueType::uint32},
    {"write_rtxcur", timer_at(2, 2), 4, ValueType::uint32},
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_noresponse, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_failover, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_remap, uint32),
    KSTATSQL_RAW_FIELD(MntinfoKstat, mik_curserver, string),
};

constexpr std::uint32_t kSi = offsetof(CpuStat, cpu_sysinfo);
constexpr std::uint32_t kSw = offsetof(CpuStat, cpu_syswait);
constexpr std::uint32_t kVm = offsetof(CpuStat, cpu_vminfo);
#define KSTATSQL_SI(m) KSTATSQL_RAW_NESTED(kSi, CpuSysinfo, m, uint32)
#define KSTATSQL_VM(m) KSTATSQL_RAW_NESTED(kVm, CpuVminfo, m, uint32)

// cpu[] and wait[] get kstat(8)'s names; the #ifdef STATISTICS fields
// (rw_enters, win_*) are not printed.
// clang-format off
constexpr RawField kCpuStat[] = {
    {"idle", kSi + 0, 4, ValueType::uint32}, {"user", kSi + 4, 4, ValueType::uint32},
    {"kernel", kSi + 8, 4, ValueType::uint32}, {"wait", kSi + 12, 4, ValueType::uint32},
    {"wait_io", kSi + 16, 4, ValueType::uint32}, {"wait_swap", kSi + 20, 4, ValueType::uint32},
    {"wait_pio", kSi + 24, 4, ValueType::uint32},
    KSTATSQL_SI(bread), KSTATSQL_SI(bwrite), KSTATSQL_SI(lread), KSTATSQL_SI(lwrite),
    KSTATSQL_SI(phread), KSTATSQL_SI(phwrite), KSTATSQL_SI(pswitch), KSTATSQL_SI(trap),
    KSTATSQL_SI(intr), KSTATSQL_SI(syscall), KSTATSQL_SI(sysread), KSTATSQL_SI(syswrite),
    KSTATSQL_SI(sysfork), KSTATSQL_SI(sysvfork), KSTATSQL_SI(sysexec), KSTATSQL_SI(readch),
    KSTATSQL_SI(writech), KSTATSQL_SI(rcvint), KSTATSQL_SI(xmtint), KSTATSQL_SI(mdmint),
    KSTATSQL_SI(rawch), KSTATSQL_SI(canch), KSTATSQL_SI(outch), KSTATSQL_SI(msg),
    KSTATSQL_SI(sema), KSTATSQL_SI(namei), KSTATSQL_SI(ufsiget), KSTATSQL_SI(ufsdirblk),
    KSTATSQL_SI(ufsipage), KSTATSQL_SI(ufsinopage), KSTATSQL_SI(inodeovf), KSTATSQL_SI(fileovf),
    KSTATSQL_SI(procovf), KSTATSQL_SI(intrthread), KSTATSQL_SI(intrblk), KSTATSQL_SI(idlethread),
    KSTATSQL_SI(inv_swtch), KSTATSQL_SI(nthreads), KSTATSQL_SI(cpumigrate), KSTATSQL_SI(xcalls),
    KSTATSQL_SI(mutex_adenters), KSTATSQL_SI(rw_rdfails), KSTATSQL_SI(rw_wrfails),
    KSTATSQL_SI(modload), KSTATSQL_SI(modunload), KSTATSQL_SI(bawrite),
    KSTATSQL_RAW_NESTED(kSw, CpuSyswait, iowait, int32),
    KSTATSQL_RAW_NESTED(kSw, CpuSyswait, swap, int32),
    KSTATSQL_RAW_NESTED(kSw, CpuSyswait, physio, int32),
    KSTATSQL_VM(pgrec), KSTATSQL_VM(pgfrec), KSTATSQL_VM(pgin), KSTATSQL_VM(pgpgin),
    KSTATSQL_VM(pgout), KSTATSQL_VM(pgpgout), KSTATSQL_VM(swapin), KSTATSQL_VM(pgswapin),
    KSTATSQL_VM(swapout), KSTATSQL_VM(pgswapout), KSTATSQL_VM(zfod), KSTATSQL_VM(dfree),
    KSTATSQL_VM(scan), KSTATSQL_VM(rev), KSTATSQL_VM(hat_fault), KSTATSQL_VM(as_fault),
    KSTATSQL_VM(maj_fault), KSTATSQL_VM(cow_fault), KSTATSQL_VM(prot_fault),
    KSTATSQL_VM(softlock), KSTATSQL_VM(kernel_asflt), KSTATSQL_VM(pgrrun),
    KSTATSQL_VM(execpgin), KSTATSQL_VM(execpgout), KSTATSQL_VM(execfree), KSTATSQL_VM(anonpgin),
    KSTATSQL_VM(anonpgout), KSTATSQL_VM(anonfree), KSTATSQL_VM(fspgin), KSTATSQL_VM(fspgout),
    KSTATSQL_VM(fsfree),
};
// clang-format on
static_assert(std::size(kCpuStat) == 7 + 46 + 3 + 31);

#undef KSTATSQL_SI
#undef KSTATSQL_VM
#undef KSTATSQL_RAW_NESTED
#undef KSTATSQL_RAW_FIELD

constexpr RawLayout kLayouts[] = {
    {"cpu_stat:cpu_stat", "cpu_stat_t", sizeof(CpuStat), kCpuStat},
    {"unix:var", "struct var", sizeof(Var), kVar},
    {"unix:ncstats", "struct ncstats", sizeof(Ncstats), kNcstats},
    {"unix:sysinfo", "sysinfo_t", sizeof(Sysinfo), kSysinfo},
    {"unix:vminfo", "vminfo_t", sizeof(Vminfo), kVminfo},
    {"nfs:mntinfo", "struct mntinfo_kstat", sizeof(MntinfoKstat), kMntinfo},
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Matches `part` with its digits removed against `key` from position `k`;
// advances k past what matched.
bool match_stripped(std::string_view part, std::string_view key, std::size_t& k) noexcept {
  for (char c : part) {
    if (is_digit(c)) continue;
    if (k >= key.size() || key[k] != c) return false;
    ++k;
  }
  return true;
}

NamedStat decode_field(const RawField& f, const std::byte* base) noexcept {
  NamedStat s;
  s.name = f.name.data();
  s.name_len = static_cast<std::uint32_t>(f.name.size());
  s.type = f.type;
  const std::byte* p = base + f.offset;
  switch (f.type) {
    case ValueType::int32: {
      std::int32_t v;
      std::memcpy(&v, p, sizeof v);
      s.v.i = v;
      break;
    }
    case ValueType::uint32: {
      std::uint32_t v;
      std::memcpy(&v, p, sizeof v);
      s.v.u = v;
      break;
    }
    case ValueType::uint64: {
      std::uint64_t v;
      std::memcpy(&v, p, sizeof v);
      s.v.u = v;
      break;
    }
    default: {  // string: up to the first NUL, bounded by the array
      const char* c = reinterpret_cast<const char*>(p);
      const void* nul = std::memchr(c, '\0', f.size);
      s.v.s = c;
      s.str_len = nul ? static_cast<std::uint32_t>(static_cast<const char*>(nul) - c) : f.size;
      break;
    }
  }
  return s;
}

// Bytes of T that hold fields; the rest is padding, encoded as zeros.
template <typename T>
constexpr std::size_t significant_bytes() {
  if constexpr (std::is_same_v<T, MntinfoKstat>) {
    return offsetof(MntinfoKstat, mik_curserver) + sizeof(MntinfoKstat::mik_curserver);
  } else {
    static_assert(std::has_unique_object_representations_v<T>, "T has padding: say where");
    return sizeof(T);
  }
}

}  // namespace

std::span<const RawLayout> raw_layouts() noexcept {
  return kLayouts;
}

bool raw_key_matches(std::string_view module, std::string_view name,
                     std::string_view key) noexcept {
  std::size_t k = 0;
  if (!match_stripped(module, key, k)) return false;
  if (k >= key.size() || key[k] != ':') return false;
  ++k;
  return match_stripped(name, key, k) && k == key.size();
}

const RawLayout* find_raw_key(std::string_view module, std::string_view name) noexcept {
  for (const RawLayout& l : kLayouts) {
    if (raw_key_matches(module, name, l.key)) return &l;
  }
  return nullptr;
}

RawDecode decode_raw(const KstatHeader& h, std::span<const std::byte> bytes, Arena& arena,
                     KstatData& out) {
  out.raw = bytes;
  out.data_size = bytes.size();
  const RawLayout* keyed = nullptr;
  std::string sizes;
  for (const RawLayout& l : kLayouts) {
    if (!raw_key_matches(h.module, h.name, l.key)) continue;
    keyed = &l;
    if (l.size != bytes.size()) {
      if (!sizes.empty()) sizes += ", ";
      sizes += std::to_string(l.size);
      continue;
    }
    NamedStat* p = arena.make_array<NamedStat>(l.fields.size());
    for (std::size_t i = 0; i < l.fields.size(); ++i)
      p[i] = decode_field(l.fields[i], bytes.data());
    out.named = {p, l.fields.size()};
    return RawDecode::decoded;
  }
  if (!keyed) return RawDecode::no_decoder;
  std::string msg =
      fmt::format("{}:{}:{}: raw data size {} matches no known {} layout ({})", h.module,
                  h.instance, h.name, bytes.size(), keyed->struct_name, sizes);
  set_read_error(out, arena, EINVAL, msg);
  out.raw = bytes;
  out.data_size = bytes.size();
  return RawDecode::size_mismatch;
}

RawDecode finish_raw(const KstatHeader& h, Arena& arena, KstatData& out) {
  if (h.type != KstatType::raw || out.raw.empty() || !out.named.empty() || !out.ok()) {
    return RawDecode::no_decoder;
  }
  return decode_raw(h, out.raw, arena, out);
}

template <RawStruct T>
std::vector<std::byte> encode_raw(const T& s) {
  std::vector<std::byte> v(sizeof(T));
  std::memcpy(v.data(), &s, significant_bytes<T>());
  return v;
}

template <RawStruct T>
std::span<const std::byte> encode_raw(const T& s, Arena& arena) {
  auto* p = arena.make_array<std::byte>(sizeof(T));  // value-initialised: padding is zero
  std::memcpy(p, &s, significant_bytes<T>());
  return {p, sizeof(T)};
}

#define KSTATSQL_RAW_ENCODERS(T)                           \
  template std::vector<std::byte> encode_raw<T>(const T&); \
  template std::span<const std::byte> encode_raw<T>(const T&, Arena&);
KSTATSQL_RAW_ENCODERS(Sysinfo)
KSTATSQL_RAW_ENCODERS(Vminfo)
KSTATSQL_RAW_ENCODERS(Var)
KSTATSQL_RAW_ENCODERS(Ncstats)
KSTATSQL_RAW_ENCODERS(MntinfoKstat)
KSTATSQL_RAW_ENCODERS(CpuStat)
#undef KSTATSQL_RAW_ENCODERS

std::ptrdiff_t find_stat(std::span<const NamedStat> named, std::string_view name,
                         std::ptrdiff_t hint) noexcept {
  auto n = static_cast<std::ptrdiff_t>(named.size());
  if (hint >= 0 && hint < n && named[hint].name_view() == name) return hint;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    if (named[i].name_view() == name) return i;
  }
  return -1;
}

}  // namespace kstatsql::engine
