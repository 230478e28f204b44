// engine/source.cpp — the Source interface's default behaviour.
#include "engine/source.hpp"

namespace kstatsql::engine {

std::vector<RecordedInfo> Source::recorded_info() const {
  std::vector<RecordedInfo> v;
  for (std::size_t g = 0; g < recorded_count(); ++g) v.push_back({g, recorded_time(g), 0, 0, {}});
  return v;
}

}  // namespace kstatsql::engine
