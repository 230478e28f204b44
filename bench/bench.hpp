// bench/bench.hpp — what kstatsql_bench measures, shared by the measuring
// code (bench.cpp) and the report writer (bench_report.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/alloc_count.hpp"
#include "bench/synthetic.hpp"

namespace kstatsql::bench {

// Times of repeated runs (seconds), after warm-up: wall clock (steady_clock)
// and the CPU time of the running thread.
struct Timing {
  std::vector<double> runs;
  std::vector<double> cpu;
  double best() const;
  double median() const;
  double best_cpu() const;
};

struct ScanPair {
  std::string sql;                         // the query, with `named` as the table
  Timing vtab, native;                     // the same query on the virtual table and on the copy
  std::string vtab_result, native_result;  // "count | sum" as text
  bool results_agree = false;              // vtab result == native result
  bool matches_model = false;              // count and sum equal what the generator produced
};

struct AllocWindow {
  std::uint64_t rows = 0;
  AllocCounts counts;     // the whole statement (xFilter included)
  AllocCounts rows_only;  // from the first row to the end: xNext / xColumn
  std::uint64_t ours() const { return counts.calls - counts.sqlite; }
  std::uint64_t ours_rows() const { return rows_only.calls - rows_only.sqlite; }
};

struct Results {
  // parameters
  SyntheticSpec spec;
  SyntheticSummary model;
  int repeat = 0;
  // building and memory
  double build_source_s = 0;                 // StaticBuilder path
  std::uint64_t source_arena_bytes = 0;      // StaticSource::bytes()
  std::uint64_t source_record_bytes = 0;     // size() * sizeof(StaticSource::Record)
  std::int64_t header_set_bytes = 0;         // heap growth of building the HeaderSet
  std::int64_t generation_base_bytes = 0;    // heap growth of an empty Generation
  std::uint64_t generation_arena_bytes = 0;  // Generation::arena_bytes() after reading all
  double first_generation_s = 0;             // enumerate + HeaderSet + Generation
  double next_generation_s = 0;              // a later Generation (headers shared)
  double read_all_s = 0;                     // Generation::data() for every kstat
  // full scans
  double native_copy_s = 0;  // CREATE TABLE + INSERT ... SELECT * FROM named
  std::vector<ScanPair> scans;
  std::uint64_t scan_reads = 0;        // kstat_reads() after a vtab full scan
  std::uint64_t scan_generations = 0;  // generations started by the timed vtab scans
  // point query
  std::string point_sql;
  Timing point_vtab, point_native_scan, point_native_index;
  std::string point_value;
  std::uint64_t point_reads = 0;  // kstat_reads() after the point query
  // allocations
  AllocWindow alloc_fresh, alloc_pinned, alloc_pinned_names, alloc_native;
  bool sqlite_counter = false;
  // load through the kstat -p parser
  std::string dump_path;
  std::uint64_t dump_bytes = 0;
  double dump_write_s = 0;
  Timing load;
  std::string load_error;     // empty when open_file_source worked
  bool load_matches = false;  // the parsed source gives the same count and sum
  std::string load_result;
  double total_s = 0;
};

// A fixed-width table on stdout, then the PASS/MISS summary.
void print_results(const Results& r);
// The markdown block (machine, date, parameters, table, summary).
std::string render_markdown(const Results& r);
// Writes `block` into `path`: between the markers
// <!-- BEGIN kstatsql_bench --> / <!-- END kstatsql_bench --> when the file has
// them (hand-written text around them is kept), else as a new file.
void write_markdown(const std::string& path, const std::string& block);

}  // namespace kstatsql::bench
