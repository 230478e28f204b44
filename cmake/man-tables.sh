#!/bin/sh
# Prints kstatsql(7), the page of every table and column, from kstat_columns:
# the schema list the virtual tables are declared from, read through the
# built shell, so the page cannot list a table or column the build lacks.
# usage: man-tables.sh path/to/kstatsql VERSION
set -eu
shell="$1"; version="$2"
us=$(printf '\037')
rows=$(KSTATSQL_SOURCE=live "$shell" -batch -list -noheader -separator "$us" \
  "SELECT table_name, table_doc, column_name, type, is_key, coalesce(unit, ''), doc
     FROM kstat_columns ORDER BY rowid") || {
  echo "man-tables.sh: '$shell' could not list kstat_columns: $rows" >&2; exit 1; }
[ -n "$rows" ] || { echo "man-tables.sh: kstat_columns is empty" >&2; exit 1; }

cat <<EOF2
.TH KSTATSQL 7 "" "kstatsql $version" "Miscellaneous Information Manual"
.SH NAME
kstatsql \- the virtual tables of kstatsql and their columns
.SH DESCRIPTION
kstatsql presents kernel statistics as SQLite virtual tables, in the
.BR kstatsql (1)
shell, in
.BR sqlite3 (1)
after \fB.load kstatsql\fR, and in any program that registers it.
The tables are eponymous: they exist on every connection without
\fBCREATE VIRTUAL TABLE\fR, so the stock shell's \fB.tables\fR and \fB.schema\fR
do not show them; \fBSELECT * FROM kstat_columns\fR lists every column and
\fBPRAGMA table_xinfo(\fItable\fB)\fR one table's, hidden columns included.
.PP
A \fIkey\fR column identifies the row's kstat; constraints on key columns
(\fB=\fR, \fBIN\fR, \fBGLOB\fR, \fBLIKE\fR) decide which kstats are read at all.
A \fIhidden\fR column is not part of \fBSELECT *\fR and is named to be read;
on a table\-valued function such as \fBkstat_select\fR the hidden columns are
its arguments.
.SH TABLES
EOF2
printf '%s\n' "$rows" | awk -F "$us" '
  function roff(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); return s }
  $1 != table {
    table = $1; doc = $2
    print ".SS " roff(table)
    print "\\&" toupper(substr(doc, 1, 1)) roff(substr(doc, 2)) "."
  }
  { attrs = tolower($4); if ($5 == 1) attrs = attrs ", key"; if ($6 != "") attrs = attrs ", unit " roff($6)
    print ".TP"
    print "\\fB" roff($3) "\\fR (" attrs ")"
    print ($7 == "" ? "\\&(no description)" : "\\&" roff($7)) }'
cat <<'EOF2'
.SH EXAMPLES
.nf
SELECT module, count(*) AS kstats FROM kstat GROUP BY module;
SELECT name, value FROM named WHERE module = 'unix' AND name = 'system_misc';
SELECT name, r_s, w_s, pct_b FROM io WHERE class = 'disk';
SELECT * FROM kstat_select('cpu_stat:::user');
.fi
.SH SEE ALSO
.BR kstatsql (1),
.BR kstatsql\-kstat (1),
.BR sqlite3 (1)
EOF2
