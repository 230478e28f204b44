// engine/sources/open_source.hpp — the one place that knows every source family.
//
// A source spec names where kstats come from:
//   "live" or ""    this machine's kernel (the live source CMake compiled in:
//                   engine/sources/live_<os>.cpp)
//   "procfs:DIR"    the Linux reader over a recorded tree DIR/proc and DIR/sys
//   "a,b,…"         several sources as one, one host each (engine/sources/multi/),
//                   unless a file of that very name exists
//   anything else   a file: a .kss recording (by its magic) or a dump whose
//                   format is detected from its content (engine/sources/dump/)
#pragma once

#include <memory>
#include <string>

#include "engine/source.hpp"

namespace kstatsql::engine {

// Opens the source `spec` names. Throws Error naming the spec when it cannot
// be opened. Usable as a SourceOpener.
std::shared_ptr<Source> open_source(const std::string& spec);

// The live source of the OS this was built for (one file per OS, chosen by CMake).
std::shared_ptr<Source> make_live_source();

}  // namespace kstatsql::engine
