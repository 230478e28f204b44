// libFuzzer target: every /proc, /sys and SPL reader of the Linux source, over
// a tree built from the input in a temporary folder.
//
// The input is a list of records, each starting on a line of its own:
//   == proc/diskstats          a file; its content is every line up to the
//   <content lines>            next record line (or the end of the input)
//   => sys/class/block/sda/device/driver ../../../bus/virtio/drivers/virtio_blk
//                              a symbolic link (relative, never out of the tree)
// Paths are relative to the tree's root (proc/..., sys/...), of at most 12
// components of [A-Za-z0-9._:+@-] (no '.' or '..'). Seeds: every fixture tree
// of tests/data/linux as such records (tests/fuzz/make_seeds.py).
//
// The source (make_linux_source over ROOT/proc and ROOT/sys, with a clock
// that steps one second per read) lists every family and reads every kstat,
// twice, so running sums see two samples. Only kstatsql::Error may escape;
// anything else (another exception, a sanitizer report, a hang, a blow-up) is
// a finding.
//   build-fuzz/procfs_fuzz -max_len=65536 WORK_DIR tests/fuzz/corpus/procfs_fuzz
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "engine/sources/linux/linux_source.hpp"
#include "fuzz/fuzz_support.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxComponents = 12;
constexpr std::size_t kMaxRecords = 400;

// Components of a path as the header allows, or 0 when it is refused.
std::size_t path_depth(std::string_view p) {
  if (p.empty() || p.size() > 240 || p.front() == '/' || p.back() == '/') return 0;
  std::size_t depth = 0, from = 0;
  while (from <= p.size()) {
    std::size_t slash = p.find('/', from);
    if (slash == std::string_view::npos) slash = p.size();
    const std::string_view c = p.substr(from, slash - from);
    if (c.empty() || c == "." || c == "..") return 0;
    for (char ch : c) {
      const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') ||
                      std::string_view("._:+@-").find(ch) != std::string_view::npos;
      if (!ok) return 0;
    }
    ++depth;
    from = slash + 1;
  }
  return depth <= kMaxComponents ? depth : 0;
}

// A link target relative to the link's folder (at `depth` components below
// the root, the link itself included) that never leaves the tree.
bool target_ok(std::string_view t, std::size_t depth) {
  if (t.empty() || t.size() > 240 || t.front() == '/') return false;
  long level = static_cast<long>(depth) - 1;
  std::size_t from = 0;
  while (from <= t.size()) {
    std::size_t slash = t.find('/', from);
    if (slash == std::string_view::npos) slash = t.size();
    const std::string_view c = t.substr(from, slash - from);
    if (c == "..") {
      if (--level < 0) return false;
    } else if (!c.empty() && c != ".") {
      if (path_depth(c) == 0) return false;
      ++level;
    }
    from = slash + 1;
  }
  return true;
}

void add_file(const fs::path& root, std::string_view rel, std::string_view content) {
  if (path_depth(rel) == 0) return;
  std::error_code ec;
  const fs::path p = root / std::string(rel);
  fs::create_directories(p.parent_path(), ec);
  std::ofstream(p, std::ios::binary)
      .write(content.data(), static_cast<std::streamsize>(content.size()));
}

void add_link(const fs::path& root, std::string_view spec) {
  const std::size_t sp = spec.find(' ');
  if (sp == std::string_view::npos) return;
  const std::string_view rel = spec.substr(0, sp), target = spec.substr(sp + 1);
  const std::size_t depth = path_depth(rel);
  if (depth == 0 || !target_ok(target, depth)) return;
  std::error_code ec;
  const fs::path p = root / std::string(rel);
  fs::create_directories(p.parent_path(), ec);
  fs::create_symlink(std::string(target), p, ec);
}

// Builds the tree the records of `in` describe under `root`.
void build_tree(const fs::path& root, std::string_view in) {
  std::size_t pos = 0, records = 0;
  std::string_view path;  // the file being collected, or empty
  std::size_t content_from = 0;
  auto flush = [&](std::size_t end) {
    if (!path.empty()) add_file(root, path, in.substr(content_from, end - content_from));
    path = {};
  };
  while (pos < in.size() && records < kMaxRecords) {
    std::size_t eol = in.find('\n', pos);
    if (eol == std::string_view::npos) eol = in.size();
    const std::string_view line = in.substr(pos, eol - pos);
    if (line.substr(0, 3) == "== " || line.substr(0, 3) == "=> ") {
      flush(pos);
      ++records;
      if (line[1] == '=') {
        path = line.substr(3);
        content_from = eol < in.size() ? eol + 1 : eol;
      } else {
        add_link(root, line.substr(3));
      }
    }
    pos = eol + 1;
  }
  flush(std::min(pos, in.size()));
}

// The temporary folder, made once and removed at exit. (Allocated and never
// freed: static objects are destroyed before atexit handlers run.)
const fs::path& base_dir() {
  static const fs::path* base = [] {
    std::string tmpl = (fs::temp_directory_path() / "kstatsql-procfs-fuzz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) __builtin_trap();
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(base_dir(), ec);
    });
    return new fs::path(tmpl);
  }();
  return *base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path root = base_dir() / "t";
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::create_directories(root / "proc", ec);
  fs::create_directories(root / "sys", ec);
  build_tree(root, {reinterpret_cast<const char*>(data), size});
  std::int64_t now = 1'000'000'000;
  try {
    auto src = kstatsql::engine::make_linux_source(
        (root / "proc").string(), (root / "sys").string(), [&] { return now += 1'000'000'000; });
    kstatsql::fuzz::drain(*src);
    kstatsql::fuzz::drain(*src);
  } catch (const kstatsql::Error&) {
    // A tree the source refuses as a whole.
  }
  return 0;
}
