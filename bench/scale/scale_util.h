#pragma once

// What the scale benches measure besides their results: wall time and the process's peak
// resident memory.

#include <chrono>
#include <cstddef>
#include <fstream>
#include <string>

namespace scale_bench {

/// Seconds since t0.
inline double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// The process's peak resident set (VmHWM of /proc/self/status), in bytes; 0 if unknown.
inline std::size_t peakRss() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmHWM:") {
      std::size_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

}  // namespace scale_bench
