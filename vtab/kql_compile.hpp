// vtab/kql_compile.hpp — the KQL compiler: a parsed query (grammar/kql.hpp)
// to one SQL SELECT over the tables of the schema (vtab/schema.hpp).
// kstatsql::kql_to_sql() (include/kstatsql/kql.hpp) is parse_kql + this.
#pragma once

#include <string>
#include <string_view>

#include "grammar/kql.hpp"

namespace kstatsql::vtab::kql {

// Compiles a parsed query to one SQL SELECT. Throws Error(Errc::parse) with a
// caret into `text` (the query the AST was parsed from) for unknown tables
// and columns, rate/delta on a source without rates, and the like.
std::string compile_kql(const grammar::KqlAst& ast, std::string_view text);

}  // namespace kstatsql::vtab::kql
