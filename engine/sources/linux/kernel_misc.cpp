// engine/sources/linux/kernel_misc.cpp — linux:0:random (/proc/sys/kernel/random),
// linux:0:file_nr (/proc/sys/fs/file-nr) and linux:0:inode_nr
// (/proc/sys/fs/inode-nr): kernel counters illumos has no kstat for, under
// the kernel's own names. One kstat per file: a missing file means no kstat.
// docs/linux-mapping.md ("Kernel misc") says what each statistic means.
#include <cerrno>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::fields;
using procfs::parse_u64;
using procfs::StatList;

enum class Kind : std::uint32_t { random, file_nr, inode_nr };

std::string_view first_line(std::string_view t) {
  return procfs::trim(t.substr(0, t.find('\n')));
}

// The numbers of a one-line file, named in order (file-nr, inode-nr).
struct LineFile {
  const char* rel;                 // under the proc root
  const char* kstat;               // linux:0:<kstat>
  std::vector<const char*> names;  // one per number, in file order
};
const LineFile kLineFiles[] = {
    {"/sys/fs/file-nr", "file_nr", {"nr_files", "nr_free_files", "max_files"}},
    {"/sys/fs/inode-nr", "inode_nr", {"nr_inodes", "nr_free_inodes"}},
};

// /proc/sys/kernel/random: numbers, and boot_id (a string fixed for the
// boot). `uuid` is left out: every read of it makes a new random UUID.
constexpr std::string_view kRandomNumbers[] = {"entropy_avail", "poolsize",
                                               "urandom_min_reseed_secs", "write_wakeup_threshold",
                                               "read_wakeup_threshold"};

class KernelMiscFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override {
    return {{"linux"}, {"random", "file_nr", "inode_nr"}, {"misc"}, {}};
  }

  void enumerate(Lister& out) override {
    if (procfs::is_dir(proc() + "/sys/kernel/random"))
      out.add("linux", 0, "random", "misc", KstatType::named, Kind::random);
    if (procfs::exists(proc() + kLineFiles[0].rel))
      out.add("linux", 0, "file_nr", "misc", KstatType::named, Kind::file_nr);
    if (procfs::exists(proc() + kLineFiles[1].rel))
      out.add("linux", 0, "inode_nr", "misc", KstatType::named, Kind::inode_nr);
  }

  std::string read(const KstatHeader&, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    switch (static_cast<Kind>(kind)) {
      case Kind::random:
        return read_random(arena, out, err);
      case Kind::file_nr:
        return read_line(kLineFiles[0], arena, out, err);
      case Kind::inode_nr:
        return read_line(kLineFiles[1], arena, out, err);
    }
    return err = ENOENT, "not a kstat of this family";
  }

 private:
  std::string read_line(const LineFile& lf, Arena& arena, KstatData& out, int& err);
  std::string read_random(Arena& arena, KstatData& out, int& err);
};

// file-nr: "allocated unused max"; inode-nr: "nr_inodes nr_free_inodes".
std::string KernelMiscFamily::read_line(const LineFile& lf, Arena& arena, KstatData& out,
                                        int& err) {
  const TextFile in = read_text(proc() + lf.rel, err, &out);
  if (!in) return in.error;
  auto f = fields(first_line(*in.text));
  StatList s(arena);
  for (std::size_t i = 0; i < lf.names.size(); ++i) {
    auto v = i < f.size() ? parse_u64(f[i]) : std::nullopt;
    if (!v) return err = EINVAL, fmt::format("{}:1: expected {} numbers", in.path, lf.names.size());
    s.add_u64(lf.names[i], *v);
  }
  out.named = s.finish();
  return {};
}

// One file per value: a file that cannot be read leaves its value out; one
// that does not hold a number is the kstat's error.
std::string KernelMiscFamily::read_random(Arena& arena, KstatData& out, int& err) {
  const std::string dir = proc() + "/sys/kernel/random/";
  StatList s(arena);
  int file_err = 0;
  for (std::string_view name : kRandomNumbers) {
    const TextFile in = read_text(dir + std::string(name), file_err, &out);
    if (!in) continue;
    auto v = parse_u64(first_line(*in.text));
    if (!v) return err = EINVAL, fmt::format("{}:1: expected a number", in.path);
    s.add_u64(name, *v);
  }
  if (const TextFile in = read_text(dir + "boot_id", file_err, &out); in)
    s.add_str("boot_id", first_line(*in.text));
  if (s.size() == 0) return err = ENOENT, fmt::format("{}: no readable file", dir);
  out.named = s.finish();
  return {};
}

}  // namespace

std::unique_ptr<Family> make_kernel_misc_family(LinuxSource& src) {
  return std::make_unique<KernelMiscFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
