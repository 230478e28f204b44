#!/bin/sh
# Prints the DOT COMMANDS and OUTPUT MODES sections of kstatsql(1), as a
# help2man include file, from the shell's own `.help` text (one table in the
# shell drives .help, dispatch and completion, so the page follows it).
# usage: man-dot-commands.sh path/to/kstatsql
set -eu
shell="$1"
help=$(printf '.help\n' | "$shell" -batch 2>&1) || {
  echo "man-dot-commands.sh: '$shell' failed to print .help: $help" >&2; exit 1; }
printf '%s\n' "$help" | awk '
  # roff: a backslash is \e; a dash is \- (so options copy and paste).
  function roff(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); return s }
  # "NAME ARGS    HELP": split at the first run of two or more spaces.
  function entry(line, bold,   i, head, rest, name, args) {
    i = match(line, /  +/)
    if (i == 0) { head = line; rest = "" } else { head = substr(line, 1, i - 1); rest = substr(line, i + RLENGTH) }
    name = head; args = ""
    if (match(head, / /)) { name = substr(head, 1, RSTART - 1); args = substr(head, RSTART + 1) }
    print ".TP"
    print "\\fB" roff(name) "\\fR" (args == "" ? "" : " \\fI" roff(args) "\\fR")
    print "\\&" roff(rest)
  }
  BEGIN { print "[DOT COMMANDS]"
          print "Lines starting with a dot are commands to the shell, not SQL." }
  /^\./ { entry($0); next }
  /^Output modes/ { print ""; print "[OUTPUT MODES]"; print "\\&" roff($0); next }
  /^  [^ ]/ { sub(/^  /, ""); entry($0); next }
  NF { print ".PP"; print "\\&" roff($0) }'
