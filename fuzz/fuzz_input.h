#pragma once

// Shared by the fuzz targets: the input as a temporary file for the loaders that take a path.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace imbw::fuzz {

/// Writes the input to one file per process (in /dev/shm when it exists: no disk traffic) and
/// returns its path; the file is rewritten for every input.
inline std::string asFile(const std::uint8_t* data, std::size_t size, const char* suffix) {
  static const std::string dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  const std::string path =
      dir + "/imbw_fuzz_" + std::to_string(::getpid()) + "_" + std::string(suffix);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace imbw::fuzz
