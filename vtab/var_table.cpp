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

KSTATSQL_STRUCT_TABLE(VarTable, "unix:var", structs::kFirstDataColumn)

}  // namespace kstatsql::vtab
