#include "core/learn/model_io.h"

#include <hdf5.h>

#include <algorithm>
#include <array>
#include <fstream>

#include "core/util/error.h"

namespace imbw::model_io {

namespace {

// HDF5 prints its own error stack to stderr by default; we report through imbw::Error instead.
void silenceHdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

// Link creation that makes missing parent groups ("events/score" creates "events").
struct LinkCreation {
  hid_t id = H5Pcreate(H5P_LINK_CREATE);
  LinkCreation() { H5Pset_create_intermediate_group(id, 1); }
  ~LinkCreation() { H5Pclose(id); }
};

}  // namespace

H5ModelFile::H5ModelFile(const std::string& path, Mode mode) : m_path(path) {
  silenceHdf5();
  if (mode == Mode::Create)
    m_file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  else
    m_file =
        H5Fopen(path.c_str(), mode == Mode::Append ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (m_file < 0)
    throw Error("cannot " + std::string(mode == Mode::Create ? "create" : "open") + " HDF5 file '" +
                path + "'");
}

H5ModelFile::~H5ModelFile() {
  if (m_file >= 0) H5Fclose(static_cast<hid_t>(m_file));
}

void H5ModelFile::writeAttribute(const std::string& name, const std::string& value) {
  Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, value.empty() ? 1 : value.size());
  H5Tset_cset(type.id, H5T_CSET_UTF8);
  Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Handle attr{H5Acreate2(static_cast<hid_t>(m_file), name.c_str(), type.id, space.id, H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Aclose};
  const char* data = value.empty() ? "" : value.data();
  if (attr.id < 0 || H5Awrite(attr.id, type.id, data) < 0)
    throw Error("cannot write attribute '" + name + "' to '" + m_path + "'");
}

bool H5ModelFile::exists(const std::string& name) const {
  // Walk the path so that a missing parent group is "absent", not an error.
  std::size_t pos = 0;
  while (true) {
    pos = name.find('/', pos + 1);
    const std::string part = name.substr(0, pos);
    if (H5Lexists(static_cast<hid_t>(m_file), part.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

bool H5ModelFile::hasAttribute(const std::string& name) const {
  return H5Aexists(static_cast<hid_t>(m_file), name.c_str()) > 0;
}

std::string H5ModelFile::readAttribute(const std::string& name) const {
  if (!hasAttribute(name))
    throw Error("model file '" + m_path + "' has no attribute '" + name + "'");
  Handle attr{H5Aopen(static_cast<hid_t>(m_file), name.c_str(), H5P_DEFAULT), H5Aclose};
  Handle type{H5Aget_type(attr.id), H5Tclose};
  if (H5Tget_class(type.id) != H5T_STRING)
    throw Error("attribute '" + name + "' of '" + m_path + "' is not a string");
  if (H5Tis_variable_str(type.id) > 0) {
    Handle memType{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(memType.id, H5T_VARIABLE);
    char* buf = nullptr;
    if (H5Aread(attr.id, memType.id, &buf) < 0)
      throw Error("cannot read attribute '" + name + "' of '" + m_path + "'");
    std::string out = buf ? buf : "";
    H5free_memory(buf);
    return out;
  }
  const std::size_t size = H5Tget_size(type.id);
  std::string out(size, '\0');
  if (H5Aread(attr.id, type.id, out.data()) < 0)
    throw Error("cannot read attribute '" + name + "' of '" + m_path + "'");
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

void H5ModelFile::writeMatrix(const std::string& name, const RowMatrixF& m) {
  const std::array<hsize_t, 2> dims{static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())};
  Handle space{H5Screate_simple(2, dims.data(), nullptr), H5Sclose};
  Handle ds{H5Dcreate2(static_cast<hid_t>(m_file), name.c_str(), H5T_IEEE_F32LE, space.id,
                       LinkCreation().id, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose};
  if (ds.id < 0 || H5Dwrite(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.data()) < 0)
    throw Error("cannot write dataset '" + name + "' to '" + m_path + "'");
}

RowMatrixF H5ModelFile::readMatrix(const std::string& name) const {
  Handle ds{H5Dopen2(static_cast<hid_t>(m_file), name.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) throw Error("model file '" + m_path + "' has no dataset '" + name + "'");
  Handle space{H5Dget_space(ds.id), H5Sclose};
  std::array<hsize_t, 2> dims{0, 1};
  const int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 1 || rank > 2)
    throw Error("dataset '" + name + "' of '" + m_path + "' is not a matrix");
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  RowMatrixF m(static_cast<Eigen::Index>(dims[0]), static_cast<Eigen::Index>(dims[1]));
  if (m.size() > 0 && H5Dread(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.data()) < 0)
    throw Error("cannot read dataset '" + name + "' of '" + m_path + "'");
  return m;
}

void H5ModelFile::readMatrixInto(const std::string& name, float* out, Eigen::Index rows,
                                 Eigen::Index cols) const {
  const RowMatrixF m = readMatrix(name);
  if (m.rows() != rows || m.cols() != cols)
    throw Error("'" + m_path + "': dataset '" + name + "' has the wrong shape");
  std::copy_n(m.data(), m.size(), out);
}

void H5ModelFile::writeVector(const std::string& name, const std::vector<double>& v) {
  const hsize_t dim = v.size();
  Handle space{H5Screate_simple(1, &dim, nullptr), H5Sclose};
  Handle ds{H5Dcreate2(static_cast<hid_t>(m_file), name.c_str(), H5T_IEEE_F64LE, space.id,
                       LinkCreation().id, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose};
  if (ds.id < 0 || H5Dwrite(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw Error("cannot write dataset '" + name + "' to '" + m_path + "'");
}

std::vector<double> H5ModelFile::readVector(const std::string& name) const {
  Handle ds{H5Dopen2(static_cast<hid_t>(m_file), name.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) throw Error("model file '" + m_path + "' has no dataset '" + name + "'");
  Handle space{H5Dget_space(ds.id), H5Sclose};
  const hssize_t n = H5Sget_simple_extent_npoints(space.id);
  std::vector<double> v(static_cast<std::size_t>(n < 0 ? 0 : n));
  if (!v.empty() && H5Dread(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw Error("cannot read dataset '" + name + "' of '" + m_path + "'");
  return v;
}

bool isHdf5File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> sig{};
  if (!in.read(sig.data(), sig.size())) return false;
  static constexpr std::array<char, 8> kHdf5{'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  return sig == kHdf5;
}

}  // namespace imbw::model_io
