#!/bin/bash
# README.md's Install and Embedding blocks, run as written: each ```sh block
# after a `<!-- readme-test: run -->` line runs in order, every line checked, in a scratch
# folder holding `build` (the build folder) and a copy of `python/`, with
# HOME set to a scratch home; the block after `<!-- readme-test: file PATH -->`
# is written to PATH first. `sudo` lines change the system and are shown, not
# run. Then the outputs are checked: the installed shell's vmstat report, the
# man page, the .deb's metadata, the two C programs' rows and Python's count.
# usage: readme_install_test.sh SOURCE_DIR BUILD_DIR CMAKE
set -u
src="$1"; build="$2"; cmake="$3"
tmp="${TMPDIR:-/tmp}/kstatsql-readme-install.$$"
mkdir -p "$tmp/home" "$tmp/work"; trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
unset KSTATSQL_REPORTS KSTATSQL_SOURCE KSTATSQL_EXTENSION PYTHONPATH VIRTUAL_ENV
export HOME="$tmp/home"
# cmake and cpack of this build; Debian's python3 (its sqlite3 loads extensions).
PATH="$(dirname "$cmake"):/usr/bin:$PATH"
ln -s "$build" "$tmp/work/build"
(cd "$src" && tar cf - --exclude=build --exclude='*.egg-info' --exclude='*.so' python) | (cd "$tmp/work" && tar xf -)

# Split README into blocks: run.N (a script) and file.N (PATH on line 1, then content).
awk -v dir="$tmp" '
  /^<!-- readme-test: run -->$/ { kind = "run"; next }
  /^<!-- readme-test: file [^ ]+ -->$/ { kind = "file"; path = $4; next }
  kind != "" && /^```/ && !inblock { inblock = 1; n++; out = sprintf("%s/%02d.%s", dir, n, kind)
                                     if (kind == "file") print path > out; next }
  inblock && /^```$/ { inblock = 0; kind = ""; close(out); next }
  inblock { print > out }' "$src/README.md"
set -- "$tmp"/[0-9]*.run
[ $# -ge 4 ] || { echo "readme_install_test: found $# run blocks in README.md, want at least 4" >&2; exit 1; }

needs() { # BLOCK: the reason to skip it, if a tool it needs is missing
  if grep -q 'cpack' "$1"; then
    for t in dpkg-deb dpkg-shlibdeps; do command -v $t >/dev/null || { echo "$t not found (dpkg-dev)"; return; }; done
  fi
  if grep -q 'man -l' "$1"; then command -v man >/dev/null || { echo "man not found (man-db)"; return; }; fi
  if grep -q 'venv' "$1"; then /usr/bin/python3 -c 'import ensurepip' 2>/dev/null || { echo "python3-venv missing"; return; }; fi
  if [ -n "${KSTATSQL_INSTRUMENTED:-}" ] && grep -q 'app/\|python' "$1"; then
    echo "links or loads the instrumented library ($KSTATSQL_INSTRUMENTED)"; return
  fi
}
cd "$tmp/work" || exit 1
: >"$tmp/out"
for block in "$tmp"/[0-9]*.*; do
  case "$block" in
    *.file) f=$(head -1 "$block"); mkdir -p "$(dirname "$f")"; tail -n +2 "$block" >"$f"; continue ;;
  esac
  why=$(needs "$block")
  if [ -n "$why" ]; then echo "readme_install_test: SKIP block $(basename "$block"): $why"; continue; fi
  grep '^sudo ' "$block" | sed 's/^/readme_install_test: not run (changes the system): /'
  # Every line must succeed (an `a && b` line included), in one shell so that
  # `export` and `. activate` carry over to the next line.
  grep -v '^sudo ' "$block" |
    awk '{ print; printf "rc=$?; [ $rc -eq 0 ] || { echo \"line %d failed (status $rc)\" >&2; exit $rc; }\n", NR }' >"$block.sh"
  if ! bash "$block.sh" >"$block.log" 2>&1; then
    fail "README block failed:
$(cat "$block.sh")
--- output:
$(tail -20 "$block.log")"
  fi
  cat "$block.log" >>"$tmp/out"
done

expect() { # REGEX MIN WHAT: at least MIN output lines match REGEX
  n=$(grep -cE -- "$1" "$tmp/out")
  [ "$n" -ge "$2" ] || fail "$3: $n line(s) match /$1/, want >= $2"
}
expect '^ *r +b +w +swap' 1 "the installed shell's --report vmstat"
command -v man >/dev/null && expect 'KSTATSQL\(1\)' 1 "man -l of the installed kstatsql.1"
command -v dpkg-deb >/dev/null && expect '^ Package: kstatsql$' 1 "dpkg-deb -I of the README's .deb"
if [ -z "${KSTATSQL_INSTRUMENTED:-}" ]; then
  expect '^[a-z_]+ [0-9]+$' 4 "rows of the CMake and pkg-config programs"
  /usr/bin/python3 -c 'import ensurepip' 2>/dev/null && expect '^\([1-9][0-9]*,\)$' 1 "Python's count of kstats"
fi

if [ "$fails" -ne 0 ]; then echo "readme_install_test: $fails failure(s)" >&2; exit 1; fi
echo "readme_install_test: ok ($# blocks)"
