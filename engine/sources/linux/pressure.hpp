// engine/sources/linux/pressure.hpp — pressure stall information (PSI), as
// /proc/pressure/<cpu|memory|io> and a cgroup's <ctl>.pressure print it.
#pragma once

#include <string>
#include <string_view>

#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

// Adds the statistics of a PSI file to `s`: for each "some|full avg10=A
// avg60=B avg300=C total=US" line, <prefix><some|full>_avg10 … as doubles (the
// kernel's two decimals, parsed exactly) and <prefix><some|full>_total_ns.
// Returns "" or "path:line: what".
std::string parse_pressure(std::string_view text, const std::string& path, std::string_view prefix,
                           procfs::StatList& s);

}  // namespace kstatsql::engine::linuxsrc
