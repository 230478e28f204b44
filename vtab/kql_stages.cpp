// vtab/kql_stages.cpp — the KQL compiler's pipeline stages: rate/delta,
// aggregate (`by`), join and select (kql_compiler.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include "vtab/kql_compiler.hpp"

namespace kstatsql::vtab::kql::detail {

void Compiler::rate_stage(const KqlStage& st, Shape& s) {
  const bool rate = st.kind == KqlStage::Kind::rate;
  const char* what = rate ? "rate" : "delta";
  if (!s.source_rows)
    fail(std::string(what) + " must come before aggregates, select and join", st.offset);
  if (s.kind == Shape::Kind::other) {
    fail(std::string(what) +
             " needs a selector, named or io source (other tables have no previous sample)",
         st.offset);
  }
  if (s.rated) fail("the values are already a rate or delta", st.offset);
  std::vector<std::string> list = rate_list(s.kind, rate);
  for (const std::string& c : s.cols) {
    const bool listed = std::any_of(list.begin(), list.end(),
                                    [&](const std::string& l) { return output_name(l) == c; });
    const bool source_col = s.kind == Shape::Kind::named
                                ? contains(named_columns(), c)
                                : contains(visible_columns(*kql_table("io")), c);
    if (!listed && !source_col && !contains(need_hidden_, c)) list.push_back(ident(c));
  }
  std::string body = "SELECT ";
  s.cols.clear();
  for (std::size_t i = 0; i < list.size(); ++i) {
    body += (i ? ", " : "") + list[i];
    s.cols.push_back(output_name(list[i]));
  }
  add(what, body + " FROM " + last_);
  s.rated = true;
  s.order.clear();  // the values sorted on may have changed; sort again after rate
}

void Compiler::aggregate_stage(const KqlStage& st, Shape& s) {
  std::vector<std::string> items, names;
  for (const KqlName& b : st.by) {
    check_column(s, b);
    items.push_back(ident(b.text));
    names.push_back(b.text);
  }
  std::string group;
  for (const std::string& b : items) group += (group.empty() ? "" : ", ") + b;
  // Percentiles (nearest rank): a window CTE numbers each column's non-NULL
  // values per group; the aggregate keeps the value whose rank is ceil(p*n/100).
  std::vector<std::string> pcols;
  for (const KqlAgg& a : st.aggs) {
    std::string col = a.column.text;
    if (col.empty() && a.fn != "count") {
      if (!contains(s.cols, "value"))
        fail("name the column to aggregate (there is no value column here)", a.offset);
      col = "value";
    }
    if (!col.empty())
      check_column(s, KqlName{col, a.column.text.empty() ? a.offset : a.column.offset});
    std::string fn = a.fn == "p" ? "p" + std::to_string(a.percentile) : a.fn;
    std::string name = !a.alias.text.empty() ? a.alias.text : col.empty() ? fn : fn + "_" + col;
    if (contains(names, name))
      fail("two output columns named '" + name + "' (use 'as')",
           a.alias.text.empty() ? a.offset : a.alias.offset);
    names.push_back(name);
    std::string sql;
    if (a.fn == "p") {
      std::size_t k = std::find(pcols.begin(), pcols.end(), col) - pcols.begin();
      if (k == pcols.size()) pcols.push_back(col);
      const std::string rn = "_rn" + std::to_string(k + 1), n = "_n" + std::to_string(k + 1);
      const std::string rank =
          a.percentile == 0 ? "1" : "(" + std::to_string(a.percentile) + " * " + n + " + 99) / 100";
      sql = "max(CASE WHEN " + rn + " = " + rank + " THEN " + ident(col) + " END)";
    } else {
      sql = a.fn + "(" + (col.empty() ? "*" : ident(col)) + ")";
    }
    items.push_back(sql + " AS " + ident(name));
  }
  if (!pcols.empty()) {
    const std::string part = group.empty() ? "" : "PARTITION BY " + group + " ";
    std::string body = "SELECT *";
    for (std::size_t k = 0; k < pcols.size(); ++k) {
      const std::string c = ident(pcols[k]), i = std::to_string(k + 1);
      body += ", row_number() OVER (" + part + "ORDER BY " + c + " NULLS LAST) AS _rn" + i;
      body += ", count(" + c + ") OVER (" + (group.empty() ? "" : "PARTITION BY " + group) +
              ") AS _n" + i;
    }
    add("ranks for the percentiles", body + " FROM " + last_);
  }
  std::string body = "SELECT ";
  for (std::size_t i = 0; i < items.size(); ++i) body += (i ? ", " : "") + items[i];
  body += " FROM " + last_;
  if (!group.empty()) body += " GROUP BY " + group;
  add(snippet(st.offset, st.end), body);
  s.cols = names;
  s.kind = Shape::Kind::other;
  s.source_rows = false;
  s.order.clear();
  for (const KqlName& b : st.by) s.order.push_back(KqlSortKey{b, false});  // deterministic output
}

void Compiler::join_stage(const KqlStage& st, Shape& s) {
  const std::string left = last_;
  Shape right = compile_source(st.join_source, false);
  const std::string right_name = last_;
  std::vector<KqlName> keys = st.join_columns;
  if (st.join_identity) {
    for (const char* k : {"module", "instance", "name"}) keys.push_back(KqlName{k, st.offset});
  }
  std::string using_list;
  for (const KqlName& k : keys) {
    check_column(s, k);
    check_column(right, k);
    using_list += (using_list.empty() ? "" : ", ") + ident(k.text);
  }
  std::string body = "SELECT l.*";
  for (const std::string& c : right.cols) {
    if (std::any_of(keys.begin(), keys.end(), [&](const KqlName& k) { return k.text == c; }))
      continue;
    std::string name = c;
    for (int n = 1; contains(s.cols, name); ++n) name = c + std::to_string(n);
    body += ", r." + ident(c) + (name == c ? "" : " AS " + ident(name));
    s.cols.push_back(name);
  }
  body += " FROM " + left + " AS l JOIN " + right_name + " AS r USING (" + using_list + ")";
  add(snippet(st.offset, st.end), body);
  s.kind = Shape::Kind::other;
  s.source_rows = false;
  s.order.clear();
}

void Compiler::select_stage(const KqlStage& st, Shape& s) {
  std::vector<std::string> names;
  std::string body = "SELECT ";
  bool order_kept = true;
  for (const KqlSelectItem& it : st.items) {
    check_expr(s, it.expr);
    const bool plain = it.expr.kind == KqlExpr::Kind::column;
    if (!plain && it.alias.text.empty()) fail("name this expression with 'as'", it.expr.offset);
    const std::string name = it.alias.text.empty() ? it.expr.text : it.alias.text;
    if (contains(names, name))
      fail("two output columns named '" + name + "'",
           it.alias.text.empty() ? it.expr.offset : it.alias.offset);
    std::string sql = expr_sql(it.expr);
    if (!(plain && name == it.expr.text)) sql += " AS " + ident(name);
    body += (names.empty() ? "" : ", ") + sql;
    names.push_back(name);
  }
  for (const KqlSortKey& k : s.order) {
    const bool same = std::any_of(st.items.begin(), st.items.end(), [&](const KqlSelectItem& it) {
      return it.expr.kind == KqlExpr::Kind::column && it.expr.text == k.column.text &&
             (it.alias.text.empty() || it.alias.text == k.column.text);
    });
    if (!same) order_kept = false;
  }
  body += " FROM " + last_;
  // Sorted on a column this stage drops: sort here; SQLite keeps a subquery's order.
  if (!order_kept) body += " ORDER BY " + order_sql(s.order);
  add(snippet(st.offset, st.end), body);
  s.cols = names;
  s.kind = Shape::Kind::other;
  s.source_rows = false;
  if (!order_kept) s.order.clear();
}

}  // namespace kstatsql::vtab::kql::detail
