#!/bin/bash
# completion/kstatsql, sourced into bash: COMPREPLY for options, --report
# names (from the reports folder the completed program uses), modes,
# --source families and paths, and kstat(8) mode flags.
# usage: completion_test.sh completion/kstatsql path/to/kstatsql reports/
set -u
script="$1"; shell="$2"; reports="$3"
tmp="${TMPDIR:-/tmp}/kstatsql-completion-test.$$"
mkdir -p "$tmp/bin" "$tmp/share/kstatsql/reports" "$tmp/reports" "$tmp/proc.d/rec1" "$tmp/proc.d/rec2"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# shellcheck source=/dev/null
source "$script" || { echo "completion_test: sourcing $script failed" >&2; exit 1; }
complete -p kstatsql >/dev/null 2>&1 || fail "no 'complete' spec for kstatsql"
# An installed layout: bin/kstatsql and share/kstatsql/reports/ side by side.
cp "$shell" "$tmp/bin/kstatsql"
cp "$reports"/*.sql "$tmp/share/kstatsql/reports/"
PATH="$tmp/bin:$PATH"

# comp LINE: run the completion as bash would with the cursor at the end of LINE.
comp() {
  COMP_LINE="$1"; COMP_POINT=${#1}
  read -ra COMP_WORDS <<<"$1"
  [[ $1 == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _kstatsql kstatsql "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
# expect LINE WANT...: COMPREPLY is exactly WANT (sorted).
expect() {
  local line="$1"; shift
  local got want
  got=$(comp "$line")
  want=$(printf '%s\n' "$@" | sort)
  [[ "$got" == "$want" ]] || fail "'$line': got [$(echo "$got" | tr '\n' ' ')], want [$(echo "$want" | tr '\n' ' ')]"
}
# has LINE WORD: COMPREPLY contains WORD.
has() {
  comp "$1" | grep -qxF -- "$2" || fail "'$1': '$2' not offered (got: $(comp "$1" | tr '\n' ' '))"
}

# Options from --help.
expect "kstatsql --rep" --report
expect "kstatsql --sou" --source
has "kstatsql -" -bail
has "kstatsql -" --interval
has "kstatsql -" -noheader
# Report names: KSTATSQL_REPORTS, then the program's own reports folder.
touch "$tmp/reports/alpha.sql" "$tmp/reports/alphabet.sql" "$tmp/reports/beta.sql" "$tmp/reports/notes.txt"
KSTATSQL_REPORTS="$tmp/reports" expect "kstatsql --report al" alpha alphabet
KSTATSQL_REPORTS="$tmp/reports" expect "kstatsql --report " alpha alphabet beta
unset KSTATSQL_REPORTS
has "kstatsql --report " vmstat
has "kstatsql --report io" iostat
# Modes from .help.
expect "kstatsql -mode js" json jsonl
has "kstatsql -mode " box
# --source: live, procfs:, files; folders after procfs: (completed after the ':').
has "kstatsql --source " live
has "kstatsql --source " procfs:
expect "kstatsql --source li" live
expect "kstatsql --source $tmp/proc.d/re" "$tmp/proc.d/rec1" "$tmp/proc.d/rec2"
expect "kstatsql --source procfs:$tmp/proc.d/rec1" "$tmp/proc.d/rec1/"
# Subcommands, and kstat(8) mode's flags after `kstat`.
expect "kstatsql kst" kstat
expect "kstatsql kstat -T " d u
has "kstatsql kstat -" -p
has "kstatsql --source live kstat -" -j
comp "kstatsql kstat -" | grep -qx -- --report && fail "kstat mode offers shell options"

if [ "$fails" -ne 0 ]; then echo "completion_test: $fails failure(s)" >&2; exit 1; fi
echo "completion_test: ok"
