#!/bin/sh
# `cmake --install` into a temporary prefix, then use it as a new user would:
# (a) the installed shell runs reports by name from the (moved) prefix, (b) a
# CMake project with find_package(kstatsql) links kstatsql::kstatsql, (c) cc
# with pkg-config links the same C file, (d) the man pages install and render.
# usage: install_test.sh CMAKE BUILD_DIR tests/data
set -u
cmake="$1"; build="$2"; data="$3"
tmp="${TMPDIR:-/tmp}/kstatsql-install-test.$$"
mkdir -p "$tmp"; trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
unset KSTATSQL_REPORTS KSTATSQL_SOURCE
dump="$data/dumps/illumos-kstat-p.txt"

"$cmake" --install "$build" --prefix "$tmp/p0" >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log" >&2; echo "install_test: cmake --install failed" >&2; exit 1; }
# Move the prefix: nothing may point back at the build or at the old prefix.
mv "$tmp/p0" "$tmp/p"; p="$tmp/p"
for f in bin/kstatsql lib/libkstatsql.a lib/kstatsql/kstatsql.so include/kstatsql/kstatsql.h \
         include/kstatsql/version.h share/kstatsql/reports/vmstat.sql share/man/man1/kstatsql.1 \
         share/man/man1/kstatsql-kstat.1 share/man/man7/kstatsql.7 share/bash-completion/completions/kstatsql \
         lib/cmake/kstatsql/kstatsqlConfig.cmake lib/cmake/kstatsql/kstatsqlConfigVersion.cmake \
         lib/cmake/kstatsql/kstatsqlTargets.cmake lib/pkgconfig/kstatsql.pc; do
  [ -f "$p/$f" ] || fail "not installed: $f"
done

# (a) reports by name, from the installed share/kstatsql/reports.
"$p/bin/kstatsql" --source "$dump" --report vmstat >"$tmp/vmstat" 2>&1 || fail "--report vmstat: $(cat "$tmp/vmstat")"
head -1 "$tmp/vmstat" | grep -q '^r  *b  *w' || fail "--report vmstat output: $(head -3 "$tmp/vmstat")"
# A report only the installed folder has: found there, not in the source tree.
echo "SELECT 'probe ok';" >"$p/share/kstatsql/reports/install_probe.sql"
"$p/bin/kstatsql" --report install_probe 2>&1 | grep -q "^probe ok *$" || fail "installed reports dir not used"

# The consumer: register, query one row from the dump.
cat >"$tmp/demo.c" <<'C'
#include <sqlite3.h>
#include <stdio.h>
#include "kstatsql/kstatsql.h"
int main(int argc, char** argv) {
  sqlite3* db; sqlite3_stmt* st; char* err = NULL;
  kstatsql_options o = KSTATSQL_OPTIONS_INIT;
  o.source = argc > 1 ? argv[1] : NULL;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK || kstatsql_register(db, &o, &err) != SQLITE_OK) {
    fprintf(stderr, "register: %s\n", err ? err : "?"); return 1; }
  if (sqlite3_prepare_v2(db, "SELECT value FROM named WHERE module='unix' AND name='system_misc' "
                         "AND statistic='nproc'", -1, &st, NULL) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW) { fprintf(stderr, "query: %s\n", sqlite3_errmsg(db)); return 1; }
  printf("nproc=%lld %s\n", sqlite3_column_int64(st, 0), kstatsql_version());
  sqlite3_finalize(st); sqlite3_close(db); return 0;
}
C
# (b) and (c) link programs against the installed archive. A sanitizer build
# installs an instrumented archive that plain consumers cannot link without
# the sanitizer runtime; the Release suite runs both.
if [ -n "${KSTATSQL_INSTRUMENTED:-}" ]; then
  echo "install_test: SKIP (b) and (c): the installed archive is instrumented ($KSTATSQL_INSTRUMENTED)"
else
# (b) find_package(kstatsql CONFIG REQUIRED), a C-only project.
mkdir -p "$tmp/consumer"
cp "$tmp/demo.c" "$tmp/consumer/demo.c"
cat >"$tmp/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(kstatsql 0.1 CONFIG REQUIRED)
add_executable(demo demo.c)
target_link_libraries(demo kstatsql::kstatsql)
CM
if "$cmake" -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$p" >"$tmp/cm.log" 2>&1 &&
   "$cmake" --build "$tmp/consumer/build" >>"$tmp/cm.log" 2>&1; then
  out=$("$tmp/consumer/build/demo" "$dump" 2>&1)
  echo "$out" | grep -q '^nproc=71 ' || fail "find_package consumer output: $out"
else
  fail "find_package consumer did not build: $(tail -20 "$tmp/cm.log")"
fi

# (c) cc $(pkg-config --cflags --libs kstatsql).
if command -v pkg-config >/dev/null 2>&1; then
  flags=$(PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --cflags --libs kstatsql) || fail "pkg-config kstatsql"
  # shellcheck disable=SC2086
  if ${CC:-cc} "$tmp/demo.c" -o "$tmp/demo_pc" $flags 2>"$tmp/cc.log"; then
    out=$("$tmp/demo_pc" "$dump" 2>&1)
    echo "$out" | grep -q '^nproc=71 ' || fail "pkg-config consumer output: $out"
  else
    fail "cc with pkg-config flags ($flags): $(cat "$tmp/cc.log")"
  fi
else
  echo "install_test: SKIP (c): pkg-config not found"
fi
fi

# (d) the man pages render without warnings.
if command -v groff >/dev/null 2>&1; then
  for page in man1/kstatsql.1 man1/kstatsql-kstat.1 man7/kstatsql.7; do
    warn=$(groff -man -Tutf8 -ww "$p/share/man/$page" 2>&1 >/dev/null)
    [ -z "$warn" ] || fail "groff warnings in $page: $warn"
  done
else
  echo "install_test: SKIP man page rendering: groff not found"
fi

if [ "$fails" -ne 0 ]; then echo "install_test: $fails failure(s)" >&2; exit 1; fi
echo "install_test: ok"
