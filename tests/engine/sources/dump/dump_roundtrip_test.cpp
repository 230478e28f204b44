// tests/engine/sources/dump/dump_roundtrip_test.cpp — every writer's output
// loads back: generated kstats with hostile names and every value type are
// written as `-p` text and `-j` JSON, read back and written again (same
// bytes); every fixture format replays through `kstat -p` to the same rows.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/source.hpp"
#include "engine/sources/dump/dump_source.hpp"
#include "engine/sources/dump/dump_writer.hpp"
#include "engine/static_source.hpp"

using namespace kstatsql;
using namespace kstatsql::engine;

namespace {

const std::string kDumps = std::string(KSTATSQL_TEST_DATA) + "/dumps/";

std::string write_all(Source& src, DumpOptions::Format f) {
  Arena arena;
  std::vector<KstatHeader> headers;
  src.enumerate(arena, headers);
  std::vector<KstatData> data(headers.size());
  std::vector<DumpEntry> entries;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    src.read(headers[i], arena, data[i]);
  }
  for (std::size_t i = 0; i < headers.size(); ++i) entries.push_back({&headers[i], &data[i]});
  DumpOptions o;
  o.format = f;
  std::string out;
  write_dump(entries, o, out);
  return out;
}

// Random bytes for names and strings. JSON keeps any byte but writes invalid
// UTF-8 as U+0080..U+00FF, so for JSON the bytes are ASCII (control bytes and
// NUL included) or whole UTF-8 sequences.
std::string junk(std::mt19937_64& rng, bool json, std::size_t max_len) {
  std::string s;
  std::size_t n = rng() % (max_len + 1);
  while (s.size() < n) {
    unsigned r = static_cast<unsigned>(rng() % 300);
    if (r < 256 && (!json || r < 0x80)) {
      s += static_cast<char>(r);
    } else if (r < 280) {
      s += "\xc3\xa9";  // é
    } else {
      s += "\xe2\x82\xac";  // €
    }
  }
  return s;
}

// A kstat -p text value that reads back as written: a string that is a
// canonical integer followed by blanks would read back as the number.
std::string text_safe_string(std::string s) {
  std::size_t e = s.find_last_not_of(" \t");
  std::string_view core = std::string_view(s).substr(0, e == std::string::npos ? 0 : e + 1);
  bool digits = !core.empty() && core.find_first_not_of("-0123456789") == std::string_view::npos;
  if (digits && core.size() < s.size()) s += 'x';
  return s;
}

std::shared_ptr<StaticSource> generate(std::mt19937_64& rng, bool json) {
  StaticBuilder b;
  int kstats = 1 + static_cast<int>(rng() % 6);
  for (int k = 0; k < kstats; ++k) {
    // Unique prefixes keep identities distinct after the writer's escapes.
    b.begin("m" + std::to_string(k) + "." + junk(rng, json, 8),
            static_cast<std::int64_t>(rng() % 1000),
            "n" + std::to_string(k) + "." + junk(rng, json, 8));
    std::string klass = junk(rng, json, 6);
    while (!klass.empty() && (klass.back() == ' ' || klass.back() == '\t')) klass.pop_back();
    b.set_class(klass);
    b.set_crtime(static_cast<std::int64_t>(rng() % (std::uint64_t{1} << 60)));
    b.set_snaptime(static_cast<std::int64_t>(rng() % (std::uint64_t{1} << 60)));
    int stats = static_cast<int>(rng() % 8);
    for (int i = 0; i < stats; ++i) {
      std::string name = "s" + std::to_string(i) + "." + junk(rng, json, 10);
      switch (rng() % 7) {
        case 0:
          b.add_uint(name, ValueType::uint64, rng());
          break;
        case 1:
          b.add_int(name, ValueType::int64, static_cast<std::int64_t>(rng()));
          break;
        case 2: {
          std::string v = junk(rng, json, 20);
          b.add_string(name, ValueType::string, json ? v : text_safe_string(v));
          break;
        }
        case 3:
          b.add_double(
              name, ValueType::double_,
              std::ldexp(static_cast<double>(rng() % 100000), static_cast<int>(rng() % 40) - 20));
          break;
        case 4:
          b.add_uint(name, ValueType::uint32, rng() % 4294967296u);
          break;
        case 5:
          b.add_int(name, ValueType::boolean, static_cast<std::int64_t>(rng() % 2));
          break;
        default:
          b.add_null(name);
          break;
      }
    }
    b.set_type(KstatType::named);
  }
  return b.finish("generated");
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("every writer's output loads back: write, read, write gives the same bytes",
          "[engine][file][roundtrip]") {
  std::mt19937_64 rng(18);
  for (int round = 0; round < 400; ++round) {
    for (bool json : {false, true}) {
      CAPTURE(round, json);
      auto src = generate(rng, json);
      auto fmt = json ? DumpOptions::Format::json : DumpOptions::Format::text;
      std::string first = write_all(*src, fmt);
      if (!json) REQUIRE(first.find('\0') == std::string::npos);  // never a NUL in -p text
      std::shared_ptr<Source> back;
      REQUIRE_NOTHROW(back = json ? file::parse_kstat_json(first, "gen.json")
                                  : file::parse_kstat_text(first, "gen.txt"));
      REQUIRE(write_all(*back, fmt) == first);
    }
  }
}

TEST_CASE("every fixture format replays through kstat -p to the same rows",
          "[engine][file][roundtrip]") {
  for (const char* name :
       {"illumos-kstat-p.txt", "illumos-kstat-j.json", "illumos-kstat-p-spaces.txt",
        "human-cpu_info.txt", "human-sderr.txt", "human-system_pages.txt", "human-arcstats.txt",
        "human-nic.txt", "kstat-p-T-u-5-3.txt", "kstat-j-T-d.json"}) {
    // (OpenBSD text is not here: -p text has no place for its unit, so kstats
    // differing only in unit print as one.)
    CAPTURE(name);
    auto src = open_file_source(kDumps + name);
    std::string p = write_all(*src, DumpOptions::Format::text);
    REQUIRE(!p.empty());
    auto again = file::parse_kstat_text(p, std::string(name) + ".p");
    CHECK(write_all(*again, DumpOptions::Format::text) == p);
    // And through -j JSON.
    std::string j = write_all(*src, DumpOptions::Format::json);
    auto from_json = file::parse_kstat_json(j, std::string(name) + ".json");
    CHECK(write_all(*from_json, DumpOptions::Format::json) == j);
  }
  // A kstat -p dump that kstat(8) printed is reproduced byte for byte.
  auto pages = open_file_source(kDumps + "human-system_pages.p.txt");
  CHECK(write_all(*pages, DumpOptions::Format::text) == slurp(kDumps + "human-system_pages.p.txt"));
}
