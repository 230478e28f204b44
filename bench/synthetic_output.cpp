// bench/synthetic_output.cpp — the synthetic machine as a StaticSource or as a
// `kstat -p` text dump (see synthetic.hpp for the contract).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "bench/synthetic.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::bench {

using engine::ValueType;

namespace {

std::uint64_t io_field(const SynthKstat& k, std::string_view name) {
  for (const SynthStat& s : k.stats) {
    if (s.name == name) return s.bits;
  }
  throw Error(Errc::internal, "synthetic io kstat " + k.name + " lacks " + std::string(name));
}

engine::IoStats io_record(const SynthKstat& k) {
  engine::IoStats io;
  io.nread = io_field(k, "nread");
  io.nwritten = io_field(k, "nwritten");
  io.reads = static_cast<std::uint32_t>(io_field(k, "reads"));
  io.writes = static_cast<std::uint32_t>(io_field(k, "writes"));
  io.wtime = static_cast<std::int64_t>(io_field(k, "wtime"));
  io.wlentime = static_cast<std::int64_t>(io_field(k, "wlentime"));
  io.wlastupdate = static_cast<std::int64_t>(io_field(k, "wlastupdate"));
  io.rtime = static_cast<std::int64_t>(io_field(k, "rtime"));
  io.rlentime = static_cast<std::int64_t>(io_field(k, "rlentime"));
  io.rlastupdate = static_cast<std::int64_t>(io_field(k, "rlastupdate"));
  io.wcnt = static_cast<std::uint32_t>(io_field(k, "wcnt"));
  io.rcnt = static_cast<std::uint32_t>(io_field(k, "rcnt"));
  return io;
}

// kstat(8)'s hrtime: seconds with 9 decimals, or "0".
void append_hrtime(std::string& out, std::int64_t ns) {
  if (ns == 0) {
    out += '0';
    return;
  }
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(ns / 1'000'000'000),
                        static_cast<long long>(ns % 1'000'000'000));
  out.append(buf, static_cast<std::size_t>(n));
}

void append_value(std::string& out, const SynthStat& s) {
  if (s.is_text()) {
    out += s.text;
    return;
  }
  char buf[32];
  int n = (s.type == ValueType::int32 || s.type == ValueType::int64)
              ? std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.bits))
              : std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(s.bits));
  out.append(buf, static_cast<std::size_t>(n));
}

// One kstat's lines, rendered, with the key kstat(8) sorts instances by.
struct Block {
  std::size_t module_at, module_len, name_at, name_len;  // into `keys`
  std::int64_t instance;
  std::size_t text_at, text_len;  // into `text`
};

}  // namespace

std::shared_ptr<engine::StaticSource> build_static_source(const SyntheticSpec& spec,
                                                          SyntheticSummary* summary) {
  engine::StaticBuilder b;
  SyntheticSummary sum = generate(spec, [&](const SynthKstat& k) {
    b.begin(k.module, k.instance, k.name);
    b.set_class(k.klass);
    b.set_crtime(k.crtime);
    b.set_snaptime(k.snaptime);
    if (k.io) b.set_io(io_record(k));  // the named rows below are kept as they are
    for (const SynthStat& s : k.stats) {
      switch (s.type) {
        case ValueType::char_:
        case ValueType::string:
          b.add_string(s.name, s.type, s.text);
          break;
        case ValueType::int32:
        case ValueType::int64:
          b.add_int(s.name, s.type, static_cast<std::int64_t>(s.bits));
          break;
        default:
          b.add_uint(s.name, s.type, s.bits);
          break;
      }
    }
  });
  auto src = b.finish("synthetic machine (" + std::to_string(sum.kstats) + " kstats, " +
                      std::to_string(sum.statistics) + " statistics)");
  if (src->size() != sum.kstats) {
    throw Error(Errc::internal, "synthetic machine: " + std::to_string(sum.kstats) +
                                    " kstats generated but " + std::to_string(src->size()) +
                                    " distinct identities");
  }
  if (summary) *summary = sum;
  return src;
}

SyntheticSummary write_kstat_text(const SyntheticSpec& spec, const std::string& path,
                                  std::uint64_t* bytes_written) {
  std::string keys, text;
  std::vector<Block> blocks;
  std::string prefix, value;
  SyntheticSummary sum = generate(spec, [&](const SynthKstat& k) {
    Block blk{keys.size(), k.module.size(), 0, k.name.size(), k.instance, text.size(), 0};
    keys += k.module;
    blk.name_at = keys.size();
    keys += k.name;
    prefix = k.module + ":" + std::to_string(k.instance) + ":" + k.name + ":";
    // The statistics arrive sorted; merge the three pseudo-statistics in.
    static constexpr std::string_view kPseudo[3] = {"class", "crtime", "snaptime"};
    std::size_t p = 0;
    auto emit = [&](std::string_view stat, const std::string& val) {
      text += prefix;
      text += stat;
      text += '\t';
      text += val;
      text += '\n';
    };
    auto emit_pseudo = [&](std::size_t which) {
      value.clear();
      if (which == 0)
        value = k.klass;
      else
        append_hrtime(value, which == 1 ? k.crtime : k.snaptime);
      emit(kPseudo[which], value);
    };
    for (const SynthStat& s : k.stats) {
      while (p < 3 && compare_nocase(kPseudo[p], s.name) < 0) emit_pseudo(p++);
      value.clear();
      append_value(value, s);
      emit(s.name, value);
    }
    while (p < 3) emit_pseudo(p++);
    blk.text_len = text.size() - blk.text_at;
    blocks.push_back(blk);
  });
  auto view = [&](std::size_t at, std::size_t len) {
    return std::string_view(keys).substr(at, len);
  };
  std::sort(blocks.begin(), blocks.end(), [&](const Block& a, const Block& b) {
    if (int c = compare_nocase(view(a.module_at, a.module_len), view(b.module_at, b.module_len))) {
      return c < 0;
    }
    if (a.instance != b.instance) return a.instance < b.instance;
    return compare_nocase(view(a.name_at, a.name_len), view(b.name_at, b.name_len)) < 0;
  });
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw Error(Errc::io, path + ": cannot create: " + std::strerror(errno));
  std::uint64_t total = 0;
  for (const Block& blk : blocks) {
    if (std::fwrite(text.data() + blk.text_at, 1, blk.text_len, f) != blk.text_len) {
      int e = errno;
      std::fclose(f);
      throw Error(Errc::io, path + ": write failed: " + std::strerror(e));
    }
    total += blk.text_len;
  }
  if (std::fclose(f) != 0) throw Error(Errc::io, path + ": close failed: " + std::strerror(errno));
  if (bytes_written) *bytes_written = total;
  return sum;
}

}  // namespace kstatsql::bench
