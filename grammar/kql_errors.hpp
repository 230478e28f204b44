// grammar/kql_errors.hpp — the KQL parser's error messages, keyed by rule
// (grammar/errors.hpp explains how a failed rule finds its message). Included
// by grammar/kql.cpp only.
#pragma once

#include <tao/pegtl.hpp>

#include "grammar/kql.hpp"

namespace kstatsql::grammar::kql_errors {

namespace pegtl = tao::pegtl;
using namespace kql;

// Error messages, keyed by rule (grammar/errors.hpp).
template <typename Rule>
inline constexpr const char* error_message = nullptr;

constexpr const char* kExpectedExpr = "expected an expression";
constexpr const char* kNever = "unexpected input";  // rules that cannot fail

template <>
inline constexpr auto error_message<ws> = kNever;
template <>
inline constexpr auto error_message<pegtl::success> = kNever;
template <>
inline constexpr auto error_message<quoted_body<'\''>> = kNever;
template <>
inline constexpr auto error_message<quoted_body<'"'>> = kNever;
template <>
inline constexpr auto error_message<quote_close<'\''>> =
    "unterminated string: expected a closing '";
template <>
inline constexpr auto error_message<quote_close<'"'>> =
    "unterminated string: expected a closing \"";
template <>
inline constexpr auto error_message<expr> = kExpectedExpr;
template <>
inline constexpr auto error_message<and_expr> = kExpectedExpr;
template <>
inline constexpr auto error_message<not_expr> = kExpectedExpr;
template <>
inline constexpr auto error_message<add_expr> = kExpectedExpr;
template <>
inline constexpr auto error_message<mul_expr> = kExpectedExpr;
template <>
inline constexpr auto error_message<unary> = kExpectedExpr;
template <>
inline constexpr auto error_message<negated> = kExpectedExpr;
template <>
inline constexpr auto error_message<not_operand> = kExpectedExpr;
template <>
inline constexpr auto error_message<call_arg> = kExpectedExpr;
template <>
inline constexpr auto error_message<call_args> = "expected ',' or ')' after a function argument";
template <>
inline constexpr auto error_message<call_end> = "expected ',' or ')' after a function argument";
template <>
inline constexpr auto error_message<paren_close> = "expected ')'";
template <>
inline constexpr auto error_message<source> =
    "expected a kstat selector (module:instance:name:statistic) or a table (kstat, named, io, ...)";
template <>
inline constexpr auto error_message<filter_value> = "expected a value after the operator";
template <>
inline constexpr auto error_message<count_value> = "expected a row count";
template <>
inline constexpr auto error_message<agg_alias_name> = "expected a name after 'as'";
template <>
inline constexpr auto error_message<select_alias_name> = "expected a name after 'as'";
template <>
inline constexpr auto error_message<agg_call_next> =
    "expected an aggregate after ',': sum, avg, min, max, count or pNN";
template <>
inline constexpr auto error_message<by_list> = kNever;
template <>
inline constexpr auto error_message<by_item> = "expected a column name to group by";
template <>
inline constexpr auto error_message<join_source> = "expected a selector or a table to join";
template <>
inline constexpr auto error_message<join_on> = "expected 'on identity' or 'on column, ...'";
template <>
inline constexpr auto error_message<join_keys> = "expected 'identity' or column names after 'on'";
template <>
inline constexpr auto error_message<join_key> = "expected a column name to join on";
template <>
inline constexpr auto error_message<sort_by> = kNever;
template <>
inline constexpr auto error_message<sort_keys> = kNever;
template <>
inline constexpr auto error_message<sort_key> = "expected a column name to sort by";
template <>
inline constexpr auto error_message<top_by> = "expected 'by column' after the row count";
template <>
inline constexpr auto error_message<select_items> = kNever;  // expr raises first
template <>
inline constexpr auto error_message<select_item> = kNever;
template <>
inline constexpr auto error_message<stage> =
    "expected a stage: where, rate, delta, sum, avg, min, max, count, pNN, join, sort, top, select "
    "or limit";
template <>
inline constexpr auto error_message<query_end> = "expected '|' or the end of the query";

struct Errors {
  template <typename Rule>
  static constexpr auto message = error_message<Rule>;
};

}  // namespace kstatsql::grammar::kql_errors
