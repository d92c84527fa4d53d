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
#include "core/util/error.h"

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
  /// Why its values must not be read (external storage, a filter plugin, a filter this HDF5
  /// lacks); empty when they can be.
  std::string refused;
};

/// One group's links, looked at once: its datasets (opened), its subgroups, and the links that
/// lead to nothing readable.
struct GroupScan {
  std::vector<DsMeta> datasets;      // in name order
  std::vector<std::string> groups;   // full paths
  std::vector<ObjectNote> unusable;  // dangling links, external links not followed
};

/// Names a file and its objects in messages and decides what may be opened.
struct FileContext {
  hid_t file = H5I_INVALID_HID;
  std::string path;
  const ReaderOptions* options = nullptr;
  std::uintmax_t fileSize = 0;  ///< bytes on disk, for declared sizes; 0 when unknown
  /// "cannot <action> '<object>' in '<file>': <HDF5's message>".
  Error damage(const std::string& action, const std::string& object) const;
};

std::string joinPath(const std::string& group, const std::string& name);
std::string lower(std::string s);

/// Opens a dataset with a chunk cache that holds a few whole chunks, so that reading a compressed
/// dataset in slices smaller than its chunks does not inflate a chunk once per slice.
h5::Handle openDataset(hid_t file, const std::string& path);
/// Opens the dataset at `path` and describes it; throws (FileContext::damage) when HDF5 cannot.
DsMeta meta(const FileContext& fc, const std::string& path, const std::string& name);
/// Lists and opens what a group holds; throws when the group or one of its objects is damaged.
GroupScan scanGroup(const FileContext& fc, const std::string& groupPath);
/// Throws when `path` passes through an external link the options do not allow.
void checkPathLinks(const FileContext& fc, const std::string& path);
/// Throws when `events` float32 values alone would not fit in this machine's memory.
void checkEventCount(const FileContext& fc, const std::string& group, hsize_t events);

bool vlenNumeric(const DsMeta& m);
ColumnInfo columnInfo(std::string name, hid_t storedType, std::size_t length);

/// Column names of a 2-D dataset [events × width]: a string attribute on the dataset or its
/// group, or a sibling 1-D string dataset with `width` entries.
std::optional<std::vector<std::string>> matrixNames(const FileContext& fc,
                                                    const std::string& groupPath, const DsMeta& m,
                                                    hsize_t width);
/// Why a dataset found in an event group cannot be read as event data, for the unsupported list
/// ("3-D dataset [12 × 2 × 2]: ...", "object references", ...); `events` is the group's count.
std::string unsupportedReason(const DsMeta& m, hsize_t events);

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
