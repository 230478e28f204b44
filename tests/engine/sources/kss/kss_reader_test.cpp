// Tests for engine/sources/kss/kss_reader.cpp: a recording truncated by
// another process while it is mapped gives an error, never SIGBUS.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <string>
#include <vector>

#include "engine/session.hpp"
#include "engine/sources/kss/kss_reader.hpp"
#include "engine/sources/kss/kss_writer.hpp"
#include "kstatsql/error.hpp"
#include "support/db.hpp"
#include "support/kss_temp.hpp"
#include "support/ticking_source.hpp"

using namespace kstatsql;
using kstatsql::test::TempDir;

namespace {

// 200 ticking kstats in 3 generations: a file of several pages.
std::string big_recording(const TempDir& dir) {
  std::string path = dir.file("t.kss");
  engine::Session s(std::make_shared<test::TickingSource>(200), "tick");
  engine::KssWriter w(path, engine::KssWriter::Mode::create, {"h", "Linux", "", "", ""});
  w.set_sync(false);
  for (int g = 0; g < 3; ++g) {
    w.append(*s.open_cursor());
    s.close_cursor();
  }
  return path;
}

}  // namespace

TEST_CASE("a .kss truncated while mapped gives an error, not SIGBUS", "[engine][kss]") {
  TempDir dir;
  const std::string path = big_recording(dir);
  engine::KssSource src(path);
  REQUIRE(src.map_size() > 3 * 4096);
  engine::Arena arena;
  std::vector<engine::KstatHeader> headers;
  src.enumerate(arena, headers);
  REQUIRE(headers.size() == 200);
  engine::KstatData d;
  src.read(headers[0], arena, d);
  REQUIRE(::truncate(path.c_str(), 100) == 0);
  try {
    src.read(headers.back(), arena, d);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::io);
    CHECK(std::string(e.what()) == path + ": truncated to 100 bytes while open");
  }
  // Views handed out before the truncation read zeros, not SIGBUS.
  std::size_t zeros = 0;
  for (const engine::KstatHeader& h : headers)
    zeros += h.module.find('\0') != std::string_view::npos;
  CHECK(zeros > 0);
  CHECK_THROWS_AS(src.read(headers[1], arena, d), Error);
  CHECK_THROWS_AS(src.changed(), Error);
}

TEST_CASE("SQL over a .kss truncated while open fails the statement", "[engine][kss]") {
  TempDir dir;
  const std::string path = big_recording(dir);
  test::Db db(path);
  CHECK(db.one("SELECT count(*) FROM kstat") == "200");
  REQUIRE(::truncate(path.c_str(), 100) == 0);
  CHECK(db.error_of("SELECT sum(value) FROM named") ==
        path + ": truncated to 100 bytes while open");
  CHECK(db.error_of("SELECT count(*) FROM kstat") == path + ": truncated to 100 bytes while open");
}
