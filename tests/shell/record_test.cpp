// Tests for shell/record.cpp: a file size limit is a reported write error,
// not death by SIGXFSZ.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "shell/commands.hpp"
#include "support/kss_temp.hpp"

using kstatsql::test::TempDir;

TEST_CASE("record under a file size limit reports EFBIG naming the file", "[shell][record]") {
  TempDir dir;
  const std::string out = dir.file("limited.kss");
  int fds[2];  // stderr: a pipe, which the size limit does not apply to
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], 2);
    std::signal(SIGXFSZ, SIG_DFL);  // as a shell leaves it: record must ignore it itself
    const rlimit rl{16, 16};
    if (::setrlimit(RLIMIT_FSIZE, &rl) != 0) ::_exit(99);
    std::vector<std::string> args = {"record",
                                     "-q",
                                     "--no-sync",
                                     "-o",
                                     out,
                                     "--source",
                                     KSTATSQL_TEST_DATA "/dumps/illumos-kstat-p.txt"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    ::_exit(kstatsql::shell::run_record(static_cast<int>(argv.size()), argv.data()));
  }
  ::close(fds[1]);
  std::string err;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    err.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));  // not killed by SIGXFSZ
  CHECK(WEXITSTATUS(status) == 3);
  CHECK_THAT(
      err, Catch::Contains(out + ": writing the file header") && Catch::Contains("File too large"));
  CHECK_FALSE(std::filesystem::exists(out));
}
