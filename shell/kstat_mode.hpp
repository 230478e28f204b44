// shell/kstat_mode.hpp — `kstatsql kstat …`: illumos kstat(8) over any source.
//
// kstatsql kstat [-qlpjC] [-T u|d] [-c class] [-m module] [-i instance]
//                [-n name] [-s statistic] [module[:instance[:name[:statistic]]] …]
//                [interval [count]]
// Behaves as illumos kstat(8) (docs/kstat-mode.md):
//  * options parsed like getopt(3) "h?CqjlpT:m:i:n:s:c:" (stops at the first
//    operand); -q with -l/-p/-j/-C → "-q and -lpj are mutually exclusive",
//    exit 2; -m/-i/-n/-s with selector operands → exit 2;
//  * operands that are whole decimal numbers are interval (≥1 s) then count;
//    the others are selectors, ORed and printed selector by selector (a kstat
//    matching two selectors is printed twice, as kstat(8) does);
//  * a kstat is read only when some selector matches its module, instance and
//    name and -c matches its class (kstat(8) reads on module AND name and
//    filters the rest at print time: the output is the same, fewer reads);
//    literal modules, names and instances are pushed down to the generation
//    index, so `kstat -p unix:0:system_misc` reads one kstat;
//  * output bytes as kstat(8): human (default), -p, -C, -l, and -j as valid
//    JSON (engine/sources/dump/dump_writer.hpp does -p/-C/-l/-j; human is here);
//  * exit status 0 some statistic matched, 1 nothing matched, 2 usage, 3 the
//    source failed.
// Each iteration is one Sample of the session (a fresh generation).
#pragma once

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "engine/sources/dump/dump_writer.hpp"  // engine::SelectorSet, Pattern
#include "kstatsql/kstatsql.hpp"

namespace kstatsql::shell {

struct KstatOptions {
  bool quiet = false;             // -q
  bool parseable = false;         // -p (also set by -l and -C)
  bool colon = false;             // -C
  bool list = false;              // -l
  bool json = false;              // -j
  char timestamp = 0;             // -T: 'u' or 'd'
  engine::Pattern klass;          // -c (default: any)
  engine::SelectorSet selectors;  // never empty after parsing
  std::int64_t interval_ns = 0;   // 0: print once
  long count = 1;                 // iterations; -1: until interrupted
};

struct KstatArgs {
  KstatOptions options;
  int status = -1;      // -1: run; 0: help was asked (usage printed); 2: usage error
  std::string message;  // what to print on stderr (usage included) when status >= 0
};

// Parses the arguments after the word `kstat`.
KstatArgs parse_kstat_args(std::span<const std::string> args);

// kstat(8)'s usage text (ends with a newline).
extern const char kKstatUsage[];

// One iteration over `gen`: reads what the selectors need and appends the
// output (without the -T timestamp). Returns the number of statistics
// matched (0: nothing matched). May throw Error when the source fails.
std::size_t kstat_iteration(const Sample& gen, const KstatOptions& o, std::string& out);

// The whole run: iterations on fresh generations of `session`, drift-free
// sleeps, -T timestamps, blank lines between iterations; stops early (after
// the current iteration) when stop_requested(). Returns 0, 1 or 3.
int run_kstat(const KstatOptions& o, Session& session, std::FILE* out, std::FILE* err);

// `kstatsql kstat ARGS…` with the source spec chosen by the caller.
// `interval` seconds > 0 (the shell's --interval, fractions allowed) repeats
// as an interval operand does, `count` times (<= 0: until interrupted); an
// interval operand as well is a usage error.
int kstat_main(std::span<const std::string> args, const std::string& source_spec,
               double interval = 0, long count = -1);

// --- interval loops (kstat mode, --interval, --report) ---------------------

// SIGINT → stop_requested() becomes true; installed without SA_RESTART so a
// sleep returns early. Also calls sqlite3_interrupt on `interrupt_db` when set
// (the interactive shell's running statement).
void install_stop_handler();
bool stop_requested() noexcept;
void clear_stop() noexcept;
void set_interrupt_db(void* sqlite3_db) noexcept;

// CLOCK_MONOTONIC in nanoseconds (the clock generations are stamped with).
std::int64_t monotonic_ns() noexcept;

// Sleeps until `deadline_ns` on CLOCK_MONOTONIC (monotonic_ns()).
// Returns false when interrupted by stop_requested().
bool sleep_until(std::int64_t deadline_ns);

// Drift-free schedule: iteration k (from 0) is due at start + k*interval;
// slots already missed are skipped rather than run back to back.
std::int64_t next_deadline(std::int64_t start_ns, std::int64_t interval_ns, long k,
                           std::int64_t now_ns);

}  // namespace kstatsql::shell
