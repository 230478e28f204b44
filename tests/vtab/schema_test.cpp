// The one schema (vtab/schema.hpp) against what a connection declares, and
// the public header's documentation against the schema and the function
// registry (vtab/functions.hpp).
#include <catch2/catch.hpp>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "engine/static_source.hpp"
#include "support/db.hpp"
#include "vtab/functions.hpp"
#include "vtab/schema.hpp"

using kstatsql::test::Db;

namespace {

// The top comment of include/kstatsql/kstatsql.h, with line breaks and the
// comment's leading "**" turned into single blanks.
std::string header_doc() {
  std::ifstream in(KSTATSQL_PUBLIC_HEADER);
  REQUIRE(in);
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  const std::size_t end = text.find("*/");
  REQUIRE(end != std::string::npos);
  std::string doc;
  std::istringstream words(text.substr(0, end));
  for (std::string w; words >> w;) {
    if (w != "**" && w != "/*") doc += " " + w;
  }
  return doc + " ";
}

// Whether `doc` holds `name` as a whole word (not as part of a longer name).
bool names(const std::string& doc, const std::string& name) {
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t at = doc.find(name); at != std::string::npos; at = doc.find(name, at + 1)) {
    if (!word(doc[at - 1]) && !word(doc[at + name.size()])) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("kstatsql.h names every table of the schema and every SQL function", "[vtab][schema]") {
  const std::string doc = header_doc();
  for (const kstatsql::vtab::TableSpec& t : kstatsql::vtab::tables()) {
    INFO("table " << t.name);
    CHECK(names(doc, t.name));
  }
  for (const kstatsql::vtab::SqlFunction& f : kstatsql::vtab::sql_functions()) {
    INFO("function " << f.name);
    CHECK(names(doc, std::string(f.name) + "()"));
  }
}

TEST_CASE("every schema table is declared on a connection as the schema says", "[vtab][schema]") {
  Db db(kstatsql::test::small_machine());
  for (const kstatsql::vtab::TableSpec& t : kstatsql::vtab::tables()) {
    INFO("table " << t.name);
    std::string want, got;
    std::set<std::string> seen;
    for (int i = 0; i < t.declared_columns(); ++i) {
      const kstatsql::vtab::Column& c = t.column(i);
      INFO("column " << c.name);
      CHECK(seen.insert(c.name).second);  // no column twice
      CHECK(std::set<std::string>{"INTEGER", "TEXT", "REAL", "BLOB", "ANY"}.count(c.type) == 1);
      CHECK((c.doc != nullptr && (c.hidden || *c.doc != '\0')));
      want += std::string(want.empty() ? "" : ",") + c.name + " " + c.declared_type();
    }
    for (const auto& row : db.rows(
             std::string("SELECT name, type, hidden FROM pragma_table_xinfo('") + t.name + "')")) {
      got += (got.empty() ? "" : ",") + row[0] + " " + row[1] + (row[2] == "1" ? " HIDDEN" : "");
    }
    CHECK(got == want);
    CHECK(kstatsql::vtab::find_table(t.name) == &t);
  }
  CHECK(kstatsql::vtab::find_table("no_such_table") == nullptr);
}

TEST_CASE("kstat_columns is the schema, units included", "[vtab][schema]") {
  Db db(kstatsql::test::small_machine());
  CHECK(db.one("SELECT count(DISTINCT table_name) FROM kstat_columns") ==
        std::to_string(kstatsql::vtab::tables().size()));
  CHECK(
      db.one("SELECT unit FROM kstat_columns WHERE table_name = 'io' AND column_name = 'nread'") ==
      "bytes");
  CHECK(db.one("SELECT unit FROM kstat_columns WHERE table_name = 'named' AND column_name = "
               "'snaptime'") == "ns");
  CHECK(db.one("SELECT count(*) FROM kstat_columns WHERE table_name = 'kstat_columns'") == "8");
}
