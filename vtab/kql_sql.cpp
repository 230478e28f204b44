// vtab/kql_sql.cpp — the tables KQL may name (from the schema), SQL text
// helpers and the translation of kstat(8) selectors into SQL conditions on
// `named`.
#include "vtab/kql_sql.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "engine/kstat_rules.hpp"
#include "engine/text.hpp"

namespace kstatsql::vtab::kql {

using grammar::FieldKind;
using grammar::kInstance;
using grammar::kName;
using grammar::SelectorAst;
using grammar::SelectorField;

const TableSpec* kql_table(std::string_view name) {
  const TableSpec* t = find_table(name);
  return t && !t->not_kql ? t : nullptr;
}

std::string kql_table_names() {
  std::string out;
  for (const TableSpec& t : tables()) {
    if (!t.not_kql) out += (out.empty() ? "" : ", ") + std::string(t.name);
  }
  return out;
}

namespace {

std::vector<std::string> columns_of(const TableSpec& t, bool hidden) {
  std::vector<std::string> out;
  for (int i = 0; i < t.declared_columns(); ++i) {
    if (t.column(i).hidden == hidden) out.emplace_back(t.column(i).name);
  }
  return out;
}

}  // namespace

std::vector<std::string> visible_columns(const TableSpec& t) {
  return columns_of(t, false);
}

std::vector<std::string> hidden_columns(const TableSpec& t) {
  return columns_of(t, true);
}

const std::vector<std::string>& named_columns() {
  static const std::vector<std::string> kColumns = visible_columns(*find_table("named"));
  return kColumns;
}

namespace {

// SQLite keywords (sqlite.org/lang_keywords.html): names spelled like these are quoted.
const std::set<std::string> kSqlKeywords = {"abort",
                                            "action",
                                            "add",
                                            "after",
                                            "all",
                                            "alter",
                                            "always",
                                            "analyze",
                                            "and",
                                            "as",
                                            "asc",
                                            "attach",
                                            "autoincrement",
                                            "before",
                                            "begin",
                                            "between",
                                            "by",
                                            "cascade",
                                            "case",
                                            "cast",
                                            "check",
                                            "collate",
                                            "column",
                                            "commit",
                                            "conflict",
                                            "constraint",
                                            "create",
                                            "cross",
                                            "current",
                                            "current_date",
                                            "current_time",
                                            "current_timestamp",
                                            "database",
                                            "default",
                                            "deferrable",
                                            "deferred",
                                            "delete",
                                            "desc",
                                            "detach",
                                            "distinct",
                                            "do",
                                            "drop",
                                            "each",
                                            "else",
                                            "end",
                                            "escape",
                                            "except",
                                            "exclude",
                                            "exclusive",
                                            "exists",
                                            "explain",
                                            "fail",
                                            "filter",
                                            "first",
                                            "following",
                                            "for",
                                            "foreign",
                                            "from",
                                            "full",
                                            "generated",
                                            "glob",
                                            "group",
                                            "groups",
                                            "having",
                                            "if",
                                            "ignore",
                                            "immediate",
                                            "in",
                                            "index",
                                            "indexed",
                                            "initially",
                                            "inner",
                                            "insert",
                                            "instead",
                                            "intersect",
                                            "into",
                                            "is",
                                            "isnull",
                                            "join",
                                            "key",
                                            "last",
                                            "left",
                                            "like",
                                            "limit",
                                            "match",
                                            "materialized",
                                            "natural",
                                            "no",
                                            "not",
                                            "nothing",
                                            "notnull",
                                            "null",
                                            "nulls",
                                            "of",
                                            "offset",
                                            "on",
                                            "or",
                                            "order",
                                            "others",
                                            "outer",
                                            "over",
                                            "partition",
                                            "plan",
                                            "pragma",
                                            "preceding",
                                            "primary",
                                            "query",
                                            "raise",
                                            "range",
                                            "recursive",
                                            "references",
                                            "regexp",
                                            "reindex",
                                            "release",
                                            "rename",
                                            "replace",
                                            "restrict",
                                            "returning",
                                            "right",
                                            "rollback",
                                            "row",
                                            "rows",
                                            "savepoint",
                                            "select",
                                            "set",
                                            "table",
                                            "temp",
                                            "temporary",
                                            "then",
                                            "ties",
                                            "to",
                                            "transaction",
                                            "trigger",
                                            "unbounded",
                                            "union",
                                            "unique",
                                            "update",
                                            "using",
                                            "vacuum",
                                            "values",
                                            "view",
                                            "virtual",
                                            "when",
                                            "where",
                                            "window",
                                            "with",
                                            "without"};

// kstat(8) does not select the hidden kstats (engine/kstat_rules.hpp); true
// when a name glob (only '*' special) could match such a name.
bool may_match_kstat_prefix(std::string_view glob) {
  constexpr std::string_view kPrefix = engine::kstat8::kHiddenPrefix;
  for (std::size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '*' || i >= kPrefix.size()) return true;
    if (glob[i] != kPrefix[i]) return false;
  }
  return false;
}

bool canonical_int(std::string_view s) {
  if (s == "0") return true;
  std::size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() <= i || s.size() - i > 18 || s[i] == '0') return false;
  return s.find_first_not_of("0123456789", i) == std::string_view::npos;
}

}  // namespace

std::vector<std::string> split(const char* words) {
  std::vector<std::string> out;
  std::istringstream in(words);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string ident(const std::string& name) {
  std::string lower = name;
  for (char& c : lower) c = engine::text::ascii_lower(c);
  return kSqlKeywords.count(lower) ? "\"" + name + "\"" : name;
}

std::string quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// The condition equivalent to one selector under
// kstat(8) semantics, or false when only kstat_select() is exact for it (an
// /ERE/, a glob using '?', '[' or '\', a literal instance that no decimal
// text equals). Only '*' globs are translated: SQLite GLOB agrees with
// fnmatch on '*' for any bytes, not on '?' (a UTF-8 character vs a byte) or
// brackets ('!', classes). `out` is empty when the selector matches all.
bool selector_condition(const SelectorAst& sel, std::string& out) {
  static const char* const kCols[] = {"module", "instance", "name", "statistic"};
  std::vector<std::string> conds;
  for (std::size_t i = 0; i < 4; ++i) {
    const SelectorField& f = sel.fields[i];
    const bool any =
        f.kind == FieldKind::any ||
        (f.kind == FieldKind::glob && f.text.find_first_not_of('*') == std::string::npos);
    if (!any && (f.kind == FieldKind::regex || f.text.find_first_of("?[\\") != std::string::npos))
      return false;
    const bool glob = !any && f.text.find('*') != std::string::npos;
    if (i == kInstance && !any && !glob && !canonical_int(f.text)) return false;
    if (i == kName && !any && !glob && f.text.rfind(engine::kstat8::kHiddenPrefix, 0) == 0)
      return false;
    if (!any) {
      const std::string value = i == kInstance && !glob ? f.text : quote(f.text);
      conds.push_back(std::string(kCols[i]) + (glob ? " GLOB " : " = ") + value);
    }
    if (i == kName && (any || (glob && may_match_kstat_prefix(f.text))))
      conds.push_back("name NOT GLOB 'kstat_*'");
  }
  out.clear();
  for (const std::string& c : conds) out += (out.empty() ? "" : " AND ") + c;
  return true;
}

}  // namespace kstatsql::vtab::kql
