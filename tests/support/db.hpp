// tests/support/db.hpp — an in-memory SQLite connection with kstatsql registered.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/session.hpp"

namespace kstatsql::test {

using Rows = std::vector<std::vector<std::string>>;

class Db {
 public:
  // Registers kstatsql over `source` (a fake or file source).
  explicit Db(std::shared_ptr<engine::Source> source);
  // Registers kstatsql with a source spec ('live', a path, 'procfs:DIR').
  explicit Db(const std::string& spec);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() const { return db_; }
  engine::Session& session() { return *session_; }
  // Every row as text ("NULL" for NULL). Throws std::runtime_error with
  // SQLite's message on error.
  Rows rows(const std::string& sql);
  // The single value of a one-row, one-column query.
  std::string one(const std::string& sql);
  // Runs SQL and returns SQLite's error message ("" on success).
  std::string error_of(const std::string& sql);

 private:
  sqlite3* db_ = nullptr;
  std::shared_ptr<engine::Session> session_;
};

// A small fixed machine: cpu:0..1:sys, unix:0:system_misc, two disks with a
// partition, link:0:lo, a kstat whose read fails.
std::shared_ptr<engine::Source> small_machine();

}  // namespace kstatsql::test
