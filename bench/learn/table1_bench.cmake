# The whole Table 1 comparison against the Python stack (helper area "table1"): included by
# bench/learn/CMakeLists.txt.
# Run: /usr/bin/python3 bench/learn/table1_bench.py --bin <build>/bench/learn/table1_bench
if(TARGET imbw_learn AND TARGET imbw_resample)
  add_executable(table1_bench ${CMAKE_CURRENT_LIST_DIR}/table1_bench.cpp)
  target_link_libraries(table1_bench PRIVATE imbw_learn imbw_resample)
  target_include_directories(table1_bench PRIVATE ${CMAKE_SOURCE_DIR})
  imbw_project_warnings(table1_bench)
endif()
