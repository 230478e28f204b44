# Writes the man pages into OUT from the built shell (cmake -P; see man.cmake):
# kstatsql.7 from kstat_columns (man-tables.sh), and with HELP2MAN set,
# kstatsql.1 and kstatsql-kstat.1 from the shell's --help, .help and the
# include files in docs/man/.
# -DSHELL=path/to/kstatsql -DSRC=source dir -DOUT=dir -DVERSION=x.y.z [-DHELP2MAN=path]
foreach(v SHELL SRC OUT VERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "gen-man.cmake: -D${v}=... is required")
  endif()
endforeach()
file(MAKE_DIRECTORY ${OUT})
# An instrumented shell must not fail the build over a leak report.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")

function(run out_file)
  execute_process(COMMAND ${ARGN} OUTPUT_FILE ${out_file}.tmp ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(REMOVE ${out_file}.tmp)
    message(FATAL_ERROR "gen-man.cmake: writing ${out_file} failed (${rc}): ${err}")
  endif()
  file(RENAME ${out_file}.tmp ${out_file})
endfunction()

run(${OUT}/kstatsql.7 sh ${SRC}/cmake/man-tables.sh ${SHELL} ${VERSION})
if(HELP2MAN)
  run(${OUT}/dot-commands.h2m sh ${SRC}/cmake/man-dot-commands.sh ${SHELL})
  set(ENV{KSTATSQL_MAN_SHELL} ${SHELL})
  set(h2m ${HELP2MAN} --no-info --section=1 "--manual=User Commands" "--source=kstatsql ${VERSION}")
  set(ENV{KSTATSQL_MAN_PAGE} kstatsql)
  run(${OUT}/kstatsql.1 ${h2m} --include=${SRC}/docs/man/kstatsql.h2m
      --include=${OUT}/dot-commands.h2m ${SRC}/cmake/man-help.sh)
  set(ENV{KSTATSQL_MAN_PAGE} kstat)
  run(${OUT}/kstatsql-kstat.1 ${h2m} --include=${SRC}/docs/man/kstatsql-kstat.h2m ${SRC}/cmake/man-help.sh)
endif()
