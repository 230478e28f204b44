// vtab/kql_sql.hpp — SQL text helpers and selector translation for the KQL
// compiler (kql_compile.cpp). Internal to grammar/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grammar/kql.hpp"
#include "grammar/selector.hpp"

namespace kstatsql::grammar::kqlsql {

// named's visible columns (also kstat_select's), in table order.
extern const std::vector<std::string> kNamedColumns;

std::vector<std::string> split(const char* words);  // on blanks
bool contains(const std::vector<std::string>& v, const std::string& s);
// The name as an SQL identifier: double-quoted when it spells an SQLite keyword.
std::string ident(const std::string& name);
// An SQL string literal ('' for each quote). REQUIRES: no NUL byte in s.
std::string quote(std::string_view s);
// The KQL table called `name`, or null.
const KqlTable* find_table(std::string_view name);

// The SQL condition over named's columns equivalent to one selector under
// kstat(8) semantics, into `out` (empty: the selector matches everything);
// false when only kstat_select() is exact for it. See kql_sql.cpp.
bool selector_condition(const SelectorAst& sel, std::string& out);

}  // namespace kstatsql::grammar::kqlsql
