# Third-party libraries of core/ (none of them Qt). All come from Debian packages installed by
# packaging/install-deps.sh.
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)

# Debian's XGBoost CMake config is broken without the `xgboost` package; find the C API directly.
find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h REQUIRED)
find_library(XGBOOST_LIBRARY NAMES xgboost REQUIRED)
add_library(imbw::xgboost UNKNOWN IMPORTED)
set_target_properties(imbw::xgboost PROPERTIES IMPORTED_LOCATION "${XGBOOST_LIBRARY}"
                                               INTERFACE_INCLUDE_DIRECTORIES "${XGBOOST_INCLUDE_DIR}")

find_path(NANOFLANN_INCLUDE_DIR nanoflann.hpp REQUIRED)
add_library(imbw::nanoflann INTERFACE IMPORTED)
set_target_properties(imbw::nanoflann PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${NANOFLANN_INCLUDE_DIR}")

add_library(imbw::hdf5 INTERFACE IMPORTED)
set_target_properties(imbw::hdf5 PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${HDF5_INCLUDE_DIRS}"
                                            INTERFACE_LINK_LIBRARIES "${HDF5_C_LIBRARIES}"
                                            INTERFACE_COMPILE_DEFINITIONS "${HDF5_DEFINITIONS}")
