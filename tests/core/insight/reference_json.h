#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace imbw::test {

/// tests/reference/insight/<file> of the source tree (IMBW_SOURCE_DIR, set by ctest).
inline std::filesystem::path insightReferencePath(const std::string& file) {
  const char* src = std::getenv("IMBW_SOURCE_DIR");
  if (!src) throw std::runtime_error("IMBW_SOURCE_DIR is not set (run the test through ctest)");
  return std::filesystem::path(src) / "tests" / "reference" / "insight" / file;
}

inline nlohmann::json insightReference() {
  const auto path = insightReferencePath("insight_reference.json");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

}  // namespace imbw::test
