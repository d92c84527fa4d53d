#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"

namespace imbw::model_io {

/// A minimal HDF5 container for model parameters: root string attributes (kind, config JSON)
/// and named float32 / float64 datasets of rank 1 or 2. RAII over the HDF5 C API; every
/// failure throws imbw::Error naming the file and the item.
class H5ModelFile {
 public:
  enum class Mode { Read, Create, Append };  ///< Append: open an existing file read-write
  H5ModelFile(const std::string& path, Mode mode);
  ~H5ModelFile();
  H5ModelFile(const H5ModelFile&) = delete;
  H5ModelFile& operator=(const H5ModelFile&) = delete;

  void writeAttribute(const std::string& name, const std::string& value);
  std::string readAttribute(const std::string& name) const;
  bool hasAttribute(const std::string& name) const;
  /// True when a link (dataset or group) of this path exists.
  bool exists(const std::string& name) const;

  void writeMatrix(const std::string& name, const RowMatrixF& m);
  RowMatrixF readMatrix(const std::string& name) const;
  /// Reads a dataset that must be rows × cols into `out` (a place in a flat parameter vector);
  /// another shape throws imbw::Error naming the file and the dataset.
  void readMatrixInto(const std::string& name, float* out, Eigen::Index rows,
                      Eigen::Index cols) const;
  void writeVector(const std::string& name, const std::vector<double>& v);
  std::vector<double> readVector(const std::string& name) const;

 private:
  std::string m_path;
  std::int64_t m_file = -1;
};

/// True when the file starts with the HDF5 signature (so loadModel can tell HDF5 models from
/// XGBoost's JSON/UBJ files).
bool isHdf5File(const std::string& path);

}  // namespace imbw::model_io
