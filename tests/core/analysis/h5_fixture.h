#pragma once

// Writes small HDF5 test files with the HDF5 C API directly (not through the reader under test):
// a group of 1-D datasets, one per column, as h5py writes them.

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace h5fixture {

class File {
 public:
  explicit File(const std::string& path, const std::string& group = "events") {
    m_file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (m_file < 0) throw std::runtime_error("cannot create " + path);
    m_group = H5Gcreate2(m_file, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (m_group < 0) throw std::runtime_error("cannot create group " + group);
  }
  ~File() {
    H5Gclose(m_group);
    H5Fclose(m_file);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  void add(const std::string& name, const std::vector<double>& v) {
    write(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v.size(), v.data());
  }
  void addFloat(const std::string& name, const std::vector<float>& v) {
    write(name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, v.size(), v.data());
  }
  void addInt8(const std::string& name, const std::vector<std::int8_t>& v) {
    write(name, H5T_STD_I8LE, H5T_NATIVE_INT8, v.size(), v.data());
  }
  void addInt32(const std::string& name, const std::vector<std::int32_t>& v) {
    write(name, H5T_STD_I32LE, H5T_NATIVE_INT32, v.size(), v.data());
  }
  /// Fixed-length byte strings, like h5py's `S1` (the HiggsML `Label` column).
  void addStrings(const std::string& name, const std::vector<std::string>& v) {
    std::size_t len = 1;
    for (const auto& s : v) len = std::max(len, s.size());
    std::vector<char> buf(len * v.size(), '\0');
    for (std::size_t i = 0; i < v.size(); ++i) v[i].copy(buf.data() + i * len, len);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, len);
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    write(name, type, type, v.size(), buf.data());
    H5Tclose(type);
  }
  /// A variable-length float collection per event (jagged column).
  void addJagged(const std::string& name, const std::vector<std::vector<float>>& v) {
    std::vector<hvl_t> data(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      data[i].len = v[i].size();
      data[i].p = const_cast<float*>(v[i].data());
    }
    const hid_t fileType = H5Tvlen_create(H5T_IEEE_F32LE);
    const hid_t memType = H5Tvlen_create(H5T_NATIVE_FLOAT);
    write(name, fileType, memType, v.size(), data.data());
    H5Tclose(fileType);
    H5Tclose(memType);
  }

 private:
  void write(const std::string& name, hid_t fileType, hid_t memType, std::size_t n,
             const void* data) {
    const hsize_t dims[1] = {n};
    const hid_t space = H5Screate_simple(1, dims, nullptr);
    const hid_t ds =
        H5Dcreate2(m_group, name.c_str(), fileType, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds < 0 || H5Dwrite(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
      throw std::runtime_error("cannot write dataset " + name);
    }
    H5Dclose(ds);
    H5Sclose(space);
  }

  hid_t m_file = -1;
  hid_t m_group = -1;
};

}  // namespace h5fixture
