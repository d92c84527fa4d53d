#pragma once

// Internal to the sample reader: where each column of a sample lives in its HDF5 file, and the
// small HDF5 helpers that layout detection and column reading share.

#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/data/h5_handle.h"
#include "core/data/sample_reader.h"

namespace imbw::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Where the values of one column live in the file.
enum class SourceKind {
  Plain1D,     // a 1-D dataset, one value per event
  MatrixCol,   // column `index` of a 2-D dataset (maybe stored transposed)
  Field,       // scalar field `field` of a compound dataset
  ArrayField,  // element `index` of array field `field` (pandas values_block_N)
  Padded,      // a 2-D [events × width] jagged collection, NaN padded, optional count column
  Vlen,        // a 1-D variable-length jagged collection
  Unreadable,  // present but not decodable (pandas fixed object blocks are Python pickles)
};

struct Source {
  SourceKind kind = SourceKind::Plain1D;
  int ds = -1;  // index into Candidate::datasets
  std::string field;
  hsize_t index = 0;
  hsize_t width = 0;
  int countColumn = -1;   // Padded: column holding the element count, -1 when none
  h5::Handle storedType;  // type of one value as stored (element type for arrays, vlen, 2-D)
};

struct DatasetEntry {
  std::string path;
  h5::Handle id;
  bool transposed = false;  // MatrixCol: stored [columns × events]
};

// One group (or dataset) that holds events: what inspect shows and where each column is.
struct Candidate {
  SampleInfo info;
  std::vector<Source> sources;  // parallel to info.columns
  std::vector<DatasetEntry> datasets;
};

// What detection needs to know about one dataset.
struct DsMeta {
  std::string name;
  std::string path;
  h5::Handle id;
  h5::Handle type;
  int rank = 0;
  std::vector<hsize_t> dims;
  H5T_class_t cls = H5T_NO_CLASS;
};

std::string joinPath(const std::string& group, const std::string& name);
std::string lower(std::string s);

/// Opens a dataset with a chunk cache that holds a few whole chunks, so that reading a compressed
/// dataset in slices smaller than its chunks does not inflate a chunk once per slice.
h5::Handle openDataset(hid_t file, const std::string& path);
DsMeta meta(hid_t file, const std::string& path, const std::string& name);
/// Every dataset directly inside a group, in name order.
std::vector<DsMeta> groupDatasets(hid_t file, const std::string& groupPath);
/// Groups below `start` in breadth-first order (start first), bounded in number.
std::vector<std::string> groupsBelow(hid_t file, const std::string& start);

bool vlenNumeric(const DsMeta& m);
ColumnInfo columnInfo(std::string name, hid_t storedType, std::size_t length);

/// Column names of a 2-D dataset [events × width]: a string attribute on the dataset or its
/// group, or a sibling 1-D string dataset with `width` entries.
std::optional<std::vector<std::string>> matrixNames(hid_t file, const std::string& groupPath,
                                                    const DsMeta& m, hsize_t width);

// How one stored value comes into memory: converted by HDF5 to float/double, or (enums and
// bitfields, which HDF5 will not convert to numbers) as raw native integers decoded here.
struct MemElem {
  enum Kind { F32, F64, Raw } kind = F32;
  std::size_t size = 4;
  bool isSigned = false;
  h5::Handle type;
};

MemElem memElem(hid_t stored, bool asDouble);
bool memElemIsRaw(hid_t stored);

template <typename T>
T loadAs(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Called once per value read: kept inline.
inline double load(const MemElem& e, const unsigned char* p) {
  switch (e.kind) {
    case MemElem::F32:
      return loadAs<float>(p);
    case MemElem::F64:
      return loadAs<double>(p);
    case MemElem::Raw:
      break;
  }
  switch (e.size) {
    case 1:
      return e.isSigned ? double(loadAs<std::int8_t>(p)) : double(loadAs<std::uint8_t>(p));
    case 2:
      return e.isSigned ? double(loadAs<std::int16_t>(p)) : double(loadAs<std::uint16_t>(p));
    case 4:
      return e.isSigned ? double(loadAs<std::int32_t>(p)) : double(loadAs<std::uint32_t>(p));
    case 8:
      return e.isSigned ? double(loadAs<std::int64_t>(p)) : double(loadAs<std::uint64_t>(p));
    default:
      return kNaN;
  }
}

}  // namespace imbw::detail
