// vtab/sqlite.hpp — the only way vtab/ code includes SQLite.
//
// The vtab sources are compiled twice (vtab/CMakeLists.txt): with
// SQLITE_CORE for libkstatsql.a and the shell, where sqlite3_* are direct
// calls, and without it for kstatsql.so, where sqlite3ext.h redirects every
// sqlite3_* call through the sqlite3_api pointer that SQLITE_EXTENSION_INIT1
// defines in extension.cpp. Every other TU declares it with INIT3.
#pragma once

#include <sqlite3ext.h>

#ifndef KSTATSQL_EXTENSION_TU
SQLITE_EXTENSION_INIT3
#endif
