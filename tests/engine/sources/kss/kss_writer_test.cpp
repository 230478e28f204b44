// Tests for engine/sources/kss/kss_writer.cpp: replacing a recording never
// shrinks the file a reader has mapped; a failed creation leaves no file.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/session.hpp"
#include "engine/sources/kss/kss_reader.hpp"
#include "engine/sources/kss/kss_writer.hpp"
#include "kstatsql/error.hpp"
#include "support/kss_temp.hpp"
#include "support/ticking_source.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;
using kstatsql::test::TempDir;

namespace {

void record(const std::string& path, KssWriter::Mode mode, int kstats, int generations) {
  Session s(std::make_shared<test::TickingSource>(kstats), "tick");
  KssWriter w(path, mode, {"h", "Linux", "", "", ""});
  w.set_sync(false);
  for (int g = 0; g < generations; ++g) {
    w.append(*s.open_cursor());
    s.close_cursor();
  }
}

std::size_t files_in(const TempDir& dir) {
  const std::filesystem::path p = std::filesystem::path(dir.file("x")).parent_path();
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(p), {}));
}

}  // namespace

TEST_CASE("Mode::truncate replaces a recording by rename, so readers keep the old one",
          "[engine][kss]") {
  TempDir dir;
  const std::string path = dir.file("r.kss");
  record(path, KssWriter::Mode::create, 200, 3);
  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  KssSource old(path);
  Arena arena;
  std::vector<KstatHeader> hs;
  old.enumerate(arena, hs);
  record(path, KssWriter::Mode::truncate, 2, 1);  // --force with a much smaller recording
  // The reader's file was not shrunk: every kstat still reads.
  for (const KstatHeader& h : hs) {
    KstatData d;
    CHECK_NOTHROW(old.read(h, arena, d));
  }
  CHECK(KssSource(path).recorded_count() == 1);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);  // the replaced file's permissions
  CHECK(files_in(dir) == 1);            // no temporary left behind
}

TEST_CASE("a failed creation removes the file it created", "[engine][kss]") {
  TempDir dir;
  for (const KssWriter::Mode mode :
       {KssWriter::Mode::create, KssWriter::Mode::truncate, KssWriter::Mode::append}) {
    const std::string path = dir.file("new.kss");
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::signal(SIGXFSZ, SIG_IGN);
      const rlimit rl{16, 16};
      std::string out = "setrlimit failed";
      if (::setrlimit(RLIMIT_FSIZE, &rl) == 0) {
        try {
          KssWriter w(path, mode);
          out = "no error";
        } catch (const Error& e) {
          out = e.what();
        }
      }
      (void)!::write(fds[1], out.data(), out.size());
      ::_exit(0);
    }
    ::close(fds[1]);
    char buf[512];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0) ==
          path + ": writing the file header at offset 0: " + std::strerror(EFBIG));
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(files_in(dir) == 0);
  }
}
