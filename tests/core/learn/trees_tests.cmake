# Tests of the tree models (helper area "trees"): included by tests/core/learn/CMakeLists.txt.
foreach(suite test_gbdt test_forest test_forest_easy_ensemble)
  if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/${suite}.cpp)
    imbw_add_test(NAME ${suite} SOURCES ${suite}.cpp test_gbdt_toy.h LIBS imbw_learn)
  endif()
endforeach()
