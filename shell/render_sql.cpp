// shell/render_sql.cpp — the output modes sqlite3 defines for feeding other
// programs (html, insert) and the EXPLAIN QUERY PLAN tree (shell/render.hpp).
#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "shell/render.hpp"

namespace kstatsql::shell {

namespace {

void append_html(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

// 'text' with ' doubled; newlines and carriage returns written as sqlite3's
// insert mode writes them: replace('a\nb','\n',char(10)), with a marker
// that does not occur in the text.
void append_sql_string(std::string& out, std::string_view s) {
  auto marker = [&](std::string_view first, std::string_view second) {
    if (s.find(first) == std::string_view::npos) return std::string(first);
    if (s.find(second) == std::string_view::npos) return std::string(second);
    for (int i = 0;; ++i) {
      std::string m = fmt::format("({}{})", first, i);
      if (s.find(m) == std::string_view::npos) return m;
    }
  };
  const bool nl = s.find('\n') != std::string_view::npos;
  const bool cr = s.find('\r') != std::string_view::npos;
  const std::string znl = nl ? marker("\\n", "\\012") : "";
  const std::string zcr = cr ? marker("\\r", "\\015") : "";
  if (nl) out += "replace(";
  if (cr) out += "replace(";
  out += '\'';
  for (char c : s) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\n') {
      out += znl;
    } else if (c == '\r') {
      out += zcr;
    } else {
      out += c;
    }
  }
  out += '\'';
  if (cr) out += fmt::format(",'{}',char(13))", zcr);
  if (nl) out += fmt::format(",'{}',char(10))", znl);
}

bool needs_quotes(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return true;
  for (char c : name) {
    if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
      return true;
  }
  return sqlite3_keyword_check(name.data(), static_cast<int>(name.size())) != 0;
}

void append_name(std::string& out, std::string_view name) {
  if (!needs_quotes(name)) {
    out += name;
    return;
  }
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A REAL as sqlite3's insert mode writes it: exact integers as N.0,
// infinities as ±1e999, others with 20 significant digits.
void append_real(std::string& out, double r) {
  if (std::isinf(r)) {
    out += r > 0 ? "1e999" : "-1e999";
  } else if (r == std::trunc(r) && std::fabs(r) < 9.2e18) {
    out += fmt::format("{}.0", static_cast<std::int64_t>(r));
  } else {
    char buf[64];
    sqlite3_snprintf(sizeof buf, buf, "%!.20g", r);
    out += buf;
  }
}

}  // namespace

void Renderer::row_html(std::span<const Cell> cells, bool header) {
  const char* tag = header ? "TH" : "TD";
  out_ += "<TR>";
  for (const Cell& c : cells) {
    out_ += fmt::format("<{}>", tag);
    append_html(out_,
                c.type == SQLITE_NULL ? std::string_view(o_.null_value) : std::string_view(c.text));
    out_ += fmt::format("</{}>\n", tag);
  }
  out_ += "</TR>\n";
}

void Renderer::row_insert(std::span<const Cell> cells) {
  out_ += "INSERT INTO ";
  append_name(out_, o_.insert_table);
  if (o_.headers) {
    out_ += '(';
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (i) out_ += ',';
      append_name(out_, names_[i]);
    }
    out_ += ')';
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out_ += i ? "," : " VALUES(";
    const Cell& c = cells[i];
    switch (c.type) {
      case SQLITE_NULL:
        out_ += "NULL";
        break;
      case SQLITE_INTEGER:
        out_ += c.text;
        break;
      case SQLITE_FLOAT:
        append_real(out_, c.real);
        break;
      case SQLITE_BLOB:
        out_ += "X'";
        for (unsigned char b : c.text) out_ += fmt::format("{:02x}", b);
        out_ += '\'';
        break;
      default:
        append_sql_string(out_, c.text);
    }
  }
  out_ += ");\n";
}

std::string render_query_plan(std::span<const PlanRow> rows) {
  std::string out = "QUERY PLAN\n";
  // Children of `parent` in row order, each drawn with the prefix of its depth.
  std::function<void(int, const std::string&)> draw = [&](int parent, const std::string& prefix) {
    std::vector<const PlanRow*> kids;
    for (const PlanRow& r : rows) {
      if (r.parent == parent && r.id > parent) kids.push_back(&r);  // ids grow: no cycle
    }
    for (std::size_t k = 0; k < kids.size(); ++k) {
      const bool last = k + 1 == kids.size();
      out += prefix + (last ? "`--" : "|--") + kids[k]->detail + "\n";
      draw(kids[k]->id, prefix + (last ? "   " : "|  "));
    }
  };
  draw(0, "");
  return out;
}

}  // namespace kstatsql::shell
