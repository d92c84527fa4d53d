#pragma once

#include <string>
#include <vector>

namespace imbw {

/// A finished program: its exit code (128 + N when killed by signal N) and its output.
struct ProcessResult {
  int exitCode = -1;
  std::string out, err;
};

/// The full path of `program` on PATH ("" when it is not there).
std::string findOnPath(const std::string& program);

/// Runs argv[0] (searched on PATH) with the arguments, waits, and returns what it printed.
/// Throws imbw::Error when it cannot be started.
ProcessResult runProcess(const std::vector<std::string>& argv);

/// The absolute path of the running executable (/proc/self/exe).
std::string selfExecutable();

}  // namespace imbw
