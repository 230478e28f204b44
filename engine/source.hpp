// engine/source.hpp — where kstats come from.
//
// A Source lists kstat headers cheaply (enumerate) and reads one kstat's data
// on demand (read). The Snapshot layer calls enumerate once per generation at
// most (only when changed() says the set changed) and read at most once per
// kstat per generation, and only for kstats a query needs.
//
// This header is the interface only: implementations live under
// engine/sources/<family>/ and are opened by engine/sources/open_source.hpp.
//
// Thread-safety: a Source's methods are NOT thread-safe. Every caller in
// kstatsql holds mutex() around each call, so several Sessions (connections,
// threads) may share one Source object safely.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/arena.hpp"
#include "engine/kstat.hpp"

namespace kstatsql::engine {

// One recorded generation, as kstat_generations lists it.
struct RecordedInfo {
  std::size_t index = 0;
  std::int64_t wall_ns = 0;
  std::uint64_t kstats = 0;
  std::uint64_t bytes = 0;  // block size in the file (0 when not from a .kss)
  std::string host;
};

// Which kstats one part of a partitioned source can hold: every module, name
// and class its kstats may have (an empty list: any). A query whose
// constraints no value of a list can satisfy never lists that part.
struct PartScope {
  PartScope() = default;
  PartScope(std::vector<std::string> m, std::vector<std::string> n = {},
            std::vector<std::string> c = {}, std::vector<std::string> not_m = {},
            std::vector<std::string> not_n = {})
      : modules(std::move(m)),
        names(std::move(n)),
        classes(std::move(c)),
        not_modules(std::move(not_m)),
        not_names(std::move(not_n)) {}

  std::vector<std::string> modules;
  std::vector<std::string> names;
  std::vector<std::string> classes;
  std::vector<std::string> not_modules;  // with modules empty: modules it never has
  std::vector<std::string> not_names;    // with names empty: names it never has
  std::vector<KstatType> not_types;      // kstat types it never has (a filter's `type`)
};

class Source {
 public:
  Source() = default;
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  virtual ~Source() = default;

  // The lock every user holds while calling the methods below.
  std::mutex& mutex() const noexcept { return mu_; }

  // For sessions that may share this source: true when the set of kstats
  // changed since the caller's `seen` epoch (which is updated), so every
  // session notices a change, not only the first to ask. REQUIRES: mutex().
  bool changed_since(std::uint64_t& seen) {
    if (changed()) ++epoch_;
    bool result = epoch_ != seen;
    seen = epoch_;
    return result;
  }

  // Human-readable origin, used in error messages: "live Linux (/proc, /sys)",
  // "dump.txt (kstat -p text)".
  virtual std::string description() const = 0;

  // True when the set of kstats may differ from the last enumerate() (always
  // true before the first). Sources that cannot tell cheaply return true.
  virtual bool changed() = 0;

  // Called once at the start of every generation, before enumerate/read.
  // Live sources drop per-generation caches here (e.g. /proc/stat text).
  virtual void begin_generation() {}

  // Appends one header per visible kstat. Strings must stay valid while the
  // source lives: copy them into `arena` (owned by the header set) or point
  // into the source's own immutable storage. Throws Error on whole-source
  // failure (e.g. /proc not mounted).
  virtual void enumerate(Arena& arena, std::vector<KstatHeader>& out) = 0;

  // Fills `out` for one kstat previously enumerated. Data goes into `arena`
  // (owned by the generation) or points into the source's immutable storage.
  // A per-kstat failure is recorded in out.err/out.error (copied into the
  // arena), never thrown. Throws only when the whole source is unusable.
  virtual void read(const KstatHeader& header, Arena& arena, KstatData& out) = 0;

  // --- Partitioned sources list their kstats part by part. ---
  // A source whose kstats fall into families that are costly to list (Linux:
  // one family per group of /proc and /sys files) may describe them as
  // parts; a generation then lists only the parts a query can reach, on first
  // need, each at most once. 0 (the default): enumerate() lists everything.
  // part_scope() and enumerate_part() are called holding mutex(), after the
  // generation's begin_generation(); enumerate() must still list every part.
  virtual std::size_t part_count() const { return 0; }
  virtual PartScope part_scope(std::size_t p) const {
    (void)p;
    return {};
  }
  virtual void enumerate_part(std::size_t p, Arena& arena, std::vector<KstatHeader>& out) {
    (void)p;
    enumerate(arena, out);
  }

  // --- Recorded sources (.kss files) hold several generations. ---
  // Number of recorded generations; 0 for live-like sources, where every
  // generation is a new sample taken at read time.
  virtual std::size_t recorded_count() const { return 0; }
  // Headers of recorded generation g (0-based, g < recorded_count()). The
  // cookies must identify g, so read() can serve any recorded generation in
  // any order; data of a recorded generation never changes.
  virtual void enumerate_recorded(std::size_t g, Arena& arena, std::vector<KstatHeader>& out) {
    (void)g;
    enumerate(arena, out);
  }
  // A statement is about to read every kstat of recorded generation g (a
  // full scan): a mapped source may ask the kernel for read-ahead.
  virtual void will_read_all(std::size_t g) { (void)g; }
  // Wall-clock time (ns since the epoch) at which generation g was recorded.
  virtual std::int64_t recorded_time(std::size_t g) const {
    (void)g;
    return 0;
  }
  // Per-generation details (index, time; kstats, size and host where the
  // source knows them). Fixed at open: callable without mutex().
  virtual std::vector<RecordedInfo> recorded_info() const;
  // The host a recording was made on, "" when the source does not say.
  virtual std::string recorded_host() const { return {}; }
  // Problems found at open that did not stop it (a torn tail), "" when none.
  virtual std::string warnings() const { return {}; }

  // --- Damage: bytes handed out that went bad after they were read. ---
  // A source whose views point into storage that can change under them (a
  // mapped .kss cut by another process reads zeros where its pages were)
  // bumps damage_epoch() when that happens; a reader compares one counter per
  // row and, when it moved, asks check_intact(), which throws Error naming
  // the damage if this source's views are among those gone bad. REQUIRES
  // (check_intact): mutex().
  virtual void check_intact() const {}
  static std::atomic<std::uint64_t>& damage_epoch() noexcept { return damage_epoch_; }

 private:
  mutable std::mutex mu_;
  std::uint64_t epoch_ = 0;
  // Lock-free, so the SIGBUS handler of a mapped source may bump it.
  static constinit std::atomic<std::uint64_t> damage_epoch_;
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
};

// Opens a source from a spec (engine/sources/open_source.hpp provides the
// one that knows every family); sessions take one so the core never names an
// implementation.
using SourceOpener = std::function<std::shared_ptr<Source>(const std::string& spec)>;

// Helpers shared by sources: present an io / intr / timer record as the
// named statistics kstat(8) prints for it, allocated in `arena`.
std::span<const NamedStat> io_as_named(const IoStats& io, Arena& arena);
// The twelve io values in kIoNames order as a record, each cast to its
// field's type (the caller has checked the ranges it needs).
IoStats io_from_values(const std::uint64_t (&v)[12]) noexcept;
std::span<const NamedStat> intr_as_named(const IntrStats& intr, Arena& arena);
std::span<const NamedStat> timers_as_named(std::span<const TimerStat> timers, Arena& arena);

// Records an errno-style failure on `out`, with the message copied into arena.
void set_read_error(KstatData& out, Arena& arena, int err, std::string_view message);

}  // namespace kstatsql::engine
