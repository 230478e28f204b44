// libFuzzer target: SQL over a source built from the input, with the
// extension registered on an in-memory SQLite connection (vtab::register_all,
// what kstatsql_register and `.load` do), so that pushdown, rates, every
// table, kstat_select() and kql() run on fuzzed kstats.
//
// Input: up to three sections separated by a line "----":
//   1. kstat -p text: the first generation;
//   2. kstat -p text: every later generation (the first again when absent);
//   3. lines: a GLOB pattern, a LIKE pattern, a text for '=', a kstat(8)
//      selector, a KQL query (each defaulting to a match-all).
// The statements run in a pinned generation over the second section, with the
// first as the previous generation, so deltas and rates are computed.
// Findings: a sanitizer report; an error other than an SQL error; and any
// query whose rows differ when its key constraint is pushed down to the
// source and when SQLite alone applies it (`module GLOB ?` against
// `+module GLOB ?`): the pushed-down matchers must never lose a row.
//   build-fuzz/sql_fuzz -max_len=65536 WORK_DIR tests/fuzz/corpus/sql_fuzz
#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

#include "engine/sources/dump/dump_source.hpp"
#include "fuzz/fuzz_support.hpp"
#include "support/db.hpp"
#include "vtab/schema.hpp"

using namespace kstatsql;

namespace {

// Steps through fixed sources: generation i shows steps[min(i, last)]. A
// header's cookie carries its step, so an older generation still reads its
// own data.
class SteppedSource final : public engine::Source {
 public:
  explicit SteppedSource(std::vector<std::shared_ptr<engine::Source>> steps)
      : steps_(std::move(steps)) {}
  std::string description() const override { return "fuzz input"; }
  bool changed() override { return true; }
  void begin_generation() override {
    if (started_ && step_ + 1 < steps_.size()) ++step_;
    started_ = true;
    steps_[step_]->begin_generation();
  }
  void enumerate(engine::Arena& arena, std::vector<engine::KstatHeader>& out) override {
    const std::size_t from = out.size();
    steps_[step_]->enumerate(arena, out);
    for (std::size_t i = from; i < out.size(); ++i) out[i].cookie = out[i].cookie * 8 + step_;
  }
  void read(const engine::KstatHeader& h, engine::Arena& arena, engine::KstatData& out) override {
    engine::KstatHeader own = h;
    own.cookie = h.cookie / 8;
    steps_[h.cookie % 8]->read(own, arena, out);
  }

 private:
  std::vector<std::shared_ptr<engine::Source>> steps_;
  std::size_t step_ = 0;
  bool started_ = false;
};

// Every row of `sql` with `params` bound (as text), or nullopt on an SQL error.
std::optional<test::Rows> run(sqlite3* db, const std::string& sql,
                              const std::vector<std::string>& params) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return std::nullopt;
  for (int i = 0; i < sqlite3_bind_parameter_count(st) && i < static_cast<int>(params.size()); ++i)
    sqlite3_bind_text(st, i + 1, params[i].data(), static_cast<int>(params[i].size()),
                      SQLITE_STATIC);
  test::Rows rows;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && rows.size() < 100000) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const auto* t = sqlite3_column_text(st, c);
      row.emplace_back(t ? std::string(reinterpret_cast<const char*>(t),
                                       static_cast<std::size_t>(sqlite3_column_bytes(st, c)))
                         : "NULL");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return std::nullopt;
  return rows;
}

// The constraints compared pushed down (`col`) and not (`+col`); $ is the column.
constexpr const char* kConstraints[] = {
    "$module GLOB ?1",
    "$name LIKE ?2",
    "$statistic = ?3",
    "$module IN (?1, ?3, 'cpu')",
    "$instance IN (0, 1, ?3)",
    "$instance GLOB ?1",
    "$class GLOB ?1 AND $statistic LIKE ?2",
    "$name = ?3 OR $module LIKE ?2",
};

std::string with_prefix(std::string c, const char* prefix) {
  for (std::size_t at; (at = c.find('$')) != std::string::npos;) c.replace(at, 1, prefix);
  return c;
}

void pushdown_agrees(sqlite3* db, const std::vector<std::string>& params) {
  for (const char* c : kConstraints) {
    for (const char* table : {"named", "kstat"}) {
      const std::string cols = std::string(table) == "named"
                                   ? "module, instance, name, statistic, value, delta, rate"
                                   : "module, instance, name, class, type";
      const std::string base = "SELECT " + cols + " FROM " + table + " WHERE ";
      const auto pushed = run(db, base + with_prefix(c, "") + " ORDER BY 1, 2, 3, 4", params);
      const auto plain = run(db, base + with_prefix(c, "+") + " ORDER BY 1, 2, 3, 4", params);
      if (pushed.has_value() != plain.has_value() || (pushed && *pushed != *plain)) {
        std::fprintf(stderr, "pushdown changes the rows of %s WHERE %s (%zu vs %zu rows)\n", table,
                     c, pushed ? pushed->size() : 0, plain ? plain->size() : 0);
        __builtin_trap();
      }
    }
  }
}

void every_table(sqlite3* db, const std::vector<std::string>& params) {
  for (const auto& t : vtab::tables()) {
    (void)run(db, std::string("SELECT * FROM ") + t.name + " LIMIT 2000", params);
  }
  (void)run(db, "SELECT module, statistic, delta, rate, elapsed FROM named LIMIT 2000", params);
  (void)run(db, "SELECT * FROM kstat_select(?4)", params);
  (void)run(db, "SELECT count(*) FROM kstat_select(?4, ?1)", params);
  if (auto sql = run(db, "SELECT kql(?5)", params); sql && !sql->empty() && !sql->front().empty())
    (void)run(db, sql->front().front(), params);
}

std::vector<std::string> split(std::string_view in, std::string_view sep) {
  std::vector<std::string> out;
  for (std::size_t from = 0;;) {
    const std::size_t at = in.find(sep, from);
    out.emplace_back(in.substr(from, at == std::string_view::npos ? at : at - from));
    if (at == std::string_view::npos) return out;
    from = at + sep.size();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> sections =
      split({reinterpret_cast<const char*>(data), size}, "\n----\n");
  std::vector<std::shared_ptr<engine::Source>> steps;
  try {
    steps.push_back(engine::file::parse_kstat_text(sections[0], "gen1"));
    if (sections.size() > 1) steps.push_back(engine::file::parse_kstat_text(sections[1], "gen2"));
  } catch (const Error&) {
    return 0;
  }
  std::vector<std::string> params = {"*", "%", "", "", "named | top 3 by value"};
  if (sections.size() > 2) {
    const auto lines = split(sections[2], "\n");
    for (std::size_t i = 0; i < lines.size() && i < params.size(); ++i) params[i] = lines[i];
  }
  for (const auto& p : params)
    if (p.find('\0') != std::string::npos) return 0;  // SQL text ends there
  try {
    test::Db db(std::make_shared<SteppedSource>(steps));
    (void)run(db.get(), "SELECT count(*) FROM named", params);  // the previous generation
    db.session().pin();
    db.session().refresh();
    pushdown_agrees(db.get(), params);
    every_table(db.get(), params);
    db.session().unpin();
    every_table(db.get(), params);
  } catch (const Error&) {
  } catch (const std::runtime_error&) {
  }
  return 0;
}
