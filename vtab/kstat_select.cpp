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
** snaptime, crtime — as in `named` — plus the hidden arguments spec1..spec8.
**
** HOW IT WORKS: literal modules and names of every selector are pushed down
** to the snapshot (only matching kstats are read); the rest of the selector
** is applied per kstat and per statistic. Like kstat(8), kstats whose name
** starts with "kstat_" are not selected.
*/
#include "engine/selector.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

constexpr int kSpecs = 8;
constexpr int kFirstSpec = 10;

const Column kColumns[] = {
    {"module", "TEXT", "kstat module", -1, false},
    {"instance", "INTEGER", "kstat instance", -1, false},
    {"name", "TEXT", "kstat name", -1, false},
    {"class", "TEXT", "kstat class", -1, false},
    {"statistic", "TEXT", "statistic name", -1, true},
    {"type", "TEXT", "value type", -1, true},
    {"value", "ANY", "the value (as in named)", -1, true},
    {"unit", "TEXT", "unit of the value, when known", -1, true},
    {"snaptime", "INTEGER", "time of the read, ns", -1, true},
    {"crtime", "INTEGER", "kstat creation time, ns", -1, false},
    {"spec1", "TEXT HIDDEN", "selector (first argument)", -1, false},
    {"spec2", "TEXT HIDDEN", "more selectors, ORed", -1, false},
    {"spec3", "TEXT HIDDEN", "", -1, false},
    {"spec4", "TEXT HIDDEN", "", -1, false},
    {"spec5", "TEXT HIDDEN", "", -1, false},
    {"spec6", "TEXT HIDDEN", "", -1, false},
    {"spec7", "TEXT HIDDEN", "", -1, false},
    {"spec8", "TEXT HIDDEN", "", -1, false},
};

struct SelectCursor : Cursor {
  engine::SelectorSet set;
};

void settle(SelectCursor& c) {
  while (c.k < c.kstats.size()) {
    const engine::KstatHeader& h = c.header();
    if (h.name.substr(0, 6) != "kstat_" && c.set.matches(h)) {
      const engine::KstatData& d = c.gen->data(c.index());
      if (d.ok()) {
        for (; c.s < d.named.size(); ++c.s) {
          if (c.set.matches_statistic(h, d.named[c.s].name_view())) {
            c.data = &d;
            c.eof = false;
            return;
          }
        }
      }
    }
    ++c.k;
    c.s = 0;
  }
  c.eof = true;
}

}  // namespace

struct KstatSelect {
  static const TableSpec spec;

  static int best_index(sqlite3_vtab* vt, sqlite3_index_info* info) {
    int args[kSpecs];
    for (int& a : args) a = -1;
    bool unusable = false;
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
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
      set_message(&vt->zErrMsg,
                  "kstat_select(): missing selector, e.g. kstat_select('unix:0:system_misc')");
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

  static void filter(SelectCursor& c, int argc, sqlite3_value** argv) {
    std::vector<std::string> specs;
    for (int a = 0; a < argc; ++a) {
      const unsigned char* t = sqlite3_value_text(argv[a]);
      if (!t) throw Error(Errc::constraint, "kstat_select(): selector " + std::to_string(a + 1) + " is NULL");
      specs.emplace_back(reinterpret_cast<const char*>(t),
                         static_cast<std::size_t>(sqlite3_value_bytes(argv[a])));
    }
    c.set = engine::SelectorSet::parse(std::span<const std::string>(specs));
    // Push literal modules / names down to the snapshot.
    c.filter = engine::Filter{};
    if (auto mods = c.set.literal_modules()) {
      engine::Predicate p{engine::KeyCol::module, engine::MatchOp::eq, {}, {}};
      for (std::string_view m : *mods) p.text.emplace_back(m);
      c.filter.preds.push_back(std::move(p));
    }
    if (auto names = c.set.literal_names()) {
      engine::Predicate p{engine::KeyCol::name, engine::MatchOp::eq, {}, {}};
      for (std::string_view n : *names) p.text.emplace_back(n);
      c.filter.preds.push_back(std::move(p));
    }
    c.gen->match(c.filter, c.kstats);
    c.k = 0;
    c.s = 0;
    c.data = nullptr;
    c.base_k = static_cast<std::size_t>(-1);
    settle(c);
  }
};

const TableSpec KstatSelect::spec = {"kstat_select",
                                     "kstat(8) selectors as a table-valued function: the "
                                     "statistics matching any of the given selectors",
                                     kColumns, static_cast<int>(std::size(kColumns)), 20.0};

namespace {

int xConnect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char** err) noexcept {
  return guard(err, [&] {
    int rc = sqlite3_declare_vtab(db, detail::declare_sql(KstatSelect::spec).c_str());
    if (rc != SQLITE_OK) return rc;
    sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
    auto t = std::make_unique<Table>();
    t->session = *static_cast<std::shared_ptr<engine::Session>*>(aux);
    t->spec = &KstatSelect::spec;
    *out = t.release();
    return SQLITE_OK;
  });
}

int xDisconnect(sqlite3_vtab* vt) noexcept {
  delete static_cast<Table*>(vt);
  return SQLITE_OK;
}

int xBestIndex(sqlite3_vtab* vt, sqlite3_index_info* info) noexcept {
  return guard(&vt->zErrMsg, [&] { return KstatSelect::best_index(vt, info); });
}

int xOpen(sqlite3_vtab* vt, sqlite3_vtab_cursor** out) noexcept {
  return guard(&vt->zErrMsg, [&] {
    auto c = std::make_unique<SelectCursor>();
    c->gen = static_cast<Table*>(vt)->session->open_cursor();
    c->prev = c->gen->previous();
    *out = c.release();
    return SQLITE_OK;
  });
}

int xClose(sqlite3_vtab_cursor* cur) noexcept {
  auto* c = static_cast<SelectCursor*>(cur);
  if (c->gen) c->table()->session->close_cursor();
  delete c;
  return SQLITE_OK;
}

int xFilter(sqlite3_vtab_cursor* cur, int, const char*, int argc, sqlite3_value** argv) noexcept {
  return guard(&cur->pVtab->zErrMsg, [&] {
    KstatSelect::filter(*static_cast<SelectCursor*>(cur), argc, argv);
    return SQLITE_OK;
  });
}

int xNext(sqlite3_vtab_cursor* cur) noexcept {
  return guard(&cur->pVtab->zErrMsg, [&] {
    auto* c = static_cast<SelectCursor*>(cur);
    ++c->s;
    settle(*c);
    return SQLITE_OK;
  });
}

int xEof(sqlite3_vtab_cursor* cur) noexcept { return static_cast<SelectCursor*>(cur)->eof; }

int xColumn(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int col) noexcept {
  auto* c = static_cast<SelectCursor*>(cur);
  if (col == KstatSelect::spec.ncolumns) {  // the hidden host column
    if (c->header().host.empty()) sqlite3_result_null(ctx); else result_text(ctx, c->header().host);
    return SQLITE_OK;
  }
  if (col >= kFirstSpec) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  const engine::NamedStat& st = c->data->named[c->s];
  switch (col) {
    case 4: result_text(ctx, st.name_view()); break;
    case 5: sqlite3_result_text(ctx, engine::type_name(st.type), -1, SQLITE_STATIC); break;
    case 6: result_value(ctx, st, c->numbuf); break;
    case 7: {
      const char* u = engine::unit_name(st.unit);
      if (u) sqlite3_result_text(ctx, u, -1, SQLITE_STATIC); else sqlite3_result_null(ctx);
      break;
    }
    case 8: sqlite3_result_int64(ctx, c->data->snaptime); break;
    case 9: sqlite3_result_int64(ctx, c->header().crtime); break;
    default: result_identity(ctx, c->header(), col);
  }
  return SQLITE_OK;
}

int xRowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) noexcept {
  auto* c = static_cast<SelectCursor*>(cur);
  *rowid = (static_cast<sqlite3_int64>(c->index()) << 32) | static_cast<sqlite3_int64>(c->s);
  return SQLITE_OK;
}

sqlite3_module make_module() noexcept {
  sqlite3_module m{};
  m.xConnect = xConnect;  // eponymous-only: xCreate stays null
  m.xBestIndex = xBestIndex;
  m.xDisconnect = xDisconnect;
  m.xDestroy = xDisconnect;
  m.xOpen = xOpen;
  m.xClose = xClose;
  m.xFilter = xFilter;
  m.xNext = xNext;
  m.xEof = xEof;
  m.xColumn = xColumn;
  m.xRowid = xRowid;
  return m;
}

const sqlite3_module kModule = make_module();

}  // namespace

int register_kstat_select(sqlite3* db, std::shared_ptr<engine::Session> session) {
  auto* box = new std::shared_ptr<engine::Session>(std::move(session));
  return sqlite3_create_module_v2(db, "kstat_select", &kModule, box, detail::destroy_session_box);
}

}  // namespace kstatsql::vtab
