#!/bin/sh
# The .deb: `cpack -G DEB` from the build folder, then as a user of the package
# would see it: `dpkg-deb -I` metadata (Depends computed by dpkg-shlibdeps
# lists the runtime libraries), `dpkg-deb -c` contents, and `dpkg -x` into a
# temporary root whose shell runs README's query and `--report vmstat` with
# LD_LIBRARY_PATH unset and the reports found relative to the binary.
# usage: deb_test.sh CPACK BUILD_DIR SOURCE_DIR VERSION
# Exit 77 (ctest: skipped) when a Debian packaging tool is missing.
set -u
cpack="$1"; build="$2"; src="$3"; version="$4"
for tool in "$cpack" dpkg-deb dpkg-shlibdeps dpkg; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "deb_test: SKIP: $tool not found (Debian: cmake, dpkg-dev)"; exit 77; }
done
tmp="${TMPDIR:-/tmp}/kstatsql-deb-test.$$"
mkdir -p "$tmp"; trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
unset KSTATSQL_REPORTS KSTATSQL_SOURCE LD_LIBRARY_PATH

"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 || {
  cat "$tmp/cpack.log" >&2; echo "deb_test: cpack -G DEB failed" >&2; exit 1; }
set -- "$tmp"/pkg/*.deb
if [ $# -ne 1 ] || [ ! -f "$1" ]; then echo "deb_test: expected one .deb in $tmp/pkg, got: $*" >&2; exit 1; fi
deb="$1"
case "$(basename "$deb")" in
  "kstatsql_${version}_$(dpkg --print-architecture).deb") ;;
  *) fail "package file name $(basename "$deb")" ;;
esac

# Metadata.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = kstatsql ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), want $version"
[ "$(field Section)" = utils ] || fail "Section: $(field Section)"
field Maintainer | grep -q '^[^<]* <[^>]*@[^>]*>$' || fail "Maintainer: $(field Maintainer)"
[ -n "$(field Description)" ] || fail "no Description"
depends=$(field Depends)
want="libc6 libstdc++6 libsqlite3-0 libfmt9"
# libedit2 when the shell was linked with libedit (it is optional at build time).
if command -v readelf >/dev/null 2>&1 && readelf -d "$build/kstatsql" | grep -q 'NEEDED.*libedit'; then
  want="$want libedit2"
fi
for lib in $want; do
  echo "$depends" | tr ',' '\n' | grep -q "^ *$lib\( \|$\)" || fail "Depends lacks $lib: $depends"
done

# Contents.
dpkg-deb -c "$deb" | awk '{print $NF}' >"$tmp/files"
for f in usr/bin/kstatsql usr/lib/kstatsql/kstatsql.so usr/lib/libkstatsql.a \
         usr/include/kstatsql/kstatsql.h usr/share/kstatsql/reports/vmstat.sql \
         usr/share/man/man1/kstatsql.1 usr/share/man/man1/kstatsql-kstat.1 usr/share/man/man7/kstatsql.7 \
         usr/share/bash-completion/completions/kstatsql usr/lib/pkgconfig/kstatsql.pc \
         usr/lib/cmake/kstatsql/kstatsqlConfig.cmake; do
  grep -qx "\./$f" "$tmp/files" || fail "not in the package: /$f"
done
grep -q '/build\|/tmp/\|/work/' "$tmp/files" && fail "package holds build paths: $(grep '/build\|/tmp/\|/work/' "$tmp/files")"

# Extracted into a root of its own, run from there.
dpkg -x "$deb" "$tmp/root" || fail "dpkg -x"
bin="$tmp/root/usr/bin/kstatsql"
# README's first command ends with this query, run by the built shell.
query=$(sed -n 's/.*build\/kstatsql --header "\([^"]*\)".*/\1/p' "$src/README.md" | head -1)
[ -n "$query" ] || fail "README's query not found"
out=$("$bin" --header "$query" 2>&1) || fail "README query with the packaged shell: $out"
echo "$out" | head -1 | grep -qx 'module|kstats' || fail "README query header: $(echo "$out" | head -2)"
[ "$(echo "$out" | wc -l)" -ge 2 ] || fail "README query printed no rows: $out"
dump="$src/tests/data/dumps/illumos-kstat-p.txt"
out=$("$bin" --source "$dump" --report vmstat 2>&1) || fail "--report vmstat: $out"
echo "$out" | head -1 | grep -q '^ *r  *b  *w' || fail "--report vmstat output: $(echo "$out" | head -3)"
# The reports come from the package's share/kstatsql/reports, not the source tree.
echo "SELECT 'deb probe';" >"$tmp/root/usr/share/kstatsql/reports/deb_probe.sql"
"$bin" --report deb_probe 2>&1 | grep -q '^deb probe *$' || fail "the packaged reports folder is not used"
if [ -n "${KSTATSQL_INSTRUMENTED:-}" ]; then
  # The stock sqlite3 cannot load an instrumented module without the sanitizer runtime.
  echo "deb_test: SKIP sqlite3 .load of the packaged module: it is instrumented ($KSTATSQL_INSTRUMENTED)"
elif command -v sqlite3 >/dev/null 2>&1; then
  n=$(sqlite3 :memory: -cmd ".load $tmp/root/usr/lib/kstatsql/kstatsql" \
        "SELECT count(*) > 0 FROM kstat" 2>&1)
  [ "$n" = 1 ] || fail "sqlite3 .load of the packaged module: $n"
fi

if [ "$fails" -ne 0 ]; then echo "deb_test: $fails failure(s)" >&2; exit 1; fi
echo "deb_test: ok ($(basename "$deb"); Depends: $depends)"
