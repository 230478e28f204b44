// bench/generate.cpp — kstatsql_generate: writes the synthetic large machine
// (bench/synthetic.hpp) as an illumos `kstat -p` text dump.
//
//   kstatsql_generate [--kstats N] [--stats-per-kstat M] [--seed S] OUT
//
// The dump is deterministic for a given (N, M, S) and loads with
// `kstatsql --source OUT` or `SELECT kstat_source('OUT')`.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/synthetic.hpp"
#include "kstatsql/error.hpp"

namespace {

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--kstats N] [--stats-per-kstat M] [--seed S] OUT\n", argv0);
  return 2;
}

bool parse_number(const char* s, std::uint64_t& out) {
  if (!s || !*s) return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno || *end || s[0] == '-') return false;
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  kstatsql::bench::SyntheticSpec spec;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::uint64_t v = 0;
    if ((a == "--kstats" || a == "--stats-per-kstat" || a == "--seed") && i + 1 < argc) {
      if (!parse_number(argv[++i], v)) return usage(argv[0]);
      if (a == "--kstats")
        spec.kstats = v;
      else if (a == "--stats-per-kstat")
        spec.stats_per_kstat = v;
      else
        spec.seed = v;
    } else if (a == "-h" || a == "--help") {
      usage(argv[0]);
      return 0;
    } else if (!a.empty() && a[0] != '-' && out.empty()) {
      out = a;
    } else {
      return usage(argv[0]);
    }
  }
  if (out.empty()) return usage(argv[0]);
  try {
    auto t0 = std::chrono::steady_clock::now();
    std::uint64_t bytes = 0;
    kstatsql::bench::SyntheticSummary s = kstatsql::bench::write_kstat_text(spec, out, &bytes);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf(
        "%s: %llu kstats (%llu io), %llu statistics (%llu strings, %llu above 2^63-1), "
        "%llu modules, %.1f MB in %.2f s\n",
        out.c_str(), static_cast<unsigned long long>(s.kstats),
        static_cast<unsigned long long>(s.io_kstats), static_cast<unsigned long long>(s.statistics),
        static_cast<unsigned long long>(s.strings), static_cast<unsigned long long>(s.huge),
        static_cast<unsigned long long>(s.distinct_modules), bytes / 1e6, secs);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kstatsql_generate: %s\n", e.what());
    return 1;
  }
}
