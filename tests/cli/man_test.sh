#!/bin/sh
# The man pages cannot drift from the program: every option of `kstatsql
# --help`, every dot command and output mode of `.help` must be in
# kstatsql(1), every flag of `kstatsql kstat -h` in kstatsql-kstat(1), and
# every table and column of kstat_columns in kstatsql(7). Checked on the
# committed pages (docs/, installed when help2man is missing) and on the
# generated ones (BUILD/man/) when they exist; both must render without
# warnings. A stale committed page: `cmake --build build --target man-update`.
# usage: man_test.sh path/to/kstatsql SOURCE_DIR BUILD_DIR
set -u
shell="$1"; src="$2"; build="$3"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
tmp="${TMPDIR:-/tmp}/kstatsql-man-test.$$"
mkdir -p "$tmp"; trap 'rm -rf "$tmp"' EXIT
export KSTATSQL_SOURCE=live ASAN_OPTIONS=detect_leaks=0

# A page's text with roff's font changes and escapes removed.
plain() { sed -e 's/\\f[BIRP]//g; s/\\f(..//g; s/\\[,\/&]//g; s/\\-/-/g; s/\\e/\\/g' "$1"; }
# has_word PAGE WORD: WORD appears, not as part of a longer option or name.
has_word() {
  plain "$1" | grep -qE -- "(^|[^-a-zA-Z0-9_])$(printf '%s' "$2" | sed 's/[.?]/\\&/g')([^-a-zA-Z0-9_]|\$)"
}

"$shell" --help >"$tmp/help" 2>&1 || fail "kstatsql --help failed"
grep -oE '(^|[ ,/])--?[a-zA-Z][-a-zA-Z]*' "$tmp/help" | sed 's/^[ ,\/]*//' | sort -u >"$tmp/options"
[ "$(wc -l <"$tmp/options")" -ge 20 ] || fail "found only $(wc -l <"$tmp/options") options in --help"
printf '.help\n' | "$shell" -batch >"$tmp/dothelp" 2>&1 || fail ".help failed"
awk '/^\./ { print $1 }' "$tmp/dothelp" >"$tmp/dots"
awk '/^Output modes/ { on = 1; next } on && /^  [a-z]/ { print $1 }' "$tmp/dothelp" >"$tmp/modes"
if [ ! -s "$tmp/dots" ] || [ ! -s "$tmp/modes" ]; then fail "no dot commands or modes in .help"; fi
"$shell" kstat -h >"$tmp/kstat_help" 2>&1
grep -oE '(^|[ [])-[a-zA-Z]+' "$tmp/kstat_help" | sed 's/^[ []*-//' | fold -w1 | sort -u |
  sed 's/^/-/' >"$tmp/kstat_flags"
[ "$(wc -l <"$tmp/kstat_flags")" -ge 8 ] || fail "found only $(wc -l <"$tmp/kstat_flags") flags in kstat -h"
"$shell" -batch -list -noheader "SELECT DISTINCT table_name FROM kstat_columns" >"$tmp/tables" 2>&1 ||
  fail "kstat_columns: $(cat "$tmp/tables")"

check_section1() { # DIR
  p1="$1/kstatsql.1"; pk="$1/kstatsql-kstat.1"
  for page in "$p1" "$pk"; do [ -f "$page" ] || { fail "missing $page"; return; }; done
  while read -r o; do has_word "$p1" "$o" || fail "$p1 lacks option $o (kstatsql --help)"; done <"$tmp/options"
  while read -r d; do has_word "$p1" "$d" || fail "$p1 lacks dot command $d (.help)"; done <"$tmp/dots"
  while read -r m; do has_word "$p1" "$m" || fail "$p1 lacks output mode $m (.help)"; done <"$tmp/modes"
  while read -r f; do has_word "$pk" "$f" || fail "$pk lacks kstat flag $f (kstat -h)"; done <"$tmp/kstat_flags"
}

check_section7() { # PAGE
  [ -f "$1" ] || { fail "missing $1"; return; }
  while read -r t; do
    grep -qx "\.SS $t" "$1" || { fail "$1 lacks table $t (kstat_columns)"; continue; }
    # The table's own part of the page: from its .SS to the next heading.
    awk -v t=".SS $t" '$0 == t { on = 1; next } on && /^\.S[SH] / { exit } on' "$1" >"$tmp/part"
    "$shell" -batch -list -noheader "SELECT column_name FROM kstat_columns WHERE table_name = '$t'" |
      while read -r c; do
        grep -q "^\\\\fB$(printf '%s' "$c" | sed 's/_/\\_/g')\\\\fR" "$tmp/part" ||
          echo "FAIL: $1 lacks column $t.$c" >&2
      done 2>&1 | grep . >&2 && fails=$((fails + 1))
  done <"$tmp/tables"
}

check_render() { # PAGE
  if command -v groff >/dev/null 2>&1; then
    warn=$(groff -man -Tutf8 -ww "$1" 2>&1 >/dev/null)
    [ -z "$warn" ] || fail "groff warnings in $1: $warn"
  fi
  if command -v man >/dev/null 2>&1; then
    # (the bold headings come back as overstrikes: "N<BS>N...")
    MANWIDTH=80 man -l -Tutf8 "$1" 2>"$tmp/man.err" | sed "s/.$(printf '\b')//g" | grep -q '^NAME' ||
      fail "man -l $1 did not render: $(cat "$tmp/man.err")"
  fi
}

check_section1 "$src/docs"
check_section7 "$src/docs/kstatsql.7"
for page in "$src/docs/kstatsql.1" "$src/docs/kstatsql-kstat.1" "$src/docs/kstatsql.7"; do
  [ -f "$page" ] && check_render "$page"
done
if [ -d "$build/man" ]; then
  [ -f "$build/man/kstatsql.1" ] && check_section1 "$build/man"
  check_section7 "$build/man/kstatsql.7"
  cmp -s "$build/man/kstatsql.7" "$src/docs/kstatsql.7" ||
    fail "docs/kstatsql.7 differs from the generated page: cmake --build build --target man-update"
  for page in "$build"/man/*.[17]; do check_render "$page"; done
else
  echo "man_test: SKIP generated pages: $build/man does not exist (the shell was not built here)"
fi
command -v groff >/dev/null 2>&1 || echo "man_test: SKIP groff warnings check: groff not found"

if [ "$fails" -ne 0 ]; then echo "man_test: $fails failure(s)" >&2; exit 1; fi
echo "man_test: ok ($(wc -l <"$tmp/options") options, $(wc -l <"$tmp/dots") dot commands, $(wc -l <"$tmp/modes") modes, $(wc -l <"$tmp/kstat_flags") kstat flags, $(wc -l <"$tmp/tables") tables)"
