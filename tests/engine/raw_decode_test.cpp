// Raw kstat decoders: byte-exact decoding of hand-built structs at the offsets
// of docs/raw-kstats.md, kstat(8)'s names and types, size rules, encoders.
#include "engine/raw_decode.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "engine/source.hpp"
#include "engine/static_source.hpp"

namespace eng = kstatsql::engine;
using eng::ValueType;

namespace {

eng::KstatHeader header(std::string_view module, std::int64_t instance, std::string_view name) {
  eng::KstatHeader h;
  h.module = module;
  h.instance = instance;
  h.name = name;
  h.type = eng::KstatType::raw;
  return h;
}

// A zeroed buffer with little helpers that write at absolute offsets.
struct Bytes {
  explicit Bytes(std::size_t n) : b(n) {}
  template <typename T>
  void put(std::size_t off, T v) {
    REQUIRE(off + sizeof v <= b.size());
    std::memcpy(b.data() + off, &v, sizeof v);
  }
  void put_str(std::size_t off, std::string_view s) {
    REQUIRE(off + s.size() <= b.size());
    std::memcpy(b.data() + off, s.data(), s.size());
  }
  std::span<const std::byte> span() const { return b; }
  std::vector<std::byte> b;
};

// "name:type" for every decoded statistic, space-separated.
std::string signature(std::span<const eng::NamedStat> named) {
  std::string s;
  for (const auto& st : named) {
    if (!s.empty()) s += ' ';
    s += st.name_view();
    s += ':';
    s += eng::type_name(st.type);
  }
  return s;
}

const eng::NamedStat& stat(const eng::KstatData& d, std::string_view name) {
  std::ptrdiff_t i = eng::find_stat(d.named, name);
  INFO(name);
  REQUIRE(i >= 0);
  return d.named[static_cast<std::size_t>(i)];
}

std::string names_of(std::string_view list, std::string_view type) {
  std::istringstream in{std::string(list)};
  std::string w, out;
  while (in >> w) out += (out.empty() ? "" : " ") + w + ":" + std::string(type);
  return out;
}

}  // namespace

TEST_CASE("vminfo_t decodes byte for byte as six uint64", "[engine][raw]") {
  Bytes b(48);
  const std::uint64_t v[6] = {0x0102030405060708ull, 2, 3, 0xFFFFFFFFFFFFFFFFull, 5, 98765};
  for (int i = 0; i < 6; ++i) b.put<std::uint64_t>(8 * i, v[i]);
  eng::Arena arena;
  eng::KstatData d;
  auto h = header("unix", 0, "vminfo");
  REQUIRE(eng::decode_raw(h, b.span(), arena, d) == eng::RawDecode::decoded);
  CHECK(d.ok());
  CHECK(signature(d.named) ==
        names_of("freemem swap_resv swap_alloc swap_avail swap_free updates", "uint64"));
  for (int i = 0; i < 6; ++i) CHECK(d.named[i].v.u == v[i]);
  CHECK(d.raw.data() == b.b.data());
  CHECK(d.data_size == 48);
}

TEST_CASE("a size that matches no layout is an error on the kstat, never a misread",
          "[engine][raw]") {
  eng::Arena arena;
  eng::KstatData d;
  Bytes b(40);
  auto h = header("unix", 0, "vminfo");
  REQUIRE(eng::decode_raw(h, b.span(), arena, d) == eng::RawDecode::size_mismatch);
  CHECK_FALSE(d.ok());
  CHECK(d.err == EINVAL);
  CHECK(d.error == "unix:0:vminfo: raw data size 40 matches no known vminfo_t layout (48)");
  CHECK(d.named.empty());
  CHECK(d.data_size == 40);  // kept for diagnosis

  Bytes big(381);
  eng::KstatData c;
  auto hc = header("cpu_stat", 3, "cpu_stat3");
  REQUIRE(eng::decode_raw(hc, big.span(), arena, c) == eng::RawDecode::size_mismatch);
  CHECK(c.error ==
        "cpu_stat:3:cpu_stat3: raw data size 381 matches no known cpu_stat_t layout (380)");
}

TEST_CASE("sysinfo_t, struct var and struct ncstats keep kstat(8)'s names and types",
          "[engine][raw]") {
  eng::Arena arena;
  SECTION("sysinfo: six uint32") {
    Bytes b(24);
    for (int i = 0; i < 6; ++i) b.put<std::uint32_t>(4 * i, 0xFFFFFFF0u + i);
    eng::KstatData d;
    REQUIRE(eng::decode_raw(header("unix", 0, "sysinfo"), b.span(), arena, d) ==
            eng::RawDecode::decoded);
    CHECK(signature(d.named) == names_of("updates runque runocc swpque swpocc waiting", "uint32"));
    CHECK(stat(d, "waiting").v.u == 0xFFFFFFF5u);  // unsigned, not sign-extended
  }
  SECTION("var: fifteen int32") {
    Bytes b(60);
    for (int i = 0; i < 15; ++i) b.put<std::int32_t>(4 * i, 100 + i);
    b.put<std::int32_t>(56, -7);
    eng::KstatData d;
    REQUIRE(eng::decode_raw(header("unix", 0, "var"), b.span(), arena, d) ==
            eng::RawDecode::decoded);
    CHECK(signature(d.named) ==
          names_of("v_buf v_call v_proc v_maxupttl v_nglobpris v_maxsyspri v_clist v_maxup v_hbuf "
                   "v_hmask v_pbuf v_sptmap v_maxpmem v_autoup v_bufhwm",
                   "int32"));
    CHECK(stat(d, "v_proc").v.i == 102);
    CHECK(stat(d, "v_bufhwm").v.i == -7);  // signed
  }
  SECTION("ncstats: eight int32") {
    Bytes b(32);
    for (int i = 0; i < 8; ++i) b.put<std::int32_t>(4 * i, 10 * (i + 1));
    eng::KstatData d;
    REQUIRE(eng::decode_raw(header("unix", 0, "ncstats"), b.span(), arena, d) ==
            eng::RawDecode::decoded);
    CHECK(signature(d.named) == names_of("hits misses enters dbl_enters long_enter long_look "
                                         "move_to_front purges",
                                         "int32"));
    CHECK(stat(d, "purges").v.i == 80);
  }
}

TEST_CASE("cpu_stat_t: every field kstat(8) prints, from its three sub-structs", "[engine][raw]") {
  Bytes b(380);
  b.put<std::uint32_t>(0, 0xDEADBEEF);  // __cpu_stat_lock: never printed
  b.put<std::uint32_t>(4, 0xDEADBEEF);
  for (int i = 0; i < 59; ++i) b.put<std::uint32_t>(8 + 4 * i, 1000u + i);  // cpu_sysinfo
  b.put<std::int32_t>(244, -1);                                             // cpu_syswait
  b.put<std::int32_t>(248, -2);
  b.put<std::int32_t>(252, -3);
  for (int i = 0; i < 31; ++i) b.put<std::uint32_t>(256 + 4 * i, 5000u + i);  // cpu_vminfo
  eng::Arena arena;
  eng::KstatData d;
  REQUIRE(eng::decode_raw(header("cpu_stat", 12, "cpu_stat12"), b.span(), arena, d) ==
          eng::RawDecode::decoded);
  std::string expected =
      names_of(
          "idle user kernel wait wait_io wait_swap wait_pio bread bwrite lread lwrite phread "
          "phwrite pswitch trap intr syscall sysread syswrite sysfork sysvfork sysexec readch "
          "writech rcvint xmtint mdmint rawch canch outch msg sema namei ufsiget ufsdirblk "
          "ufsipage ufsinopage inodeovf fileovf procovf intrthread intrblk idlethread "
          "inv_swtch nthreads cpumigrate xcalls mutex_adenters rw_rdfails rw_wrfails modload "
          "modunload bawrite",
          "uint32") +
      " " + names_of("iowait swap physio", "int32") + " " +
      names_of(
          "pgrec pgfrec pgin pgpgin pgout pgpgout swapin pgswapin swapout pgswapout zfod "
          "dfree scan rev hat_fault as_fault maj_fault cow_fault prot_fault softlock "
          "kernel_asflt pgrrun execpgin execpgout execfree anonpgin anonpgout anonfree fspgin "
          "fspgout fsfree",
          "uint32");
  CHECK(signature(d.named) == expected);
  CHECK(d.named.size() == 87);
  CHECK(stat(d, "idle").v.u == 1000);     // cpu[0] at 8
  CHECK(stat(d, "wait").v.u == 1003);     // cpu[3]
  CHECK(stat(d, "wait_io").v.u == 1004);  // wait[0] at 24 (not cpu[], illumos bug 3724)
  CHECK(stat(d, "wait_pio").v.u == 1006);
  CHECK(stat(d, "bread").v.u == 1007);    // at 36
  CHECK(stat(d, "bawrite").v.u == 1052);  // at 216; rw_enters (1053) and win_* follow unprinted
  CHECK(eng::find_stat(d.named, "rw_enters") == -1);
  CHECK(eng::find_stat(d.named, "win_uo_cnt") == -1);
  CHECK(stat(d, "iowait").v.i == -1);
  CHECK(stat(d, "physio").v.i == -3);
  CHECK(stat(d, "pgrec").v.u == 5000);
  CHECK(stat(d, "fsfree").v.u == 5030);  // at 376, the last 4 bytes
}

TEST_CASE("mntinfo_kstat: strings to the NUL, timers flattened, mik_ prefix kept",
          "[engine][raw]") {
  Bytes b(492);
  b.put_str(0, "tcp6");
  b.put<std::uint32_t>(128, 4);        // mik_vers
  b.put<std::uint32_t>(132, 0x2000);   // mik_flags: MI_ACL
  b.put<std::uint32_t>(140, 1048576);  // mik_curread
  b.put<std::int32_t>(148, 600);       // mik_timeo
  b.put<std::int32_t>(152, -1);        // mik_retrans, signed
  b.put<std::uint32_t>(168, 60);       // mik_acdirmax
  for (int t = 0; t < 4; ++t) {
    for (int m = 0; m < 3; ++m) b.put<std::uint32_t>(172 + 12 * t + 4 * m, 10u * (t + 1) + m);
  }
  b.put<std::uint32_t>(220, 7);  // mik_noresponse
  b.put<std::uint32_t>(228, 9);  // mik_remap
  b.put_str(232, "nfs-server.example.com");
  eng::Arena arena;
  eng::KstatData d;
  REQUIRE(eng::decode_raw(header("nfs", 287, "mntinfo"), b.span(), arena, d) ==
          eng::RawDecode::decoded);
  CHECK(signature(d.named) ==
        "mik_proto:string " +
            names_of("mik_vers mik_flags mik_secmod mik_curread mik_curwrite", "uint32") + " " +
            names_of("mik_timeo mik_retrans", "int32") + " " +
            names_of("mik_acregmin mik_acregmax mik_acdirmin mik_acdirmax lookup_srtt "
                     "lookup_deviate lookup_rtxcur read_srtt read_deviate read_rtxcur write_srtt "
                     "write_deviate write_rtxcur mik_noresponse mik_failover mik_remap",
                     "uint32") +
            " mik_curserver:string");
  CHECK(stat(d, "mik_proto").str() == "tcp6");
  CHECK(stat(d, "mik_curserver").str() == "nfs-server.example.com");
  CHECK(stat(d, "mik_vers").v.u == 4);
  CHECK(stat(d, "mik_flags").v.u == 0x2000);
  CHECK(stat(d, "mik_curread").v.u == 1048576);
  CHECK(stat(d, "mik_timeo").v.i == 600);
  CHECK(stat(d, "mik_retrans").v.i == -1);
  CHECK(stat(d, "mik_acdirmax").v.u == 60);
  CHECK(stat(d, "lookup_srtt").v.u == 10);
  CHECK(stat(d, "lookup_rtxcur").v.u == 12);
  CHECK(stat(d, "read_deviate").v.u == 21);
  CHECK(stat(d, "write_rtxcur").v.u == 32);  // timers[3] (40..42) is not printed
  CHECK(stat(d, "mik_noresponse").v.u == 7);
  CHECK(stat(d, "mik_remap").v.u == 9);

  SECTION("a string that fills its array stops at the array's end") {
    Bytes full(492);
    std::string s(257, 'x');
    full.put_str(232, s);
    eng::KstatData f;
    REQUIRE(eng::decode_raw(header("nfs", 1, "mntinfo"), full.span(), arena, f) ==
            eng::RawDecode::decoded);
    CHECK(stat(f, "mik_curserver").str() == s);
    CHECK(stat(f, "mik_proto").str().empty());
  }
}

TEST_CASE("the lookup key drops digits from module and name and must match exactly",
          "[engine][raw]") {
  CHECK(eng::raw_key_matches("cpu_stat", "cpu_stat17", "cpu_stat:cpu_stat"));
  CHECK(eng::raw_key_matches("unix", "vminfo", "unix:vminfo"));
  CHECK(eng::raw_key_matches("unix2", "vm1info", "unix:vminfo"));
  CHECK_FALSE(
      eng::raw_key_matches("unix", "vm", "unix:vminfo"));  // kstat(8)'s prefix quirk: not kept
  CHECK_FALSE(eng::raw_key_matches("unix", "vminfox", "unix:vminfo"));
  CHECK_FALSE(eng::raw_key_matches("unixx", "vminfo", "unix:vminfo"));
  CHECK_FALSE(eng::raw_key_matches("cpu", "stat", "cpu_stat:cpu_stat"));
  REQUIRE(eng::find_raw_key("nfs", "mntinfo") != nullptr);
  CHECK(eng::find_raw_key("nfs", "mntinfo")->size == 492);
  CHECK(eng::find_raw_key("unix", "kstat_headers") == nullptr);

  eng::Arena arena;
  eng::KstatData d;
  Bytes b(48);
  CHECK(eng::decode_raw(header("unix", 0, "kstat_headers"), b.span(), arena, d) ==
        eng::RawDecode::no_decoder);
  CHECK(d.ok());
  CHECK(d.named.empty());
  CHECK(d.raw.size() == 48);  // stays raw-only
}

TEST_CASE("encoders produce the C layout and decode back", "[engine][raw]") {
  eng::Vminfo v;
  v.freemem = 11;
  v.swap_avail = 44;
  v.updates = 66;
  std::vector<std::byte> bytes = eng::encode_raw(v);
  REQUIRE(bytes.size() == 48);
  std::uint64_t x;
  std::memcpy(&x, bytes.data() + 24, 8);
  CHECK(x == 44);

  eng::MntinfoKstat m;
  std::memset(static_cast<void*>(&m), 0xAB, sizeof m);  // garbage in the padding too
  std::memcpy(m.mik_proto, "udp", 4);
  std::memcpy(m.mik_curserver, "srv", 4);
  m.mik_timers[2].rtxcur = 99;
  std::vector<std::byte> mb = eng::encode_raw(m);
  REQUIRE(mb.size() == 492);
  for (std::size_t i = 489; i < 492; ++i) CHECK(mb[i] == std::byte{0});  // padding zeroed

  eng::Arena arena;
  eng::KstatData d;
  REQUIRE(eng::publish_raw(header("nfs", 3, "mntinfo"), m, arena, d) == eng::RawDecode::decoded);
  CHECK(stat(d, "write_rtxcur").v.u == 99);
  CHECK(stat(d, "mik_proto").str() == "udp");
  CHECK(stat(d, "mik_vers").v.u == 0xABABABABu);

  eng::CpuStat c;
  c.cpu_sysinfo.cpu[1] = 77;
  c.cpu_syswait.physio = -4;
  c.cpu_vminfo.fsfree = 88;
  eng::KstatData cd;
  REQUIRE(eng::publish_raw(header("cpu_stat", 0, "cpu_stat0"), c, arena, cd) ==
          eng::RawDecode::decoded);
  CHECK(stat(cd, "user").v.u == 77);
  CHECK(stat(cd, "physio").v.i == -4);
  CHECK(stat(cd, "fsfree").v.u == 88);
}

TEST_CASE("StaticBuilder decodes raw kstats when it finishes", "[engine][raw]") {
  eng::StaticBuilder b;
  eng::Vminfo v;
  v.freemem = 123456;
  v.updates = 7;
  b.begin("unix", 0, "vminfo");
  b.set_class("vm");
  b.set_type(eng::KstatType::raw);
  b.set_snaptime(5);
  b.set_raw(eng::encode_raw(v));
  b.begin("unix", 1, "vminfo");  // a wrong size: an error on this kstat only
  b.set_type(eng::KstatType::raw);
  std::vector<std::byte> short_bytes(40);
  b.set_raw(short_bytes);
  b.begin("acme", 0, "blob");  // no decoder: stays raw-only
  b.set_type(eng::KstatType::raw);
  b.set_raw(short_bytes);
  auto src = b.finish("test");
  REQUIRE(src->size() == 3);

  const auto& ok = src->record(0);
  CHECK(ok.data.ok());
  CHECK(ok.header.type == eng::KstatType::raw);
  CHECK(ok.header.data_size == 48);
  CHECK(ok.data.raw.size() == 48);
  CHECK(stat(ok.data, "freemem").v.u == 123456);
  CHECK(stat(ok.data, "updates").v.u == 7);
  CHECK(ok.data.snaptime == 5);

  const auto& bad = src->record(1);
  CHECK(bad.data.error == "unix:1:vminfo: raw data size 40 matches no known vminfo_t layout (48)");

  const auto& opaque = src->record(2);
  CHECK(opaque.data.ok());
  CHECK(opaque.data.named.empty());
  CHECK(opaque.data.raw.size() == 40);
}

TEST_CASE("find_stat tries the hint, then scans", "[engine][raw]") {
  eng::StaticBuilder b;
  b.begin("m", 0, "n");
  b.add_uint("a", ValueType::uint64, 1);
  b.add_uint("b", ValueType::uint64, 2);
  b.add_uint("c", ValueType::uint64, 3);
  auto src = b.finish("t");
  auto named = src->record(0).data.named;
  CHECK(eng::find_stat(named, "b", 1) == 1);
  CHECK(eng::find_stat(named, "b", 2) == 1);
  CHECK(eng::find_stat(named, "c", 99) == 2);
  CHECK(eng::find_stat(named, "a", -5) == 0);
  CHECK(eng::find_stat(named, "z", 0) == -1);
}
