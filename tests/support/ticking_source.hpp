// tests/support/ticking_source.hpp — a live-like source for snapshot tests.
//
// N kstats "tick:I:kI" whose one statistic "value" equals the number of
// begin_generation() calls so far, and whose string statistic "label" is a
// fresh arena string "gen-<G>" per read. Counts every call, can add a kstat
// (changed() then reports true), can re-create every kstat (new crtime) and
// can make one kstat fail. "wrap" is a uint32 counter that steps by 16 per
// generation and wraps past 2^32 between generations 0 and 1.
#pragma once

#include <cerrno>
#include <string>

#include "engine/source.hpp"

namespace kstatsql::test {

class TickingSource : public engine::Source {
 public:
  explicit TickingSource(int n) : n_(n) {}
  std::string description() const override { return "ticking test source"; }
  bool changed() override { return changed_; }
  void begin_generation() override { ++generation_; }
  void enumerate(engine::Arena& arena, std::vector<engine::KstatHeader>& out) override {
    ++enumerations;
    changed_ = false;
    for (int i = 0; i < n_; ++i) {
      engine::KstatHeader h;
      h.module = arena.copy("tick");
      h.instance = i;
      std::string name = "k";  // not "k" + ...: GCC 12's false -Wrestrict
      name += std::to_string(i);
      h.name = arena.copy(name);
      h.klass = arena.copy(i % 2 ? "odd" : "even");
      h.id = i + 1;
      h.crtime = crtime_;
      h.cookie = static_cast<std::uint64_t>(i);
      out.push_back(h);
    }
  }
  void read(const engine::KstatHeader& h, engine::Arena& arena, engine::KstatData& out) override {
    ++reads;
    if (static_cast<int>(h.cookie) == failing) {
      engine::set_read_error(out, arena, ENXIO,
                             "tick:" + std::to_string(h.instance) + ": vanished");
      return;
    }
    auto* st = arena.make_array<engine::NamedStat>(3);
    std::string_view vname = arena.copy("value");
    st[0].name = vname.data();
    st[0].name_len = static_cast<std::uint32_t>(vname.size());
    st[0].type = engine::ValueType::uint64;
    st[0].v.u = static_cast<std::uint64_t>(generation_);
    std::string_view lname = arena.copy("label");
    std::string_view label = arena.copy("gen-" + std::to_string(generation_));
    st[1].name = lname.data();
    st[1].name_len = static_cast<std::uint32_t>(lname.size());
    st[1].type = engine::ValueType::string;
    st[1].v.s = label.data();
    st[1].str_len = static_cast<std::uint32_t>(label.size());
    std::string_view wname = arena.copy("wrap");
    st[2].name = wname.data();
    st[2].name_len = static_cast<std::uint32_t>(wname.size());
    st[2].type = engine::ValueType::uint32;
    st[2].v.u =
        static_cast<std::uint32_t>(0xFFFFFFF0u + 16u * static_cast<std::uint32_t>(generation_));
    out.named = {st, 3};
    out.snaptime = crtime_ + static_cast<std::int64_t>(generation_) * 1000000000;  // 1 s apart
    out.ndata = 3;
  }

  void recreate() {
    crtime_ += 500000000;
    changed_ = true;
  }

  void grow() {
    ++n_;
    changed_ = true;
  }

  int enumerations = 0;
  int reads = 0;
  int failing = -1;

 private:
  int n_;
  int generation_ = 0;
  bool changed_ = true;
  std::int64_t crtime_ = 0;
};

}  // namespace kstatsql::test
