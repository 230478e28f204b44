// vtab/kql_function.cpp — kql(text): the SQL a KQL query compiles to.
//
//   SELECT kql('io class=disk | rate | top 5 by nread');
//
// Returns the text (docs/kql.md); it does not run it. A KQL error is an SQL
// error whose message is the caret diagnostic of kstatsql::kql_to_sql(). NULL
// gives NULL. Pure and deterministic: reads no kstats and no host state, so
// it is SQLITE_INNOCUOUS (usable from views and triggers).
#include "kstatsql/kql.hpp"
#include "vtab/functions.hpp"

namespace kstatsql::vtab {

void fn_kql(sqlite3_context* ctx, int, sqlite3_value** argv) noexcept {
  guard_fn(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
      sqlite3_result_null(ctx);
      return;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const std::string sql = kql_to_sql(
        std::string_view(text ? text : "", static_cast<std::size_t>(sqlite3_value_bytes(argv[0]))));
    sqlite3_result_text(ctx, sql.c_str(), static_cast<int>(sql.size()), SQLITE_TRANSIENT);
  });
}

}  // namespace kstatsql::vtab
