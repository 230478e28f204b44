#!/bin/sh
# What help2man reads as the program's --help and --version: the built shell
# ($KSTATSQL_MAN_SHELL), or with KSTATSQL_MAN_PAGE=kstat its kstat(8) mode
# presented as the program kstatsql-kstat. Only the usage block is reshaped,
# into the one-line-per-form `Usage: ...` / `or: ...` lines help2man turns into
# a SYNOPSIS, and an "Options (...):" heading becomes "Options:" on a paragraph
# of its own (help2man's OPTIONS section); every other line is the shell's text.
shell="${KSTATSQL_MAN_SHELL:?KSTATSQL_MAN_SHELL must name the built kstatsql}"

# usage_forms WORD PREFIX: the leading usage block (a line starting "usage:",
# then indented lines, or kstat(8)'s "Usage:" line then lines of forms) becomes
# one line per form; a form starts with WORD, other lines continue the form.
usage_forms() {
  awk -v word="$1" -v prefix="$2" '
    function flush() { if (form != "") print (n++ ? "   or: " : "Usage: ") prefix form; form = "" }
    done && /^Options.*: *$/ { print ""; print "Options:"; print ""; indented = 1; next }
    done && indented && !/^[ \t]/ { print "" }
    done { indented = /^[ \t]/; print; next }
    NR == 1 && /^[Uu]sage: *$/ { next }
    NR == 1 { sub(/^[Uu]sage: */, "") }
    NR > 1 && !/^[ \t]/ && $1 != word { flush(); done = 1; print; next }
    { line = $0; sub(/^[ \t]+/, "", line); gsub(/[ \t]+/, " ", line)
      if ($1 == word) { flush(); form = line } else { form = form " " line } }
    END { flush() }'
}

case "${KSTATSQL_MAN_PAGE:-kstatsql}:${1:-}" in
  kstatsql:--help)
    "$shell" --help | usage_forms kstatsql "" ;;
  kstatsql:--version)
    "$shell" --version ;;
  kstat:--help)
    # `kstatsql kstat -h` prints kstat(8)'s usage on stderr.
    "$shell" kstat -h 2>&1 | usage_forms kstat "kstatsql " ;;
  kstat:--version)
    "$shell" --version | sed '1s/^kstatsql /kstatsql-kstat /' ;;
  *)
    echo "man-help.sh: unexpected request '${KSTATSQL_MAN_PAGE:-kstatsql}:${1:-}'" >&2
    exit 2 ;;
esac
