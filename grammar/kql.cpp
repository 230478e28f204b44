// grammar/kql.cpp — AST-building actions, the nesting bounds, the caret
// formatter and the parse_kql() entry for the KQL rules in kql.hpp (their
// error messages are in kql_errors.hpp).
#include "grammar/kql.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <system_error>
#include <utility>

#include "grammar/errors.hpp"
#include "grammar/kql_errors.hpp"

namespace kstatsql::grammar {
namespace {

namespace pegtl = tao::pegtl;
using namespace kql;
using kql_errors::Errors;

const std::string& depth_message() {
  static const std::string m =
      "expression nested too deeply (more than " + std::to_string(kMaxKqlDepth) + " levels)";
  return m;
}

const std::string& height_message() {
  static const std::string m =
      "expression too long (more than " + std::to_string(kMaxKqlHeight) + " levels of operators)";
  return m;
}

// Nesting. expr (inside '(' and call arguments, and each top-level one),
// negated and not_operand are the recursive rules: each one open costs stack in the parser, in the
// AST's destructor and in the compiler, so the parse refuses more than kMaxKqlDepth of them open at
// once with a caret at the offending operator.
template <typename Rule>
inline constexpr bool nests = false;
template <>
inline constexpr bool nests<expr> = true;
template <>
inline constexpr bool nests<negated> = true;
template <>
inline constexpr bool nests<not_operand> = true;

template <typename Rule>
struct nesting_control : pegtl::must_if<Errors>::template control<Rule> {
  using base = typename pegtl::must_if<Errors>::template control<Rule>;

  template <typename Input, typename St>
  static void start(const Input& in, St& st) {
    if constexpr (nests<Rule>) {
      if (++st.depth > kMaxKqlDepth) throw pegtl::parse_error(depth_message(), in);
    }
    base::start(in, st);
  }
  template <typename Input, typename St>
  static void success(const Input& in, St& st) {
    if constexpr (nests<Rule>) --st.depth;
    base::success(in, st);
  }
  template <typename Input, typename St>
  static void failure(const Input& in, St& st) {
    if constexpr (nests<Rule>) --st.depth;
    base::failure(in, st);
  }
};

// Actions build the AST. Every rule that carries an action only succeeds
// where the enclosing rule can no longer backtrack (or, for the pending_*
// slots, is overwritten before use), so no action has to be undone.
struct State {
  KqlAst& ast;
  KqlSource* source;                    // the source being parsed (main, or a join's)
  std::vector<KqlExpr> exprs;           // operand stack
  std::vector<std::string> ops;         // operators seen by *_op, used by *_rhs
  std::vector<std::size_t> call_marks;  // exprs.size() when a call's '(' was read
  std::vector<KqlExpr> calls;           // the call nodes being built (name, offset)
  KqlFilter pending_filter;
  KqlName pending_alias;
  KqlName pending_sort;
  int pending_desc = -1;  // -1: no direction written
  std::size_t depth = 0;  // expression rules open (nesting_control)

  KqlStage& stage() { return ast.stages.back(); }
  KqlExpr pop() {
    KqlExpr e = std::move(exprs.back());
    exprs.pop_back();
    return e;
  }
};

template <typename Input>
std::size_t offset_of(const Input& in) {
  return in.position().byte;
}

template <typename Input>
KqlName name_of(const Input& in) {
  return KqlName{in.string(), offset_of(in)};
}

// '…' or "…" without the quotes, a doubled quote made single.
std::string unquote(std::string_view s) {
  const char q = s.front();
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    out += s[i];
    if (s[i] == q) ++i;
  }
  return out;
}

// A node made from children is one level above the tallest of them.
template <typename Input>
void set_height(KqlExpr& e, const Input& in) {
  std::size_t h = 0;
  for (const KqlExpr& a : e.args) h = std::max(h, a.height);
  e.height = h + 1;
  if (e.height > kMaxKqlHeight) throw pegtl::parse_error(height_message(), in);
}

KqlExpr node(KqlExpr::Kind kind, std::string text, std::size_t offset) {
  KqlExpr e;
  e.kind = kind;
  e.text = std::move(text);
  e.offset = offset;
  return e;
}

template <typename Input>
std::int64_t to_count(const Input& in) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(in.begin(), in.end(), v);
  if (ec != std::errc() || ptr != in.end()) throw pegtl::parse_error("row count is too large", in);
  return v;
}

template <typename Rule>
struct action : pegtl::nothing<Rule> {};

// --- expressions -----------------------------------------------------------

template <>
struct action<column> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.exprs.push_back(node(KqlExpr::Kind::column, in.string(), offset_of(in)));
  }
};

template <>
struct action<number_operand> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.exprs.push_back(node(KqlExpr::Kind::number, in.string(), offset_of(in)));
  }
};

template <>
struct action<string_operand> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.exprs.push_back(node(KqlExpr::Kind::string, unquote(in.string_view()), offset_of(in)));
  }
};

template <>
struct action<call_open> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    std::string name = in.string();
    name.erase(
        name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"));
    st.calls.push_back(node(KqlExpr::Kind::call, std::move(name), offset_of(in)));
    st.call_marks.push_back(st.exprs.size());
  }
};

template <>
struct action<call> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    KqlExpr c = std::move(st.calls.back());
    st.calls.pop_back();
    const std::size_t mark = st.call_marks.back();
    st.call_marks.pop_back();
    for (std::size_t i = mark; i < st.exprs.size(); ++i) c.args.push_back(std::move(st.exprs[i]));
    st.exprs.resize(mark);
    set_height(c, in);
    st.exprs.push_back(std::move(c));
  }
};

template <KqlExpr::Kind K>
struct wrap_one {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    KqlExpr e = node(K, "", offset_of(in));
    e.args.push_back(st.pop());
    set_height(e, in);
    st.exprs.push_back(std::move(e));
  }
};
template <>
struct action<paren> : wrap_one<KqlExpr::Kind::paren> {};
template <>
struct action<negate> : wrap_one<KqlExpr::Kind::negate> {};
template <>
struct action<not_op> : wrap_one<KqlExpr::Kind::not_> {};

struct push_op {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.ops.push_back(in.string());
  }
};
template <>
struct action<mul_op> : push_op {};
template <>
struct action<add_op> : push_op {};
template <>
struct action<cmp_op> : push_op {};

template <typename Input>
void make_binary(State& st, std::string op, const Input& in) {
  KqlExpr rhs = st.pop();
  KqlExpr lhs = st.pop();
  KqlExpr e = node(KqlExpr::Kind::binary, std::move(op), lhs.offset);
  e.args.push_back(std::move(lhs));
  e.args.push_back(std::move(rhs));
  set_height(e, in);
  st.exprs.push_back(std::move(e));
}

struct binary_from_ops {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    std::string op = std::move(st.ops.back());
    st.ops.pop_back();
    make_binary(st, std::move(op), in);
  }
};
template <>
struct action<mul_rhs> : binary_from_ops {};
template <>
struct action<add_rhs> : binary_from_ops {};
template <>
struct action<cmp_rhs> : binary_from_ops {};
template <>
struct action<and_rhs> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    make_binary(st, "and", in);
  }
};
template <>
struct action<or_rhs> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    make_binary(st, "or", in);
  }
};

// --- sources ---------------------------------------------------------------

template <>
struct action<selector_bare> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.source->selectors.push_back(name_of(in));
  }
};

template <>
struct action<selector_quoted> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.source->selectors.push_back(KqlName{unquote(in.string_view()), offset_of(in)});
  }
};

template <>
struct action<table_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.source->kind = KqlSource::Kind::table;
    st.source->table = name_of(in);
  }
};

template <>
struct action<filter_column> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.pending_filter = KqlFilter{};
    st.pending_filter.column = name_of(in);
  }
};

template <>
struct action<filter_op> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.pending_filter.op = in.string();
  }
};

template <>
struct action<filter_string> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.pending_filter.value = node(KqlExpr::Kind::string, unquote(in.string_view()), offset_of(in));
  }
};

template <>
struct action<filter_number> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.pending_filter.value = node(KqlExpr::Kind::number, in.string(), offset_of(in));
  }
};

template <>
struct action<filter_word> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.pending_filter.value = node(KqlExpr::Kind::string, in.string(), offset_of(in));
  }
};

template <>
struct action<filter> {
  static void apply0(State& st) { st.source->filters.push_back(std::move(st.pending_filter)); }
};

struct source_extent {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.source->offset = offset_of(in);
    st.source->end = offset_of(in) + in.size();
  }
};
template <>
struct action<source> : source_extent {};
template <>
struct action<join_source> : source_extent {};

// --- stages ----------------------------------------------------------------

template <>
struct action<stage_start> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.ast.stages.emplace_back();
    st.stage().offset = offset_of(in) + in.size();
  }
};

template <>
struct action<next_stage> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.stage().end = offset_of(in) + in.size();
  }
};

template <KqlStage::Kind K>
struct set_kind {
  static void apply0(State& st) { st.stage().kind = K; }
};
template <>
struct action<rate_stage> : set_kind<KqlStage::Kind::rate> {};
template <>
struct action<delta_stage> : set_kind<KqlStage::Kind::delta> {};
template <>
struct action<agg_stage> : set_kind<KqlStage::Kind::aggregate> {};
template <>
struct action<select_stage> : set_kind<KqlStage::Kind::select> {};
template <>
struct action<limit_stage> : set_kind<KqlStage::Kind::limit> {};
template <>
struct action<sort_kw> : set_kind<KqlStage::Kind::sort> {};
template <>
struct action<top_kw> : set_kind<KqlStage::Kind::top> {};

template <>
struct action<where_stage> {
  static void apply0(State& st) {
    st.stage().kind = KqlStage::Kind::where;
    st.stage().expr = st.pop();
  }
};

template <>
struct action<count_value> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.stage().count = to_count(in);
  }
};

template <>
struct action<agg_fn> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    KqlAgg a;
    a.fn = in.string();
    a.offset = offset_of(in);
    if (a.fn[0] == 'p') {
      a.percentile = std::stoi(a.fn.substr(1));
      if (a.percentile > 100) throw pegtl::parse_error("a percentile is p0 to p100", in);
      a.fn.resize(1);  // "p"; assigning the literal trips GCC 12's false -Wrestrict
    }
    st.stage().aggs.push_back(std::move(a));
  }
};

template <>
struct action<agg_column> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.stage().aggs.back().column = name_of(in);
  }
};

template <>
struct action<agg_alias_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.stage().aggs.back().alias = name_of(in);
  }
};

template <>
struct action<by_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.stage().by.push_back(name_of(in));
  }
};

template <>
struct action<join_kw> {
  static void apply0(State& st) {
    st.stage().kind = KqlStage::Kind::join;
    st.source = &st.stage().join_source;
  }
};

template <>
struct action<join_identity> {
  static void apply0(State& st) { st.stage().join_identity = true; }
};

template <>
struct action<join_key_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.stage().join_columns.push_back(name_of(in));
  }
};

template <>
struct action<sort_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.pending_sort = name_of(in);
    st.pending_desc = -1;
  }
};

template <>
struct action<sort_dir> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.pending_desc = in.string() == "desc" ? 1 : 0;
  }
};

// sort defaults to ascending (as SQL), top to descending (the largest N).
template <>
struct action<sort_key> {
  static void apply0(State& st) {
    const bool desc =
        st.pending_desc < 0 ? st.stage().kind == KqlStage::Kind::top : st.pending_desc == 1;
    st.stage().keys.push_back(KqlSortKey{std::move(st.pending_sort), desc});
  }
};

template <>
struct action<select_alias_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.pending_alias = name_of(in);
  }
};

template <>
struct action<select_item> {
  static void apply0(State& st) {
    st.stage().items.push_back(KqlSelectItem{st.pop(), std::move(st.pending_alias)});
    st.pending_alias = KqlName{};
  }
};

}  // namespace

std::string format_kql_caret(std::string_view what, std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  const std::size_t nl = text.substr(0, offset).rfind('\n');
  const std::size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
  std::size_t end = text.find('\n', offset);
  if (end == std::string_view::npos) end = text.size();
  return errors::caret_message("kql: ", what, text.substr(begin, end - begin), offset - begin);
}

KqlAst parse_kql(std::string_view text) {
  KqlAst ast;
  State st{ast, &ast.source, {}, {}, {}, {}, {}, {}, {}, -1};
  errors::parse_or_throw<query, Errors, action, nesting_control>(
      text, "kql", "cannot parse the query",
      [text](std::string_view what, std::size_t offset) {
        return format_kql_caret(what, text, offset);
      },
      st);
  return ast;
}

}  // namespace kstatsql::grammar
