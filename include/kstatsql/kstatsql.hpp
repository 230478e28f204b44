// kstatsql/kstatsql.hpp — the C++ API: a session over one source of kstats,
// registered on SQLite connections.
//
//   kstatsql::Session s("stats.kss");       // a source spec; opened on first use
//   sqlite3* db = nullptr;
//   sqlite3_open(":memory:", &db);
//   s.register_on(db);                      // kstat, named, io, ... over `s`
//   s.pin();                                // several queries, one sample
//   ... run queries ...
//   s.unpin();
//   kstatsql::Counters c = s.counters();    // what the last statement read
//
// Source specs: "live" (this machine), "procfs:DIR" (a recorded Linux tree),
// "a,b,..." (several sources, one host each), or a file: a .kss recording or
// a kstat -p / kstat -j / OpenBSD kstat dump (the format is detected).
//
// A Session is a handle: copies share one session (its source, generations,
// pin and counters), and every connection it was registered on keeps it
// alive. Thread-safe: calls lock the session. Failures throw kstatsql::Error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kstatsql/error.hpp"

struct sqlite3;

namespace kstatsql {

namespace engine {
class Session;
class Source;
class Generation;
struct KstatHeader;
struct KstatData;
class SelectorSet;
}  // namespace engine

// What the last statement (or sample) cost, as kstat_reads() shows it.
struct Counters {
  std::uint64_t enumerated = 0;  // kstat headers listed by the source
  std::uint64_t matched = 0;     // kstats selected by pushed-down constraints
  std::uint64_t read = 0;        // kstats whose data was read
  std::uint64_t generation = 0;  // number of the generation in use
};

// The spec used when none is given: $KSTATSQL_SOURCE when set and not
// empty, else "live" (what kstatsql_register does with no source).
std::string default_source_spec();

class Sample;

// How register_on() sets up a connection.
struct RegisterOptions {
  // false: SQL on the connection cannot make kstatsql open files —
  // kstat_source('x') fails with a message, the source stays this session's
  // (for programs that run SQL they do not trust; docs/security.md). The
  // session's own set_source() is the program's and still works.
  bool file_access = true;
};

class Session {
 public:
  // `spec` names the source; it is opened lazily, so a bad spec is reported
  // by the first call that needs the source (open() forces that now).
  explicit Session(std::string spec = default_source_spec());
  // A session over a source built by the caller (tests, embedders with
  // their own engine::Source); `spec` is what source_spec() reports.
  // set_source() may later switch to any spec.
  Session(std::shared_ptr<engine::Source> source, std::string spec);

  // Opens the source now; throws Error naming the spec when it cannot.
  void open();
  // Switches the source; the next generation comes from it. Throws Error
  // when the spec cannot be opened (the current source is kept then).
  void set_source(const std::string& spec);
  std::string source_spec() const;
  // A one-line description of the source ("live linux", "file x.kss, 3
  // generations", ...); opens it if needed.
  std::string source_description();

  // The next statement (or the current pin) gets a fresh generation.
  void refresh();
  // While pinned, every statement sees the same generation.
  void pin();
  void unpin();
  bool pinned() const;

  Counters counters() const;
  // Puts the counters back, e.g. after queries a tool ran on its own behalf
  // (completion) so that kstat_reads() still describes the user's statement.
  void set_counters(const Counters& c);

  // Recorded sources (.kss): how many generations the file holds (0 for
  // other sources), which one statements see (-1: the last), and choosing
  // one (takes effect at the next statement; throws Error(constraint) when
  // out of range or when the source is not recorded).
  std::size_t recorded_count();
  std::int64_t recorded_selected() const;
  void select_recorded(std::int64_t g);

  // Holds the generation a statement would see now until the Sample dies.
  Sample sample();

  // Adds kstatsql's tables and functions to `db`, all over this session.
  // Throws Error with SQLite's message when registration fails.
  void register_on(sqlite3* db) const;
  void register_on(sqlite3* db, const RegisterOptions& options) const;

 private:
  std::shared_ptr<engine::Session> impl_;
};

// One generation held open like a statement's cursor: every read sees the
// same sample, and a new generation starts only after it is gone. Move-only.
// Data is read on first need, at most once per generation.
class Sample {
 public:
  Sample(Sample&& other) noexcept;
  Sample& operator=(Sample&& other) noexcept;
  ~Sample();

  std::uint64_t number() const noexcept;
  std::size_t size() const;  // kstats in the generation (lists every part)
  const engine::KstatHeader& header(std::uint32_t i) const noexcept;
  // May throw Error when the whole source fails; a kstat that fails alone
  // has its error in KstatData.
  const engine::KstatData& data(std::uint32_t i) const;
  // Indexes of the kstats kstat(8) shows for `selectors` (an empty set: all),
  // in kstat(8)'s order, appended to `out`: the selectors' literal parts are
  // pushed down, kstat_* kstats are left out, and no data is read.
  void select(const engine::SelectorSet& selectors, std::vector<std::uint32_t>& out) const;
  // For writers that take a whole generation (engine/sources/kss/kss_writer.hpp).
  const engine::Generation& generation() const noexcept { return *gen_; }

 private:
  friend class Session;
  Sample(std::shared_ptr<engine::Session> session, std::shared_ptr<const engine::Generation> gen);
  std::shared_ptr<engine::Session> session_;
  std::shared_ptr<const engine::Generation> gen_;
};

}  // namespace kstatsql
