// tests/engine/sources/kss/kss_test.cpp — the .kss format: writer, reader, damage, multi-host.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

#include "engine/sources/open_source.hpp"
#include "engine/sources/kss/kss_writer.hpp"
#include "engine/rates.hpp"
#include "engine/sources/kss/kss_reader.hpp"
#include "engine/static_source.hpp"
#include "kstatsql/error.hpp"
#include "support/kss_temp.hpp"
#include "support/ticking_source.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using kstatsql::test::TempDir;

namespace {

const std::string kOddBytes("a\0b\xff\xfe\xc3(z", 8);  // NUL and invalid UTF-8

// One kstat of every kind the value model has.
std::shared_ptr<StaticSource> every_kind() {
  StaticBuilder b;
  b.begin("every", 0, "named");
  b.set_class("misc");
  b.set_crtime(123456789);
  b.set_snaptime(987654321012);
  b.set_flags(0x09);
  b.set_id(77);
  b.add_string("c", ValueType::char_, "abc");
  b.add_int("i32", ValueType::int32, -5);
  b.add_uint("u32", ValueType::uint32, 4000000000u);
  b.add_int("i64", ValueType::int64, INT64_MIN);
  b.add_uint("u64", ValueType::uint64, UINT64_MAX);
  b.add_double("f", ValueType::float_, 1.5);
  b.add_double("d", ValueType::double_, -2.25e300);
  b.add_string("s", ValueType::string, kOddBytes);
  b.add_string("empty", ValueType::string, "");
  b.add_int("h", ValueType::hrtime, 5000000001);
  b.add_uint("b", ValueType::boolean, 1);
  b.add_uint("pk", ValueType::counter, 42, Unit::packets);
  b.add_uint("t", ValueType::temp, 300000000, Unit::ukelvin);
  b.add_string("blob", ValueType::bytes, std::string("\0\1\2\3", 4));
  b.add_null("nothing");
  b.add_string(std::string("odd\0name", 8), ValueType::string, "v");
  b.begin("sd", 1, "sd1");
  b.set_class("disk");
  IoStats io;
  io.nread = 1000;
  io.nwritten = 2000;
  io.reads = 3;
  io.writes = 4;
  io.wtime = 5;
  io.rlentime = 6;
  io.rcnt = 7;
  b.set_io(io);
  b.begin("intrs", 2, "pci0");
  b.set_class("controller");
  IntrStats in;
  in.intrs[0] = 11;
  in.intrs[4] = 15;
  b.set_intr(in);
  b.begin("timers", 0, "t");
  TimerStat t1{};
  t1.name = "first";
  t1.name_len = 5;
  t1.num_events = 9;
  t1.elapsed_time = 100;
  t1.stop_time = 200;
  b.add_timer(t1);
  TimerStat t2 = t1;
  t2.name = "second";
  t2.name_len = 6;
  t2.min_time = 3;
  b.add_timer(t2);
  b.begin("blobs", 0, "private");
  b.set_type(KstatType::raw);
  const std::byte raw[5] = {std::byte{1}, std::byte{0}, std::byte{0xff}, std::byte{7},
                            std::byte{9}};
  b.set_raw(raw);
  b.begin("gone", 0, "vanished");
  b.set_error(ENXIO, "kstat_read gone:0:vanished: No such device or address");
  b.begin("pfil", 3, "ipv4", 2);  // OpenBSD: 4-part identity
  b.set_class("");
  b.add_uint("pkts", ValueType::counter, 12, Unit::packets);
  return b.finish("every kind");
}

void same_named(std::span<const NamedStat> a, std::span<const NamedStat> b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    INFO("statistic " << a[k].name_view());
    CHECK(a[k].name_view() == b[k].name_view());
    CHECK(a[k].type == b[k].type);
    CHECK(a[k].unit == b[k].unit);
    switch (repr_of(a[k].type)) {
      case Repr::str:
      case Repr::blob:
        CHECK(a[k].str() == b[k].str());
        break;
      case Repr::null:
        break;
      default:
        CHECK(a[k].v.u == b[k].v.u);
        break;
    }
  }
}

void same_data(const KstatData& a, const KstatData& b) {
  CHECK(a.snaptime == b.snaptime);
  CHECK(a.err == b.err);
  CHECK(a.error == b.error);
  CHECK(a.ndata == b.ndata);
  CHECK(a.data_size == b.data_size);
  same_named(a.named, b.named);
  REQUIRE((a.io == nullptr) == (b.io == nullptr));
  if (a.io) CHECK(std::memcmp(a.io, b.io, sizeof(IoStats)) == 0);
  REQUIRE((a.intr == nullptr) == (b.intr == nullptr));
  if (a.intr) CHECK(std::memcmp(a.intr, b.intr, sizeof(IntrStats)) == 0);
  REQUIRE(a.timers.size() == b.timers.size());
  for (std::size_t k = 0; k < a.timers.size(); ++k) {
    CHECK(a.timers[k].name_view() == b.timers[k].name_view());
    CHECK(a.timers[k].num_events == b.timers[k].num_events);
    CHECK(a.timers[k].elapsed_time == b.timers[k].elapsed_time);
    CHECK(a.timers[k].min_time == b.timers[k].min_time);
    CHECK(a.timers[k].stop_time == b.timers[k].stop_time);
  }
  REQUIRE(a.raw.size() == b.raw.size());
  if (!a.raw.empty()) CHECK(std::memcmp(a.raw.data(), b.raw.data(), a.raw.size()) == 0);
}

std::string key(const KstatHeader& h) {
  return std::string(h.module) + ":" + std::to_string(h.instance) + ":" + std::string(h.name) +
         ":" + std::to_string(h.unit);
}

// Records `n` generations of a TickingSource into `path`.
void record_ticking(const std::string& path, int n, int kstats = 3) {
  Session s(std::make_shared<test::TickingSource>(kstats), "tick");
  KssWriter w(path, KssWriter::Mode::create);
  w.set_sync(false);
  for (int g = 0; g < n; ++g) {
    auto gen = s.open_cursor();
    w.append(*gen);
    s.close_cursor();
  }
}

void flip(const std::string& path, std::size_t offset) {
  std::string bytes = test::slurp(path);
  REQUIRE(offset < bytes.size());
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x10);
  test::spit(path, bytes);
}

}  // namespace

TEST_CASE("crc32c matches the published check value", "[engine][kss]") {
  CHECK(kss::crc32c("123456789", 9) == 0xE3069283u);
  CHECK(kss::crc32c("", 0) == 0);
  // Chaining equals one pass.
  CHECK(kss::crc32c("6789", 4, kss::crc32c("12345", 5)) == 0xE3069283u);
}

TEST_CASE("every kind of kstat survives a .kss round trip", "[engine][kss]") {
  TempDir dir;
  auto src = every_kind();
  Session s(src, "every");
  auto gen = s.current();
  {
    KssWriter w(dir.file("every.kss"), KssWriter::Mode::create,
                {"host-a", "SunOS", "5.11", "v", "i86pc"});
    w.append(*gen);
    CHECK(w.generations() == 1);
  }
  KssSource kss(dir.file("every.kss"));
  CHECK(kss.host() == "host-a");
  CHECK(kss.sysname() == "SunOS");
  REQUIRE(kss.recorded_count() == 1);
  CHECK(kss.warnings().empty());
  Arena arena;
  std::vector<KstatHeader> headers;
  kss.enumerate_recorded(0, arena, headers);
  REQUIRE(headers.size() == src->size());
  std::map<std::string, const StaticSource::Record*> want;
  for (std::size_t i = 0; i < src->size(); ++i) want[key(src->record(i).header)] = &src->record(i);
  for (const KstatHeader& h : headers) {
    INFO(key(h));
    REQUIRE(want.count(key(h)) == 1);
    const StaticSource::Record& r = *want[key(h)];
    CHECK(h.klass == r.header.klass);
    CHECK(h.id == r.header.id);
    CHECK(h.crtime == r.header.crtime);
    CHECK(h.type == r.header.type);
    CHECK(h.flags == r.header.flags);
    CHECK(h.ndata == r.header.ndata);
    CHECK(h.data_size == r.header.data_size);
    CHECK(h.host.empty());
    KstatData d;
    kss.read(h, arena, d);
    same_data(d, r.data);
  }
}

TEST_CASE(".kss read hands out views into the mapping", "[engine][kss]") {
  TempDir dir;
  Session s(every_kind(), "every");
  KssWriter(dir.file("z.kss"), KssWriter::Mode::create).append(*s.current());
  KssSource kss(dir.file("z.kss"));
  auto inside = [&](const void* p) {
    auto* b = static_cast<const std::byte*>(p);
    return b >= kss.map_data() && b < kss.map_data() + kss.map_size();
  };
  Arena arena;
  std::vector<KstatHeader> headers;
  kss.enumerate_recorded(0, arena, headers);
  int seen = 0;
  for (const KstatHeader& h : headers) {
    CHECK(inside(h.module.data()));
    KstatData d;
    kss.read(h, arena, d);
    for (const NamedStat& st : d.named) {
      CHECK(inside(st.name));
      if (st.type == ValueType::string && st.str_len > 0) {
        CHECK(inside(st.v.s));
        ++seen;
      }
    }
    if (d.io) {
      CHECK(inside(d.io));
      ++seen;
    }
    if (!d.raw.empty()) {
      CHECK(inside(d.raw.data()));
      ++seen;
    }
    if (!d.error.empty()) CHECK(inside(d.error.data()));
    if (!d.named.empty()) CHECK_FALSE(inside(d.named.data()));  // the array is built in the arena
  }
  CHECK(seen >= 4);
}

TEST_CASE(".kss holds many generations; each replays its own data", "[engine][kss]") {
  TempDir dir;
  record_ticking(dir.file("t.kss"), 4);
  auto src = open_source(dir.file("t.kss"));  // detected by magic
  REQUIRE(src->recorded_count() == 4);
  CHECK(src->description().find("4 generations") != std::string::npos);
  for (std::size_t g = 1; g < 4; ++g) CHECK(src->recorded_time(g) >= src->recorded_time(g - 1));
  Session s(src, "t.kss");
  for (std::int64_t g : {2, 0, 3, 1}) {  // any order
    s.select_recorded(g);
    auto gen = s.open_cursor();
    std::int64_t i = gen->find("tick", 1, "k1");
    REQUIRE(i >= 0);
    const KstatData& d = gen->data(static_cast<std::uint32_t>(i));
    CHECK(d.named[0].v.u == static_cast<std::uint64_t>(g + 1));
    CHECK(d.named[1].str() == "gen-" + std::to_string(g + 1));
    s.close_cursor();
  }
}

TEST_CASE("rates over recorded generations equal the live ones", "[engine][kss]") {
  TempDir dir;
  auto tick = std::make_shared<test::TickingSource>(4);
  Session live(tick, "tick");
  KssWriter w(dir.file("r.kss"), KssWriter::Mode::create);
  w.set_sync(false);
  std::vector<std::vector<std::int64_t>> live_deltas;  // per generation, value and wrap per kstat
  for (int g = 0; g < 3; ++g) {
    auto gen = live.open_cursor();
    auto prev = gen->previous();
    std::vector<std::int64_t> deltas;
    for (std::uint32_t i = 0; i < gen->size(); ++i) {
      const KstatData& now = gen->data(i);
      Baseline b = baseline(*gen, i, now, prev.get());
      for (std::size_t k : {0u, 2u})
        deltas.push_back(*int_delta_of(now.named[k], previous_stat(b, now.named[k], k)));
      deltas.push_back(b.elapsed_ns);
    }
    live_deltas.push_back(deltas);
    w.append(*gen);
    live.close_cursor();
  }
  Session replay(open_source(dir.file("r.kss")), "r.kss");
  for (int g = 1; g < 3; ++g) {  // generation 0 has no previous sample in either
    replay.select_recorded(g);
    auto gen = replay.open_cursor();
    auto prev = gen->previous();
    REQUIRE(prev);
    std::vector<std::int64_t> deltas;
    for (std::uint32_t i = 0; i < gen->size(); ++i) {
      const KstatData& now = gen->data(i);
      Baseline b = baseline(*gen, i, now, prev.get());
      for (std::size_t k : {0u, 2u})
        deltas.push_back(*int_delta_of(now.named[k], previous_stat(b, now.named[k], k)));
      deltas.push_back(b.elapsed_ns);
    }
    CHECK(deltas == live_deltas[static_cast<std::size_t>(g)]);
    CHECK(deltas[1] == 16);  // the uint32 "wrap" counter steps by 16, across 2^32 too
    replay.close_cursor();
  }
}

TEST_CASE("a torn tail is skipped with a warning", "[engine][kss]") {
  TempDir dir;
  const std::string path = dir.file("torn.kss");
  record_ticking(path, 3);
  const std::string whole = test::slurp(path);
  std::size_t last_start;
  {
    KssSource k(path);
    auto info = k.recorded_info();
    last_start = whole.size() - info.back().bytes;
  }
  SECTION("cut short") {
    test::spit(path, whole.substr(0, whole.size() - 100));
  }
  SECTION("trailer never written") {
    test::spit(path, whole.substr(0, whole.size() - 16) + std::string(16, '\0'));
  }
  SECTION("extended with zeros") {
    test::spit(path, whole.substr(0, last_start) + std::string(4096, '\0'));
  }
  SECTION("header only") {
    test::spit(path, whole.substr(0, last_start + 40));
  }
  KssSource k(path);
  CHECK(k.recorded_count() == 2);
  CHECK(k.torn_offset() == static_cast<std::int64_t>(last_start));
  CHECK(k.warnings().find("torn tail at offset " + std::to_string(last_start)) !=
        std::string::npos);
  CHECK(k.description().find("(torn tail at offset " + std::to_string(last_start) + " skipped)") !=
        std::string::npos);
  CHECK(static_cast<const Source&>(k).warnings() == k.warnings());
  Session s(std::make_shared<KssSource>(path), "torn");
  auto gen = s.open_cursor();
  CHECK(gen->recorded_index() == 1);
  CHECK(gen->data(0).named[0].v.u == 2);
  s.close_cursor();
}

TEST_CASE("appending continues a recording and cuts a torn tail", "[engine][kss]") {
  TempDir dir;
  const std::string path = dir.file("a.kss");
  record_ticking(path, 2);
  std::string bytes = test::slurp(path);
  test::spit(path, bytes.substr(0, bytes.size() - 8));  // tear generation 1
  Session s(std::make_shared<test::TickingSource>(2), "tick");
  {
    KssWriter w(path, KssWriter::Mode::append);
    CHECK(w.cut_torn_tail() > 0);
    CHECK(w.generations() == 1);
    w.append(*s.open_cursor());
    s.close_cursor();
    CHECK(w.generations() == 2);
  }
  KssSource k(path);
  CHECK(k.recorded_count() == 2);
  CHECK(k.warnings().empty());
  CHECK_THROWS_WITH(KssWriter(path, KssWriter::Mode::create),
                    Catch::Contains(path) && Catch::Contains("exists"));
}

TEST_CASE("damaged .kss files give errors naming file and offset", "[engine][kss]") {
  TempDir dir;
  const std::string path = dir.file("bad.kss");
  record_ticking(path, 2);
  const std::string whole = test::slurp(path);
  KssSource good(path);
  const std::uint64_t block0 = good.recorded_info()[0].bytes;
  const std::size_t first =
      whole.size() - good.recorded_info()[1].bytes - block0;  // block 0 offset

  SECTION("bit flip in a kstat's data: error at read, with its offset") {
    // The last 8 bytes before block 0's trailer belong to the last kstat's extent.
    flip(path, first + block0 - sizeof(kss::BlockTrailer) - 4);
    KssSource k(path);
    Arena arena;
    std::vector<KstatHeader> hs;
    k.enumerate_recorded(0, arena, hs);  // records intact
    bool threw = false;
    for (const KstatHeader& h : hs) {
      KstatData d;
      try {
        k.read(h, arena, d);
      } catch (const Error& e) {
        threw = true;
        CHECK_THAT(e.what(),
                   Catch::StartsWith(path + ": offset ") && Catch::Contains("checksum mismatch"));
      }
    }
    CHECK(threw);
    // Generation 1 is untouched.
    hs.clear();
    k.enumerate_recorded(1, arena, hs);
    KstatData d;
    CHECK_NOTHROW(k.read(hs[0], arena, d));
  }
  SECTION("bit flip in the records: error at enumerate") {
    flip(path, first + sizeof(kss::BlockHeader) + 20);
    KssSource k(path);
    Arena arena;
    std::vector<KstatHeader> hs;
    CHECK_THROWS_WITH(k.enumerate_recorded(0, arena, hs),
                      path + ": offset " + std::to_string(first + sizeof(kss::BlockHeader)) +
                          ": generation 0: records checksum mismatch");
  }
  SECTION("bit flip in a block header: error at open") {
    flip(path, first + offsetof(kss::BlockHeader, wall_ns));
    CHECK_THROWS_WITH(KssSource(path), path + ": offset " + std::to_string(first) +
                                           ": generation block header checksum mismatch");
  }
  SECTION("bit flip in the file header") {
    flip(path, 30);
    CHECK_THROWS_WITH(KssSource(path), Catch::Contains("file header checksum mismatch"));
  }
  SECTION("wrong version") {
    std::string b = whole;
    b[offsetof(kss::FileHeader, version)] = 2;
    test::spit(path, b);
    CHECK_THROWS_WITH(open_source(path),
                      path + ": offset 8: unsupported .kss version 2 (this build reads version 1)");
  }
  SECTION("big-endian file") {
    std::string b = whole;
    std::uint32_t be = __builtin_bswap32(kss::kEndianMark);
    std::memcpy(&b[offsetof(kss::FileHeader, endian)], &be, 4);
    test::spit(path, b);
    CHECK_THROWS_WITH(KssSource(path), Catch::Contains("big-endian"));
  }
  SECTION("truncated inside the file header") {
    test::spit(path, whole.substr(0, 40));
    CHECK_THROWS_WITH(KssSource(path),
                      path + ": offset 40: file header cut short (truncated file)");
  }
  SECTION("garbage between blocks") {
    std::string b = whole;
    b[first + good.recorded_info()[0].bytes] = 'X';  // block 1's magic
    test::spit(path, b);
    CHECK_THROWS_WITH(KssSource(path),
                      Catch::Contains("offset " + std::to_string(first + block0)) &&
                          Catch::Contains("bad block magic"));
  }
}

namespace {

// Runs `body` in a child process whose file size limit is `limit` bytes (with
// SIGXFSZ ignored, so a write past it fails with EFBIG instead of killing the
// child) and returns what the child wrote to the pipe it is given.
template <typename Body>
std::string run_with_file_size_limit(rlim_t limit, Body body) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit rl{limit, limit};
    std::string out = ::setrlimit(RLIMIT_FSIZE, &rl) == 0 ? body() : "setrlimit failed";
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string got;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  return got;
}

}  // namespace

// A full disk (ENOSPC) and a file size limit (EFBIG) take the same path in
// KssWriter::write_all; the size limit can be simulated anywhere, /dev/full
// (Linux's always-full device) is checked too where it exists.
TEST_CASE("a full disk is an io error naming the file", "[engine][kss]") {
  TempDir dir;
  const std::string path = dir.file("limited.kss");
  const std::string got = run_with_file_size_limit(16, [&]() -> std::string {
    try {
      KssWriter w(path, KssWriter::Mode::truncate);
      return "no error";
    } catch (const Error& e) {
      return std::string(e.code() == Errc::io ? "io: " : "not io: ") + e.what();
    } catch (...) {
      return "not an Error";
    }
  });
  CHECK(got == "io: " + path + ": writing the file header at offset 0: " + std::strerror(EFBIG));
  CHECK(kstatsql::test::slurp(path).empty());  // the 16 bytes that fitted were cut off again

  if (::access("/dev/full", W_OK) != 0) {
    WARN("/dev/full is not writable here: only the file size limit case ran");
    return;
  }
  try {
    KssWriter w("/dev/full", KssWriter::Mode::truncate);
    FAIL("writing to /dev/full succeeded");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::io);
    CHECK_THAT(e.what(), Catch::StartsWith("/dev/full: writing the file header") &&
                             Catch::Contains("No space left on device"));
  }
}

TEST_CASE("a selector limits what is recorded", "[engine][kss]") {
  TempDir dir;
  Session s(every_kind(), "every");
  std::vector<std::string> specs = {"every:0:named:u*", "sd:::"};
  SelectorSet sel = SelectorSet::parse(std::span<const std::string>(specs));
  KssWriter(dir.file("s.kss"), KssWriter::Mode::create).append(*s.current(), &sel);
  KssSource k(dir.file("s.kss"));
  Arena arena;
  std::vector<KstatHeader> hs;
  k.enumerate_recorded(0, arena, hs);
  REQUIRE(hs.size() == 2);
  for (const KstatHeader& h : hs) {
    KstatData d;
    k.read(h, arena, d);
    if (h.module == "every") {
      REQUIRE(d.named.size() == 2);
      CHECK(d.named[0].name_view() == "u32");
      CHECK(d.named[1].name_view() == "u64");
    } else {
      CHECK(d.io != nullptr);
      CHECK(d.named.size() == 12);
    }
  }
}

TEST_CASE("several files as one multi-host source", "[engine][kss]") {
  TempDir dir;
  for (const char* host : {"alpha", "beta"}) {
    Session s(std::make_shared<test::TickingSource>(2), "tick");
    KssWriter w(dir.file(std::string(host) + ".kss"), KssWriter::Mode::create,
                {host, "Linux", "", "", ""});
    w.set_sync(false);
    for (int g = 0; g < (host[0] == 'a' ? 3 : 2); ++g) {
      w.append(*s.open_cursor());
      s.close_cursor();
    }
  }
  auto src = open_source(dir.file("alpha.kss") + "," + dir.file("beta.kss") + "," +
                         KSTATSQL_TEST_DATA "/dumps/illumos-kstat-p.txt");
  CHECK(src->recorded_count() == 3);  // aligned by index: the longest recording
  CHECK(src->description().find("alpha: ") != std::string::npos);
  Session s(src, "multi");
  auto gen = s.open_cursor();  // generation 2: alpha only, plus the text dump
  std::map<std::string, int> per_host;
  for (std::uint32_t i = 0; i < gen->size(); ++i) ++per_host[std::string(gen->header(i).host)];
  CHECK(per_host["alpha"] == 2);
  CHECK(per_host.count("beta") == 0);
  CHECK(per_host["illumos-kstat-p.txt"] > 10);
  s.close_cursor();
  s.select_recorded(1);
  gen = s.open_cursor();
  per_host.clear();
  for (std::uint32_t i = 0; i < gen->size(); ++i) {
    const KstatHeader& h = gen->header(i);
    ++per_host[std::string(h.host)];
    if (h.module == "tick") CHECK(gen->data(i).named[0].v.u == 2);  // read through the right child
  }
  CHECK(per_host["alpha"] == 2);
  CHECK(per_host["beta"] == 2);
  s.close_cursor();
  auto info = src->recorded_info();
  REQUIRE(info.size() == 5);  // 3 of alpha + 2 of beta
  CHECK(info[0].host == "alpha");
  CHECK(info[1].host == "beta");
  CHECK(info[4].host == "alpha");
  CHECK(info[4].index == 2);
  CHECK(info[0].kstats == 2);
  CHECK(info[0].bytes > 0);
}
