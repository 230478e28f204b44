// engine/text.hpp — small text helpers every floor above may use: ASCII case,
// UTF-8 decoding, line iteration, quoting untrusted text in messages.
//
// kstat names are bytes, not locale text: case folding is ASCII only and
// bytes compare as unsigned, so results never depend on the locale. UTF-8 is
// decoded strictly (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF); a byte that does not start a well-formed sequence is one
// character of its own, so every caller makes progress on any input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

namespace kstatsql::engine::text {

// ---------------------------------------------------------------------------
// ASCII case

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool ascii_is_upper(char c) noexcept {
  return c >= 'A' && c <= 'Z';
}

// strcasecmp over string views (ASCII case folding, bytes compared unsigned,
// a prefix first): <0, 0 or >0. Names equal but for case compare equal.
int ascii_casecmp(std::string_view a, std::string_view b) noexcept;

// ASCII case-insensitive equality.
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;

// ---------------------------------------------------------------------------
// UTF-8

// One decoded character: its code point, how many bytes it takes, and whether
// those bytes are well-formed UTF-8. An ill-formed byte decodes as itself
// (value = the byte, length 1, valid false).
struct CodePoint {
  char32_t value = 0;
  std::uint8_t length = 1;
  bool valid = true;
};

// Decodes the character starting at s[i]. REQUIRES: i < s.size().
CodePoint decode_utf8(std::string_view s, std::size_t i) noexcept;

// True for a UTF-8 continuation byte (10xxxxxx), which starts no character.
constexpr bool is_utf8_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// ---------------------------------------------------------------------------
// Lines

// One line of a text, without its '\n', and its 1-based number.
struct Line {
  std::string_view text;
  std::size_t number = 0;
};

// The lines of a text, for range-for. A line ends at '\n' (not part of it);
// the last line may lack one, and a text ending in '\n' has no empty line
// after it. With strip_cr, one '\r' before the end of a line is dropped too
// (CRLF files). Line::text points into the text.
class Lines {
 public:
  class iterator {
   public:
    using value_type = Line;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(std::string_view rest, bool strip_cr) noexcept : rest_(rest), strip_cr_(strip_cr) {
      next();
    }
    const Line& operator*() const noexcept { return line_; }
    const Line* operator->() const noexcept { return &line_; }
    iterator& operator++() noexcept {
      next();
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      next();
      return old;
    }
    bool operator==(std::default_sentinel_t) const noexcept { return done_; }

   private:
    void next() noexcept {
      if (rest_.empty()) {
        done_ = true;
        return;
      }
      const std::size_t nl = rest_.find('\n');
      line_.text = rest_.substr(0, nl);
      ++line_.number;
      rest_.remove_prefix(nl == std::string_view::npos ? rest_.size() : nl + 1);
      if (strip_cr_ && !line_.text.empty() && line_.text.back() == '\r')
        line_.text.remove_suffix(1);
    }
    std::string_view rest_;
    Line line_;
    bool strip_cr_ = false;
    bool done_ = false;
  };

  explicit Lines(std::string_view text, bool strip_cr = false) noexcept
      : text_(text), strip_cr_(strip_cr) {}
  iterator begin() const noexcept { return {text_, strip_cr_}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::string_view text_;
  bool strip_cr_;
};

inline Lines lines(std::string_view text, bool strip_cr = false) noexcept {
  return Lines(text, strip_cr);
}

// Calls f(line, 1-based line number) for each line of text (as lines()) until
// f returns false.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  for (const Line& l : lines(text)) {
    if (!f(l.text, l.number)) return;
  }
}

// ---------------------------------------------------------------------------
// Quoting untrusted text in messages

// The longest excerpt of one quoted item (a name, a spec, a line of a file).
inline constexpr std::size_t kExcerptBytes = 80;

// `s` as a short, printable, single-quoted excerpt for an error message:
// control bytes, DEL, C1 controls, bytes that are not UTF-8, a backslash and
// a quote are written as \xNN (\t for a tab), so no terminal escape sequence
// passes through; at most `max` bytes of `s` are shown (cut at a character),
// followed by "...' (N bytes)" when cut. An empty `s` gives ''.
std::string quote_excerpt(std::string_view s, std::size_t max = kExcerptBytes);

}  // namespace kstatsql::engine::text
