// engine/sources/kss/kss_writer.hpp — appends generations to a .kss file.
//
// CRASH CONTRACT (docs/kss-format.md, "Durability"):
//  * The file header is written once, at creation, and fsync'ed (with the
//    directory) before the first generation.
//  * Each generation is one block written with write(2) at the end of the
//    file, its trailer last, then fsync'ed. Bytes before it are never
//    rewritten. A crash, a kill or a full disk therefore loses at most the
//    generation being written; the reader skips such a torn tail.
//  * When a write fails (ENOSPC, EFBIG, EIO, ...), the partial block is cut
//    off again (ftruncate to the previous end, best effort) and Error(Errc::io)
//    names the file, the generation and the errno text. The writer stays
//    usable. A file size limit gives EFBIG only where SIGXFSZ is ignored
//    (kstatsql record ignores it); otherwise the process is killed.
//  * A failed creation leaves no file behind. Mode::truncate never shrinks a
//    regular file in place, since a reader may have it mapped: the new
//    recording is written to PATH.tmp.PID.N in the same directory and renamed
//    over PATH once its header is durable (readers keep the old file).
//
// Not thread-safe. Data of the entries must stay valid during append().
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "engine/selector.hpp"
#include "engine/session.hpp"

namespace kstatsql::engine {

// What the file header says about the recorded machine.
struct KssHostInfo {
  std::string host, sysname, release, version, machine;
  static KssHostInfo local();  // uname(2)
};

struct KssEntry {
  const KstatHeader* header;
  const KstatData* data;
};

class KssWriter {
 public:
  enum class Mode {
    create,    // fail if the file exists (O_EXCL)
    truncate,  // replace an existing file (by rename: see above)
    append,    // continue an existing .kss (its torn tail is cut); create when missing
  };

  // Opens `path`. `info` is written to a new file's header (ignored when
  // appending to an existing file). Throws Error(io) naming the path, or
  // Error(parse) when appending to a file that is not a valid .kss.
  KssWriter(std::string path, Mode mode, const KssHostInfo& info = KssHostInfo::local());
  ~KssWriter();
  KssWriter(const KssWriter&) = delete;
  KssWriter& operator=(const KssWriter&) = delete;

  // Appends one generation holding `entries` (in the given order) taken at
  // wall-clock `wall_ns` / monotonic `mono_ns`. Returns the block's bytes.
  std::uint64_t append(std::span<const KssEntry> entries, std::int64_t wall_ns,
                       std::int64_t mono_ns);

  // Appends `gen`: every kstat, or those whose module:instance:name matches
  // `select`. A selector's statistic field keeps only matching named rows, and
  // drops a kstat left with none (its io/intr/timer/raw records are kept
  // whole). Reads the data of every kept kstat. A recorded generation keeps
  // its recorded time; a live one is stamped now.
  std::uint64_t append(const Generation& gen, const SelectorSet* select = nullptr);

  const std::string& path() const noexcept { return path_; }
  std::uint64_t generations() const noexcept { return next_index_; }  // in the file
  std::uint64_t size() const noexcept { return end_; }                // bytes in the file
  std::uint64_t last_kstats() const noexcept { return last_kstats_; }
  // Set by Mode::append when a torn tail was cut: its offset; else -1.
  std::int64_t cut_torn_tail() const noexcept { return cut_at_; }
  // fsync after every block (default true). Tests and benches may disable it.
  void set_sync(bool on) noexcept { sync_ = on; }

 private:
  struct Created {
    std::string temp;      // written aside, renamed over path_ (Mode::truncate)
    bool created = false;  // path_ itself was created by this writer
  };
  bool open_existing();
  Created create_file(Mode mode);
  void write_file_header(const KssHostInfo& info);
  void sync_directory() const;
  void write_all(const void* p, std::size_t n, const std::string& what);

  std::string path_;
  int fd_ = -1;
  std::uint64_t end_ = 0;
  std::uint64_t next_index_ = 0;
  std::uint64_t last_kstats_ = 0;
  std::int64_t cut_at_ = -1;
  bool sync_ = true;
};

}  // namespace kstatsql::engine
