// grammar/errors.hpp — the error plumbing shared by the grammars (selector.cpp,
// kql.cpp): the caret formatter and the parse entry that turns parse_error into
// kstatsql::Error(Errc::parse).
//
// A grammar keys its messages by rule in its .cpp's unnamed namespace (PEGTL
// 3.2.7 json_errors pattern: a variable template error_message<Rule>,
// nullptr by default, specialised for the must points) and hands them to
// parse_or_throw as a class `Errors` with `message<Rule>`. A rule with a
// message raises on any local failure, so only rules that fail solely where
// the input is wrong get one; must_if's static_assert checks that every must
// point has one.
#pragma once

#include <cstddef>
#include <algorithm>
#include <string>
#include <string_view>

#include <tao/pegtl.hpp>

#include "kstatsql/error.hpp"

namespace kstatsql::grammar::errors {

// "<prefix><what>\n  <line>\n  <spaces>^" — the caret under byte `offset` of
// `line` (counted in characters: UTF-8 continuation bytes take no column;
// control bytes are shown as '?'). An offset past the end puts the caret just
// after the last character. A line longer than kCaretWindow bytes is shown as
// a window of that many bytes holding the offset (its start when the offset is
// in the first kCaretWindow bytes, else centred on it), cut at characters, with
// "..." where it was cut: an error quotes a short excerpt, never a whole input.
inline constexpr std::size_t kCaretWindow = 80;

inline std::string caret_message(std::string_view prefix, std::string_view what,
                                 std::string_view line, std::size_t offset) {
  const auto continuation = [&](std::size_t i) {
    return i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80;
  };
  std::size_t begin = 0, end = line.size();
  if (line.size() > kCaretWindow) {
    begin = offset < kCaretWindow ? 0 : std::min(offset, line.size()) - kCaretWindow / 2;
    while (continuation(begin)) --begin;
    end = std::min(line.size(), begin + kCaretWindow);
    while (end < line.size() && continuation(end)) --end;
  }
  std::string out(prefix);
  out.append(what);
  out += "\n  ";
  std::size_t column = 0;
  if (begin > 0) {
    out += "...";
    column = 3;
  }
  for (std::size_t i = begin; i < end; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
    if (i < offset && !continuation(i)) ++column;
  }
  if (end < line.size()) out += "...";
  out += "\n  ";
  out.append(column, ' ');
  out += '^';
  return out;
}

// Parses `text` (named `source` in PEGTL positions) with Rule, Action and
// Control (by default a must_if control raising Errors::message<Rule>). A
// parse_error throws Error(Errc::parse, format(message, byte offset)); so
// does a parse that fails without raising (format(fallback, 0)), which the
// grammars' must<> rules make unreachable but which must not pass silently
// if a grammar changes.
template <typename Errors>
struct must_control {
  template <typename Rule>
  using type = typename tao::pegtl::must_if<Errors>::template control<Rule>;
};

template <typename Rule, typename Errors, template <typename...> class Action,
          template <typename...> class Control = must_control<Errors>::template type,
          typename Format, typename State>
void parse_or_throw(std::string_view text, const char* source, std::string_view fallback,
                    Format&& format, State& st) {
  tao::pegtl::memory_input in(text.data(), text.size(), source);
  bool ok = false;
  try {
    ok = tao::pegtl::parse<Rule, Action, Control>(in, st);
  } catch (const tao::pegtl::parse_error& e) {
    const std::size_t offset = e.positions().empty() ? 0 : e.positions().front().byte;
    throw Error(Errc::parse, format(e.message(), offset));
  }
  if (!ok) throw Error(Errc::parse, format(fallback, 0));
}

}  // namespace kstatsql::grammar::errors
