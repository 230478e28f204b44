// engine/sources/linux/procfs.hpp — text helpers for the Linux live source.
//
// Small, allocation-light parsers for the /proc, /sys and /proc/spl/kstat text
// the Linux source reads (engine/sources/linux/linux_source.cpp). Nothing here knows about
// kstat names; the mapping lives in linux_source.cpp and docs/linux-mapping.md.
// Every parser reports failure with a message that names the file and line
// ("/proc/stat:3: ..."), never by throwing; the source turns it into a
// per-kstat error.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/arena.hpp"
#include "engine/kstat.hpp"
#include "engine/text.hpp"

namespace kstatsql::engine::procfs {

// The most read from one file (docs/linux-mapping.md, "Reading files"): the
// largest real /proc file (mountstats of thousands of NFS mounts) is a few MB.
constexpr std::size_t kMaxFileBytes = std::size_t{64} << 20;

// Reads a whole file into `out`. Returns 0 or an errno value: ESPIPE for a
// file that is not regular (FIFO, device, socket: never read, never waited
// on), EISDIR for a directory, EFBIG for one larger than kMaxFileBytes.
int read_file(const std::string& path, std::string& out);

// Reads at most `max` bytes (and never more than kMaxFileBytes). `complete`
// is true when end of file was reached within them (then `out` is the whole
// file). Returns 0 or an errno value, as read_file.
int read_prefix(const std::string& path, std::size_t max, std::string& out, bool& complete);

// "path: what" for an error of read_file / read_prefix.
std::string read_error(const std::string& path, int err);

// Lists the entries of a directory (without "." and ".."), sorted by name.
// A symlink that leads back to the directory or above it (a loop: a -> .,
// up -> ..) is left out. Returns 0 or an errno value.
int list_dir(const std::string& path, std::vector<std::string>& out);

// A directory itself, not a symlink to one: what a reader that walks a tree
// descends into, so a link loop (spl/kstat/m/a -> .) is never followed.
bool is_dir(const std::string& path);
// A directory or a symlink to one: for the entries of /sys/class/*, which are
// symlinks into /sys/devices (a fixed depth, never walked further).
bool is_dir_or_link(const std::string& path);
bool is_regular(const std::string& path);  // follows symlinks
bool exists(const std::string& path);
// Basename of a symlink's target ("virtio_blk" for ../../bus/virtio/drivers/virtio_blk),
// or empty when `path` is not a readable symlink.
std::string link_basename(const std::string& path);

// CLOCK_MONOTONIC in nanoseconds (the gethrtime analogue).
std::int64_t monotonic_ns();

// Whitespace (space, tab) separated fields of one line.
std::vector<std::string_view> fields(std::string_view line);
// Calls f(line, 1-based line number) for each line of text (no '\n') until f
// returns false: the shared helper of engine/text.hpp.
using text::for_each_line;
std::string_view trim(std::string_view s);

// Strict decimal integers: the whole token must be digits (optional '-' for i64).
std::optional<std::uint64_t> parse_u64(std::string_view s);
std::optional<std::int64_t> parse_i64(std::string_view s);
// "12.34" × scale, computed exactly in integers (up to 9 fraction digits);
// `round` rounds half up, otherwise truncates. Negative numbers are rejected.
std::optional<std::uint64_t> parse_fixed(std::string_view s, std::uint64_t scale, bool round);

// Collects named statistics for one kstat, then copies them into an arena.
// Names and string values are copied into the arena as they are added.
class StatList {
 public:
  explicit StatList(Arena& arena) : arena_(arena) {}
  void add_u64(std::string_view name, std::uint64_t v, Unit unit = Unit::none);
  void add_u32(std::string_view name, std::uint64_t v);  // keeps the low 32 bits
  void add_i64(std::string_view name, std::int64_t v, Unit unit = Unit::none);
  void add_i32(std::string_view name, std::int64_t v);
  void add_f64(std::string_view name, double v);  // KSTAT_DATA_DOUBLE
  void add_str(std::string_view name, std::string_view v, ValueType type = ValueType::string);
  void append(std::span<const NamedStat> stats) {
    stats_.insert(stats_.end(), stats.begin(), stats.end());
  }
  std::size_t size() const noexcept { return stats_.size(); }
  std::span<const NamedStat> finish() { return arena_.copy_span<NamedStat>(stats_); }

 private:
  NamedStat& push(std::string_view name, ValueType type, Unit unit);
  Arena& arena_;
  std::vector<NamedStat> stats_;
};

// ---- /proc/spl/kstat (docs/linux-mapping.md) ----

// Line 1 of an SPL kstat file: "kid type 0xflags ndata data_size crtime snaptime".
struct SplHeader {
  std::int64_t kid = 0;
  int type = 0;
  std::uint32_t flags = 0;
  std::uint64_t ndata = 0;
  std::uint64_t data_size = 0;
  std::int64_t crtime = 0;
  std::int64_t snaptime = 0;
};
// True when `line` is a complete, well-formed header with a known type (0..4).
bool parse_spl_header(std::string_view line, SplHeader& out);
// True when `line` starts like a header ("digits digits 0x...") — used to tell
// a damaged header from a no-header file (KSTAT_FLAG_NO_HEADERS).
bool looks_like_spl_header(std::string_view line);

// Parses a whole SPL kstat file into `out` (named / io / intr / timers / raw,
// plus the matching `named` view), allocating in `arena`. `text` is the file
// content, `path` is used in messages. Files without a header become raw
// bytes. `type` receives the type the file declares (raw without a header).
// Returns an empty string on success, else "path:line: what". A NAMED or
// TIMER file whose row count differs from its header's is read as printed;
// `warning` (when given) then receives "path: header says N rows, found M".
// Defined in spl_kstats.cpp.
std::string parse_spl(std::string_view text, std::string_view path, Arena& arena, KstatData& out,
                      KstatType& type, std::string* warning = nullptr);

}  // namespace kstatsql::engine::procfs
