// vtab/kql_compile.cpp — KQL AST to one SQL SELECT (docs/kql.md, "SQL").
//
// One CTE per stage, named s0 (the source), s1, …, each preceded by a comment
// holding the stage's KQL text; the final SELECT reads the last CTE. SQLite
// flattens these CTEs, so the source's WHERE still reaches the virtual
// tables' xBestIndex (pushdown) and unused hidden columns are never computed.
//
// The compiler tracks each stage's columns by name, so unknown columns and
// misplaced stages are reported with a caret here rather than by SQLite.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "vtab/kql_compile.hpp"
#include "vtab/kql_compiler.hpp"

#include "engine/text.hpp"
#include "kstatsql/error.hpp"
#include "kstatsql/kql.hpp"
#include "vtab/kql_sql.hpp"

namespace kstatsql::vtab::kql::detail {

namespace {

// Re-raises a selector syntax error with the caret moved into the query.
[[noreturn]] void selector_error(const Error& e, const KqlName& sel, std::string_view text) {
  const std::string msg = e.what();
  std::string what = msg.substr(0, msg.find('\n'));
  if (what.rfind("selector: ", 0) == 0) what = "selector: " + what.substr(10);
  std::size_t column = 0;
  const std::size_t caret = msg.rfind('^'), line = msg.rfind('\n');
  if (caret != std::string::npos && line != std::string::npos && caret > line + 2)
    column = caret - line - 3;
  std::size_t offset = 0;
  for (std::size_t i = 0; i < sel.text.size() && column > 0; ++i) {
    if (!engine::text::is_utf8_continuation(sel.text[i])) --column;
    offset = i + 1;
  }
  const bool quoted =
      sel.offset < text.size() && (text[sel.offset] == '\'' || text[sel.offset] == '"');
  throw Error(Errc::parse, format_kql_caret(what, text, sel.offset + offset + (quoted ? 1 : 0)));
}

}  // namespace

std::string Compiler::snippet(std::size_t begin, std::size_t end) const {
  std::string out;
  bool space = false;
  for (std::size_t i = begin; i < end && i < text_.size(); ++i) {
    const auto c = static_cast<unsigned char>(text_[i]);
    if (c <= ' ' || c == 0x7F) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(c);
  }
  return out;
}

std::string Compiler::add(std::string comment, std::string body) {
  last_ = "s" + std::to_string(ctes_.size());
  ctes_.push_back(Cte{std::move(comment), last_, std::move(body)});
  return last_;
}

void Compiler::collect_refs(const KqlExpr& e) {
  if (e.kind == KqlExpr::Kind::column) refs_.insert(e.text);
  for (const KqlExpr& a : e.args) collect_refs(a);
}

void Compiler::check_column(const Shape& s, const KqlName& n) const {
  if (contains(s.cols, n.text)) return;
  std::string list;
  for (const std::string& c : s.cols) list += (list.empty() ? "" : ", ") + c;
  fail("unknown column '" + n.text + "' (columns here: " + list + ")", n.offset);
}

void Compiler::check_expr(const Shape& s, const KqlExpr& e) const {
  if (e.kind == KqlExpr::Kind::column) check_column(s, KqlName{e.text, e.offset});
  for (const KqlExpr& a : e.args) check_expr(s, a);
}

std::string Compiler::expr_sql(const KqlExpr& e) const {
  using K = KqlExpr::Kind;
  switch (e.kind) {
    case K::column:
      return ident(e.text);
    case K::number:
      return e.text;
    case K::string:
      if (e.text.find('\0') != std::string::npos) fail("a string cannot hold a NUL byte", e.offset);
      return quote(e.text);
    case K::call: {
      std::string out = e.text + "(";
      for (std::size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + expr_sql(e.args[i]);
      return out + ")";
    }
    case K::paren:
      return "(" + expr_sql(e.args[0]) + ")";
    case K::negate: {
      const std::string a = expr_sql(e.args[0]);
      return a[0] == '-' ? "- " + a : "-" + a;  // "--" would start a comment
    }
    case K::not_:
      return "NOT " + expr_sql(e.args[0]);
    case K::binary: {
      std::string op = e.text;
      if (op == "and" || op == "or")
        op = op == "and" ? "AND" : "OR";
      else if (op == "==")
        op = "=";
      else if (op == "<>")
        op = "!=";
      else if (op == "~")
        op = "GLOB";
      else if (op == "!~")
        op = "NOT GLOB";
      return expr_sql(e.args[0]) + " " + op + " " + expr_sql(e.args[1]);
    }
  }
  return "";
}

std::string Compiler::order_sql(const std::vector<KqlSortKey>& keys) const {
  std::string out;
  for (const KqlSortKey& k : keys)
    out += (out.empty() ? "" : ", ") + ident(k.column.text) + (k.desc ? " DESC" : "");
  return out;
}

// --- sources -----------------------------------------------------------------

// `extra`: hidden columns the query needs from this source, in table order.
std::string Compiler::table_sql(const KqlSource& src, const TableSpec& t, Shape& shape,
                                const std::vector<std::string>& extra) {
  const std::vector<std::string> visible = visible_columns(t), hidden = hidden_columns(t);
  shape.cols = visible;
  shape.cols.insert(shape.cols.end(), extra.begin(), extra.end());
  Shape all;
  all.cols = visible;
  all.cols.insert(all.cols.end(), hidden.begin(), hidden.end());
  std::string sql = "SELECT *";
  for (const std::string& h : extra) sql += ", " + ident(h);
  sql += " FROM " + std::string(t.name);
  for (std::size_t i = 0; i < src.filters.size(); ++i) {
    const KqlFilter& f = src.filters[i];
    check_column(all, f.column);
    KqlExpr cmp;
    cmp.kind = KqlExpr::Kind::binary;
    cmp.text = f.op;
    cmp.args = {KqlExpr{KqlExpr::Kind::column, f.column.text, {}, f.column.offset}, f.value};
    sql += (i ? " AND " : " WHERE ") + expr_sql(cmp);
  }
  return sql;
}

std::string Compiler::selector_sql(const KqlSource& src, Shape& shape,
                                   const std::vector<std::string>& extra) {
  shape.cols = named_columns();
  shape.cols.insert(shape.cols.end(), extra.begin(), extra.end());
  std::vector<std::string> conds;
  bool exact = true;
  for (const KqlName& sel : src.selectors) {
    if (sel.text.find('\0') != std::string::npos)
      fail("a selector cannot hold a NUL byte", sel.offset);
    SelectorAst ast;
    try {
      ast = parse_selector(sel.text);
    } catch (const Error& e) {
      selector_error(e, sel, text_);
    }
    std::string cond;
    if (!selector_condition(ast, cond)) exact = false;
    conds.push_back(cond);
  }
  std::string cols = "*";
  for (const std::string& h : extra) cols += ", " + ident(h);
  if (exact) {
    std::string where;
    for (const std::string& c : conds) {
      if (c.empty()) return "SELECT " + cols + " FROM named";  // one selector matches everything
      where += where.empty() ? "" : " OR ";
      where += conds.size() > 1 ? "(" + c + ")" : c;
    }
    return "SELECT " + cols + " FROM named WHERE " + where;
  }
  constexpr std::size_t kMaxSpecs = 8;  // kstat_select()'s arguments
  if (src.selectors.size() > kMaxSpecs) {
    fail("at most 8 selectors when one needs kstat_select() (an /ERE/ or a ?, [ or \\ glob)",
         src.selectors[kMaxSpecs].offset);
  }
  std::string call = "kstat_select(";
  for (std::size_t i = 0; i < src.selectors.size(); ++i)
    call += (i ? ", " : "") + quote(src.selectors[i].text);
  call += ")";
  if (extra.empty()) return "SELECT * FROM " + call;
  // kstat_select has no rate columns: take them from named, one kstat at a time.
  std::string ncols = "n.*";
  for (const std::string& h : extra) ncols += ", n." + ident(h);
  return "SELECT " + ncols + " FROM " + call +
         " AS k JOIN named AS n USING (module, instance, name, statistic)";
}

// Hidden columns each rate/delta stage reads from its source.
std::vector<std::string> rate_needs(Shape::Kind kind, bool rate) {
  if (kind == Shape::Kind::named) return {rate ? "rate" : "delta"};
  if (kind == Shape::Kind::io)
    return split("elapsed r_s w_s kr_s kw_s wait actv svc_t pct_w pct_b");
  return {};
}

// The select list of a rate/delta stage before the carried hidden columns.
std::vector<std::string> rate_list(Shape::Kind kind, bool rate) {
  if (kind == Shape::Kind::named) {
    std::vector<std::string> out = named_columns();
    out[6] = rate ? "rate AS value" : "delta AS value";
    return out;
  }
  if (rate) {
    return {"module",
            "instance",
            "name",
            "class",
            "kr_s * 1024 AS nread",
            "kw_s * 1024 AS nwritten",
            "r_s AS reads",
            "w_s AS writes",
            "wait",
            "actv",
            "svc_t",
            "pct_w",
            "pct_b",
            "wcnt",
            "rcnt",
            "elapsed",
            "snaptime",
            "crtime"};
  }
  return {"module",
          "instance",
          "name",
          "class",
          "CAST(round(kr_s * 1024 * elapsed) AS INTEGER) AS nread",
          "CAST(round(kw_s * 1024 * elapsed) AS INTEGER) AS nwritten",
          "CAST(round(r_s * elapsed) AS INTEGER) AS reads",
          "CAST(round(w_s * elapsed) AS INTEGER) AS writes",
          "CAST(round(pct_w * elapsed * 1e7) AS INTEGER) AS wtime",
          "CAST(round(wait * elapsed * 1e9) AS INTEGER) AS wlentime",
          "CAST(round(pct_b * elapsed * 1e7) AS INTEGER) AS rtime",
          "CAST(round(actv * elapsed * 1e9) AS INTEGER) AS rlentime",
          "wcnt",
          "rcnt",
          "elapsed",
          "snaptime",
          "crtime"};
}

// The output name of one select-list entry ("x AS y" -> y).
std::string output_name(const std::string& item) {
  const std::size_t as = item.rfind(" AS ");
  return as == std::string::npos ? item : item.substr(as + 4);
}

// The grammar cannot tell a table from a selector: a word followed by
// filters up to the end of the source is parsed as a table. Here a word that
// names no table is a selector when it has no filters (`unix`, `cpu`) and an
// error otherwise; and a table name followed by more than filters is the
// syntax error it always was.
KqlSource Compiler::resolve_source(const KqlSource& src, bool main) const {
  if (src.kind == KqlSource::Kind::table) {
    if (kql_table(src.table.text)) return src;
    if (const TableSpec* t = find_table(src.table.text); t && !src.filters.empty()) {
      fail("table '" + src.table.text + "' is not a KQL source: " + t->not_kql, src.table.offset);
    }
    if (!src.filters.empty()) {
      fail("unknown table '" + src.table.text + "' (tables: " + kql_table_names() + ")",
           src.table.offset);
    }
    KqlSource sel = src;
    sel.kind = KqlSource::Kind::selectors;
    sel.selectors = {src.table};
    return sel;
  }
  const bool bare_table = src.selectors.size() > 1 && src.selectors[0].offset < text_.size() &&
                          text_[src.selectors[0].offset] != '\'' &&
                          text_[src.selectors[0].offset] != '"' && kql_table(src.selectors[0].text);
  if (bare_table) {
    fail(main ? "expected '|' or the end of the query"
              : "expected 'on identity' or 'on column, ...'",
         src.selectors[1].offset);
  }
  return src;
}

Shape Compiler::compile_source(const KqlSource& given, bool main) {
  const KqlSource src = resolve_source(given, main);
  Shape shape;
  const TableSpec* table = nullptr;
  if (src.kind == KqlSource::Kind::table) {
    table = kql_table(src.table.text);
    shape.kind = src.table.text == "named" ? Shape::Kind::named
                 : src.table.text == "io"  ? Shape::Kind::io
                                           : Shape::Kind::other;
  } else {
    shape.kind = Shape::Kind::named;
  }
  const std::vector<std::string> hidden = hidden_columns(table ? *table : *kql_table("named"));
  std::vector<std::string> extra;
  if (main) {
    std::set<std::string> needs;
    for (const KqlStage& st : ast_.stages) {
      if (st.kind == KqlStage::Kind::rate || st.kind == KqlStage::Kind::delta) {
        for (std::string& n : rate_needs(shape.kind, st.kind == KqlStage::Kind::rate))
          needs.insert(n);
      }
    }
    for (const std::string& h : hidden) {
      if (refs_.count(h))
        extra.push_back(h);
      else if (needs.count(h)) {
        extra.push_back(h);
        need_hidden_.push_back(h);
      }
    }
  }
  std::string body = table ? table_sql(src, *table, shape, extra) : selector_sql(src, shape, extra);
  add(snippet(src.offset, src.end), std::move(body));
  return shape;
}

std::string Compiler::run() {
  for (const KqlStage& st : ast_.stages) {
    collect_refs(st.expr);
    for (const KqlSelectItem& it : st.items) collect_refs(it.expr);
    for (const KqlAgg& a : st.aggs) refs_.insert(a.column.text);
    for (const KqlName& n : st.by) refs_.insert(n.text);
    for (const KqlName& n : st.join_columns) refs_.insert(n.text);
    for (const KqlSortKey& k : st.keys) refs_.insert(k.column.text);
  }
  Shape s = compile_source(ast_.source, true);
  if (ast_.stages.empty()) return ctes_[0].body;  // the source's SELECT alone
  for (const KqlStage& st : ast_.stages) {
    const std::string text = snippet(st.offset, st.end);
    switch (st.kind) {
      case KqlStage::Kind::where:
        check_expr(s, st.expr);
        add(text, "SELECT * FROM " + last_ + " WHERE " + expr_sql(st.expr));
        break;
      case KqlStage::Kind::rate:
      case KqlStage::Kind::delta:
        rate_stage(st, s);
        break;
      case KqlStage::Kind::aggregate:
        aggregate_stage(st, s);
        break;
      case KqlStage::Kind::join:
        join_stage(st, s);
        break;
      case KqlStage::Kind::select:
        select_stage(st, s);
        break;
      case KqlStage::Kind::sort:
      case KqlStage::Kind::top:
        for (const KqlSortKey& k : st.keys) check_column(s, k.column);
        s.order = st.keys;
        add(text, "SELECT * FROM " + last_ + " ORDER BY " + order_sql(s.order) +
                      (st.kind == KqlStage::Kind::top ? " LIMIT " + std::to_string(st.count) : ""));
        break;
      case KqlStage::Kind::limit:
        add(text, "SELECT * FROM " + last_ +
                      (s.order.empty() ? "" : " ORDER BY " + order_sql(s.order)) + " LIMIT " +
                      std::to_string(st.count));
        break;
    }
  }
  std::string sql = "WITH\n";
  for (std::size_t i = 0; i < ctes_.size(); ++i) {
    const Cte& c = ctes_[i];
    sql += "  -- " + c.comment + "\n  " + c.name + " AS (" + c.body + ")" +
           (i + 1 < ctes_.size() ? ",\n" : "\n");
  }
  sql += "SELECT * FROM " + last_;
  if (!s.order.empty()) sql += " ORDER BY " + order_sql(s.order);
  return sql;
}

}  // namespace kstatsql::vtab::kql::detail

namespace kstatsql::vtab::kql {

std::string compile_kql(const grammar::KqlAst& ast, std::string_view text) {
  return detail::Compiler(ast, text).run();
}

}  // namespace kstatsql::vtab::kql

std::string kstatsql::kql_to_sql(std::string_view kql) {
  return vtab::kql::compile_kql(grammar::parse_kql(kql), kql);
}
