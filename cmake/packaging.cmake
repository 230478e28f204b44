# The Debian package: `cpack -G DEB` from the build folder writes
# kstatsql_<version>_<arch>.deb holding what `cmake --install` installs, under
# /usr. Depends is computed by dpkg-shlibdeps (Debian: dpkg-dev) from the
# shell's and the module's ELF dependencies, never written by hand.
set(KSTATSQL_PACKAGE_MAINTAINER "kstatsql developers <kstatsql-devel@lists.invalid>" CACHE STRING
    "Maintainer field of the .deb (Name <address>)")
set(KSTATSQL_PACKAGE_HOMEPAGE "" CACHE STRING "Homepage field of the .deb (omitted when empty)")

set(CPACK_PACKAGE_NAME kstatsql)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "kstatsql")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SQL shell and SQLite extension over kernel statistics")
set(CPACK_PACKAGE_DESCRIPTION
    "kstatsql exposes kernel statistics (Linux /proc and /sys, ZFS kstats, illumos\n"
    "libkstat, OpenBSD /dev/kstat, kstat -p/-j dumps and .kss recordings) as SQLite\n"
    "virtual tables. The package holds the kstatsql shell (with an illumos kstat(8)\n"
    "mode and reports), the loadable SQLite extension /usr/lib/kstatsql/kstatsql.so,\n"
    "the static library and headers for embedding, man pages and bash completion.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KSTATSQL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
if(KSTATSQL_PACKAGE_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${KSTATSQL_PACKAGE_HOMEPAGE}")
endif()
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Executables and the module are stripped, as Debian packages are (not the archive).
set(CPACK_STRIP_FILES ON)
# The static library's users also need the development files it links against.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libsqlite3-dev, libfmt-dev, sqlite3, python3-apsw")
# The package is one component: everything `cmake --install` installs.
set(CPACK_DEB_COMPONENT_INSTALL OFF)
include(CPack)
