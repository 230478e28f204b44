// engine/sources/multi/multi_source.hpp — several sources (hosts) as one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/source.hpp"

namespace kstatsql::engine {

// A source over several sources, one per host. Each child's headers are
// tagged with its host (KstatHeader::host, when the child left it empty): the
// child's recorded_host() (a .kss file's host name), a file's base name,
// "procfs:DIR"'s base name, the local node name for "live". Children that
// would share a host name are distinct hosts "HOST@BASE" (BASE: the spec's
// base name; "#2"… on a further collision), so no kstat is ever compared
// with another child's sample (docs/design-decisions.md, "Multi-host sources").
// Recorded generations are aligned BY INDEX: generation g holds generation g
// of every recorded child that has one (a shorter recording contributes
// nothing past its end) plus the current data of every non-recorded child
// (text/JSON dumps, live); recorded_count() is the largest child count (0 when
// no child is recorded: then the source is live-like) and recorded_time(g) the
// time of the first child that recorded g.
// Each of `specs` (at least two) is opened with `open`. Throws Error naming
// the spec.
std::shared_ptr<Source> open_multi_source(const std::vector<std::string>& specs,
                                          const SourceOpener& open);

}  // namespace kstatsql::engine
