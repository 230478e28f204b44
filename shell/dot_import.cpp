// shell/dot_import.cpp — `.import ?--csv? ?--skip N? FILE TABLE`: CSV rows
// into a table, as sqlite3's .import does in csv mode.
//
// FILE is RFC 4180 CSV: fields separated by ',', records by LF or CRLF,
// a field in double quotes may hold ',', newlines and "" (one quote). When
// TABLE does not exist, the first record names its columns (all TEXT);
// otherwise every record is a row. A record with too few fields is filled
// with NULLs and one with too many loses the extra ones, each with a warning
// naming FILE:LINE, as sqlite3 does; an unterminated quoted field is an
// error naming the line where it starts. All rows go in one transaction.
#include <sqlite3.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/posix_error.hpp"
#include "kstatsql/error.hpp"
#include "shell/dot_commands.hpp"
#include "shell/options.hpp"
#include "shell/repl.hpp"

namespace kstatsql::shell {

namespace {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // where the record starts (from 1)
};

// Splits CSV text into records; throws Error naming `path` and the line of
// an unterminated quoted field.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& path) {
  std::vector<CsvRecord> out;
  std::size_t line = 1, i = 0;
  while (i < text.size()) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    for (;;) {
      if (i < text.size() && text[i] == '"') {
        const std::size_t start_line = line;
        ++i;
        for (;;) {
          if (i >= text.size()) {
            throw Error(Errc::parse,
                        fmt::format("{}:{}: unterminated \"-quoted field", path, start_line));
          }
          if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
          } else if (text[i] == '"') {
            ++i;
            break;
          } else {
            line += text[i] == '\n';
            field += text[i++];
          }
        }
      }
      while (i < text.size() && text[i] != ',' && text[i] != '\n') field += text[i++];
      if (!field.empty() && field.back() == '\r' && (i >= text.size() || text[i] == '\n')) {
        field.pop_back();
      }
      rec.fields.push_back(std::move(field));
      field.clear();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    if (i < text.size()) {
      ++i;  // the '\n'
      ++line;
    }
    out.push_back(std::move(rec));
  }
  return out;
}

bool table_exists(sqlite3* db, const std::string& table) {
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1)", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  const bool found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return found;
}

std::string quote_name(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    throw Error(Errc::constraint, msg);
  }
}

// Inserts `records` (from `first` on) into `table` with `ncol` columns.
void insert_records(Shell& s, const std::string& table, std::size_t ncol,
                    const std::vector<CsvRecord>& records, std::size_t first,
                    const std::string& path) {
  std::string sql = "INSERT INTO " + quote_name(table) + " VALUES(";
  for (std::size_t c = 0; c < ncol; ++c) sql += c ? ",?" : "?";
  sql += ")";
  sqlite3* db = s.db();
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    throw Error(Errc::constraint, sqlite3_errmsg(db));
  }
  exec(db, "SAVEPOINT kstatsql_import");
  for (std::size_t r = first; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    if (rec.fields.size() != ncol) {
      s.warn(fmt::format(
          "{}:{}: expected {} columns but found {} - {}", path, rec.line, ncol, rec.fields.size(),
          rec.fields.size() < ncol ? "filling the rest with NULL" : "extras ignored"));
    }
    for (std::size_t c = 0; c < ncol; ++c) {
      if (c < rec.fields.size()) {
        const std::string& f = rec.fields[c];
        sqlite3_bind_text(st, static_cast<int>(c + 1), f.data(), static_cast<int>(f.size()),
                          SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(st, static_cast<int>(c + 1));
      }
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
      std::string msg = fmt::format("{}:{}: {}", path, rec.line, sqlite3_errmsg(db));
      sqlite3_finalize(st);
      exec(db, "ROLLBACK TO kstatsql_import; RELEASE kstatsql_import");
      throw Error(Errc::constraint, msg);
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  exec(db, "RELEASE kstatsql_import");
}

}  // namespace

bool DotData::import(Shell& s, const DotArgs& a) {
  std::vector<std::string> pos;
  long long skip = 0;
  for (std::size_t i = 1; i < a.count(); ++i) {
    const std::string& w = a.arg(i);
    if (w == "--csv") continue;  // CSV is the only format read
    if (w == "--skip" && i + 1 < a.count()) {
      std::string error;
      auto n = parse_integer_option(".import --skip", a.arg(++i), 0, kMaxCount, error);
      if (!n) throw Error(Errc::parse, error);
      skip = *n;
    } else if (w.size() > 1 && w[0] == '-') {
      throw Error(Errc::parse, fmt::format("unknown option {} (use --csv, --skip N)", w));
    } else {
      pos.push_back(w);
    }
  }
  if (pos.size() != 2) throw Error(Errc::parse, "usage: .import ?--csv? ?--skip N? FILE TABLE");
  const std::string& path = pos[0];
  const std::string& table = pos[1];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw Error(Errc::io, engine::errno_message(fmt::format("cannot open \"{}\"", path), err));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<CsvRecord> records = parse_csv(ss.str(), path);
  std::size_t first = std::min(records.size(), static_cast<std::size_t>(skip));
  std::size_t ncol = 0;
  if (!table_exists(s.db(), table)) {
    if (first >= records.size()) {
      throw Error(Errc::parse,
                  fmt::format("{}: no header row to name the columns of {}", path, table));
    }
    std::string create = "CREATE TABLE " + quote_name(table) + "(";
    const auto& head = records[first].fields;
    for (std::size_t c = 0; c < head.size(); ++c) {
      create += fmt::format("{}{} TEXT", c ? "," : "", quote_name(head[c]));
    }
    exec(s.db(), create + ")");
    ncol = head.size();
    ++first;
  } else {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(s.db(), ("SELECT * FROM " + quote_name(table)).c_str(), -1, &st, nullptr);
    ncol = static_cast<std::size_t>(st ? sqlite3_column_count(st) : 0);
    sqlite3_finalize(st);
  }
  insert_records(s, table, ncol, records, first, path);
  return true;
}

}  // namespace kstatsql::shell
