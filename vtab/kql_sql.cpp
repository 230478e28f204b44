// vtab/kql_sql.cpp — SQL text helpers, the KQL table list and the
// translation of kstat(8) selectors into SQL conditions on `named`.
#include "vtab/kql_sql.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace kstatsql::grammar {

// Columns as the virtual tables declare them (vtab/*_table.cpp); the test
// "KQL tables match kstat_columns" keeps the two in step.
const std::vector<KqlTable>& kql_tables() {
  static const std::vector<KqlTable> kTables = {
      {"kstat", "module instance name class type id crtime snaptime ndata data_size error", "raw host"},
      {"named", "module instance name class statistic type value unit snaptime crtime", "delta rate elapsed host"},
      {"io",
       "module instance name class nread nwritten reads writes wtime wlentime wlastupdate rtime rlentime "
       "rlastupdate wcnt rcnt snaptime crtime",
       "elapsed r_s w_s kr_s kw_s wait actv svc_t pct_w pct_b host"},
      {"sysinfo", "module instance name class updates runque runocc swpque swpocc waiting snaptime crtime", "host"},
      {"vminfo", "module instance name class freemem swap_resv swap_alloc swap_avail swap_free updates snaptime crtime",
       "host"},
      {"var",
       "module instance name class v_buf v_call v_proc v_maxupttl v_nglobpris v_maxsyspri v_clist v_maxup "
       "v_hbuf v_hmask v_pbuf v_sptmap v_maxpmem v_autoup v_bufhwm snaptime crtime",
       "host"},
      {"mntinfo",
       "module instance name class mountpoint mik_proto mik_vers mik_flags mik_secmod mik_curread mik_curwrite "
       "mik_timeo mik_retrans mik_acregmin mik_acregmax mik_acdirmin mik_acdirmax lookup_srtt lookup_deviate "
       "lookup_rtxcur read_srtt read_deviate read_rtxcur write_srtt write_deviate write_rtxcur mik_noresponse "
       "mik_failover mik_remap mik_curserver snaptime crtime",
       "host"},
      {"cpu_stat",
       "module instance name class idle user kernel wait wait_io wait_swap wait_pio bread bwrite lread lwrite "
       "phread phwrite pswitch trap intr syscall sysread syswrite sysfork sysvfork sysexec readch writech rcvint "
       "xmtint mdmint rawch canch outch msg sema namei ufsiget ufsdirblk ufsipage ufsinopage inodeovf fileovf "
       "procovf intrthread intrblk idlethread inv_swtch nthreads cpumigrate xcalls mutex_adenters rw_rdfails "
       "rw_wrfails modload modunload bawrite iowait swap physio pgrec pgfrec pgin pgpgin pgout pgpgout swapin "
       "pgswapin swapout pgswapout zfod dfree scan rev hat_fault as_fault maj_fault cow_fault prot_fault "
       "softlock kernel_asflt pgrrun execpgin execpgout execfree anonpgin anonpgout anonfree fspgin fspgout "
       "fsfree snaptime crtime",
       "host"},
      {"ncstats",
       "module instance name class hits misses enters dbl_enters long_enter long_look move_to_front purges "
       "snaptime crtime",
       "host"},
      {"intr", "module instance name class hard soft watchdog spurious multiple_service snaptime crtime", "host"},
      {"timer",
       "module instance name class timer_index timer_name num_events elapsed_time min_time max_time start_time "
       "stop_time snaptime crtime",
       "host"},
  };
  return kTables;
}

namespace kqlsql {
const std::vector<std::string> kNamedColumns = {"module", "instance", "name",     "class",   "statistic",
                                                "type",   "value",    "unit",     "snaptime", "crtime"};


namespace {

// SQLite keywords (sqlite.org/lang_keywords.html): names spelled like these are quoted.
const std::set<std::string> kSqlKeywords = {
    "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach",
    "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate",
    "column", "commit", "conflict", "constraint", "create", "cross", "current", "current_date",
    "current_time", "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc",
    "detach", "distinct", "do", "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive",
    "exists", "explain", "fail", "filter", "first", "following", "for", "foreign", "from", "full",
    "generated", "glob", "group", "groups", "having", "if", "ignore", "immediate", "in", "index", "indexed",
    "initially", "inner", "insert", "instead", "intersect", "into", "is", "isnull", "join", "key", "last",
    "left", "like", "limit", "match", "materialized", "natural", "no", "not", "nothing", "notnull", "null",
    "nulls", "of", "offset", "on", "or", "order", "others", "outer", "over", "partition", "plan", "pragma",
    "preceding", "primary", "query", "raise", "range", "recursive", "references", "regexp", "reindex",
    "release", "rename", "replace", "restrict", "returning", "right", "rollback", "row", "rows", "savepoint",
    "select", "set", "table", "temp", "temporary", "then", "ties", "to", "transaction", "trigger",
    "unbounded", "union", "unique", "update", "using", "vacuum", "values", "view", "virtual", "when",
    "where", "window", "with", "without"};


// kstat(8) does not select kstats whose name starts with "kstat_"; true when
// a name glob (only '*' special) could match such a name.
bool may_match_kstat_prefix(std::string_view glob) {
  constexpr std::string_view kPrefix = "kstat_";
  for (std::size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '*' || i >= kPrefix.size()) return true;
    if (glob[i] != kPrefix[i]) return false;
  }
  return false;
}

bool canonical_int(std::string_view s) {
  if (s == "0") return true;
  std::size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() <= i || s.size() - i > 18 || s[i] == '0') return false;
  return s.find_first_not_of("0123456789", i) == std::string_view::npos;
}

}  // namespace

std::vector<std::string> split(const char* words) {
  std::vector<std::string> out;
  std::istringstream in(words);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string ident(const std::string& name) {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return kSqlKeywords.count(lower) ? "\"" + name + "\"" : name;
}

std::string quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}


const KqlTable* find_table(std::string_view name) {
  for (const KqlTable& t : kql_tables()) {
    if (name == t.name) return &t;
  }
  return nullptr;
}



// The condition equivalent to one selector under
// kstat(8) semantics, or false when only kstat_select() is exact for it (an
// /ERE/, a glob using '?', '[' or '\', a literal instance that no decimal
// text equals). Only '*' globs are translated: SQLite GLOB agrees with
// fnmatch on '*' for any bytes, not on '?' (a UTF-8 character vs a byte) or
// brackets ('!', classes). `out` is empty when the selector matches all.
bool selector_condition(const SelectorAst& sel, std::string& out) {
  static const char* const kCols[] = {"module", "instance", "name", "statistic"};
  std::vector<std::string> conds;
  for (std::size_t i = 0; i < 4; ++i) {
    const SelectorField& f = sel.fields[i];
    const bool any = f.kind == FieldKind::any || (f.kind == FieldKind::glob && f.text.find_first_not_of('*') == std::string::npos);
    if (!any && (f.kind == FieldKind::regex || f.text.find_first_of("?[\\") != std::string::npos)) return false;
    const bool glob = !any && f.text.find('*') != std::string::npos;
    if (i == kInstance && !any && !glob && !canonical_int(f.text)) return false;
    if (i == kName && !any && !glob && f.text.rfind("kstat_", 0) == 0) return false;
    if (!any) {
      const std::string value = i == kInstance && !glob ? f.text : quote(f.text);
      conds.push_back(std::string(kCols[i]) + (glob ? " GLOB " : " = ") + value);
    }
    if (i == kName && (any || (glob && may_match_kstat_prefix(f.text)))) conds.push_back("name NOT GLOB 'kstat_*'");
  }
  out.clear();
  for (const std::string& c : conds) out += (out.empty() ? "" : " AND ") + c;
  return true;
}


}  // namespace kqlsql
}  // namespace kstatsql::grammar
