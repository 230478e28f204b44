// kstatsql/kql.hpp — KQL, kstatsql's pipeline language, compiled to SQL.
//
//   std::string sql = kstatsql::kql_to_sql("io class=disk | rate | top 5 by nread");
//   // run `sql` on a connection where kstatsql is registered
//
// The language and the SQL it produces are described in docs/kql.md. The
// same compiler is available from SQL as kql('…'), which returns the text.
#pragma once

#include <string>
#include <string_view>

#include "kstatsql/error.hpp"

namespace kstatsql {

// Compiles one KQL query to one SQLite SELECT over kstatsql's tables. Pure:
// reads no kstats, needs no connection; thread-safe. Throws
// kstatsql::Error(Errc::parse) whose what() is "kql: <what>", the offending
// line of `kql` and a caret under the offending byte, e.g.
//   kql: expected a stage: where, rate, delta, ...
//     io | rat
//          ^
std::string kql_to_sql(std::string_view kql);

}  // namespace kstatsql
