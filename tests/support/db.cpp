#include "engine/sources/open_source.hpp"
#include "support/db.hpp"

#include <cerrno>
#include <stdexcept>

#include "engine/static_source.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::test {

Db::Db(std::shared_ptr<engine::Source> source) {
  if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("sqlite3_open");
  session_ = std::make_shared<engine::Session>(std::move(source), "test", engine::open_source);
  if (vtab::register_all(db_, session_) != SQLITE_OK) throw std::runtime_error("register_all");
}

Db::Db(const std::string& spec) {
  if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("sqlite3_open");
  session_ = std::make_shared<engine::Session>(spec, engine::open_source);
  if (vtab::register_all(db_, session_) != SQLITE_OK) throw std::runtime_error("register_all");
}

Db::~Db() {
  sqlite3_close(db_);
}

Rows Db::rows(const std::string& sql) {
  Rows out;
  const char* tail = sql.c_str();
  while (tail && *tail) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, tail, -1, &st, &tail) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    if (!st) continue;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char* t = sqlite3_column_text(st, i);
        row.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      out.push_back(std::move(row));
    }
    std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    if (!err.empty()) throw std::runtime_error(err);
  }
  return out;
}

std::string Db::one(const std::string& sql) {
  Rows r = rows(sql);
  if (r.size() != 1 || r[0].size() != 1) {
    throw std::runtime_error("expected one value from: " + sql + " (got " +
                             std::to_string(r.size()) + " rows)");
  }
  return r[0][0];
}

std::string Db::error_of(const std::string& sql) {
  try {
    rows(sql);
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

std::shared_ptr<engine::Source> small_machine() {
  using engine::ValueType;
  engine::StaticBuilder b;
  for (int cpu = 0; cpu < 2; ++cpu) {
    b.begin("cpu", cpu, "sys");
    b.set_class("misc");
    b.set_crtime(1000 + cpu);
    b.set_snaptime(5000000000);
    b.add_uint("cpu_nsec_idle", ValueType::uint64, 900000000ull * (cpu + 1));
    b.add_uint("cpu_nsec_user", ValueType::uint64, 50000000ull * (cpu + 1));
    b.add_uint("cpu_nsec_kernel", ValueType::uint64, 40000000ull * (cpu + 1));
  }
  b.begin("unix", 0, "system_misc");
  b.set_class("misc");
  b.add_uint("ncpus", ValueType::uint32, 2);
  b.add_uint("nproc", ValueType::uint32, 123);
  b.add_uint("avenrun_1min", ValueType::uint32, 256);
  b.add_string("zonename", ValueType::string, "global");
  b.add_uint("big", ValueType::uint64, 18446744073709551615ull);
  b.add_int("negative", ValueType::int64, -42);
  b.set_snaptime(5000000000);
  engine::IoStats io;
  io.nread = 512 * 100;
  io.nwritten = 512 * 7;
  io.reads = 100;
  io.writes = 7;
  io.rtime = 123456789;
  b.begin("sd", 0, "sd0");
  b.set_class("disk");
  b.set_io(io);
  b.set_snaptime(5000000000);
  io.nread = 512 * 10;
  b.begin("sd", 0, "sd0,a");
  b.set_class("partition");
  b.set_io(io);
  io.nread = 1024;
  b.begin("sd", 1, "sd1");
  b.set_class("disk");
  b.set_io(io);
  b.begin("link", 0, "lo");
  b.set_class("net");
  b.add_uint("rbytes64", ValueType::uint64, 4096, engine::Unit::bytes);
  b.add_uint("obytes64", ValueType::uint64, 4096, engine::Unit::bytes);
  b.begin("gone", 0, "vanished");
  b.set_class("misc");
  b.set_error(ENXIO, "kstat gone:0:vanished: No such device or address");
  return b.finish("small test machine");
}

}  // namespace kstatsql::test
