// bench/bench_report.cpp — kstatsql_bench's console table and markdown block.
#include <sqlite3.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/sources/dump/dump_source.hpp"
#include "bench/bench.hpp"
#include "kstatsql/error.hpp"

#ifndef KSTATSQL_BENCH_BUILD_TYPE
#define KSTATSQL_BENCH_BUILD_TYPE "unknown"
#endif

namespace kstatsql::bench {

double Timing::best() const {
  return runs.empty() ? 0 : *std::min_element(runs.begin(), runs.end());
}

double Timing::best_cpu() const {
  return cpu.empty() ? 0 : *std::min_element(cpu.begin(), cpu.end());
}

double Timing::median() const {
  if (runs.empty()) return 0;
  std::vector<double> v = runs;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

namespace {

struct Row {
  std::string what, value, note;
};
struct Section {
  std::string title;
  std::vector<Row> rows;
};

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string ms(double s) {
  return fmt("%.1f ms", s * 1e3);
}
std::string us(double s) {
  return fmt("%.1f µs", s * 1e6);
}
std::string num(std::uint64_t v) {
  std::string s = std::to_string(v), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}
std::string mb(double bytes) {
  return fmt("%.1f MiB", bytes / (1024.0 * 1024.0));
}
std::string timing(const Timing& t, bool micro = false) {
  if (micro) return "best " + us(t.best()) + ", median " + us(t.median());
  return "best " + ms(t.best()) + ", median " + ms(t.median()) + "; CPU best " + ms(t.best_cpu());
}

std::string first_line_with(const char* path, const char* key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      auto colon = line.find(':');
      std::string v = colon == std::string::npos ? line : line.substr(colon + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  }
  return "unknown";
}

std::string machine() {
  utsname u{};
  uname(&u);
  std::ostringstream s;
  s << first_line_with("/proc/cpuinfo", "model name") << ", " << std::thread::hardware_concurrency()
    << " hardware threads, " << first_line_with("/proc/meminfo", "MemTotal") << " RAM; "
    << u.sysname << " " << u.release << " " << u.machine << "; compiler " << __VERSION__
    << "; build type " << KSTATSQL_BENCH_BUILD_TYPE << "; SQLite " << sqlite3_libversion();
  return s.str();
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a.empty() ? "unknown" : a + " " + b + " " + c;
}

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

// A markdown table cell: '|' escaped.
std::string cell(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

const char* mark(bool ok) {
  return ok ? "PASS" : "MISS";
}

double scan_ratio(const ScanPair& p) {
  return p.vtab.best() / p.native.best();
}

std::string per_row(std::uint64_t n, std::uint64_t rows) {
  return fmt("%.6f", rows ? static_cast<double>(n) / static_cast<double>(rows) : 0.0);
}

std::string alloc_note(const AllocWindow& w) {
  return "statement: " + num(w.counts.calls) + " (SQLite " + num(w.counts.sqlite) + ", kstatsql " +
         num(w.ours()) + "); rows after the first: " + num(w.rows_only.calls) + " (SQLite " +
         num(w.rows_only.sqlite) + ", kstatsql " + num(w.ours_rows()) + " = " +
         per_row(w.ours_rows(), w.rows) + "/row)";
}

std::vector<Section> sections(const Results& r) {
  std::vector<Section> out;
  const SyntheticSummary& m = r.model;
  out.push_back(
      {"Data",
       {{"kstats / named statistics", num(m.kstats) + " / " + num(m.statistics),
         num(m.io_kstats) + " io kstats, " + num(m.distinct_modules) + " modules"},
        {"value kinds",
         num(m.integers) + " integers, " + num(m.strings) + " strings, " + num(m.huge) +
             " above 2^63-1",
         "the last are TEXT in SQL"},
        {"build via StaticBuilder", ms(r.build_source_s), "generator + builder, no parse"}}});
  double stats = static_cast<double>(m.statistics);
  double core = static_cast<double>(r.source_arena_bytes + r.generation_arena_bytes) +
                static_cast<double>(r.header_set_bytes);
  double all = core + static_cast<double>(r.source_record_bytes + r.generation_base_bytes);
  out.push_back(
      {"Snapshot memory",
       {{"StaticSource::bytes()", mb(r.source_arena_bytes), "arena: NamedStat arrays, strings"},
        {"StaticSource records", mb(r.source_record_bytes), "size() x sizeof(Record)"},
        {"HeaderSet", mb(r.header_set_bytes), "heap growth while it was built"},
        {"Generation (empty)", mb(r.generation_base_bytes), "heap growth of a later generation"},
        {"Generation::arena_bytes()", mb(r.generation_arena_bytes), "after reading every kstat"},
        {"bytes per statistic", fmt("%.1f", core / stats),
         "(source arena + generation arena + header set) / statistics"},
        {"bytes per statistic, all", fmt("%.1f", all / stats), "also records and generation base"},
        {"first generation", ms(r.first_generation_s), "enumerate + HeaderSet + Generation"},
        {"later generation", ms(r.next_generation_s), "headers shared"},
        {"read every kstat", ms(r.read_all_s), "Generation::data() x kstats (zero-copy)"}}});
  Section scan{
      "Full scan of named (" + std::to_string(r.repeat) + " interleaved runs after a warm-up)", {}};
  scan.rows.push_back(
      {"copy into native table", ms(r.native_copy_s), "CREATE TABLE + INSERT ... SELECT"});
  for (const ScanPair& p : r.scans) {
    scan.rows.push_back({"`" + p.sql + "`", "", "result " + p.vtab_result});
    scan.rows.push_back(
        {"  vtab", timing(p.vtab),
         fmt("%.1f M rows/s", stats / p.vtab.best() / 1e6) + ", fresh generation each"});
    scan.rows.push_back(
        {"  native", timing(p.native), fmt("%.1f M rows/s", stats / p.native.best() / 1e6)});
    scan.rows.push_back({"  vtab / native", fmt("%.2f", scan_ratio(p)),
                         "wall best/best; median/median " +
                             fmt("%.2f", p.vtab.median() / p.native.median()) + "; CPU best/best " +
                             fmt("%.2f", p.vtab.best_cpu() / p.native.best_cpu())});
  }
  scan.rows.push_back({"kstat_reads() after a vtab scan", num(r.scan_reads),
                       num(r.scan_generations) + " generations for the timed vtab scans"});
  out.push_back(scan);
  const double full = r.scans.empty() ? 0 : r.scans[0].vtab.best();
  out.push_back(
      {"Keyed point query (2,000 runs)",
       {{"vtab", timing(r.point_vtab, true), "value " + r.point_value},
        {"vtab point / vtab full scan", fmt("%.6f", r.point_vtab.best() / full), "best/best"},
        {"kstat_reads() after it", num(r.point_reads), "must be 1"},
        {"native, no index", timing(r.point_native_scan, true), "3 runs; a full scan"},
        {"native, 4-column index", timing(r.point_native_index, true), "reference"}}});
  out.push_back({"Heap allocations while stepping every row (malloc calls)",
                 {{"vtab `SELECT value`, fresh generation", num(r.alloc_fresh.rows) + " rows",
                   alloc_note(r.alloc_fresh)},
                  {"vtab `SELECT value`, pinned generation", num(r.alloc_pinned.rows) + " rows",
                   alloc_note(r.alloc_pinned)},
                  {"vtab `SELECT statistic`, pinned", num(r.alloc_pinned_names.rows) + " rows",
                   alloc_note(r.alloc_pinned_names)},
                  {"native `SELECT value`", num(r.alloc_native.rows) + " rows",
                   alloc_note(r.alloc_native)}}});
  if (!alloc_counting_available()) {
    out.back().rows.push_back({"malloc interposition", "unavailable",
                               "not glibc, or a sanitizer build: only SQLite's own count is real"});
  }
  Section load{"Load through the kstat -p parser", {}};
  load.rows.push_back({"dump written", mb(static_cast<double>(r.dump_bytes)),
                       ms(r.dump_write_s) + " to generate, sort and write"});
  if (r.load_error.empty()) {
    load.rows.push_back({"open_file_source()", timing(r.load),
                         fmt("%.2f M statistics/s", stats / r.load.best() / 1e6)});
    load.rows.push_back({"parsed data check", r.load_matches ? "same count and sum" : "DIFFERENT",
                         "result " + r.load_result});
  } else {
    load.rows.push_back({"open_file_source()", "failed", r.load_error});
  }
  out.push_back(load);
  return out;
}

std::vector<Row> summary(const Results& r) {
  std::vector<Row> s;
  for (const ScanPair& p : r.scans) {
    s.push_back({mark(scan_ratio(p) <= 1.0), "vtab <= native: " + p.sql,
                 fmt("wall-clock best/best %.2f", scan_ratio(p)) +
                     fmt(" (CPU time %.2f)", p.vtab.best_cpu() / p.native.best_cpu())});
  }
  bool agree = !r.scans.empty();
  for (const ScanPair& p : r.scans) agree = agree && p.results_agree && p.matches_model;
  s.push_back({mark(agree), "scan results: vtab = native = generator", ""});
  s.push_back({mark(r.point_reads == 1 && r.point_value == std::to_string(r.model.nproc)),
               "point query reads 1 kstat and returns nproc",
               "kstat_reads() = " + num(r.point_reads)});
  const bool counted = alloc_counting_available();
  s.push_back({counted
                   ? mark(r.alloc_pinned.ours_rows() == 0 && r.alloc_pinned_names.ours_rows() == 0)
                   : "SKIP",
               "0 allocations per row from kstatsql (xNext/xColumn, pinned generation)",
               num(r.alloc_pinned.ours_rows()) + " in " + num(r.alloc_pinned.rows) + " rows; " +
                   num(r.alloc_pinned.ours()) + " per statement (xFilter)"});
  bool fresh_ok = r.alloc_fresh.ours_rows() * 1000 < r.alloc_fresh.rows;
  s.push_back({counted ? mark(fresh_ok) : "SKIP",
               "fresh generation: kstatsql allocations amortized < 0.001/row",
               num(r.alloc_fresh.ours_rows()) + " in " + num(r.alloc_fresh.rows) +
                   " rows (generation arena blocks, one per ~16 KiB of records)"});
  s.push_back({"INFO", "SQLite allocations while stepping, vs values above 2^63-1",
               num(r.alloc_pinned.rows_only.sqlite) + " vs " + num(r.model.huge) +
                   " (SQLITE_TRANSIENT copies of their decimal text)"});
  s.push_back({r.dump_bytes == 0 ? "SKIP" : mark(r.load_error.empty() && r.load_matches),
               "kstat -p dump loads to the same data", r.load_error.empty() ? "" : r.load_error});
  return s;
}

}  // namespace

void print_results(const Results& r) {
  std::printf("\nkstatsql_bench — %s\n%s\nload average %s\n", now_utc().c_str(), machine().c_str(),
              load_average().c_str());
  for (const Section& sec : sections(r)) {
    std::printf("\n%s\n", sec.title.c_str());
    for (const Row& row : sec.rows) {
      std::printf("  %-44s %-34s %s\n", row.what.c_str(), row.value.c_str(), row.note.c_str());
    }
  }
  std::printf("\nSummary\n");
  for (const Row& row : summary(r)) {
    std::printf("  %s  %s  %s\n", row.what.c_str(), row.value.c_str(), row.note.c_str());
  }
  std::printf("\ntotal run time %.1f s\n", r.total_s);
}

std::string render_markdown(const Results& r) {
  std::ostringstream md;
  md << "Measured " << now_utc() << " on: " << machine()
     << ". Load average at the end of the run: " << load_average()
     << " (the machine is shared; best-of-N is the number to compare).\n\n"
     << "Parameters: `--kstats " << r.spec.kstats << "` (" << r.spec.stats_per_kstat
     << " statistics per kstat on average), seed " << r.spec.seed << ", " << r.repeat
     << " timed runs per scan. Total run time " << fmt("%.1f", r.total_s) << " s.\n";
  for (const Section& sec : sections(r)) {
    md << "\n#### " << sec.title << "\n\n| measurement | value | note |\n|---|---|---|\n";
    for (const Row& row : sec.rows) {
      md << "| " << cell(row.what) << " | " << cell(row.value) << " | " << cell(row.note) << " |\n";
    }
  }
  md << "\n#### Summary\n\n| result | check | measured |\n|---|---|---|\n";
  for (const Row& row : summary(r)) {
    md << "| " << cell(row.what) << " | " << cell(row.value) << " | " << cell(row.note) << " |\n";
  }
  return md.str();
}

void write_markdown(const std::string& path, const std::string& block) {
  static const std::string kBegin =
      "<!-- BEGIN kstatsql_bench (generated: do not edit by hand) -->";
  static const std::string kEnd = "<!-- END kstatsql_bench -->";
  std::string old;
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    old = ss.str();
  }
  std::string text;
  auto b = old.find(kBegin);
  auto e = old.find(kEnd);
  if (b != std::string::npos && e != std::string::npos && e > b) {
    text = old.substr(0, b) + kBegin + "\n" + block + kEnd + old.substr(e + kEnd.size());
  } else {
    text = "# kstatsql benchmarks\n\n" + kBegin + "\n" + block + kEnd + "\n";
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw Error(Errc::io, path + ": cannot write");
}

}  // namespace kstatsql::bench
