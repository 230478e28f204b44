// engine/pattern.hpp — one field of a kstat(8) selector, compiled: any,
// a literal, a shell glob or a POSIX ERE. Selector (selector.hpp) holds four.
//
// Matching never allocates and never throws; compiling allocates and throws
// kstatsql::Error(Errc::parse). A Pattern is immutable once built; copies
// share the compiled regex_t (see selector.hpp on thread-safety).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kstatsql::engine {

class Selector;

// Shell glob match over whole strings (POSIX fnmatch without FNM_PATHNAME or
// FNM_PERIOD). `escapes`: a backslash quotes the next character.
// `leading_dir`: also match when the pattern matches a prefix of `text` that
// is followed by '/' (FNM_LEADING_DIR). A '[' without a closing ']' is an
// ordinary character; an unknown [:class:] matches nothing. Bytes compare as
// unsigned, classes are ASCII. Never allocates.
bool glob_match(std::string_view pattern, std::string_view text, bool escapes = true,
                bool leading_dir = false) noexcept;

namespace detail {
class Regex;  // RAII regex_t; defined in pattern.cpp

// Compiles an ERE body (REG_EXTENDED|REG_NOSUB); on failure returns null and
// sets `error` (a NUL byte, an RE too costly to compile, or the regerror text).
std::shared_ptr<const Regex> compile_regex(std::string_view body, std::string& error);
}  // namespace detail

// One compiled field pattern.
class Pattern {
 public:
  enum class Kind : std::uint8_t { any, literal, glob, regex };

  Pattern() = default;  // matches everything

  // kstat(8) pattern text: "/ERE/" (starts and ends with '/', length >= 2) or
  // a glob; "" and "*" match everything. Throws Error(parse) for a bad ERE,
  // with the regerror(3) text. Used for -c class and -m/-i/-n/-s values.
  static Pattern compile(std::string_view text);
  static Pattern glob(std::string_view text, bool escapes = true, bool leading_dir = false);
  // Throws Error(parse) "selector: bad regular expression: <regerror text> (in /body/)",
  // also for a NUL byte or an RE too costly to compile (see docs/selectors.md).
  static Pattern regex(std::string_view body);

  bool matches(std::string_view s) const noexcept;
  Kind kind() const noexcept { return kind_; }
  // The glob text or RE body ("" for any).
  const std::string& text() const noexcept { return text_; }
  // The exact string every match equals: a glob with none of `*?[\`.
  std::optional<std::string_view> literal() const noexcept;
  // As written in a selector: "*", the glob, or "/body/".
  std::string to_string() const;

 private:
  static Pattern from_regex(std::string_view body, std::shared_ptr<const detail::Regex> re);
  friend class Selector;

  Kind kind_ = Kind::any;
  bool escapes_ = true;
  bool leading_dir_ = false;
  std::string text_;
  std::shared_ptr<const detail::Regex> re_;
};

}  // namespace kstatsql::engine
