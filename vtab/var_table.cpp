/*
** var — one row per unix:0:var kstat (struct var, raw; kstat(8)'s unix:var
** decoder): the kernel's configured limits.
**
**   SELECT v_proc, v_maxup, v_maxupttl FROM var;           -- 1 row
**
** Columns: module, instance, name, class (key columns, pushed down), the 15
** fields of struct var as kstat(8) names them (v_buf v_call v_proc v_maxupttl
** v_nglobpris v_maxsyspri v_clist v_maxup v_hbuf v_hmask v_pbuf v_sptmap
** v_maxpmem v_autoup v_bufhwm, all int32), snaptime, crtime (ns).
**
** HOW IT WORKS: only kstats whose module:name with digits removed is unix:var
** are visited (checked on the header). Values are read by name from the
** kstat's statistics (decoded raw struct or replayed dump alike). A missing
** statistic is NULL; a failed read, or a raw size other than 60, gives no row
** (see kstat.error). See docs/raw-kstats.md.
*/
#include "vtab/struct_table.hpp"
#include "vtab/tables.hpp"

namespace kstatsql::vtab {

namespace {

constexpr std::string_view kKey = "unix:var";
constexpr int kFirstStat = 4;

const Column kColumns[] = {
    key_column(engine::KeyCol::module, "kstat module (unix)"),
    key_column(engine::KeyCol::instance, "kstat instance (0)"),
    key_column(engine::KeyCol::name, "kstat name (var)"),
    key_column(engine::KeyCol::klass, "kstat class (misc)"),
    {"v_buf", "INTEGER", "number of I/O buffers", -1, true},
    {"v_call", "INTEGER", "number of callout (timeout) entries", -1, true},
    {"v_proc", "INTEGER", "maximum processes, system wide", -1, true},
    {"v_maxupttl", "INTEGER", "maximum user processes, system wide", -1, true},
    {"v_nglobpris", "INTEGER", "number of global scheduling priorities", -1, true},
    {"v_maxsyspri", "INTEGER", "highest global priority used by the SYS class", -1, true},
    {"v_clist", "INTEGER", "number of clists allocated", -1, true},
    {"v_maxup", "INTEGER", "maximum processes per user", -1, true},
    {"v_hbuf", "INTEGER", "number of buffer hash buckets", -1, true},
    {"v_hmask", "INTEGER", "hash mask for buffers", -1, true},
    {"v_pbuf", "INTEGER", "number of physical I/O buffers", -1, true},
    {"v_sptmap", "INTEGER", "size of the system virtual space allocation map", -1, true},
    {"v_maxpmem", "INTEGER", "maximum physical memory to use, pages (0: all)", -1, true},
    {"v_autoup", "INTEGER", "minimum age in seconds of dirty data before fsflush writes it", -1,
     true},
    {"v_bufhwm", "INTEGER", "high-water mark of buffer cache memory, KB", -1, true},
    kSnaptimeColumn,
    kCrtimeColumn,
};

}  // namespace

const TableSpec VarTable::spec = {"var", "configured kernel limits (unix:0:var, struct var)",
                                  kColumns, static_cast<int>(std::size(kColumns)), 0.001};

KSTATSQL_STRUCT_TABLE(VarTable, kKey, kFirstStat)

}  // namespace kstatsql::vtab
