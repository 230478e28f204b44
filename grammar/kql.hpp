// grammar/kql.hpp — KQL, the kstatsql pipeline language: PEGTL rules, AST and
// parse_kql(). Parse only: the compiler to SQL, which knows the tables, is
// vtab/kql_compile.hpp.
//
// docs/kql.md is the user manual. A query is a source and `|`-separated
// stages, e.g.
//
//   io class=disk | rate | top 5 by nread
//   cpu:*:sys:cpu_nsec_* | rate | sum by statistic
//
//   source   selector…        one or more kstat(8) selectors (ORed), bare or
//                             quoted ('…' or "…", doubled quote escapes)
//            TABLE filter…    a word, then `column op value` filters up to
//                             the end of the source: a kstatsql table when
//                             the compiler knows the word (kstat, named, io,
//                             …), else a selector (a word with no filters)
//   stages   where EXPR | rate | delta | AGG[, AGG…] [by col, …]
//            | join SOURCE on identity|col, … | sort [by] col [asc|desc], …
//            | top N by col [asc|desc] | select EXPR [as name], … | limit N
//            AGG = sum|avg|min|max|count|pNN [col] [as name]
//
// parse_kql() checks syntax only; the compiler checks tables, columns and
// stage order and emits one SQL SELECT with one CTE per stage. Both throw
// kstatsql::Error(Errc::parse) whose message is "kql: <what>", the input
// line and a caret under the offending byte (format_kql_caret()).
//
// The rules live in namespace kstatsql::grammar::kql so tests can run
// tao::pegtl::analyze<> on them and exercise single rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tao/pegtl.hpp>

#include "grammar/selector.hpp"

namespace kstatsql::grammar {

// ---------------------------------------------------------------------------
// AST. Every node keeps the byte offset of its first byte in the query, for
// the compiler's error carets.

struct KqlName {
  std::string text;
  std::size_t offset = 0;
};

struct KqlExpr {
  enum class Kind : std::uint8_t {
    column,  // text = name
    number,  // text = the literal as written
    string,  // text = the value (quotes removed, escapes resolved)
    call,    // text = function name, args
    paren,   // args[0]
    negate,  // args[0]
    not_,    // args[0]
    binary,  // text = KQL operator (or, and, =, ==, !=, <>, <, <=, >, >=, ~, !~, +, -, *, /, %),
             // args[0..1]
  };
  Kind kind = Kind::column;
  std::string text;
  std::vector<KqlExpr> args;
  std::size_t offset = 0;
  std::size_t height = 1;  // nodes on the longest path down from this one (a leaf: 1)
};

// `column op value` after a table name.
struct KqlFilter {
  KqlName column;
  std::string op;  // as KqlExpr::binary
  KqlExpr value;   // number or string (a bare word is a string)
};

struct KqlSource {
  enum class Kind : std::uint8_t { selectors, table };
  Kind kind = Kind::selectors;
  KqlName table;                   // Kind::table
  std::vector<KqlFilter> filters;  // Kind::table
  std::vector<KqlName> selectors;  // Kind::selectors: the spec texts, unquoted
  std::size_t offset = 0;
  std::size_t end = 0;  // one past the source's last byte
};

struct KqlAgg {
  std::string fn;      // sum, avg, min, max, count, or "p" for a percentile
  int percentile = 0;  // fn == "p": 0..100
  KqlName column;      // empty text: none given
  KqlName alias;       // empty text: none given
  std::size_t offset = 0;
};

struct KqlSortKey {
  KqlName column;
  bool desc = false;
};

struct KqlSelectItem {
  KqlExpr expr;
  KqlName alias;  // empty text: none given
};

struct KqlStage {
  enum class Kind : std::uint8_t { where, rate, delta, aggregate, join, sort, top, select, limit };
  Kind kind = Kind::where;
  std::size_t offset = 0;
  std::size_t end = 0;                // one past the stage's last byte
  KqlExpr expr;                       // where
  std::vector<KqlAgg> aggs;           // aggregate
  std::vector<KqlName> by;            // aggregate
  KqlSource join_source;              // join
  bool join_identity = false;         // join … on identity
  std::vector<KqlName> join_columns;  // join … on col, …
  std::vector<KqlSortKey> keys;       // sort; top (one key)
  std::int64_t count = 0;             // top, limit
  std::vector<KqlSelectItem> items;   // select
};

struct KqlAst {
  KqlSource source;
  std::vector<KqlStage> stages;
};

// Bounds on expressions, so that no input can exhaust the stack of the
// parser, of the code that walks the AST, or of SQLite (whose parser stack
// takes about 90 nested parentheses, and whose expression trees at most 1000
// levels):
//   kMaxKqlDepth   nesting: '(', a call's arguments, unary '-' and 'not' each
//                  open a level; more is "kql: expression nested too deeply
//                  (more than 64 levels)", the caret where it goes too deep;
//   kMaxKqlHeight  the expression tree: a chain of N binary operators is N+1
//                  levels; more is "kql: expression too long (more than 256
//                  levels of operators)".
inline constexpr std::size_t kMaxKqlDepth = 64;
inline constexpr std::size_t kMaxKqlHeight = 256;

// Parses one query. Throws kstatsql::Error(Errc::parse) with a caret message.
// Never reads past `text`; any byte sequence is safe.
KqlAst parse_kql(std::string_view text);

// "kql: <what>\n  <line>\n  <spaces>^": the line of `text` holding byte
// `offset`, with the caret under it (columns counted as in format_caret()).
std::string format_kql_caret(std::string_view what, std::string_view text, std::size_t offset);

// ---------------------------------------------------------------------------
// Rules (grammar only; actions and messages are in kql.cpp)

namespace kql {
namespace pegtl = tao::pegtl;

struct blank : pegtl::one<' ', '\t', '\n', '\r', '\f', '\v'> {};
struct ws : pegtl::star<blank> {};
struct comma : pegtl::seq<pegtl::one<','>, ws> {};
struct pipe : pegtl::one<'|'> {};
struct ends_token : pegtl::at<pegtl::sor<blank, pipe, pegtl::eof>> {};

// Keywords: whole identifiers (not followed by [A-Za-z0-9_]).
struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_by : TAO_PEGTL_KEYWORD("by") {};
struct kw_as : TAO_PEGTL_KEYWORD("as") {};
struct kw_on : TAO_PEGTL_KEYWORD("on") {};
struct kw_asc : TAO_PEGTL_KEYWORD("asc") {};
struct kw_desc : TAO_PEGTL_KEYWORD("desc") {};
struct kw_identity : TAO_PEGTL_KEYWORD("identity") {};

// Literals. A string is '…' or "…"; a doubled quote stands for itself.
template <char Q>
struct quoted_body : pegtl::star<pegtl::sor<pegtl::string<Q, Q>, pegtl::not_one<Q, '\0'>>> {};
template <char Q>
struct quote_close : pegtl::one<Q> {};
struct sq_string : pegtl::if_must<pegtl::one<'\''>, quoted_body<'\''>, quote_close<'\''>> {};
struct dq_string : pegtl::if_must<pegtl::one<'"'>, quoted_body<'"'>, quote_close<'"'>> {};
struct string_lit : pegtl::sor<sq_string, dq_string> {};
struct exponent : pegtl::seq<pegtl::one<'e', 'E'>, pegtl::opt<pegtl::one<'+', '-'>>,
                             pegtl::plus<pegtl::digit>> {};
struct number
    : pegtl::seq<pegtl::plus<pegtl::digit>, pegtl::opt<pegtl::one<'.'>, pegtl::star<pegtl::digit>>,
                 pegtl::opt<exponent>, pegtl::not_at<pegtl::identifier_other>> {};

// Expressions, loosest first: or, and, not, one comparison, + -, * / %,
// unary -. The same precedence as SQLite's for these operators, so the SQL
// is written in the same order without added parentheses.
struct expr;
struct reserved : pegtl::sor<kw_and, kw_or, kw_not> {};
struct column : pegtl::seq<pegtl::not_at<reserved>, pegtl::identifier> {};
struct number_operand : number {};
struct string_operand : string_lit {};
struct call_open : pegtl::seq<pegtl::identifier, ws, pegtl::one<'('>> {};
struct call_close : pegtl::one<')'> {};
struct call_end : pegtl::one<')'> {};
struct call_arg : pegtl::seq<expr> {};
struct call_args : pegtl::seq<pegtl::list_must<call_arg, comma>, call_end> {};
struct call
    : pegtl::seq<call_open, ws, pegtl::if_must_else<call_close, pegtl::success, call_args>> {};
struct paren_close : pegtl::one<')'> {};
struct paren : pegtl::if_must<pegtl::one<'('>, ws, expr, paren_close> {};
struct operand : pegtl::sor<paren, number_operand, string_operand, call, column> {};
struct primary : pegtl::seq<operand, ws> {};
struct unary;
// The operands of '-' and 'not' are rules of their own so that only a nesting
// that has begun (its operator read) counts towards kMaxKqlDepth.
struct negated;
struct negate : pegtl::if_must<pegtl::seq<pegtl::one<'-'>, ws>, negated> {};
struct unary : pegtl::sor<negate, primary> {};
struct negated : unary {};
struct mul_op : pegtl::one<'*', '/', '%'> {};
struct mul_rhs : pegtl::if_must<pegtl::seq<mul_op, ws>, unary> {};
struct mul_expr : pegtl::seq<unary, pegtl::star<mul_rhs>> {};
struct add_op : pegtl::one<'+', '-'> {};
struct add_rhs : pegtl::if_must<pegtl::seq<add_op, ws>, mul_expr> {};
struct add_expr : pegtl::seq<mul_expr, pegtl::star<add_rhs>> {};
struct cmp_op
    : pegtl::sor<pegtl::string<'<', '='>, pegtl::string<'>', '='>, pegtl::string<'!', '='>,
                 pegtl::string<'<', '>'>, pegtl::string<'=', '='>, pegtl::string<'!', '~'>,
                 pegtl::one<'=', '<', '>', '~'>> {};
struct cmp_rhs : pegtl::if_must<pegtl::seq<cmp_op, ws>, add_expr> {};
struct cmp_expr : pegtl::seq<add_expr, pegtl::opt<cmp_rhs>> {};
struct not_expr;
struct not_operand;
struct not_op : pegtl::if_must<pegtl::seq<kw_not, ws>, not_operand> {};
struct not_expr : pegtl::sor<not_op, cmp_expr> {};
struct not_operand : not_expr {};
struct and_rhs : pegtl::if_must<pegtl::seq<kw_and, ws>, not_expr> {};
struct and_expr : pegtl::seq<not_expr, pegtl::star<and_rhs>> {};
struct or_rhs : pegtl::if_must<pegtl::seq<kw_or, ws>, and_expr> {};
struct or_expr : pegtl::seq<and_expr, pegtl::star<or_rhs>> {};
struct expr : or_expr {};

// Sources. A selector is bare (up to a blank or '|'; a /…/ field may hold
// both) or quoted. A table source is an identifier followed by a blank, '|'
// or the end (`io:` is a selector), then filters up to the end of the source
// ('|' or the end of the query; `on` in a join); any other source is
// selectors. Whether the identifier names a table is the compiler's to say
// (vtab/kql_compile.cpp): a bare word that names none is a selector.
struct blank_or_pipe : pegtl::sor<blank, pipe> {};
struct sel_re_close
    : pegtl::seq<pegtl::one<'/'>,
                 pegtl::at<pegtl::sor<pegtl::one<':'>, blank_or_pipe, pegtl::eof>>> {};
struct sel_regex
    : pegtl::seq<pegtl::one<'/'>, pegtl::star<pegtl::not_at<sel_re_close>, pegtl::not_one<'\0'>>,
                 sel_re_close> {};
struct sel_glob_char
    : pegtl::sor<sel::escaped, sel::bracket,
                 pegtl::not_one<':', ' ', '\t', '\n', '\r', '\f', '\v', '|', '\0'>> {};
struct sel_field : pegtl::sor<sel_regex, pegtl::star<sel_glob_char>> {};
struct sel_first : pegtl::sor<sel_regex, pegtl::plus<sel_glob_char>> {};
struct sel_rest : pegtl::seq<pegtl::one<':'>, sel_field> {};
struct selector_bare
    : pegtl::seq<pegtl::not_at<pegtl::one<'\'', '"'>>,
                 pegtl::sor<pegtl::seq<sel_first, pegtl::star<sel_rest>>, pegtl::plus<sel_rest>>> {
};
struct selector_quoted : string_lit {};
struct selector : pegtl::seq<pegtl::sor<selector_quoted, selector_bare>, ws> {};
// In a join, the selectors stop at `on`.
struct join_selector : pegtl::seq<pegtl::not_at<kw_on>, selector> {};
struct selectors : pegtl::plus<selector> {};
struct join_selectors : pegtl::plus<join_selector> {};

struct table_name : pegtl::seq<pegtl::identifier, ends_token> {};
struct filter_column : pegtl::identifier {};
struct filter_op : cmp_op {};
struct filter_string : string_lit {};
struct filter_number : pegtl::seq<pegtl::opt<pegtl::one<'-'>>, number, ends_token> {};
struct filter_word
    : pegtl::plus<pegtl::not_one<' ', '\t', '\n', '\r', '\f', '\v', '|', '\'', '"', '\0'>> {};
struct filter_value : pegtl::sor<filter_string, filter_number, filter_word> {};
struct filter : pegtl::if_must<pegtl::seq<pegtl::not_at<kw_on>, filter_column, ws, filter_op>, ws,
                               filter_value, ws> {};
struct table_source : pegtl::seq<table_name, ws, pegtl::star<filter>> {};
struct source_end : pegtl::sor<pipe, pegtl::eof> {};
struct join_on : pegtl::seq<kw_on, ws> {};
// at<> runs no actions: the AST is built once, by the second match.
struct source
    : pegtl::sor<pegtl::seq<pegtl::at<table_source, source_end>, table_source>, selectors> {};
struct join_source
    : pegtl::sor<pegtl::seq<pegtl::at<table_source, join_on>, table_source>, join_selectors> {};

// Stages. Each starts with its keyword, after which it must be complete.
struct count_value : pegtl::plus<pegtl::digit> {};

struct where_stage : pegtl::if_must<TAO_PEGTL_KEYWORD("where"), ws, expr> {};
struct rate_stage : pegtl::seq<TAO_PEGTL_KEYWORD("rate"), ws> {};
struct delta_stage : pegtl::seq<TAO_PEGTL_KEYWORD("delta"), ws> {};

struct percentile_fn : pegtl::seq<pegtl::one<'p'>, pegtl::rep_min_max<1, 3, pegtl::digit>,
                                  pegtl::not_at<pegtl::identifier_other>> {};
struct agg_fn
    : pegtl::sor<TAO_PEGTL_KEYWORD("sum"), TAO_PEGTL_KEYWORD("avg"), TAO_PEGTL_KEYWORD("min"),
                 TAO_PEGTL_KEYWORD("max"), TAO_PEGTL_KEYWORD("count"), percentile_fn> {};
struct agg_column : pegtl::seq<pegtl::not_at<pegtl::sor<kw_by, kw_as>>, pegtl::identifier> {};
struct agg_alias_name : pegtl::identifier {};
struct agg_alias : pegtl::if_must<pegtl::seq<kw_as, ws>, agg_alias_name, ws> {};
struct agg_call : pegtl::seq<agg_fn, ws, pegtl::opt<agg_column, ws>, pegtl::opt<agg_alias>> {};
struct agg_call_next : agg_call {};
struct agg_next : pegtl::if_must<comma, agg_call_next> {};
struct by_name : pegtl::identifier {};
struct by_item : pegtl::seq<by_name, ws> {};
struct by_list : pegtl::list_must<by_item, comma> {};
struct agg_by : pegtl::if_must<pegtl::seq<kw_by, ws>, by_list> {};
struct agg_stage : pegtl::seq<agg_call, pegtl::star<agg_next>, pegtl::opt<agg_by>> {};

struct join_kw : TAO_PEGTL_KEYWORD("join") {};
struct join_identity : pegtl::seq<kw_identity, ws> {};
struct join_key_name : pegtl::identifier {};
struct join_key : pegtl::seq<join_key_name, ws> {};
struct join_keys : pegtl::sor<join_identity, pegtl::list_must<join_key, comma>> {};
struct join_stage : pegtl::if_must<pegtl::seq<join_kw, ws>, join_source, join_on, join_keys> {};

struct sort_name : pegtl::identifier {};
struct sort_dir : pegtl::sor<kw_asc, kw_desc> {};
struct sort_key : pegtl::seq<sort_name, ws, pegtl::opt<sort_dir, ws>> {};
struct sort_kw : pegtl::sor<TAO_PEGTL_KEYWORD("sort"), TAO_PEGTL_KEYWORD("order")> {};
struct sort_by : pegtl::opt<kw_by, ws> {};
struct sort_keys : pegtl::list_must<sort_key, comma> {};
struct sort_stage : pegtl::if_must<pegtl::seq<sort_kw, ws>, sort_by, sort_keys> {};
struct top_by : pegtl::seq<kw_by, ws> {};
struct top_kw : TAO_PEGTL_KEYWORD("top") {};
struct top_stage : pegtl::if_must<pegtl::seq<top_kw, ws>, count_value, ws, top_by, sort_key> {};

struct select_alias_name : pegtl::identifier {};
struct select_alias : pegtl::if_must<pegtl::seq<kw_as, ws>, select_alias_name, ws> {};
struct select_item : pegtl::seq<expr, pegtl::opt<select_alias>> {};
struct select_kw : pegtl::sor<TAO_PEGTL_KEYWORD("select"), TAO_PEGTL_KEYWORD("project")> {};
struct select_items : pegtl::list_must<select_item, comma> {};
struct select_stage : pegtl::if_must<pegtl::seq<select_kw, ws>, select_items> {};
struct limit_kw : pegtl::sor<TAO_PEGTL_KEYWORD("limit"), TAO_PEGTL_KEYWORD("take")> {};
struct limit_stage : pegtl::if_must<pegtl::seq<limit_kw, ws>, count_value, ws> {};

struct stage : pegtl::sor<where_stage, rate_stage, delta_stage, join_stage, sort_stage, top_stage,
                          select_stage, limit_stage, agg_stage> {};
struct stage_start : pegtl::seq<pipe, ws> {};
struct next_stage : pegtl::if_must<stage_start, stage> {};
struct query_end : pegtl::eof {};
struct query
    : pegtl::seq<ws, pegtl::must<source>, pegtl::star<next_stage>, pegtl::must<query_end>> {};

}  // namespace kql
}  // namespace kstatsql::grammar
