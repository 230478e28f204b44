/*
** ncstats — one row per unix:0:ncstats kstat (struct ncstats, raw; kstat(8)'s
** unix:ncstats decoder): directory name lookup cache (DNLC) counters.
**
**   SELECT hits, misses, 100.0 * hits / (hits + misses) AS hit_pct FROM ncstats;
**
** Columns: module, instance, name, class (key columns, pushed down), hits,
** misses, enters, dbl_enters, long_enter, long_look, move_to_front, purges
** (int32, as kstat(8) prints them), snaptime, crtime (ns). sys/dnlc.h marks
** the struct deprecated in favour of the named nc_stats statistics.
**
** HOW IT WORKS: only kstats whose module:name with digits removed is
** unix:ncstats are visited (checked on the header). Values are read by name
** from the kstat's statistics (decoded raw struct or replayed dump alike). A
** missing statistic is NULL; a failed read, or a raw size other than 32, gives
** no row (see kstat.error). See docs/raw-kstats.md.
*/
#include "vtab/struct_table.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

constexpr std::string_view kKey = "unix:ncstats";
constexpr int kFirstStat = 4;

const Column kColumns[] = {
    key_column(engine::KeyCol::module, "kstat module (unix)"),
    key_column(engine::KeyCol::instance, "kstat instance (0)"),
    key_column(engine::KeyCol::name, "kstat name (ncstats)"),
    key_column(engine::KeyCol::klass, "kstat class"),
    {"hits", "INTEGER", "lookups answered by the cache", -1, true},
    {"misses", "INTEGER", "lookups the cache could not answer", -1, true},
    {"enters", "INTEGER", "entries added", -1, true},
    {"dbl_enters", "INTEGER", "adds of an entry already cached", -1, true},
    {"long_enter", "INTEGER", "adds refused: name too long", -1, true},
    {"long_look", "INTEGER", "lookups refused: name too long", -1, true},
    {"move_to_front", "INTEGER", "entries moved to the front of their hash chain", -1, true},
    {"purges", "INTEGER", "cache purges", -1, true},
    kSnaptimeColumn,
    kCrtimeColumn,
};

}  // namespace

const TableSpec NcstatsTable::spec = {"ncstats",
                                      "name cache counters (unix:0:ncstats, struct ncstats)",
                                      kColumns, static_cast<int>(std::size(kColumns)), 0.001};

KSTATSQL_STRUCT_TABLE(NcstatsTable, kKey, kFirstStat)

}  // namespace kstatsql::vtab
