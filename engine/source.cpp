#include "engine/source.hpp"

#include "kstatsql/error.hpp"

namespace kstatsql::engine {

std::shared_ptr<Source> open_source(const std::string& spec) {
  if (spec.empty() || spec == "live") return make_live_source();
  constexpr std::string_view kProcfs = "procfs:";
  if (spec.compare(0, kProcfs.size(), kProcfs) == 0) {
    std::string root = spec.substr(kProcfs.size());
    if (root.empty()) throw Error(Errc::parse, "procfs: source needs a directory (procfs:DIR)");
    return make_linux_source(root + "/proc", root + "/sys");
  }
  return open_file_source(spec);
}

}  // namespace kstatsql::engine
