// kstatsql/error.hpp — the one exception type used inside kstatsql.
//
// Inside C++ (grammar, engine, shell) failures are exceptions of type Error.
// They never cross into SQLite: every SQLite callback is a noexcept trampoline
// that converts an Error into a result code and message (see vtab/guard.hpp).
// Per-kstat failures (a kstat that vanished, EAGAIN, EOVERFLOW) are data, not
// exceptions: the snapshot keeps them in KstatData::error.
//
// Every message is bounded and printable (bounded_message): at most
// kMaxMessageBytes, control bytes written as \xNN. So an error can never
// carry a terminal escape sequence, a megabyte of input or a whole file to a
// terminal or an application's log; the sites that quote input quote a short
// excerpt on top of that (engine/text.hpp, quote_excerpt).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kstatsql {

enum class Errc {
  parse,        // malformed input: dump, selector, KQL, option value
  io,           // open/read/mmap failed; the message carries the errno text
  unsupported,  // valid request this build or source cannot serve
  constraint,   // write to a read-only table, bad argument to a SQL function
  internal,     // a broken invariant; always a bug
};

inline constexpr std::size_t kMaxMessageBytes = 1024;

namespace detail {

// Bytes in the well-formed UTF-8 character at s[i] (2 to 4), or 0 when s[i]
// starts none or starts a C1 control (U+0080..U+009F), which terminals obey.
inline std::size_t printable_utf8(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = byte(0);
  const std::size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                        : c >= 0xE0 && c <= 0xEF ? 3
                        : c >= 0xF0 && c <= 0xF4 ? 4
                                                 : 0;
  if (n == 0 || n > s.size() - i) return 0;
  char32_t cp = c & (0x7Fu >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(k) & 0x3Fu);
  }
  const bool bad = (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                   (cp >= 0xD800 && cp <= 0xDFFF) || cp <= 0x9F;
  return bad ? 0 : n;
}

}  // namespace detail

// `s` with every byte that is not printable text as \xNN: bytes below 0x20
// (but newline and tab), DEL, C1 controls and bytes that are not UTF-8.
// With `quoted` (an excerpt inside '...'), a tab is \t, a newline \x0a and a
// backslash or quote is escaped too, so the excerpt reads back unambiguously.
inline std::string printable_text(std::string_view s, bool quoted = false) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (std::size_t n = detail::printable_utf8(s, i); n > 0) {
        out.append(s.substr(i, n));
        i += n;
        continue;
      }
    }
    ++i;
    if (quoted && (c == '\\' || c == '\'')) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (quoted && c == '\t') {
      out += "\\t";
    } else if ((c >= 0x20 && c < 0x7f) || (!quoted && (c == '\n' || c == '\t'))) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// printable_text(msg), cut at a character to at most max bytes (with a note
// saying how long it was). Applying it twice changes nothing.
inline std::string bounded_message(std::string_view msg, std::size_t max = kMaxMessageBytes) {
  std::string out = printable_text(msg);
  if (out.size() <= max) return out;
  const std::string note = " ... (message cut, " + std::to_string(out.size()) + " bytes)";
  std::size_t keep = max > note.size() ? max - note.size() : 0;
  while (keep > 0 && (static_cast<unsigned char>(out[keep]) & 0xC0) == 0x80) --keep;
  out.resize(keep);
  out += note;
  return out.size() <= max ? out : out.substr(0, max);
}

class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message)
      : std::runtime_error(bounded_message(message)), code_(code) {}
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

// "context: strerror(err)" as an Errc::io error (LevelDB's PosixError).
[[noreturn]] void throw_errno(const std::string& context, int err);

}  // namespace kstatsql
