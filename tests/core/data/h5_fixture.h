#pragma once

// Small writers over the HDF5 C API so that each test builds its own fixture file with exactly
// known values. Deliberately independent of the reader's code paths.

#include <hdf5.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/data/h5_handle.h"

namespace fixture {

using imbw::h5::Handle;

inline Handle createFile(const std::string& path) {
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
}

inline Handle createGroup(hid_t loc, const std::string& name) {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl, 1);
  return Handle(H5Gcreate2(loc, name.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT));
}

/// Writes `count` values of `memType` from `data` into a new dataset of `fileType` and `dims`.
inline bool writeDataset(hid_t loc, const std::string& name, hid_t fileType, hid_t memType,
                         const std::vector<hsize_t>& dims, const void* data,
                         hid_t dcpl = H5P_DEFAULT) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  Handle ds(H5Dcreate2(loc, name.c_str(), fileType, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  if (!ds.valid()) return false;
  return H5Dwrite(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
}

inline bool writeDoubles(hid_t loc, const std::string& name, hid_t fileType,
                         const std::vector<double>& v, hid_t dcpl = H5P_DEFAULT) {
  return writeDataset(loc, name, fileType, H5T_NATIVE_DOUBLE, {v.size()}, v.data(), dcpl);
}

/// Fixed-length strings of `width` bytes, NUL padded.
inline bool writeFixedStrings(hid_t loc, const std::string& name, const std::vector<std::string>& v,
                              std::size_t width) {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  std::vector<char> buf(width * v.size(), '\0');
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::memcpy(buf.data() + i * width, v[i].data(), std::min(width, v[i].size()));
  }
  return writeDataset(loc, name, type, type, {v.size()}, buf.data());
}

inline bool writeVlenStrings(hid_t loc, const std::string& name,
                             const std::vector<std::string>& v) {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  std::vector<const char*> ptrs;
  for (const auto& s : v) ptrs.push_back(s.c_str());
  return writeDataset(loc, name, type, type, {v.size()}, ptrs.data());
}

/// A scalar fixed-length string attribute (how PyTables stores a pickled list).
inline bool setStringAttribute(hid_t obj, const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  Handle space(H5Screate(H5S_SCALAR));
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT));
  return attr.valid() && H5Awrite(attr, type, value.c_str()) >= 0;
}

/// A 1-D variable-length string attribute (how h5py stores a list of str).
inline bool setStringArrayAttribute(hid_t obj, const std::string& name,
                                    const std::vector<std::string>& values) {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr));
  std::vector<const char*> ptrs;
  for (const auto& s : values) ptrs.push_back(s.c_str());
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT));
  return attr.valid() && H5Awrite(attr, type, ptrs.data()) >= 0;
}

/// numpy bool as h5py writes it: an int8 enum {FALSE = 0, TRUE = 1}.
inline Handle boolEnumType() {
  Handle t(H5Tenum_create(H5T_NATIVE_INT8));
  std::int8_t f = 0, tr = 1;
  H5Tenum_insert(t, "FALSE", &f);
  H5Tenum_insert(t, "TRUE", &tr);
  return t;
}

/// numpy float16 as h5py defines it: IEEE half precision, little endian.
inline Handle float16Type() {
  Handle t(H5Tcopy(H5T_IEEE_F32LE));
  H5Tset_fields(t, 15, 10, 5, 0, 10);
  H5Tset_size(t, 2);
  H5Tset_ebias(t, 15);
  return t;
}

}  // namespace fixture
