#pragma once

// Reads one numeric dataset of an HDF5 file the CLI wrote, with the plain C API (not our
// reader), for the CLI test suites that check written files.

#include <hdf5.h>

#include <QString>
#include <vector>

namespace cli_test {

/// The dataset `name` of `file` as doubles; empty when the file or dataset cannot be opened.
inline std::vector<double> readColumn(const QString& file, const QString& name) {
  std::vector<double> v;
  const hid_t f = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return v;
  const hid_t d = H5Dopen2(f, name.toUtf8().constData(), H5P_DEFAULT);
  if (d >= 0) {
    const hid_t s = H5Dget_space(d);
    v.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
    H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Sclose(s);
    H5Dclose(d);
  }
  H5Fclose(f);
  return v;
}

}  // namespace cli_test
