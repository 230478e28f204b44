// engine/sources/dump/kstat_j_reader.cpp — the `kstat -j` JSON parser.
//
// kstat -j prints one array per interval of objects
//   {"module": "cpu", "instance": 0, "name": "sys", "class": "misc", "type": 1,
//    "snaptime": 9013.271855046, "data": {"bawrite": 0, ..., "crtime": 35.24...}}
// A small hand-written recursive-descent parser (RFC 8259 plus the deviations
// listed in docs/file-formats.md): it reads numbers digit by digit so that
// 2^64-1 and nanosecond times stay exact, decodes strings into reusable
// buffers, and reports errors as "path:line:column: expected …, found …".
#include <algorithm>
#include <charconv>
#include <limits>

#include "engine/sources/dump/dump_source.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine::file {

namespace {

constexpr int kMaxDepth = 64;  // nesting allowed inside values we skip

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

struct Number {
  std::string_view text;  // the literal as written
  bool negative = false;
  bool integral = true;  // no fraction, no exponent
  std::string_view int_digits;
};

class JsonParser {
 public:
  JsonParser(std::string_view data, const std::string& path)
      : in_(data), path_(path), sink_(reports_.sink()) {}

  std::shared_ptr<Source> run();

 private:
  // Diagnostics.
  [[noreturn]] void fail_at(std::size_t at, const std::string& what) const;
  [[noreturn]] void expected(const char* what) const {
    fail_at(p_, std::string("expected ") + what + ", found " + found());
  }
  std::string found() const;

  // Lexing.
  void ws() {
    while (p_ < in_.size() &&
           (in_[p_] == ' ' || in_[p_] == '\t' || in_[p_] == '\n' || in_[p_] == '\r'))
      ++p_;
  }
  bool at(char c) const { return p_ < in_.size() && in_[p_] == c; }
  void expect(char c, const char* what) {
    ws();
    if (!at(c)) expected(what);
    ++p_;
  }
  // After '[' or '{': true (and past it) when `close` follows at once.
  bool empty(char close) {
    ws();
    if (!at(close)) return false;
    ++p_;
    return true;
  }
  // After a member: true past a ',' (another member follows), false past
  // `close`; anything else is an error `what`.
  bool next_member(char close, const char* what) {
    ws();
    if (at(',')) {
      ++p_;
      return true;
    }
    if (!at(close)) expected(what);
    ++p_;
    return false;
  }
  std::string_view string(std::string& buf);
  void escape(std::string& buf);
  void unicode_escape(std::string& buf);
  std::uint32_t hex4();
  Number number();
  void skip_value(int depth);

  // Structure.
  struct ObjectHeader;  // what the keys of one kstat object said
  void array();
  void object();
  void member(ObjectHeader& h);
  void finish_object(const ObjectHeader& h, std::size_t start);
  void data();
  void stat_value(std::string_view stat);
  std::int64_t header_integer(const char* key, std::int64_t lo, std::int64_t hi);
  std::int64_t seconds(const Number& n, std::string_view what, std::size_t at);

  std::string_view in_;
  std::size_t p_ = 0;
  const std::string& path_;
  Reports reports_;
  KstatSink& sink_;
  std::size_t arrays_ = 0;
  // Reused buffers for decoded strings (no allocation per string once grown).
  std::string key_buf_, stat_buf_, val_buf_;
  std::string module_, name_, class_;
  // Pseudo-statistics found in the current object's "data".
  std::optional<std::int64_t> data_crtime_, data_snaptime_;
  std::optional<std::string> data_class_;
};

void JsonParser::fail_at(std::size_t at, const std::string& what) const {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < at && i < in_.size(); ++i) {
    if (in_[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  throw Error(Errc::parse,
              path_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
}

std::string JsonParser::found() const {
  if (p_ >= in_.size()) return "end of file";
  std::string_view rest = in_.substr(p_, 24);
  std::size_t nl = rest.find_first_of("\r\n");
  return excerpt(rest.substr(0, nl == 0 ? 1 : nl), 16);
}

std::shared_ptr<Source> JsonParser::run() {
  p_ = in_.size() - without_bom(in_).size();
  for (;;) {
    ws();
    if (p_ >= in_.size()) break;
    if (at('#')) {  // a comment line between arrays
      while (p_ < in_.size() && in_[p_] != '\n') ++p_;
      continue;
    }
    if (!at('[')) {
      // `kstat -j -T u|d` prints a time line before each array.
      std::size_t eol = std::min(in_.find('\n', p_), in_.size());
      if (auto t = parse_time_line(in_.substr(p_, eol - p_))) {
        reports_.time_line(*t);
        p_ = eol;
        continue;
      }
      expected("'[' (a kstat -j array)");
    }
    array();
  }
  if (arrays_ == 0) fail_at(p_, "expected '[' (a kstat -j array), found end of file");
  return reports_.finish(path_ + " (kstat -j JSON)", path_, "kstat -j JSON");
}

// One interval: kstat -j prints one array per report, each a generation.
void JsonParser::array() {
  ++arrays_;
  reports_.next();
  ++p_;  // '['
  if (empty(']')) return;
  do {
    object();
  } while (next_member(']', "',' or ']' after a kstat object"));
}

struct JsonParser::ObjectHeader {
  bool has_module = false, has_instance = false, has_name = false, has_class = false;
  std::int64_t instance = 0;
  std::optional<KstatType> type;
  std::optional<std::int64_t> snaptime, crtime;
  std::size_t data_at = std::string_view::npos;  // "data" seen before the identity
  bool data_done = false;                        // "data" parsed in place
};

void JsonParser::object() {
  ws();
  std::size_t start = p_;
  if (!at('{')) expected("'{' (a kstat object)");
  ++p_;
  ObjectHeader h;
  data_crtime_.reset();
  data_snaptime_.reset();
  data_class_.reset();
  if (!empty('}')) {
    do {
      ws();
      if (!at('"')) expected("'\"' (a key of the kstat object)");
      member(h);
    } while (next_member('}', "',' or '}' in a kstat object"));
  }
  finish_object(h, start);
}

// One "key": value of a kstat object, at the key.
void JsonParser::member(ObjectHeader& h) {
  std::size_t key_at = p_;
  std::string_view key = string(key_buf_);
  auto once = [&](bool& has) {
    if (has) fail_at(key_at, "duplicate key \"" + std::string(key) + "\" in kstat object");
    has = true;
  };
  expect(':', "':' after an object key");
  ws();
  if (key == "module") {
    once(h.has_module);
    if (!at('"')) expected("a string for \"module\"");
    module_.assign(string(val_buf_));
  } else if (key == "name") {
    once(h.has_name);
    if (!at('"')) expected("a string for \"name\"");
    name_.assign(string(val_buf_));
  } else if (key == "class") {
    once(h.has_class);
    if (!at('"')) expected("a string for \"class\"");
    class_.assign(string(val_buf_));
  } else if (key == "instance") {
    once(h.has_instance);
    h.instance = header_integer("instance", 0, std::numeric_limits<std::int64_t>::max());
  } else if (key == "type") {
    h.type = static_cast<KstatType>(header_integer("type", 0, 4));
  } else if (key == "snaptime" || key == "crtime") {
    std::size_t at_num = p_;
    Number n = number();
    (key == "snaptime" ? h.snaptime : h.crtime) = seconds(n, key, at_num);
  } else if (key == "data") {
    if (h.data_at != std::string_view::npos || h.data_done)
      fail_at(key_at, "duplicate key \"data\" in kstat object");
    if (!at('{')) expected("'{' (the \"data\" object)");
    if (h.has_module && h.has_instance && h.has_name) {
      sink_.select(module_, h.instance, name_);
      data();
      h.data_done = true;
    } else {
      h.data_at = p_;  // identity comes later: parse data after the object
      skip_value(0);
    }
  } else {
    skip_value(0);  // unknown keys are ignored
  }
}

// After the object's '}': checks its identity, parses a "data" that came
// before it, and applies the header.
void JsonParser::finish_object(const ObjectHeader& h, std::size_t start) {
  const char* missing = !h.has_module     ? "module"
                        : !h.has_instance ? "instance"
                        : !h.has_name     ? "name"
                                          : nullptr;
  if (missing) fail_at(start, std::string("kstat object without \"") + missing + "\"");
  sink_.select(module_, h.instance, name_);
  if (h.data_at != std::string_view::npos) {
    std::size_t resume = p_;
    p_ = h.data_at;
    data();
    p_ = resume;
  }
  sink_.declare_type(h.type);
  KstatSink& b = sink_;
  if (data_class_) {
    b.set_class(*data_class_);
  } else if (h.has_class) {
    b.set_class(class_);
  }
  // data.snaptime is taken after the read; the header's may be stale.
  if (data_snaptime_ || h.snaptime) b.set_snaptime(data_snaptime_ ? *data_snaptime_ : *h.snaptime);
  if (data_crtime_ || h.crtime) b.set_crtime(data_crtime_ ? *data_crtime_ : *h.crtime);
}

std::int64_t JsonParser::header_integer(const char* key, std::int64_t lo, std::int64_t hi) {
  std::size_t at_num = p_;
  if (!(at('-') || (p_ < in_.size() && is_digit(in_[p_])))) {
    expected((std::string("an integer for \"") + key + "\"").c_str());
  }
  Number n = number();
  auto u = parse_u64(n.int_digits);
  if (!n.integral || !u || (n.negative && *u != 0) || *u > static_cast<std::uint64_t>(hi) ||
      static_cast<std::int64_t>(*u) < lo) {
    fail_at(at_num, std::string("expected \"") + key + "\" between " + std::to_string(lo) +
                        " and " + std::to_string(hi) + ", found " + std::string(n.text));
  }
  return static_cast<std::int64_t>(*u);
}

std::int64_t JsonParser::seconds(const Number& n, std::string_view what, std::size_t at_num) {
  auto ns = n.negative ? std::nullopt : parse_seconds_ns(n.text);
  if (!ns) {
    fail_at(at_num, "expected " + std::string(what) +
                        " as seconds with at most 9 decimals (35.240997153), found " +
                        std::string(n.text));
  }
  return hrtime_printing_as(*ns, n.text);
}

void JsonParser::data() {
  ++p_;  // '{'
  if (empty('}')) return;
  do {
    ws();
    if (!at('"')) expected("'\"' (a statistic name)");
    std::string_view stat = string(stat_buf_);
    expect(':', "':' after a statistic name");
    ws();
    stat_value(stat);
  } while (next_member('}', "',' or '}' in \"data\""));
}

void JsonParser::stat_value(std::string_view stat) {
  if (p_ >= in_.size()) expected("a value");
  char c = in_[p_];
  // The pseudo-statistics fill the header, so they must have the header's
  // types; anything else would become a `named` row kstat(8) never prints.
  bool time_pseudo = stat == "crtime" || stat == "snaptime";
  if (time_pseudo && !(c == '-' || is_digit(c))) {
    expected(("a number (seconds) for \"data\".\"" + std::string(stat) + "\"").c_str());
  }
  if (stat == "class" && c != '"') expected("a string for \"data\".\"class\"");
  if (c == '"') {
    std::string_view v = string(val_buf_);
    if (stat == "class") {
      data_class_.emplace(v);
    } else {
      sink_.add_string(stat, v);  // strings stay strings, even "123"
    }
    return;
  }
  if (c == '-' || is_digit(c)) {
    std::size_t at_num = p_;
    Number n = number();
    if (stat == "crtime" || stat == "snaptime") {
      (stat == "crtime" ? data_crtime_ : data_snaptime_) = seconds(n, stat, at_num);
      return;
    }
    if (!n.integral) {
      double d = 0;
      auto r = std::from_chars(n.text.data(), n.text.data() + n.text.size(), d);
      if (r.ec != std::errc())
        fail_at(at_num, "number " + std::string(n.text) + " is out of range");
      sink_.add_double(stat, d);
      return;
    }
    auto u = parse_u64(n.int_digits);
    if (!n.negative) {
      if (!u)
        fail_at(at_num, "value " + std::string(n.text) + " of \"" + std::string(stat) +
                            "\" does not fit uint64");
      sink_.add_uint(stat, *u);
      return;
    }
    constexpr std::uint64_t kMinMagnitude = 9223372036854775808ull;
    if (!u || *u > kMinMagnitude) {
      fail_at(at_num, "value " + std::string(n.text) + " of \"" + std::string(stat) +
                          "\" does not fit int64");
    }
    sink_.add_int(stat, *u == kMinMagnitude ? std::numeric_limits<std::int64_t>::min()
                                            : -static_cast<std::int64_t>(*u));
    return;
  }
  if (in_.substr(p_, 4) == "true" || in_.substr(p_, 5) == "false") {
    bool v = in_[p_] == 't';
    p_ += v ? 4 : 5;
    sink_.add_bool(stat, v);
    return;
  }
  if (in_.substr(p_, 4) == "null") {
    p_ += 4;
    sink_.add_null(stat);
    return;
  }
  expected(
      ("a number or a string for statistic '" + std::string(stat.substr(0, 64)) + "'").c_str());
}

// A JSON string starting at '"'. Returns a view of the input when it holds no
// escape, otherwise of `buf`, which receives the decoded bytes.
std::string_view JsonParser::string(std::string& buf) {
  std::size_t start = ++p_;
  while (p_ < in_.size()) {
    auto c = static_cast<unsigned char>(in_[p_]);
    if (c == '"') return in_.substr(start, p_++ - start);
    if (c == '\\') break;
    if (c < 0x20) expected("a character or '\"' in a string (control characters must be escaped)");
    ++p_;
  }
  buf.assign(in_.substr(start, p_ - start));
  while (p_ < in_.size()) {
    auto c = static_cast<unsigned char>(in_[p_]);
    if (c == '"') {
      ++p_;
      return buf;
    }
    if (c < 0x20) expected("a character or '\"' in a string (control characters must be escaped)");
    if (c == '\\') {
      escape(buf);
    } else {
      buf += static_cast<char>(c);
      ++p_;
    }
  }
  fail_at(start - 1, "unterminated string");
}

// The byte a one-character escape \e stands for, or '\0' when e is none.
char simple_escape(char e) {
  switch (e) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case '?':
      return '?';  // kstat(8) escapes '?' although JSON has no such escape
    default:
      return '\0';
  }
}

void append_utf8(std::string& buf, std::uint32_t cp) {
  if (cp < 0x80) {
    buf += static_cast<char>(cp);
  } else if (cp < 0x800) {
    buf += static_cast<char>(0xC0 | (cp >> 6));
    buf += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    buf += static_cast<char>(0xE0 | (cp >> 12));
    buf += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    buf += static_cast<char>(0xF0 | (cp >> 18));
    buf += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void JsonParser::escape(std::string& buf) {
  ++p_;  // '\'
  if (p_ >= in_.size()) expected("an escape character");
  char e = in_[p_++];
  if (e == 'u') {
    unicode_escape(buf);
    return;
  }
  const char c = simple_escape(e);
  if (c == '\0') {
    --p_;
    expected("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX after '\\'");
  }
  buf += c;
}

std::uint32_t JsonParser::hex4() {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    char h = p_ < in_.size() ? in_[p_] : '\0';
    std::uint32_t d;
    if (is_digit(h))
      d = static_cast<std::uint32_t>(h - '0');
    else if (h >= 'a' && h <= 'f')
      d = static_cast<std::uint32_t>(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F')
      d = static_cast<std::uint32_t>(h - 'A' + 10);
    else
      expected("4 hex digits after \\u");
    v = v * 16 + d;
    ++p_;
  }
  return v;
}

// \uXXXX, just past the 'u'; a surrogate pair is one character.
void JsonParser::unicode_escape(std::string& buf) {
  std::size_t esc_at = p_ - 2;
  std::uint32_t cp = hex4();
  if (cp >= 0xDC00 && cp <= 0xDFFF) fail_at(esc_at, "unpaired low surrogate in \\u escape");
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (in_.substr(p_, 2) != "\\u")
      fail_at(esc_at, "unpaired high surrogate in \\u escape (expected \\uDC00-\\uDFFF next)");
    p_ += 2;
    std::uint32_t lo = hex4();
    if (lo < 0xDC00 || lo > 0xDFFF)
      fail_at(esc_at, "unpaired high surrogate in \\u escape (expected \\uDC00-\\uDFFF next)");
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  append_utf8(buf, cp);
}

// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
Number JsonParser::number() {
  Number n;
  std::size_t start = p_;
  if (at('-')) {
    n.negative = true;
    ++p_;
  }
  std::size_t d0 = p_;
  if (at('0')) {
    ++p_;
  } else if (p_ < in_.size() && is_digit(in_[p_])) {
    while (p_ < in_.size() && is_digit(in_[p_])) ++p_;
  } else {
    expected("a number");
  }
  n.int_digits = in_.substr(d0, p_ - d0);
  if (at('.')) {
    ++p_;
    n.integral = false;
    if (!(p_ < in_.size() && is_digit(in_[p_]))) expected("a digit after '.'");
    while (p_ < in_.size() && is_digit(in_[p_])) ++p_;
  }
  if (at('e') || at('E')) {
    ++p_;
    n.integral = false;
    if (at('+') || at('-')) ++p_;
    if (!(p_ < in_.size() && is_digit(in_[p_]))) expected("a digit in the exponent");
    while (p_ < in_.size() && is_digit(in_[p_])) ++p_;
  }
  n.text = in_.substr(start, p_ - start);
  return n;
}

void JsonParser::skip_value(int depth) {
  if (depth > kMaxDepth) fail_at(p_, "JSON nested too deeply");
  ws();
  if (p_ >= in_.size()) expected("a value");
  char c = in_[p_];
  if (c == '"') {
    string(val_buf_);
  } else if (c == '-' || is_digit(c)) {
    number();
  } else if (in_.substr(p_, 4) == "true" || in_.substr(p_, 4) == "null") {
    p_ += 4;
  } else if (in_.substr(p_, 5) == "false") {
    p_ += 5;
  } else if (c == '[' || c == '{') {
    char close = c == '[' ? ']' : '}';
    ++p_;
    ws();
    if (at(close)) {
      ++p_;
      return;
    }
    for (;;) {
      if (c == '{') {
        ws();
        if (!at('"')) expected("'\"' (an object key)");
        string(key_buf_);
        expect(':', "':' after an object key");
      }
      skip_value(depth + 1);
      ws();
      if (at(',')) {
        ++p_;
        continue;
      }
      if (at(close)) {
        ++p_;
        return;
      }
      expected(c == '[' ? "',' or ']'" : "',' or '}'");
    }
  } else {
    expected("a value");
  }
}

}  // namespace

std::shared_ptr<Source> parse_kstat_json(std::string_view data, const std::string& path) {
  JsonParser p(data, path);
  return p.run();
}

}  // namespace kstatsql::engine::file
