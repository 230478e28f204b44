// engine/sources/open_source.cpp — a source spec to a Source (see open_source.hpp).
#include "engine/sources/open_source.hpp"

#include <sys/stat.h>

#include "engine/sources/dump/dump_source.hpp"
#include "engine/sources/kss/kss_reader.hpp"
#include "engine/sources/linux/linux_source.hpp"
#include "engine/sources/multi/multi_source.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

std::shared_ptr<Source> open_source(const std::string& spec) {
  if (spec.empty() || spec == "live") return make_live_source();
  struct stat st {};
  if (spec.find(',') != std::string::npos && ::stat(spec.c_str(), &st) != 0) {
    std::vector<std::string> parts;
    std::size_t from = 0;
    for (std::size_t comma; (comma = spec.find(',', from)) != std::string::npos; from = comma + 1) {
      parts.push_back(spec.substr(from, comma - from));
    }
    parts.push_back(spec.substr(from));
    return open_multi_source(parts, open_source);
  }
  constexpr std::string_view kProcfs = "procfs:";
  if (spec.compare(0, kProcfs.size(), kProcfs) == 0) {
    std::string root = spec.substr(kProcfs.size());
    if (root.empty()) throw Error(Errc::parse, "procfs: source needs a directory (procfs:DIR)");
    return make_linux_source(root + "/proc", root + "/sys");
  }
  // A .kss is mapped, never read whole, so it is a regular file; anything
  // else (a pipe above all) is opened once, by the dump reader.
  bool regular = ::stat(spec.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  if (regular && is_kss_file(spec)) return open_kss_source(spec);
  return open_file_source(spec);
}

}  // namespace kstatsql::engine
