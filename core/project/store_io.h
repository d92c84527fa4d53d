#pragma once

// The HDF5 writer and reader of the project's sidecar (run_store.cpp, study_store.cpp): an
// in-memory file written out atomically, 1-D/2-D datasets, string attributes, errors naming
// the file.

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/h5_handle.h"
#include "core/util/error.h"

namespace imbw::store_io {

using h5::Handle;

template <typename T>
inline hid_t memType();
template <>
inline hid_t memType<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
inline hid_t memType<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
inline hid_t memType<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
inline hid_t memType<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
inline hid_t memType<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}

class Writer {
 public:
  // The file is built in memory (HDF5's core driver, no backing store) and written out by
  // image(): HDF5 1.10 leaves a file it failed to flush or close half-open (a full disk, a
  // file-size limit), and crashes closing it again at exit. Our own write of the bytes fails
  // cleanly instead, and the previous file stays.
  explicit Writer(std::string path) : m_path(std::move(path)) {
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    // Grown in 64 MB steps (address space; only what is written is touched): in 1 MB steps a
    // sidecar of millions of scores was reallocated hundreds of times while the window saved.
    if (!fapl.valid() || H5Pset_fapl_core(fapl, 64 << 20, 0) < 0) fail("cannot set up the file");
    // A name of its own (nothing is written under it): the previous file may be open for
    // reading under `path`.
    const std::string name = m_path + ".in-memory";
    m_file = Handle(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
    if (!m_file.valid()) fail("cannot create the file");
  }
  hid_t file() const { return m_file; }

  Handle group(hid_t parent, const std::string& name) {
    Handle g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!g.valid()) fail("cannot create group '" + name + "'");
    return g;
  }

  /// A 1-D dataset, or with `columns` > 1 a 2-D one of v.size() / columns rows.
  template <typename T>
  void vector(hid_t parent, const std::string& name, const std::vector<T>& v,
              std::size_t columns = 1) {
    const hsize_t n = v.size() / columns;
    const hsize_t dims[2] = {n, columns};
    const int rank = columns > 1 ? 2 : 1;
    Handle space(H5Screate_simple(rank, dims, nullptr));
    Handle plist(H5Pcreate(H5P_DATASET_CREATE));
    if (n > 0) {
      // Chunked + deflate: score columns of a million events compress well (class, fold).
      const hsize_t chunk[2] = {std::min<hsize_t>(n, 65536), columns};
      H5Pset_chunk(plist, rank, chunk);
      H5Pset_shuffle(plist);
      H5Pset_deflate(plist, 4);
    }
    Handle ds(
        H5Dcreate2(parent, name.c_str(), memType<T>(), space, H5P_DEFAULT, plist, H5P_DEFAULT));
    if (!ds.valid()) fail("cannot create dataset '" + name + "'");
    if (n > 0 && H5Dwrite(ds, memType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
      fail("cannot write dataset '" + name + "'");
  }

  void attribute(hid_t object, const std::string& name, const std::string& value) {
    Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type, std::max<std::size_t>(1, value.size()));
    Handle space(H5Screate(H5S_SCALAR));
    Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid() || H5Awrite(attr, type, value.c_str()) < 0)
      fail("cannot write attribute '" + name + "'");
  }

  /// The finished file's bytes; closes it.
  std::string image() {
    if (H5Fflush(m_file, H5F_SCOPE_GLOBAL) < 0) fail("cannot flush the file");
    const ssize_t size = H5Fget_file_image(m_file, nullptr, 0);
    if (size <= 0) fail("cannot take the file's image");
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (H5Fget_file_image(m_file, bytes.data(), bytes.size()) != size) {
      fail("cannot take the file's image");
    }
    m_file.reset();
    return bytes;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("run results file '" + m_path + "': " + what + " (" + h5::lastErrorMessage() + ")");
  }

 private:
  std::string m_path;
  Handle m_file;
};

class Reader {
 public:
  explicit Reader(std::string path) : m_path(std::move(path)) {
    m_file = Handle(H5Fopen(m_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!m_file.valid()) fail("cannot open it as HDF5");
  }
  hid_t file() const { return m_file; }

  /// A 1-D dataset, or with `columns` a 2-D one (row-major; *columns set to its width).
  template <typename T>
  std::vector<T> vector(hid_t parent, const std::string& name,
                        std::size_t* columns = nullptr) const {
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT));
    if (!ds.valid()) fail("no dataset '" + name + "'");
    Handle space(H5Dget_space(ds));
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank != (columns ? 2 : 1))
      fail("'" + name + "' is not " + (columns ? "two" : "one") + "-dimensional");
    hsize_t dims[2] = {0, 1};
    H5Sget_simple_extent_dims(space, dims, nullptr);
    if (columns) *columns = dims[1];
    const hsize_t n = dims[0] * dims[1];
    std::vector<T> v(n);
    if (n > 0 && H5Dread(ds, memType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
      fail("cannot read '" + name + "'");
    return v;
  }

  std::string attribute(hid_t object, const std::string& name) const {
    if (H5Aexists(object, name.c_str()) <= 0) return {};
    Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
    Handle type(H5Aget_type(attr));
    if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0)
      fail("attribute '" + name + "' is not a fixed-length string");
    std::string s(H5Tget_size(type), '\0');
    if (H5Aread(attr, type, s.data()) < 0) fail("cannot read attribute '" + name + "'");
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("run results file '" + m_path + "': " + what + " (" + h5::lastErrorMessage() + ")");
  }

 private:
  std::string m_path;
  Handle m_file;
};

/// The names of a group's links; the error names the group.
inline std::vector<std::string> childNames(const Reader& r, hid_t group, const std::string& what) {
  std::vector<h5::Link> links;
  if (!h5::listLinks(group, &links)) r.fail("cannot list " + what);
  std::vector<std::string> names;
  for (const h5::Link& l : links) names.push_back(l.name);
  return names;
}

}  // namespace imbw::store_io
