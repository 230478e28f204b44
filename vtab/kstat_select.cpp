/*
** kstat_select — kstat(8) selectors as a table-valued function.
**
**   SELECT * FROM kstat_select('unix:0:system_misc:avenrun_*');
**   SELECT name, statistic, value FROM kstat_select('sd:::/^n(read|written)$/', 'cmdk:::nread');
**
** Arguments: one to eight selectors `module:instance:name:statistic`, ORed
** (docs/selectors.md: globs, /ERE/, empty field = *, instance matched as its
** decimal text). A selector per argument, because statistic names may hold
** spaces and commas (`sd0,err:Hard Errors`).
** Columns: module, instance, name, class, statistic, type, value, unit,
** snaptime, crtime — as in `named` — plus the hidden arguments spec1..spec8
** and, like every table, the hidden `host` column after them. SQLite binds a
** 9th argument to that column (its "max 9" counts it), where it would read as
** `host = …` and silently select nothing on a single-host source; so eight
** selectors with an `=` on host is refused, naming the limit of eight. To
** filter eight selectors by host, write `WHERE host GLOB 'name'`.
**
** HOW IT WORKS: literal modules, instances and names of every selector are pushed down
** to the snapshot (only matching kstats are read); the rest of the selector
** is applied per kstat and per statistic. Like kstat(8), kstats whose name
** starts with "kstat_" are not selected.
*/
#include "engine/selector.hpp"
#include "engine/kstat_rules.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

constexpr int kSpecs = 8;
constexpr int kFirstSpec = 10;

struct SelectCursor : Cursor {
  engine::SelectorSet set;
};

// Moves to the first selected statistic at or after (k, s).
void settle(SelectCursor& c) {
  vtab::settle(
      c,
      [&c](const engine::KstatHeader& h) { return !engine::kstat8::hidden(h) && c.set.matches(h); },
      [&c](const engine::KstatHeader& h, const engine::KstatData& d, std::size_t& s) {
        return seek_named(d, s,
                          [&](std::string_view stat) { return c.set.matches_statistic(h, stat); });
      });
}

}  // namespace

// The module_of<> Impl (vtab/simple_module.hpp).
struct KstatSelect : detail::SessionTable, RowsPerKstat {
  using Cur = SelectCursor;

  static int best_index(Table& vt, sqlite3_index_info* info) {
    int args[kSpecs];
    for (int& a : args) a = -1;
    bool unusable = false;
    bool host_eq = false;
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
      if (c.iColumn == kFirstSpec + kSpecs && c.op == SQLITE_INDEX_CONSTRAINT_EQ && c.usable)
        host_eq = true;
      int k = c.iColumn - kFirstSpec;
      if (k < 0 || k >= kSpecs || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
      if (!c.usable) {
        unusable = true;
        continue;
      }
      args[k] = i;
    }
    if (args[0] < 0) {
      if (unusable) return SQLITE_CONSTRAINT;
      set_message(&vt.zErrMsg,
                  "kstat_select(): missing selector, e.g. kstat_select('unix:0:system_misc')");
      return SQLITE_ERROR;
    }
    if (host_eq && args[kSpecs - 1] >= 0) {
      set_message(&vt.zErrMsg,
                  "kstat_select(): at most 8 selectors; a 9th argument would be taken as the "
                  "hidden host column (= host); filter by host with WHERE host GLOB 'name'");
      return SQLITE_ERROR;
    }
    int argc = 0;
    for (int k = 0; k < kSpecs; ++k) {
      if (args[k] < 0) break;
      info->aConstraintUsage[args[k]].argvIndex = ++argc;
      info->aConstraintUsage[args[k]].omit = 1;
    }
    info->idxNum = argc;
    info->estimatedCost = 1000;
    info->estimatedRows = 1000;
    return SQLITE_OK;
  }

  static void filter(SelectCursor& c, int, const char*, int argc, sqlite3_value** argv) {
    std::vector<std::string> specs;
    for (int a = 0; a < argc; ++a) {
      const unsigned char* t = sqlite3_value_text(argv[a]);
      if (!t)
        throw Error(Errc::constraint,
                    "kstat_select(): selector " + std::to_string(a + 1) + " is NULL");
      specs.emplace_back(reinterpret_cast<const char*>(t),
                         static_cast<std::size_t>(sqlite3_value_bytes(argv[a])));
    }
    c.set = engine::SelectorSet::parse(std::span<const std::string>(specs));
    c.filter = engine::kstat8::pushdown(c.set);
    c.gen->match(c.filter, c.kstats);
    c.rewind();
    settle(c);
  }

  static void next(SelectCursor& c) {
    ++c.s;
    settle(c);
    c.gen->check_intact();  // as the kstat tables do (vtab/module_impl.hpp)
  }

  static void column(SelectCursor& c, sqlite3_context* ctx, int col) {
    if (col == c.table()->spec->ncolumns()) {  // the hidden host column
      result_host(ctx, c.header());
      return;
    }
    if (col >= kFirstSpec) {
      sqlite3_result_null(ctx);
      return;
    }
    const engine::NamedStat& st = c.data->named[c.s];
    switch (col) {
      case 4:
        result_text(ctx, st.name_view());
        break;
      case 5:
        sqlite3_result_text(ctx, engine::type_name(st.type), -1, SQLITE_STATIC);
        break;
      case 6:
        result_value(ctx, st, c.numbuf);
        break;
      case 7: {
        const char* u = engine::unit_name(st.unit);
        if (u)
          sqlite3_result_text(ctx, u, -1, SQLITE_STATIC);
        else
          sqlite3_result_null(ctx);
        break;
      }
      case 8:
        sqlite3_result_int64(ctx, c.data->snaptime);
        break;
      case 9:
        sqlite3_result_int64(ctx, c.header().crtime);
        break;
      default:
        result_identity(ctx, c.header(), col);
    }
    c.gen->check_intact();
  }
};

int register_kstat_select(sqlite3* db, const std::shared_ptr<engine::Session>& session,
                          const TableSpec& spec) {
  return register_module<KstatSelect>(db, session, spec);
}

}  // namespace kstatsql::vtab
