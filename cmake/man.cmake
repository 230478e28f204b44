# Man pages (docs/design-decisions.md, "Man pages"): kstatsql(1),
# kstatsql-kstat(1) and kstatsql(7) are generated at build time from the
# built shell: kstatsql.7 from kstat_columns always, the section 1 pages with
# help2man (Debian: help2man) when it is installed. Without help2man, or
# without the shell, the committed pages in docs/ are installed; the
# man_pages test fails when they no longer cover the shell's options, dot
# commands, modes and tables. `cmake --build build --target man-update`
# copies the generated pages over the committed ones.
find_program(KSTATSQL_HELP2MAN help2man)
set(KSTATSQL_MAN_DIR ${PROJECT_BINARY_DIR}/man)
set(KSTATSQL_MAN1_PAGES ${PROJECT_SOURCE_DIR}/docs/kstatsql.1 ${PROJECT_SOURCE_DIR}/docs/kstatsql-kstat.1)
set(KSTATSQL_MAN7_PAGES ${PROJECT_SOURCE_DIR}/docs/kstatsql.7)
if(TARGET kstatsql_shell AND NOT CMAKE_CROSSCOMPILING)
  set(outputs ${KSTATSQL_MAN_DIR}/kstatsql.7)
  set(h2m_arg "")
  if(KSTATSQL_HELP2MAN)
    list(APPEND outputs ${KSTATSQL_MAN_DIR}/kstatsql.1 ${KSTATSQL_MAN_DIR}/kstatsql-kstat.1)
    set(h2m_arg -DHELP2MAN=${KSTATSQL_HELP2MAN})
    set(KSTATSQL_MAN1_PAGES ${KSTATSQL_MAN_DIR}/kstatsql.1 ${KSTATSQL_MAN_DIR}/kstatsql-kstat.1)
  else()
    message(STATUS "help2man not found: installing the committed docs/kstatsql.1 and docs/kstatsql-kstat.1")
  endif()
  set(KSTATSQL_MAN7_PAGES ${KSTATSQL_MAN_DIR}/kstatsql.7)
  add_custom_command(OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -DSHELL=$<TARGET_FILE:kstatsql_shell> -DSRC=${PROJECT_SOURCE_DIR}
            -DOUT=${KSTATSQL_MAN_DIR} -DVERSION=${PROJECT_VERSION} ${h2m_arg}
            -P ${PROJECT_SOURCE_DIR}/cmake/gen-man.cmake
    DEPENDS kstatsql_shell ${PROJECT_SOURCE_DIR}/cmake/gen-man.cmake
            ${PROJECT_SOURCE_DIR}/cmake/man-tables.sh ${PROJECT_SOURCE_DIR}/cmake/man-help.sh
            ${PROJECT_SOURCE_DIR}/cmake/man-dot-commands.sh
            ${PROJECT_SOURCE_DIR}/docs/man/kstatsql.h2m ${PROJECT_SOURCE_DIR}/docs/man/kstatsql-kstat.h2m
    COMMENT "Generating man pages" VERBATIM)
  add_custom_target(man ALL DEPENDS ${outputs})
  set(copies "")
  foreach(page ${outputs})
    get_filename_component(name ${page} NAME)
    list(APPEND copies COMMAND ${CMAKE_COMMAND} -E copy_if_different ${page} ${PROJECT_SOURCE_DIR}/docs/${name})
  endforeach()
  add_custom_target(man-update ${copies} DEPENDS ${outputs} COMMENT "Copying the generated man pages to docs/")
endif()
install(FILES ${KSTATSQL_MAN1_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${KSTATSQL_MAN7_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man7)
