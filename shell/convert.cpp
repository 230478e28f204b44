// shell/convert.cpp — `kstatsql convert`: between .kss, kstat -p text and kstat -j JSON.
//
//   kstatsql convert IN OUT [--format kss|text|json] [--generation N] [--select SPEC]...
//
// IN is any source spec (a .kss, a kstat -p / -j dump, "live", "procfs:DIR",
// "a.kss,b.kss"). The output format comes from --format, else from OUT's
// extension (.kss, .json, anything else: text); OUT "-" is standard output
// (text and JSON only). OUT is replaced if it exists.
//  * to .kss: every recorded generation of IN (or only --generation N); one
//    generation for dumps and live sources.
//  * to text/JSON: one generation, the last recorded one or --generation N,
//    written exactly as kstat(8) -p / -j would (engine/sources/dump/dump_writer.hpp).
// --select keeps the kstats (and statistics) that kstat(8) selectors match.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/sources/dump/dump_writer.hpp"
#include "engine/sources/kss/kss_writer.hpp"
#include "kstatsql/error.hpp"
#include "kstatsql/kstatsql.hpp"
#include "shell/commands.hpp"
#include "shell/options.hpp"

namespace kstatsql::shell {

namespace {

constexpr const char* kConvertUsage =
    "usage: kstatsql convert IN OUT [--format kss|text|json] [--generation N] [--select SPEC]...\n";

constexpr const char* kConvertHelp =
    "Copies kstats between formats. IN is any source spec (a .kss recording, a kstat -p or\n"
    "-j dump, live, procfs:DIR, several joined by ','); OUT is replaced, '-' is standard\n"
    "output (text and JSON only).\n"
    "  -f, --format kss|text|json   the output format (default: from OUT's extension,\n"
    "                               .kss or .json, else kstat -p text)\n"
    "  -g, --generation N           only recorded generation N (default: every one into\n"
    "                               a .kss, the last into text or JSON)\n"
    "  -s, --select SPEC            keep what the kstat(8) selector SPEC matches (repeatable)\n"
    "  -h, --help                   this text\n"
    "Exit status: 0 done, 2 usage error, 3 failure.\n";

enum class Fmt { kss, text, json };

struct Args {
  std::string in, out;
  Fmt fmt = Fmt::text;
  bool fmt_given = false;
  long long generation = -1;
  bool gen_given = false;
  std::vector<std::string> selects;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Returns false when --help was asked for (and printed).
bool parse_args(int argc, char** argv, Args& a) {
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "-h" || s == "--help") {
      std::fputs(kConvertUsage, stdout);
      std::fputs(kConvertHelp, stdout);
      return false;
    }
    auto value = [&](const char* opt) -> std::string {
      if (i + 1 >= argc) throw Error(Errc::parse, std::string(opt) + " needs a value");
      return argv[++i];
    };
    if (s == "--format" || s == "-f") {
      std::string v = value("--format");
      a.fmt_given = true;
      if (v == "kss")
        a.fmt = Fmt::kss;
      else if (v == "text" || v == "p")
        a.fmt = Fmt::text;
      else if (v == "json" || v == "j")
        a.fmt = Fmt::json;
      else
        throw Error(Errc::parse, "--format must be kss, text or json, not '" + v + "'");
    } else if (s == "--generation" || s == "-g") {
      std::string error;
      auto v =
          parse_integer_option("--generation", value("--generation"), -kMaxCount, kMaxCount, error);
      if (!v) throw Error(Errc::parse, error);
      a.generation = *v;
      a.gen_given = true;
    } else if (s == "--select" || s == "-s") {
      a.selects.push_back(value("--select"));
    } else if (s.size() > 1 && s[0] == '-') {
      throw Error(Errc::parse, "unknown option " + s);
    } else {
      pos.push_back(s);
    }
  }
  if (pos.size() != 2) throw Error(Errc::parse, "expected IN and OUT");
  a.in = pos[0];
  a.out = pos[1];
  if (!a.fmt_given)
    a.fmt = ends_with(a.out, ".kss") ? Fmt::kss : ends_with(a.out, ".json") ? Fmt::json : Fmt::text;
  if (a.fmt == Fmt::kss && a.out == "-")
    throw Error(Errc::parse, "a .kss cannot be written to standard output");
  return true;
}

// Writes all of `s` to OUT ("-": stdout), replacing the file.
void write_file(const std::string& path, const std::string& s) {
  int fd = path == "-" ? 1 : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno(path, errno);
  std::size_t done = 0;
  while (done < s.size()) {
    ssize_t w = ::write(fd, s.data() + done, s.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      int err = errno;
      if (fd != 1) ::close(fd);
      throw_errno(path, err);
    }
    done += static_cast<std::size_t>(w);
  }
  if (fd != 1 && ::close(fd) != 0) throw_errno(path, errno);
}

std::size_t convert_to_dump(Session& session, const Args& a, const engine::SelectorSet& sel) {
  if (a.gen_given) session.select_recorded(a.generation);
  Sample sample = session.sample();
  std::vector<std::uint32_t> selected;
  sample.select(sel, selected);
  std::vector<engine::DumpEntry> entries;
  entries.reserve(selected.size());
  for (std::uint32_t i : selected) entries.push_back({&sample.header(i), &sample.data(i)});
  engine::DumpOptions o;
  o.format =
      a.fmt == Fmt::json ? engine::DumpOptions::Format::json : engine::DumpOptions::Format::text;
  o.statistics = sel.empty() ? nullptr : &sel;
  std::string text;
  write_dump(entries, o, text);
  write_file(a.out, text);
  return entries.size();
}

std::size_t convert_to_kss(Session& session, const Args& a, const engine::SelectorSet& sel,
                           std::size_t& generations) {
  engine::KssWriter writer(a.out, engine::KssWriter::Mode::truncate);
  std::size_t n = session.recorded_count();
  std::size_t kstats = 0;
  auto one = [&] {
    Sample sample = session.sample();
    writer.append(sample.generation(), sel.empty() ? nullptr : &sel);
    kstats += writer.last_kstats();
    ++generations;
  };
  if (n == 0 || a.gen_given) {
    if (a.gen_given) session.select_recorded(a.generation);
    one();
  } else {
    for (std::size_t g = 0; g < n; ++g) {
      session.select_recorded(static_cast<std::int64_t>(g));
      one();
    }
  }
  return kstats;
}

}  // namespace

int run_convert(int argc, char** argv) {
  Args a;
  engine::SelectorSet sel;
  try {
    if (!parse_args(argc, argv, a)) return 0;
    sel = engine::SelectorSet::parse(std::span<const std::string>(a.selects));
  } catch (const Error& e) {
    std::fprintf(stderr, "kstatsql convert: %s\n%s", e.what(), kConvertUsage);
    return 2;
  }
  try {
    Session session(a.in);
    std::string desc = session.source_description();
    std::size_t generations = 0, kstats = 0;
    if (a.fmt == Fmt::kss) {
      kstats = convert_to_kss(session, a, sel, generations);
    } else {
      kstats = convert_to_dump(session, a, sel);
      generations = 1;
    }
    if (a.out != "-") {
      std::fprintf(stderr, "converted %zu generation%s (%zu kstats) from %s to %s\n", generations,
                   generations == 1 ? "" : "s", kstats, desc.c_str(), a.out.c_str());
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "kstatsql convert: %s\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kstatsql convert: %s\n", e.what());
    return 3;
  }
  return 0;
}

}  // namespace kstatsql::shell
