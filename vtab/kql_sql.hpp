// vtab/kql_sql.hpp — for the KQL compiler (kql_compile.cpp): the tables KQL
// may name and their columns (from the schema, vtab/schema.hpp), SQL text
// helpers, and selector translation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grammar/selector.hpp"
#include "vtab/schema.hpp"

namespace kstatsql::vtab::kql {

// The schema table a KQL source may name `name`, or null (not a table, or a
// table with TableSpec::not_kql).
const TableSpec* kql_table(std::string_view name);
// The names of the tables KQL may name, ", "-separated, for messages.
std::string kql_table_names();
// A table's visible columns, in table order.
std::vector<std::string> visible_columns(const TableSpec& t);
// A table's hidden columns, in table order, the host column last.
std::vector<std::string> hidden_columns(const TableSpec& t);
// named's visible columns (also kstat_select's), in table order.
const std::vector<std::string>& named_columns();

std::vector<std::string> split(const char* words);  // on blanks
bool contains(const std::vector<std::string>& v, const std::string& s);
// The name as an SQL identifier: double-quoted when it spells an SQLite keyword.
std::string ident(const std::string& name);
// An SQL string literal ('' for each quote). REQUIRES: no NUL byte in s.
std::string quote(std::string_view s);

// The SQL condition over named's columns equivalent to one selector under
// kstat(8) semantics, into `out` (empty: the selector matches everything);
// false when only kstat_select() is exact for it. See kql_sql.cpp.
bool selector_condition(const grammar::SelectorAst& sel, std::string& out);

}  // namespace kstatsql::vtab::kql
