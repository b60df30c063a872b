# CTest integration for projects checked with baton (docs/ci.md).
#
#   list(APPEND CMAKE_MODULE_PATH /path/to/baton/cmake)
#   include(Baton)
#   baton_add_test(NAME counter_is_race_free TARGET counter
#                  [ARGS program arguments...]
#                  [CHECK_OPTIONS --fail-on data-race,deadlock --time-limit 20 ...])
#
# adds a CTest test that runs `baton check CHECK_OPTIONS <TARGET's binary> -- ARGS`: it passes
# when baton finds nothing that fails the run (exit 0) and fails on findings (1) or errors (2),
# with baton's report as the test's output. The target must be built with baton-cc/baton-c++
# (configure the project with -DCMAKE_C_COMPILER=baton-cc -DCMAKE_CXX_COMPILER=baton-c++):
# CMake picks one compiler per project, so a helper cannot switch it for one target, and a
# binary built by another compiler is rejected by `baton check` with one clear line.
#
# `baton` is found next to the compiler (build/bin/ of a baton build), on PATH, or where the
# cache variable BATON_EXECUTABLE says.
include_guard(GLOBAL)

get_filename_component(_baton_compiler_dir "${CMAKE_C_COMPILER}" DIRECTORY)
find_program(BATON_EXECUTABLE baton HINTS "${_baton_compiler_dir}" DOC "baton, the concurrency checker")

function(baton_add_test)
  cmake_parse_arguments(PARSE_ARGV 0 BATON "" "NAME;TARGET" "ARGS;CHECK_OPTIONS")
  if(NOT BATON_NAME OR NOT BATON_TARGET)
    message(FATAL_ERROR "baton_add_test: NAME and TARGET are required")
  endif()
  if(NOT TARGET ${BATON_TARGET})
    message(FATAL_ERROR "baton_add_test: '${BATON_TARGET}' is not a target")
  endif()
  if(NOT BATON_EXECUTABLE)
    message(FATAL_ERROR "baton_add_test: baton not found; set BATON_EXECUTABLE")
  endif()
  add_test(NAME ${BATON_NAME}
           COMMAND ${BATON_EXECUTABLE} check ${BATON_CHECK_OPTIONS} $<TARGET_FILE:${BATON_TARGET}> -- ${BATON_ARGS}
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(${BATON_NAME} PROPERTIES LABELS baton)
endfunction()
