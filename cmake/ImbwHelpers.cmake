# Warnings for project code only (third-party headers come in as SYSTEM includes).
function(imbw_project_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(IMBW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Tests that measure a responsiveness bound named in the issues (a cancel within 200 ms, no
# event-loop stall over 50 ms, a window that closes within 2 s) run alone, so that a test running
# beside them under `ctest -j2` cannot take their cores and make the measurement meaningless.
set(IMBW_SERIAL_TESTS app_gui_main_window app_gui_project app_gui_insight app_gui_weak app_gui_save
                      app_gui_cut_scale test_gbdt test_forest test_forest_easy_ensemble
                      test_learn_models test_run_engine)

# `cmake --build build --target imbw_tests` builds every test and what the tests run (the
# sanitizer build needs nothing else).
if(NOT TARGET imbw_tests)
  add_custom_target(imbw_tests)
endif()

# imbw_add_test(NAME name SOURCES a.cpp ... [LIBS lib ...] [LABELS l ...] [TIMEOUT s])
# A Qt Test executable run by ctest with the offscreen platform and the paths tests need.
function(imbw_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  qt_add_executable(${T_NAME} ${T_SOURCES})
  add_dependencies(imbw_tests ${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
  target_include_directories(${T_NAME} PRIVATE ${CMAKE_SOURCE_DIR})
  imbw_project_warnings(${T_NAME})
  # Each suite also writes its plain-text log to test-logs/NAME.txt: ctest keeps the output of
  # passing tests to itself, and packaging/test-summary.sh prints every suite's "Totals:" line
  # from these files (a suite that skipped, crashed or wrote no totals is then visible).
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/test-logs)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} -o ${CMAKE_BINARY_DIR}/test-logs/${T_NAME}.txt,txt
                                   -o -,txt)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT}
    # GOMP_SPINCOUNT: what core/util/openmp_env.h gives our programs (tests run in parallel).
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;GOMP_SPINCOUNT=3000;IMBW_SHARED_DIR=${IMBW_SHARED_DIR};IMBW_SOURCE_DIR=${CMAKE_SOURCE_DIR};IMBW_BINARY_DIR=${CMAKE_BINARY_DIR}")
  if(T_NAME IN_LIST IMBW_SERIAL_TESTS)
    set_tests_properties(${T_NAME} PROPERTIES RUN_SERIAL TRUE)
  endif()
  # qtest: the suites packaging/test-summary.sh expects a Totals line from.
  set_tests_properties(${T_NAME} PROPERTIES LABELS "qtest;${T_LABELS}")
endfunction()
