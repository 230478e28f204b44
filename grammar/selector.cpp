// grammar/selector.cpp — messages keyed by rule, AST-building actions and the
// parse_selector() entry for the selector rules in selector.hpp.
#include "grammar/selector.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "grammar/errors.hpp"

namespace kstatsql::grammar {
namespace {

namespace pegtl = tao::pegtl;
using namespace sel;

// Error messages, keyed by rule (grammar/errors.hpp).
template <typename Rule>
inline constexpr const char* error_message = nullptr;

template <>
inline constexpr auto error_message<illumos_end> =
    "too many fields (at most module:instance:name:statistic)";
template <>
inline constexpr auto error_message<ob_instance> = "instance must be a decimal number or empty";
template <>
inline constexpr auto error_message<ob_sep> =
    "expected provider:instance:name:unit (4 fields) or a bare name (1 field)";
template <>
inline constexpr auto error_message<ob_name> = "expected a name glob";
template <>
inline constexpr auto error_message<ob_unit> = "unit must be a decimal number or empty";
template <>
inline constexpr auto error_message<ob_end> =
    "too many fields (at most provider:instance:name:unit)";

struct Errors {
  template <typename Rule>
  static constexpr auto message = error_message<Rule>;
};

// Actions fill the AST. Every rule that carries an action only succeeds where
// the enclosing rule can no longer backtrack, so no action ever has to be
// undone.
struct State {
  SelectorAst& ast;
  std::size_t index = 0;  // illumos: the field being parsed
};

template <typename Rule>
struct action : pegtl::nothing<Rule> {};

template <typename Input>
SelectorField glob_or_any(const Input& in) {
  SelectorField f;
  f.text = in.string();
  f.kind = f.text.empty() ? FieldKind::any : FieldKind::glob;
  f.offset = in.position().byte;
  return f;
}

template <typename Input>
std::int64_t to_number(const Input& in, const char* what) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(in.begin(), in.end(), v);
  if (ec != std::errc() || ptr != in.end()) {
    throw pegtl::parse_error(std::string(what) + " number is too large", in);
  }
  return v;
}

template <>
struct action<field_sep> {
  static void apply0(State& st) { ++st.index; }
};

template <>
struct action<glob_field> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.ast.fields[st.index] = glob_or_any(in);
  }
};

template <>
struct action<regex_field> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    SelectorField& f = st.ast.fields[st.index];
    f.kind = FieldKind::regex;
    f.text.assign(in.begin() + 1, in.end() - 1);  // strip the slashes
    f.offset = in.position().byte;
  }
};

template <>
struct action<illumos_end> {
  static void apply0(State& st) { st.ast.written = st.index + 1; }
};

template <>
struct action<ob_first> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.ast.fields[kModule] = glob_or_any(in);
  }
};

template <>
struct action<ob_single> {
  static void apply0(State& st) {
    st.ast.fields[kName] = std::move(st.ast.fields[kModule]);
    st.ast.fields[kModule] = SelectorField{};
    st.ast.fields[kModule].offset = st.ast.fields[kName].offset;
    st.ast.written = 1;
  }
};

template <>
struct action<ob_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.ast.fields[kName] = glob_or_any(in);
  }
};

template <typename Input>
SelectorField number_field(const Input& in, const char* what) {
  SelectorField f;
  f.kind = FieldKind::number;
  f.text = in.string();
  f.number = to_number(in, what);
  f.offset = in.position().byte;
  return f;
}

template <>
struct action<ob_instance_number> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.ast.fields[kInstance] = number_field(in, "instance");
  }
};

template <>
struct action<ob_unit_number> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.ast.fields[kStatistic] = number_field(in, "unit");
  }
};

template <>
struct action<ob_end> {
  static void apply0(State& st) { st.ast.written = 4; }
};

}  // namespace

std::string format_caret(std::string_view what, std::string_view spec, std::size_t offset) {
  return errors::caret_message("selector: ", what, spec, offset);
}

SelectorAst parse_selector(std::string_view spec, SelectorMode mode) {
  SelectorAst ast;
  ast.mode = mode;
  for (SelectorField& f : ast.fields) f.offset = spec.size();  // fields not written
  State st{ast};
  const auto format = [spec](std::string_view what, std::size_t offset) {
    return format_caret(what, spec, offset);
  };
  if (mode == SelectorMode::illumos) {
    errors::parse_or_throw<illumos_selector, Errors, action>(spec, "selector",
                                                             "cannot parse selector", format, st);
  } else {
    errors::parse_or_throw<openbsd_selector, Errors, action>(spec, "selector",
                                                             "cannot parse selector", format, st);
  }
  return ast;
}

}  // namespace kstatsql::grammar
