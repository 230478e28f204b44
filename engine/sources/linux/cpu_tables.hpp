// engine/sources/linux/cpu_tables.hpp — parsers for the per-CPU tables of
// /proc/interrupts, /proc/softirqs and /proc/schedstat, shared by the CPU
// families (cpu_kstats.cpp, interrupts.cpp, softirqs.cpp).
//
// Each parser returns "" or "path:line: what" and never throws. A text that
// does not end in '\n' is truncated (the kernel ends every line), and is an
// error on its last line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/sources/linux/linux_source.hpp"

namespace kstatsql::engine::linuxsrc {

// The largest CPU number, and so kstat instance, accepted (illumos's
// ks_instance is an int): a larger one is an error of its file.
constexpr std::int64_t kMaxInstance = 2147483647;

// The "cpuN" lines of /proc/stat (not the "cpu" total), each CPU once.
// `error` is "path:line: what" for a duplicate CPU or a number out of
// 0..kMaxInstance: an error of the file, which every kstat fed by those lines
// reports; the other lines are still listed in `cpus`.
struct StatCpus {
  struct Cpu {
    std::int64_t cpu = 0;
    std::string_view line;
    std::size_t no = 0;
  };
  std::vector<Cpu> cpus;                                // in file order
  std::unordered_map<std::int64_t, std::size_t> index;  // CPU → position in cpus
  std::string error;
  const Cpu* find(std::int64_t cpu) const;
};
// Always returns "" (the file's error is in out.error), so ParsedFile keeps the lines.
std::string parse_stat_cpus(std::string_view text, const std::string& path, StatCpus& out);

// A header of "CPUn" columns, then "label: count… [text]" rows.
struct CpuTable {
  struct Row {
    std::string_view label;             // "24", "LOC", "TIMER"
    std::vector<std::uint64_t> counts;  // one per column, or fewer for a global row
    std::string_view text;              // what follows the counts, trimmed
    std::size_t line = 0;
    bool per_cpu = false;  // one count per column
  };
  std::vector<std::int64_t> cpus;  // column → CPU number (offline CPUs have no column)
  std::vector<Row> rows;
  // The column of CPU `cpu`, or nullopt when it has none.
  std::optional<std::size_t> column(std::int64_t cpu) const;
};

// /proc/interrupts and /proc/softirqs. A row with fewer counts than columns
// and no text after them is global (x86 ERR and MIS); fewer counts followed
// by text is malformed.
std::string parse_cpu_table(std::string_view text, const std::string& path, CpuTable& out);

// One "cpuN" line of /proc/schedstat: the 9 fields of versions 15 to 17.
struct SchedCpu {
  std::int64_t cpu = 0;
  std::uint64_t f[9] = {};
};
struct Schedstat {
  std::uint64_t version = 0;
  std::vector<SchedCpu> cpus;
  const SchedCpu* find(std::int64_t cpu) const;
};
std::string parse_schedstat(std::string_view text, const std::string& path, Schedstat& out);

// One file parsed once per generation: the families that read one file for
// every CPU's kstat ask here instead of parsing it again. The parsed views
// point into the kept copy of the text, which also tells whether a new text
// (a new generation) differs.
template <class T>
class ParsedFile {
 public:
  using Parser = std::string (*)(std::string_view, const std::string&, T&);
  // Returns the parsed value, or null with `msg` set to the parse error.
  const T* get(const TextFile& f, Parser parse, std::string& msg) {
    if (!parsed_ || *f.text != text_) {
      text_ = *f.text;
      value_ = T{};
      error_ = parse(text_, f.path, value_);
      parsed_ = true;
    }
    msg = error_;
    return error_.empty() ? &value_ : nullptr;
  }

 private:
  bool parsed_ = false;
  std::string text_;
  T value_;
  std::string error_;
};

}  // namespace kstatsql::engine::linuxsrc
