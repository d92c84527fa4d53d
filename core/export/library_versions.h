#pragma once

#include <string>
#include <vector>

namespace imbw {

/// A library the program is built on, for Help ▸ About and bug reports.
struct LibraryVersion {
  std::string name;
  std::string version;  ///< of the library loaded at run time where it can say (HDF5, XGBoost)
  std::string licence;  ///< SPDX expression
  std::string url;
};

/// HDF5, XGBoost (run-time versions), Eigen and nlohmann/json (compile-time), in that order.
/// Qt is the window's to add.
std::vector<LibraryVersion> libraryVersions();

}  // namespace imbw
