// engine/source.cpp — the Source interface's default behaviour.
#include "engine/source.hpp"

namespace kstatsql::engine {

constinit std::atomic<std::uint64_t> Source::damage_epoch_{0};

std::vector<RecordedInfo> Source::recorded_info() const {
  std::vector<RecordedInfo> v;
  for (std::size_t g = 0; g < recorded_count(); ++g) v.push_back({g, recorded_time(g), 0, 0, {}});
  return v;
}

}  // namespace kstatsql::engine
