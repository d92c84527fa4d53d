# IMBW_SANITIZE=address,undefined (CI's second build, packaging/run-tests.sh) or thread
# (packaging/tsan.sh): every target of the project is compiled and linked with the sanitizers, and
# IMBW_SANITIZED is defined so that the few tests that assert a wall time can loosen exactly those
# bounds (instrumented code runs 2-5x slower; see tests/timing_bounds.h).
if(IMBW_SANITIZE)
  add_compile_options(-fsanitize=${IMBW_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${IMBW_SANITIZE})
  if(IMBW_SANITIZE MATCHES "undefined")
    # A UBSan report fails the test instead of scrolling past in its output.
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  add_compile_definitions(IMBW_SANITIZED=1)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's -Wmaybe-uninitialized gives false positives inside libstdc++ (std::regex's
    # std::function, test_expression) once -fsanitize=address changes inlining; GCC documents the
    # warning as unreliable under the sanitizers. The ordinary build keeps it (-Werror).
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  message(STATUS "Sanitizers: ${IMBW_SANITIZE}")
endif()

# IMBW_FUZZ: coverage instrumentation for libFuzzer in every library the fuzz targets link
# (fuzz/CMakeLists.txt links the targets themselves with -fsanitize=fuzzer).
if(IMBW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "IMBW_FUZZ needs clang (CC=clang CXX=clang++), see fuzz/run.sh")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
