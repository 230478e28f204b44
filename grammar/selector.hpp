// grammar/selector.hpp — kstat(8) selector syntax: PEGTL rules, messages, AST.
//
// Two syntaxes share this file (docs/selectors.md is the user manual):
//
//   illumos  module:instance:name:statistic   kstat(8) operands. 1 to 4 fields;
//            missing or empty fields mean "*". Each field is a shell glob or,
//            when written /.../, a POSIX extended RE (body kept without the
//            slashes). A ':' inside /.../ does not split (kstat(8) splits
//            naively; see "Deviations" in the doc), nor does one inside a
//            bracket expression [...] or after a backslash.
//   openbsd  name | provider:instance:name:unit   OpenBSD kstat(1) operands.
//            Exactly 1 field (a name glob) or exactly 4; instance and unit are
//            decimal numbers or empty. No REs, no backslash escapes.
//
// parse_selector() is the only entry. It throws kstatsql::Error(Errc::parse)
// whose message names the problem and shows the input with a caret under the
// offending byte (format_caret()). The grammar checks syntax only: compiling
// globs and REs is the engine's job (engine/selector.hpp).
//
// No rule is recursive (brackets do not nest), so the parse needs constant
// stack for any input; the depth of groups inside an /ERE/ is bounded where
// the RE is compiled (engine/pattern.cpp).
//
// The rules live in namespace kstatsql::grammar::sel so tests can run
// tao::pegtl::analyze<> on them and exercise single rules.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <tao/pegtl.hpp>

namespace kstatsql::grammar {

enum class SelectorMode : std::uint8_t { illumos, openbsd };

// ---------------------------------------------------------------------------
// AST

enum class FieldKind : std::uint8_t {
  any,     // empty or missing field
  glob,    // shell glob (text verbatim, escapes not yet resolved)
  regex,   // POSIX ERE between slashes (text = the body, slashes stripped)
  number,  // openbsd instance/unit: decimal digits, value in `number`
};

struct SelectorField {
  FieldKind kind = FieldKind::any;
  std::string text;         // as written (glob), or the RE body, or the digits
  std::int64_t number = 0;  // FieldKind::number only
  std::size_t offset = 0;   // byte offset of the field's first byte in the spec
                            // (the spec's size for a field that was not written)
};

// Field slots. illumos: module, instance, name, statistic.
// openbsd: provider (in `module`), instance, name, unit (in `statistic`).
enum FieldSlot : std::size_t { kModule = 0, kInstance = 1, kName = 2, kStatistic = 3 };

struct SelectorAst {
  SelectorMode mode = SelectorMode::illumos;
  std::array<SelectorField, 4> fields;  // missing fields are FieldKind::any
  std::size_t written = 1;              // number of fields as written (1..4)
};

// Parses one selector. Throws kstatsql::Error(Errc::parse) with a caret
// message on bad syntax. Never reads past `spec`; any byte sequence is safe.
SelectorAst parse_selector(std::string_view spec, SelectorMode mode = SelectorMode::illumos);

// "selector: <what>\n  <spec>\n  <spaces>^" — the caret under byte `offset`
// (counted in characters: UTF-8 continuation bytes take no column; control
// bytes are shown as '?'). Shared with the engine for RE compile errors.
std::string format_caret(std::string_view what, std::string_view spec, std::size_t offset);

// ---------------------------------------------------------------------------
// Rules (grammar only; actions and messages are in selector.cpp)

namespace sel {
namespace pegtl = tao::pegtl;

// Shared pieces.
struct field_sep : pegtl::one<':'> {};
struct at_field_end : pegtl::at<pegtl::sor<pegtl::one<':'>, pegtl::eof>> {};
// [:alpha:] inside a bracket expression.
struct char_class
    : pegtl::seq<pegtl::string<'[', ':'>, pegtl::plus<pegtl::alpha>, pegtl::string<':', ']'>> {};
struct escaped : pegtl::seq<pegtl::one<'\\'>, pegtl::any> {};

// illumos: a bracket expression protects ':' and may hold backslash escapes.
// Without a closing ']' the '[' is an ordinary character (as in fnmatch).
struct bracket
    : pegtl::seq<pegtl::one<'['>, pegtl::opt<pegtl::one<'!', '^'>>, pegtl::opt<pegtl::one<']'>>,
                 pegtl::star<pegtl::sor<char_class, escaped, pegtl::not_one<']'>>>,
                 pegtl::one<']'>> {};
struct glob_char : pegtl::sor<escaped, bracket, pegtl::not_one<':'>> {};
struct glob_field : pegtl::star<glob_char> {};

// /ERE/: from a leading '/' to the first '/' that ends the field (is followed
// by ':' or the end). Without such a '/', the field is a glob.
struct re_close : pegtl::seq<pegtl::one<'/'>, at_field_end> {};
struct re_body : pegtl::star<pegtl::not_at<re_close>, pegtl::any> {};
struct regex_field : pegtl::seq<pegtl::one<'/'>, re_body, re_close> {};

struct field : pegtl::sor<regex_field, glob_field> {};
// After at most four fields only the end may follow ("too many fields").
struct illumos_end : pegtl::eof {};
struct illumos_selector
    : pegtl::seq<
          field,
          pegtl::opt<field_sep, field, pegtl::opt<field_sep, field, pegtl::opt<field_sep, field>>>,
          illumos_end> {};

// openbsd: globs without escapes; numbers for instance and unit.
struct ob_bracket
    : pegtl::seq<pegtl::one<'['>, pegtl::opt<pegtl::one<'!', '^'>>, pegtl::opt<pegtl::one<']'>>,
                 pegtl::star<pegtl::sor<char_class, pegtl::not_one<']'>>>, pegtl::one<']'>> {};
struct ob_glob : pegtl::star<pegtl::sor<ob_bracket, pegtl::not_one<':'>>> {};
struct ob_first : ob_glob {};      // provider, or the name when it is alone
struct ob_single : pegtl::eof {};  // the 1-field form ends here
struct ob_name : ob_glob {};
struct ob_instance_number : pegtl::plus<pegtl::digit> {};
struct ob_unit_number : pegtl::plus<pegtl::digit> {};
struct ob_instance : pegtl::seq<pegtl::opt<ob_instance_number>, at_field_end> {};
struct ob_unit : pegtl::seq<pegtl::opt<ob_unit_number>, at_field_end> {};
struct ob_sep : pegtl::one<':'> {};
struct ob_end : pegtl::eof {};
struct ob_rest : pegtl::must<ob_instance, ob_sep, ob_name, ob_sep, ob_unit, ob_end> {};
struct openbsd_selector
    : pegtl::seq<ob_first, pegtl::sor<ob_single, pegtl::seq<field_sep, ob_rest>>> {};

}  // namespace sel
}  // namespace kstatsql::grammar
