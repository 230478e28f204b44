// vtab/kql_compiler.hpp — the KQL compiler's state, shared by its two files:
// kql_compile.cpp (sources, expressions, the final SELECT) and kql_stages.cpp
// (rate/delta, aggregate, join and select stages). Internal to vtab/.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/kql.hpp"
#include "kstatsql/error.hpp"
#include "vtab/kql_sql.hpp"
#include "vtab/schema.hpp"

namespace kstatsql::vtab::kql::detail {

using namespace kstatsql::grammar;

// The columns of one stage's output and what later stages may do with them.
struct Shape {
  enum class Kind { named, io, other };
  std::vector<std::string> cols;
  Kind kind = Kind::other;
  bool source_rows = true;  // rows are still the source's (rate/delta allowed)
  bool rated = false;
  std::vector<KqlSortKey> order;  // the order the rows are in, if any
};

class Compiler {
 public:
  Compiler(const KqlAst& ast, std::string_view text) : ast_(ast), text_(text) {}
  std::string run();

 private:
  [[noreturn]] void fail(const std::string& what, std::size_t offset) const {
    throw Error(Errc::parse, format_kql_caret(what, text_, offset));
  }
  std::string snippet(std::size_t begin, std::size_t end) const;
  std::string add(std::string comment, std::string body);
  void collect_refs(const KqlExpr& e);
  void check_column(const Shape& s, const KqlName& n) const;
  void check_expr(const Shape& s, const KqlExpr& e) const;
  std::string expr_sql(const KqlExpr& e) const;

  KqlSource resolve_source(const KqlSource& src, bool main) const;
  Shape compile_source(const KqlSource& src, bool main);
  std::string table_sql(const KqlSource& src, const TableSpec& t, Shape& shape,
                        const std::vector<std::string>& extra);
  std::string selector_sql(const KqlSource& src, Shape& shape,
                           const std::vector<std::string>& extra);
  void rate_stage(const KqlStage& st, Shape& s);
  void aggregate_stage(const KqlStage& st, Shape& s);
  void join_stage(const KqlStage& st, Shape& s);
  void select_stage(const KqlStage& st, Shape& s);
  std::string order_sql(const std::vector<KqlSortKey>& keys) const;

  const KqlAst& ast_;
  std::string_view text_;
  std::set<std::string> refs_;  // every column name the query mentions
  struct Cte {
    std::string comment, name, body;
  };
  std::vector<Cte> ctes_;
  std::string last_;                      // name of the last CTE
  std::vector<std::string> need_hidden_;  // hidden columns rate/delta read, not asked for
};

// Hidden columns each rate/delta stage reads from its source.
std::vector<std::string> rate_needs(Shape::Kind kind, bool rate);
// The select list of a rate/delta stage before the carried hidden columns.
std::vector<std::string> rate_list(Shape::Kind kind, bool rate);
// The output name of one select-list entry ("x AS y" -> y).
std::string output_name(const std::string& item);

}  // namespace kstatsql::vtab::kql::detail
