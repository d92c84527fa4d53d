# Benchmark of the tree models (helper area "trees"): included by bench/learn/CMakeLists.txt.
# Run: /usr/bin/python3 bench/learn/trees_bench.py --bin <build>/bench/learn/trees_bench
if(TARGET imbw_learn)
  add_executable(trees_bench ${CMAKE_CURRENT_LIST_DIR}/trees_bench.cpp)
  target_link_libraries(trees_bench PRIVATE imbw_learn)
  target_include_directories(trees_bench PRIVATE ${CMAKE_SOURCE_DIR})
  imbw_project_warnings(trees_bench)
endif()
