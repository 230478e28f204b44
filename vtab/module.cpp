#include "vtab/module.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace kstatsql::vtab {

static_assert(static_cast<int>(Key::module) == static_cast<int>(engine::KeyCol::module) &&
              static_cast<int>(Key::instance) == static_cast<int>(engine::KeyCol::instance) &&
              static_cast<int>(Key::name) == static_cast<int>(engine::KeyCol::name) &&
              static_cast<int>(Key::klass) == static_cast<int>(engine::KeyCol::klass) &&
              static_cast<int>(Key::statistic) == static_cast<int>(engine::KeyCol::statistic));

namespace {

constexpr char kKeyChars[] = {'m', 'i', 'n', 'c', 's'};  // indexed by engine::KeyCol

// How much one constraint narrows the rows (a guess; only the order matters).
double selectivity(engine::KeyCol key, char op, double rows_per_kstat) {
  double eq = 1.0;
  switch (key) {
    case engine::KeyCol::module:
      eq = 30;
      break;
    case engine::KeyCol::instance:
      eq = 8;
      break;
    case engine::KeyCol::name:
      eq = 100;
      break;
    case engine::KeyCol::klass:
      eq = 5;
      break;
    case engine::KeyCol::statistic:
      eq = std::max(1.0, rows_per_kstat);
      break;
  }
  if (op == '=') return eq;
  if (op == '[') return std::max(1.5, eq / 4);
  return std::max(1.2, std::sqrt(eq));  // GLOB, LIKE
}

}  // namespace

int best_index(const TableSpec& spec, sqlite3_index_info* info) {
  std::string plan;
  int argc = 0;
  double rows = 2000.0 * spec.rows_per_kstat;  // a mid-sized machine
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (!c.usable || c.iColumn < 0 || c.iColumn >= spec.ncolumns()) continue;
    const int key = static_cast<int>(spec.column(c.iColumn).key);
    if (key < 0) continue;
    char op;
    switch (c.op) {
      case SQLITE_INDEX_CONSTRAINT_EQ:
        op = '=';
        break;
      case SQLITE_INDEX_CONSTRAINT_GLOB:
        op = 'g';
        break;
      case SQLITE_INDEX_CONSTRAINT_LIKE:
        op = 'l';
        break;
      default:
        continue;
    }
    if (op == '=' && sqlite3_vtab_in(info, i, -1)) {
      sqlite3_vtab_in(info, i, 1);
      op = '[';
    }
    info->aConstraintUsage[i].argvIndex = ++argc;
    info->aConstraintUsage[i].omit = op == '[';
    plan += kKeyChars[key];
    plan += op;
    rows /= selectivity(static_cast<engine::KeyCol>(key), op, spec.rows_per_kstat);
  }
  bool data = false;
  for (int i = 0; i < spec.ncolumns() && i < 63; ++i) {
    if ((info->colUsed >> i) & 1 && spec.column(i).data) data = true;
  }
  if (info->colUsed >> 63) data = true;
  info->idxNum = data ? 1 : 0;
  if (!plan.empty()) {
    info->idxStr = sqlite3_mprintf("%s", plan.c_str());
    if (!info->idxStr) return SQLITE_NOMEM;
    info->needToFreeIdxStr = 1;
  }
  rows = std::max(rows, 1.0);
  info->estimatedRows = static_cast<sqlite3_int64>(rows);
  info->estimatedCost = 10.0 + rows * (data ? 2.0 : 1.0);
  return SQLITE_OK;
}

namespace {

// Integer value of an instance constraint, as SQLite's INTEGER affinity would
// see it; false when the value can equal no integer.
bool instance_value(sqlite3_value* v, std::int64_t& out) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      out = sqlite3_value_int64(v);
      return true;
    case SQLITE_FLOAT: {
      double d = sqlite3_value_double(v);
      if (d != std::floor(d) || std::fabs(d) > 9.0e18) return false;
      out = static_cast<std::int64_t>(d);
      return true;
    }
    case SQLITE_TEXT: {
      const char* s = reinterpret_cast<const char*>(sqlite3_value_text(v));
      if (!s) return false;
      while (*s == ' ') ++s;
      char* end = nullptr;
      errno = 0;
      long long n = std::strtoll(s, &end, 10);
      if (end == s || errno != 0) return false;
      while (*end == ' ') ++end;
      if (*end != '\0') return false;
      out = n;
      return true;
    }
    default:
      return false;
  }
}

// Adds one alternative to p from v; false when v is NULL (matches nothing).
bool add_alternative(engine::Predicate& p, sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return false;
  if (p.col == engine::KeyCol::instance && p.op == engine::MatchOp::eq) {
    std::int64_t n;
    if (instance_value(v, n)) p.ints.push_back(n);
    return true;
  }
  const unsigned char* t = sqlite3_value_text(v);
  int len = sqlite3_value_bytes(v);
  p.text.emplace_back(
      reinterpret_cast<const char*>(t ? t : reinterpret_cast<const unsigned char*>("")),
      static_cast<std::size_t>(len));
  return true;
}

}  // namespace

engine::Filter decode_filter(const char* idx_str, int argc, sqlite3_value** argv) {
  engine::Filter f;
  std::string_view plan = idx_str ? idx_str : "";
  if (plan.size() != static_cast<std::size_t>(argc) * 2) {
    throw Error(Errc::internal, "query plan and xFilter arguments disagree");
  }
  for (int a = 0; a < argc; ++a) {
    engine::Predicate p;
    char key = plan[2 * a], op = plan[2 * a + 1];
    for (int k = 0; k < 5; ++k) {
      if (kKeyChars[k] == key) p.col = static_cast<engine::KeyCol>(k);
    }
    p.op = op == 'g'   ? engine::MatchOp::glob
           : op == 'l' ? engine::MatchOp::like
                       : engine::MatchOp::eq;
    if (op == '[') {
      sqlite3_value* v = nullptr;
      for (int rc = sqlite3_vtab_in_first(argv[a], &v); rc == SQLITE_OK && v;
           rc = sqlite3_vtab_in_next(argv[a], &v)) {
        add_alternative(p, v);  // NULL in an IN list matches nothing: skip it
      }
    } else if (!add_alternative(p, argv[a])) {
      f.empty_result = true;
    }
    if (p.text.empty() && p.ints.empty()) f.empty_result = true;
    f.preds.push_back(std::move(p));
  }
  return f;
}

void result_value(sqlite3_context* ctx, const engine::NamedStat& st, char (&buf)[24]) noexcept {
  using engine::Repr;
  switch (engine::repr_of(st.type)) {
    case Repr::i64:
      sqlite3_result_int64(ctx, st.v.i);
      return;
    case Repr::u64:
      if (st.v.u <= static_cast<std::uint64_t>(INT64_MAX)) {
        sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(st.v.u));
      } else {
        // Documented rule: an unsigned value above INT64_MAX is returned as
        // its exact decimal TEXT, never as a wrapped or rounded number.
        char* end = buf + sizeof buf;
        char* p = end;
        std::uint64_t u = st.v.u;
        do {
          *--p = static_cast<char>('0' + u % 10);
          u /= 10;
        } while (u);
        sqlite3_result_text(ctx, p, static_cast<int>(end - p), SQLITE_TRANSIENT);
      }
      return;
    case Repr::f64:
      sqlite3_result_double(ctx, st.v.d);
      return;
    case Repr::str:
      result_text(ctx, st.str());
      return;
    case Repr::blob:
      sqlite3_result_blob(ctx, st.v.s ? st.v.s : "", static_cast<int>(st.str_len), SQLITE_STATIC);
      return;
    case Repr::null:
      sqlite3_result_null(ctx);
      return;
  }
}

void result_identity(sqlite3_context* ctx, const engine::KstatHeader& h, int col) noexcept {
  switch (col) {
    case 0:
      result_text(ctx, h.module);
      break;
    case 1:
      sqlite3_result_int64(ctx, h.instance);
      break;
    case 2:
      result_text(ctx, h.name);
      break;
    case 3:
      result_text(ctx, h.klass);
      break;
    default:
      sqlite3_result_null(ctx);
      break;
  }
}

}  // namespace kstatsql::vtab
