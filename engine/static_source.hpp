// engine/static_source.hpp — a source whose kstats never change.
//
// File sources (kstat -p text, kstat -j JSON) and tests build one of these
// with StaticBuilder. All records live in the source's own arena; read() hands
// out views into it with no copy, so a generation over a static source costs
// one pointer per kstat actually read.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/source.hpp"

namespace kstatsql::engine {

class StaticSource final : public Source {
 public:
  struct Record {
    KstatHeader header;
    KstatData data;
  };

  StaticSource(std::string description, Arena arena, std::vector<Record> records);

  std::string description() const override { return description_; }
  bool changed() override;
  void enumerate(Arena& arena, std::vector<KstatHeader>& out) override;
  void read(const KstatHeader& header, Arena& arena, KstatData& out) override;

  std::size_t size() const noexcept { return records_.size(); }
  const Record& record(std::size_t i) const { return records_[i]; }
  std::size_t bytes() const noexcept { return arena_.bytes_reserved(); }

 private:
  std::string description_;
  Arena arena_;
  std::vector<Record> records_;
  bool enumerated_ = false;
};

// Builds a StaticSource one kstat at a time. Strings are copied into the
// source's arena. Statistics are kept in the order they are added. Adding a
// kstat whose module:instance:name (and unit) already exists continues it.
class StaticBuilder {
 public:
  StaticBuilder();

  // Starts (or resumes) a kstat; later calls apply to it.
  void begin(std::string_view module, std::int64_t instance, std::string_view name,
             std::int64_t unit = -1);
  void set_class(std::string_view klass);
  void set_type(KstatType type);
  void set_crtime(std::int64_t ns);
  void set_snaptime(std::int64_t ns);
  void set_id(std::int64_t id);
  void set_flags(std::uint8_t flags);
  void set_absent(std::uint8_t bits);  // KstatHeader::absent
  void set_error(int err, std::string_view message);
  void set_io(const IoStats& io);
  void set_intr(const IntrStats& intr);
  void add_timer(const TimerStat& timer);  // name copied
  void set_raw(std::span<const std::byte> bytes);

  void add_int(std::string_view stat, ValueType type, std::int64_t v, Unit unit = Unit::none);
  void add_uint(std::string_view stat, ValueType type, std::uint64_t v, Unit unit = Unit::none);
  void add_double(std::string_view stat, ValueType type, double v, Unit unit = Unit::none);
  void add_string(std::string_view stat, ValueType type, std::string_view v,
                  Unit unit = Unit::none);
  void add_null(std::string_view stat, ValueType type = ValueType::null);

  // Number of statistics added to the current kstat so far.
  std::size_t current_count() const;
  bool has_current() const noexcept { return cur_ != kNone; }
  // Returns the statistics of the current kstat (for callers that post-process).
  std::vector<NamedStat>& current_stats();

  // Finishes every kstat: for io/intr/timer kstats without explicit named
  // statistics, derives them; assigns synthetic ids (1..N) where none was set.
  std::shared_ptr<StaticSource> finish(std::string description);

 private:
  struct Pending {
    StaticSource::Record rec;
    std::vector<NamedStat> stats;
    std::vector<TimerStat> timers;
    bool has_id = false;
  };
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  NamedStat& push(std::string_view stat, ValueType type, Unit unit);
  // Statistic names, modules and classes repeat across kstats: store each once.
  std::string_view intern(std::string_view s);
  Pending& cur();

  Arena arena_;
  std::vector<Pending> pending_;
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t cur_ = kNone;
  std::string key_;
  std::unordered_set<std::string_view> interned_;
};

}  // namespace kstatsql::engine
