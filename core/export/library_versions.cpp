#include "core/export/library_versions.h"

#include <hdf5.h>
#include <xgboost/c_api.h>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

namespace imbw {

namespace {
std::string dotted(unsigned a, unsigned b, unsigned c) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c);
}
}  // namespace

std::vector<LibraryVersion> libraryVersions() {
  unsigned h5major = 0, h5minor = 0, h5release = 0;
  H5get_libversion(&h5major, &h5minor, &h5release);
  int xmajor = 0, xminor = 0, xpatch = 0;
  XGBoostVersion(&xmajor, &xminor, &xpatch);
  return {
      {"HDF5", dotted(h5major, h5minor, h5release), "BSD-3-Clause",
       "https://www.hdfgroup.org/solutions/hdf5/"},
      {"XGBoost",
       dotted(static_cast<unsigned>(xmajor), static_cast<unsigned>(xminor),
              static_cast<unsigned>(xpatch)),
       "Apache-2.0", "https://xgboost.ai"},
      {"Eigen", dotted(EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION), "MPL-2.0",
       "https://eigen.tuxfamily.org"},
      {"nlohmann/json",
       dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
              NLOHMANN_JSON_VERSION_PATCH),
       "MIT", "https://github.com/nlohmann/json"},
  };
}

}  // namespace imbw
