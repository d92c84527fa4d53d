#include "core/data/sample_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "core/data/h5_handle.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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

struct Candidate {
  SampleInfo info;
  std::vector<Source> sources;  // parallel to info.columns
  std::vector<DatasetEntry> datasets;
};

struct DsMeta {
  std::string name;
  std::string path;
  h5::Handle id;
  h5::Handle type;
  int rank = 0;
  std::vector<hsize_t> dims;
  H5T_class_t cls = H5T_NO_CLASS;
};

std::string joinPath(const std::string& group, const std::string& name) {
  if (group.empty() || group == "/") return "/" + name;
  return group + "/" + name;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A dataset access property list whose chunk cache holds a few whole chunks, so that reading a
// compressed dataset in slices smaller than its chunks does not inflate a chunk once per slice.
h5::Handle openDataset(hid_t file, const std::string& path) {
  h5::Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (!ds.valid()) return ds;
  h5::Handle dcpl(H5Dget_create_plist(ds));
  if (H5Pget_layout(dcpl) != H5D_CHUNKED) return ds;
  h5::Handle type(H5Dget_type(ds));
  h5::Handle space(H5Dget_space(ds));
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank <= 0 || rank > 8) return ds;
  std::vector<hsize_t> chunk(static_cast<std::size_t>(rank));
  H5Pget_chunk(dcpl, rank, chunk.data());
  std::size_t bytes = H5Tget_size(type);
  for (hsize_t c : chunk) bytes *= c;
  const std::size_t want = 4 * bytes + (1u << 20);
  if (want <= (1u << 20)) return ds;
  h5::Handle dapl(H5Pcreate(H5P_DATASET_ACCESS));
  H5Pset_chunk_cache(dapl, 12421, want, 1.0);
  h5::Handle again(H5Dopen2(file, path.c_str(), dapl));
  return again.valid() ? std::move(again) : std::move(ds);
}

DsMeta meta(hid_t file, const std::string& path, const std::string& name) {
  DsMeta m;
  m.name = name;
  m.path = path;
  m.id = openDataset(file, path);
  if (!m.id.valid()) return m;
  m.type = h5::Handle(H5Dget_type(m.id));
  h5::Handle space(H5Dget_space(m.id));
  m.rank = H5Sget_simple_extent_ndims(space);
  if (m.rank > 0) {
    m.dims.resize(static_cast<std::size_t>(m.rank));
    H5Sget_simple_extent_dims(space, m.dims.data(), nullptr);
  }
  m.cls = H5Tget_class(m.type);
  return m;
}

bool vlenNumeric(const DsMeta& m) {
  if (m.cls != H5T_VLEN) return false;
  h5::Handle super(H5Tget_super(m.type));
  const H5T_class_t c = H5Tget_class(super);
  return c == H5T_INTEGER || c == H5T_FLOAT;
}

ColumnInfo columnInfo(std::string name, hid_t storedType, std::size_t length) {
  ColumnInfo c;
  c.name = std::move(name);
  c.type = h5::typeName(storedType);
  c.length = length;
  c.isString = h5::isString(storedType);
  return c;
}

// How one stored value comes into memory: converted by HDF5 to float/double, or (enums and
// bitfields, which HDF5 will not convert to numbers) as raw native integers decoded here.
struct MemElem {
  enum Kind { F32, F64, Raw } kind = F32;
  std::size_t size = 4;
  bool isSigned = false;
  h5::Handle type;
};

MemElem memElem(hid_t stored, bool asDouble) {
  MemElem e;
  bool sign = false;
  h5::Handle raw = h5::rawIntegerType(stored, &sign);
  if (raw.valid()) {
    e.kind = MemElem::Raw;
    e.size = H5Tget_size(raw);
    e.isSigned = sign;
    e.type = std::move(raw);
  } else if (asDouble) {
    e.kind = MemElem::F64;
    e.size = 8;
    e.type = h5::Handle(H5Tcopy(H5T_NATIVE_DOUBLE));
  } else {
    e.kind = MemElem::F32;
    e.size = 4;
    e.type = h5::Handle(H5Tcopy(H5T_NATIVE_FLOAT));
  }
  return e;
}

bool memElemIsRaw(hid_t stored) {
  const H5T_class_t c = H5Tget_class(stored);
  return c == H5T_ENUM || c == H5T_BITFIELD;
}

template <typename T>
T loadAs(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

double load(const MemElem& e, const unsigned char* p) {
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

const std::vector<std::string> kNameKeys = {"columns",       "names",  "column_names", "colnames",
                                            "feature_names", "fields", "variables",    "labels"};

// Column names of a 2-D dataset [events × width]: a string attribute on the dataset or its
// group, or a sibling 1-D string dataset with `width` entries.
std::optional<std::vector<std::string>> matrixNames(hid_t file, const std::string& groupPath,
                                                    const DsMeta& m, hsize_t width) {
  std::vector<std::string> names;
  for (const auto& key : kNameKeys) {
    if (h5::readStringArrayAttribute(m.id, key.c_str(), &names) && names.size() == width) {
      return names;
    }
  }
  h5::Handle group(H5Gopen2(file, groupPath.empty() ? "/" : groupPath.c_str(), H5P_DEFAULT));
  if (!group.valid()) return std::nullopt;
  std::vector<std::string> keys = {m.name + "_names", m.name + "_columns", m.name + "_items"};
  keys.insert(keys.end(), kNameKeys.begin(), kNameKeys.end());
  for (const auto& key : keys) {
    if (h5::objectType(group, key) != H5I_DATASET) continue;
    DsMeta s = meta(file, joinPath(groupPath, key), key);
    if (s.id.valid() && s.cls == H5T_STRING && s.rank == 1 && s.dims[0] == width) {
      return h5::readStringDataset(s.id, 0, width);
    }
  }
  for (const auto& key : kNameKeys) {
    if (h5::readStringArrayAttribute(group, key.c_str(), &names) && names.size() == width) {
      return names;
    }
  }
  return std::nullopt;
}

std::vector<DsMeta> groupDatasets(hid_t file, const std::string& groupPath) {
  std::vector<DsMeta> out;
  h5::Handle group(H5Gopen2(file, groupPath.empty() ? "/" : groupPath.c_str(), H5P_DEFAULT));
  if (!group.valid()) return out;
  for (const auto& name : h5::childNames(group)) {
    if (h5::objectType(group, name) != H5I_DATASET) continue;
    DsMeta m = meta(file, joinPath(groupPath, name), name);
    if (m.id.valid()) out.push_back(std::move(m));
  }
  return out;
}

class Detector {
 public:
  Detector(hid_t file, std::string path, const ReaderOptions& options)
      : m_file(file), m_path(std::move(path)), m_options(options) {}

  std::optional<Candidate> tryGroup(const std::string& groupPath, Layout layout) {
    switch (layout) {
      case Layout::PandasFixed:
        return pandasFixed(groupPath);
      case Layout::PandasTable:
        return pandasTable(groupPath);
      case Layout::ColumnGroup:
        return columnGroup(groupPath);
      case Layout::Compound:
        return compoundInGroup(groupPath);
      case Layout::Matrix2D:
        return matrixInGroup(groupPath);
    }
    return std::nullopt;
  }

  std::optional<Candidate> tryDataset(const std::string& dsPath, std::optional<Layout> layout) {
    const std::size_t slash = dsPath.find_last_of('/');
    const std::string parent =
        slash == std::string::npos || slash == 0 ? "/" : dsPath.substr(0, slash);
    const std::string name = slash == std::string::npos ? dsPath : dsPath.substr(slash + 1);
    DsMeta m = meta(m_file, dsPath, name);
    if (!m.id.valid()) return std::nullopt;
    if (m.cls == H5T_COMPOUND && (!layout || *layout == Layout::PandasTable) && name == "table") {
      if (auto c = pandasTable(parent)) return c;
    }
    if (m.cls == H5T_COMPOUND && (!layout || *layout == Layout::Compound)) {
      return compound(parent, std::move(m));
    }
    if (m.rank == 2 && h5::isNumeric(m.type) && (!layout || *layout == Layout::Matrix2D)) {
      return matrix(parent, std::move(m));
    }
    return std::nullopt;
  }

 private:
  Error mismatch(const std::string& groupPath, const std::string& a, hsize_t na,
                 const std::string& b, hsize_t nb) const {
    return Error("column length mismatch in '" + m_path + "' (group '" + groupPath + "'): '" + a +
                 "' has " + std::to_string(na) + " events but '" + b + "' has " +
                 std::to_string(nb));
  }

  int addDataset(Candidate& c, DsMeta& m, bool transposed = false) {
    DatasetEntry e;
    e.path = m.path;
    e.id = std::move(m.id);
    e.transposed = transposed;
    c.datasets.push_back(std::move(e));
    return static_cast<int>(c.datasets.size()) - 1;
  }

  static void addColumn(Candidate& c, ColumnInfo info, Source src) {
    c.info.columns.push_back(std::move(info));
    c.sources.push_back(std::move(src));
  }

  // One column per element of a fixed-size array field of a compound dataset.
  static void addArrayFieldColumns(Candidate& c, int ds, const std::string& field,
                                   hid_t elementType, const std::vector<std::string>& names) {
    for (std::size_t j = 0; j < names.size(); ++j) {
      Source s;
      s.kind = SourceKind::ArrayField;
      s.ds = ds;
      s.field = field;
      s.index = j;
      s.width = names.size();
      s.storedType = h5::Handle(H5Tcopy(elementType));
      addColumn(c, columnInfo(names[j], elementType, c.info.events), std::move(s));
    }
  }

  // One column per named field of a [events × width] numeric block.
  void addMatrixColumns(Candidate& c, DsMeta& m, const std::vector<std::string>& names,
                        std::size_t events) {
    const hsize_t width = m.dims[1];
    h5::Handle type(H5Tcopy(m.type));
    const int ds = addDataset(c, m);
    for (hsize_t j = 0; j < width; ++j) {
      Source s;
      s.kind = SourceKind::MatrixCol;
      s.ds = ds;
      s.index = j;
      s.width = width;
      s.storedType = h5::Handle(H5Tcopy(type));
      addColumn(c, columnInfo(names[j], type, events), std::move(s));
    }
  }

  // Largest element count of a vlen dataset: every event's list has to be looked at once.
  hsize_t vlenMax(hid_t ds, hsize_t n) const {
    h5::Handle mem(H5Tvlen_create(H5T_NATIVE_DOUBLE));
    h5::Handle fileSpace(H5Dget_space(ds));
    const hsize_t step = std::max<hsize_t>(1, m_options.chunkSize);
    std::vector<hvl_t> buf(std::min(step, std::max<hsize_t>(n, 1)));
    hsize_t best = 0;
    for (hsize_t first = 0; first < n; first += step) {
      const hsize_t cnt = std::min(step, n - first);
      H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &first, nullptr, &cnt, nullptr);
      h5::Handle memSpace(H5Screate_simple(1, &cnt, nullptr));
      if (H5Dread(ds, mem, memSpace, fileSpace, H5P_DEFAULT, buf.data()) < 0) {
        throw Error("cannot read variable-length data in '" + m_path +
                    "': " + h5::lastErrorMessage());
      }
      for (hsize_t i = 0; i < cnt; ++i) best = std::max<hsize_t>(best, buf[i].len);
      H5Dvlen_reclaim(mem, memSpace, H5P_DEFAULT, buf.data());
    }
    return best;
  }

  std::optional<Candidate> columnGroup(const std::string& groupPath) {
    std::vector<DsMeta> all = groupDatasets(m_file, groupPath);
    // The event count is the most common length of the 1-D numeric and vlen datasets.
    std::map<hsize_t, int> lengths;
    for (const auto& m : all) {
      if (m.rank == 1 && (h5::isNumeric(m.type) || vlenNumeric(m))) ++lengths[m.dims[0]];
    }
    if (lengths.empty()) return std::nullopt;
    hsize_t n = 0;
    int votes = -1;
    for (const auto& [len, v] : lengths) {
      if (v > votes) {
        n = len;
        votes = v;
      }
    }
    std::string reference;
    for (const auto& m : all) {
      if (m.rank == 1 && (h5::isNumeric(m.type) || vlenNumeric(m)) && m.dims[0] == n) {
        reference = m.name;
        break;
      }
    }
    Candidate c;
    c.info.layout = Layout::ColumnGroup;
    c.info.group = groupPath.empty() ? "/" : groupPath;
    c.info.events = n;
    for (auto& m : all) {
      const bool numeric = h5::isNumeric(m.type);
      if (m.rank == 1 && (numeric || vlenNumeric(m))) {
        if (m.dims[0] != n) throw mismatch(c.info.group, reference, n, m.name, m.dims[0]);
        Source s;
        ColumnInfo info = columnInfo(m.name, m.type, n);
        if (numeric) {
          s.kind = SourceKind::Plain1D;
          s.storedType = h5::Handle(H5Tcopy(m.type));
        } else {
          s.kind = SourceKind::Vlen;
          s.storedType = h5::Handle(H5Tget_super(m.type));
          info.jagged = true;
          info.maxMultiplicity = vlenMax(m.id, n);
          s.width = info.maxMultiplicity;
        }
        s.ds = addDataset(c, m);
        addColumn(c, std::move(info), std::move(s));
      } else if (m.rank == 1 && m.cls == H5T_STRING && m.dims[0] == n) {
        Source s;
        s.kind = SourceKind::Plain1D;
        s.storedType = h5::Handle(H5Tcopy(m.type));
        ColumnInfo info = columnInfo(m.name, m.type, n);
        s.ds = addDataset(c, m);
        addColumn(c, std::move(info), std::move(s));
      } else if (m.rank == 2 && numeric) {
        if (m.dims[0] != n) throw mismatch(c.info.group, reference, n, m.name, m.dims[0]);
        const hsize_t width = m.dims[1];
        if (auto names = matrixNames(m_file, groupPath, m, width)) {
          // A named 2-D block next to 1-D columns holds more columns, not a collection.
          addMatrixColumns(c, m, *names, n);
        } else {
          Source s;
          s.kind = SourceKind::Padded;
          s.width = width;
          s.storedType = h5::Handle(H5Tcopy(m.type));
          ColumnInfo info = columnInfo(m.name, m.type, n);
          info.jagged = true;
          info.maxMultiplicity = width;
          s.ds = addDataset(c, m);
          addColumn(c, std::move(info), std::move(s));
        }
      }
    }
    attachCountColumns(c);
    return c;
  }

  void attachCountColumns(Candidate& c) const {
    auto plainIndex = [&](const std::string& name, bool integerOnly) -> int {
      for (std::size_t i = 0; i < c.info.columns.size(); ++i) {
        const Source& s = c.sources[i];
        if (c.info.columns[i].name != name || s.kind != SourceKind::Plain1D ||
            c.info.columns[i].isString) {
          continue;
        }
        if (integerOnly && H5Tget_class(s.storedType) != H5T_INTEGER) return -1;
        return static_cast<int>(i);
      }
      return -1;
    };
    bool anyPadded = false;
    for (std::size_t i = 0; i < c.sources.size(); ++i) {
      Source& s = c.sources[i];
      if (s.kind != SourceKind::Padded) continue;
      anyPadded = true;
      if (!m_options.countColumn.empty()) {
        s.countColumn = plainIndex(m_options.countColumn, false);
        continue;
      }
      // Conventional names for the multiplicity of collection `jet_pt` (prefix `jet`).
      const std::string& col = c.info.columns[i].name;
      const std::string prefix = col.substr(0, col.find('_'));
      std::string cap = prefix;
      if (!cap.empty())
        cap[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cap[0])));
      const std::vector<std::string> guesses = {
          "n_" + col,    "n" + col,       col + "_n",          col + "_count",     "count_" + col,
          "n_" + prefix, "n" + prefix,    "n_" + prefix + "s", "n" + prefix + "s", prefix + "_n",
          "n" + cap,     "n" + cap + "s", prefix + "_count"};
      for (const auto& g : guesses) {
        if (g == col) continue;
        const int idx = plainIndex(g, true);
        if (idx >= 0) {
          s.countColumn = idx;
          break;
        }
      }
    }
    if (!m_options.countColumn.empty() && anyPadded &&
        plainIndex(m_options.countColumn, false) < 0) {
      std::vector<std::string> names;
      for (std::size_t i = 0; i < c.info.columns.size(); ++i) {
        if (c.sources[i].kind == SourceKind::Plain1D && !c.info.columns[i].isString) {
          names.push_back(c.info.columns[i].name);
        }
      }
      throw Error(unknownNameMessage("count column", m_options.countColumn, names) + " in '" +
                  m_path + "'");
    }
  }

  std::optional<Candidate> compoundInGroup(const std::string& groupPath) {
    std::vector<DsMeta> all = groupDatasets(m_file, groupPath);
    DsMeta* best = nullptr;
    for (auto& m : all) {
      if (m.cls == H5T_COMPOUND && m.rank == 1 && (!best || m.dims[0] > best->dims[0])) best = &m;
    }
    if (!best) return std::nullopt;
    return compound(groupPath, std::move(*best));
  }

  std::optional<Candidate> compound(const std::string& groupPath, DsMeta m) {
    if (m.cls != H5T_COMPOUND || m.rank != 1) return std::nullopt;
    Candidate c;
    c.info.layout = Layout::Compound;
    c.info.group = m.path;
    c.info.events = m.dims[0];
    h5::Handle type(H5Tcopy(m.type));
    const int ds = addDataset(c, m);
    const int nmembers = H5Tget_nmembers(type);
    for (int k = 0; k < nmembers; ++k) {
      char* raw = H5Tget_member_name(type, static_cast<unsigned>(k));
      const std::string field = raw ? raw : "";
      H5free_memory(raw);
      h5::Handle mt(H5Tget_member_type(type, static_cast<unsigned>(k)));
      if (h5::isNumeric(mt) || h5::isString(mt)) {
        Source s;
        s.kind = SourceKind::Field;
        s.ds = ds;
        s.field = field;
        s.storedType = h5::Handle(H5Tcopy(mt));
        addColumn(c, columnInfo(field, mt, c.info.events), std::move(s));
      } else if (H5Tget_class(mt) == H5T_ARRAY && H5Tget_array_ndims(mt) == 1) {
        hsize_t len = 0;
        H5Tget_array_dims2(mt, &len);
        h5::Handle super(H5Tget_super(mt));
        if (!h5::isNumeric(super) && !h5::isString(super)) continue;
        std::vector<std::string> names;
        for (hsize_t j = 0; j < len; ++j) names.push_back(field + "_" + std::to_string(j));
        addArrayFieldColumns(c, ds, field, super, names);
      }
    }
    (void)groupPath;
    if (c.info.columns.empty()) return std::nullopt;
    return c;
  }

  std::optional<Candidate> matrixInGroup(const std::string& groupPath) {
    std::vector<DsMeta> all = groupDatasets(m_file, groupPath);
    DsMeta* best = nullptr;
    for (auto& m : all) {
      if (m.rank == 2 && h5::isNumeric(m.type) &&
          (!best || m.dims[0] * m.dims[1] > best->dims[0] * best->dims[1])) {
        best = &m;
      }
    }
    if (!best) return std::nullopt;
    return matrix(groupPath, std::move(*best));
  }

  std::optional<Candidate> matrix(const std::string& groupPath, DsMeta m) {
    if (m.rank != 2 || !h5::isNumeric(m.type)) return std::nullopt;
    Candidate c;
    c.info.layout = Layout::Matrix2D;
    c.info.group = m.path;
    c.info.events = m.dims[0];
    const hsize_t width = m.dims[1];
    std::vector<std::string> names;
    if (auto found = matrixNames(m_file, groupPath, m, width)) {
      names = *found;
    } else {
      for (hsize_t j = 0; j < width; ++j) names.push_back("col" + std::to_string(j));
    }
    addMatrixColumns(c, m, names, c.info.events);
    return c;
  }

  std::optional<Candidate> pandasFixed(const std::string& groupPath) {
    h5::Handle group(H5Gopen2(m_file, groupPath.empty() ? "/" : groupPath.c_str(), H5P_DEFAULT));
    if (!group.valid()) return std::nullopt;
    for (const char* key : {"axis0", "axis1", "block0_values", "block0_items"}) {
      if (h5::objectType(group, key) != H5I_DATASET) return std::nullopt;
    }
    DsMeta axis0 = meta(m_file, joinPath(groupPath, "axis0"), "axis0");
    DsMeta axis1 = meta(m_file, joinPath(groupPath, "axis1"), "axis1");
    if (axis0.rank != 1 || axis1.rank != 1 || axis0.cls != H5T_STRING) return std::nullopt;
    const std::vector<std::string> order = h5::readStringDataset(axis0.id, 0, axis0.dims[0]);
    const hsize_t n = axis1.dims[0];

    Candidate c;
    c.info.layout = Layout::PandasFixed;
    c.info.group = groupPath.empty() ? "/" : groupPath;
    c.info.events = n;
    std::map<std::string, std::pair<ColumnInfo, Source>> byName;
    for (int b = 0;; ++b) {
      const std::string base = "block" + std::to_string(b);
      if (h5::objectType(group, base + "_values") != H5I_DATASET) break;
      DsMeta items = meta(m_file, joinPath(groupPath, base + "_items"), base + "_items");
      if (!items.id.valid() || items.rank != 1 || items.cls != H5T_STRING) break;
      const std::vector<std::string> names = h5::readStringDataset(items.id, 0, items.dims[0]);
      const hsize_t k = names.size();
      DsMeta v = meta(m_file, joinPath(groupPath, base + "_values"), base + "_values");
      if (v.cls == H5T_VLEN) {
        // PyTables stores object (string) blocks as one pickled Python object.
        for (const auto& name : names) {
          ColumnInfo info;
          info.name = name;
          info.type = "object (pickled)";
          info.length = n;
          info.isString = true;
          Source s;
          s.kind = SourceKind::Unreadable;
          byName[name] = {std::move(info), std::move(s)};
        }
        continue;
      }
      if (!h5::isNumeric(v.type)) continue;
      h5::Handle type(H5Tcopy(v.type));
      if (v.rank == 1 && k == 1) {
        if (v.dims[0] != n) throw mismatch(c.info.group, "axis1", n, base + "_values", v.dims[0]);
        Source s;
        s.kind = SourceKind::Plain1D;
        s.storedType = h5::Handle(H5Tcopy(type));
        s.ds = addDataset(c, v);
        byName[names[0]] = {columnInfo(names[0], type, n), std::move(s)};
        continue;
      }
      if (v.rank != 2) continue;
      bool transposed = false;
      if (v.dims[0] == n && v.dims[1] == k) {
        transposed = false;
      } else if (v.dims[0] == k && v.dims[1] == n) {
        transposed = true;
      } else {
        throw mismatch(c.info.group, "axis1", n, base + "_values", v.dims[0]);
      }
      const int ds = addDataset(c, v, transposed);
      for (hsize_t j = 0; j < k; ++j) {
        Source s;
        s.kind = SourceKind::MatrixCol;
        s.ds = ds;
        s.index = j;
        s.width = k;
        s.storedType = h5::Handle(H5Tcopy(type));
        byName[names[j]] = {columnInfo(names[j], type, n), std::move(s)};
      }
    }
    for (const auto& name : order) {
      auto it = byName.find(name);
      if (it == byName.end()) continue;
      addColumn(c, std::move(it->second.first), std::move(it->second.second));
      byName.erase(it);
    }
    for (auto& [name, cs] : byName) addColumn(c, std::move(cs.first), std::move(cs.second));
    if (c.info.columns.empty()) return std::nullopt;
    return c;
  }

  std::optional<Candidate> pandasTable(const std::string& groupPath) {
    h5::Handle group(H5Gopen2(m_file, groupPath.empty() ? "/" : groupPath.c_str(), H5P_DEFAULT));
    if (!group.valid() || h5::objectType(group, "table") != H5I_DATASET) return std::nullopt;
    DsMeta m = meta(m_file, joinPath(groupPath, "table"), "table");
    if (m.cls != H5T_COMPOUND || m.rank != 1) return std::nullopt;
    h5::Handle type(H5Tcopy(m.type));
    const int nmembers = H5Tget_nmembers(type);
    bool hasBlocks = false;
    for (int k = 0; k < nmembers; ++k) {
      char* raw = H5Tget_member_name(type, static_cast<unsigned>(k));
      if (raw && std::strncmp(raw, "values_block_", 13) == 0) hasBlocks = true;
      H5free_memory(raw);
    }
    std::string pandasType;
    h5::readStringAttribute(group, "pandas_type", &pandasType);
    if (!hasBlocks && pandasType.find("table") == std::string::npos) return std::nullopt;

    Candidate c;
    c.info.layout = Layout::PandasTable;
    c.info.group = groupPath.empty() ? "/" : groupPath;
    c.info.events = m.dims[0];
    h5::Handle tableId(H5Dopen2(m_file, m.path.c_str(), H5P_DEFAULT));
    const int ds = addDataset(c, m);
    for (int k = 0; k < nmembers; ++k) {
      char* raw = H5Tget_member_name(type, static_cast<unsigned>(k));
      const std::string field = raw ? raw : "";
      H5free_memory(raw);
      if (field == "index") continue;  // the frame's index, not an event column
      h5::Handle mt(H5Tget_member_type(type, static_cast<unsigned>(k)));
      if (H5Tget_class(mt) == H5T_ARRAY && H5Tget_array_ndims(mt) == 1) {
        hsize_t len = 0;
        H5Tget_array_dims2(mt, &len);
        h5::Handle super(H5Tget_super(mt));
        if (!h5::isNumeric(super) && !h5::isString(super)) continue;
        std::vector<std::string> names;
        std::string pickled;
        const std::string kindAttr = field + "_kind";
        if (h5::readStringAttribute(tableId, kindAttr.c_str(), &pickled) &&
            pickled.find('\n') != std::string::npos) {
          try {
            names = h5::parsePickledStringList(pickled);
          } catch (const Error& e) {
            throw Error("'" + m_path + "': attribute " + kindAttr + ": " + e.what());
          }
        } else if (!h5::readStringArrayAttribute(tableId, kindAttr.c_str(), &names)) {
          names.clear();
        }
        if (names.size() != len) {
          names.clear();
          for (hsize_t j = 0; j < len; ++j) names.push_back(field + "_" + std::to_string(j));
        }
        addArrayFieldColumns(c, ds, field, super, names);
      } else if (h5::isNumeric(mt) || h5::isString(mt)) {
        // data_columns=True stores a column as its own scalar field.
        Source s;
        s.kind = SourceKind::Field;
        s.ds = ds;
        s.field = field;
        s.storedType = h5::Handle(H5Tcopy(mt));
        addColumn(c, columnInfo(field, mt, c.info.events), std::move(s));
      }
    }
    if (c.info.columns.empty()) return std::nullopt;
    return c;
  }

  hid_t m_file;
  std::string m_path;
  const ReaderOptions& m_options;
};

// Groups below `start` in breadth-first order (start first), bounded so that a file with a
// huge hierarchy cannot stall detection.
std::vector<std::string> groupsBelow(hid_t file, const std::string& start) {
  std::vector<std::string> out = {start};
  for (std::size_t i = 0; i < out.size() && out.size() < 2000; ++i) {
    h5::Handle g(H5Gopen2(file, out[i].c_str(), H5P_DEFAULT));
    if (!g.valid()) continue;
    for (const auto& name : h5::childNames(g)) {
      if (h5::objectType(g, name) == H5I_GROUP) out.push_back(joinPath(out[i], name));
    }
  }
  return out;
}

enum class Agg { Plain, Count, Element, Sum, Max, Min };

struct Request {
  int column = -1;
  Agg agg = Agg::Plain;
  hsize_t element = 0;
  bool asDouble = false;
  std::vector<float> f;
  std::vector<double> d;
  float* external = nullptr;  // readInto: the caller's array for the whole sample
  void put(std::size_t i, double v) {
    if (asDouble) {
      d[i] = v;
    } else {
      f[i] = static_cast<float>(v);
    }
  }
};

std::string formatNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e18) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

}  // namespace

const char* layoutName(Layout layout) {
  switch (layout) {
    case Layout::ColumnGroup:
      return "ColumnGroup";
    case Layout::Matrix2D:
      return "Matrix2D";
    case Layout::Compound:
      return "Compound";
    case Layout::PandasFixed:
      return "PandasFixed";
    case Layout::PandasTable:
      return "PandasTable";
  }
  return "?";
}

Layout layoutFromName(const std::string& name) {
  const std::vector<Layout> all = {Layout::ColumnGroup, Layout::Matrix2D, Layout::Compound,
                                   Layout::PandasFixed, Layout::PandasTable};
  std::vector<std::string> names;
  for (Layout l : all) {
    if (lower(layoutName(l)) == lower(name)) return l;
    names.emplace_back(layoutName(l));
  }
  throw Error(unknownNameMessage("layout", name, names) + "; choose one of " + join(names, ", "));
}

std::vector<std::string> SampleInfo::scalarNames() const {
  std::vector<std::string> out;
  for (const auto& c : columns) {
    if (c.isString) continue;
    if (!c.jagged) {
      out.push_back(c.name);
      continue;
    }
    out.push_back("count(" + c.name + ")");
    for (std::size_t i = 0; i < c.maxMultiplicity; ++i) {
      out.push_back(c.name + "[" + std::to_string(i) + "]");
    }
    out.push_back("sum(" + c.name + ")");
    out.push_back("max(" + c.name + ")");
    out.push_back("min(" + c.name + ")");
  }
  return out;
}

struct SampleReader::Impl {
  std::string path;
  ReaderOptions options;
  h5::Handle file;
  Candidate data;
  std::unordered_map<std::string, int> columnIndex;

  Request resolve(const std::string& name) const {
    Request r;
    auto unknown = [&]() {
      return Error(unknownNameMessage("column", name, data.info.scalarNames()) + " in '" + path +
                   "'");
    };
    auto find = [&](const std::string& col) {
      auto it = columnIndex.find(col);
      return it == columnIndex.end() ? -1 : it->second;
    };
    static const std::pair<const char*, Agg> kAggs[] = {
        {"count(", Agg::Count}, {"sum(", Agg::Sum}, {"max(", Agg::Max}, {"min(", Agg::Min}};
    for (const auto& [prefix, agg] : kAggs) {
      const std::size_t len = std::strlen(prefix);
      if (name.size() > len + 1 && name.compare(0, len, prefix) == 0 && name.back() == ')') {
        const int col = find(name.substr(len, name.size() - len - 1));
        if (col >= 0 && data.info.columns[col].jagged) {
          r.column = col;
          r.agg = agg;
          return r;
        }
        throw unknown();
      }
    }
    if (const int col = find(name); col >= 0) {
      const ColumnInfo& c = data.info.columns[col];
      if (c.isString) {
        throw Error("column '" + name + "' in '" + path +
                    "' holds strings; it can define classes but not be read as a number");
      }
      if (c.jagged) {
        throw Error("column '" + name + "' in '" + path + "' is a collection; use count(" + name +
                    "), " + name + "[0], sum(" + name + "), max(" + name + ") or min(" + name +
                    ")");
      }
      r.column = col;
      return r;
    }
    const std::size_t open = name.rfind('[');
    if (open != std::string::npos && name.back() == ']') {
      const int col = find(name.substr(0, open));
      const std::string digits = name.substr(open + 1, name.size() - open - 2);
      hsize_t idx = 0;
      auto res = std::from_chars(digits.data(), digits.data() + digits.size(), idx);
      if (col >= 0 && data.info.columns[col].jagged && !digits.empty() &&
          res.ptr == digits.data() + digits.size() &&
          idx < data.info.columns[col].maxMultiplicity) {
        r.column = col;
        r.agg = Agg::Element;
        r.element = idx;
        return r;
      }
    }
    throw unknown();
  }

  void readChunks(const std::vector<std::string>& names, const std::vector<std::string>& asDouble,
                  const std::vector<float*>& externals,
                  const std::function<void(const Chunk&)>& onChunk) const;

  Error readError(const std::string& what) const {
    return Error("cannot read " + what + " from '" + path + "': " + h5::lastErrorMessage());
  }

  void readPlain(Request& r, hsize_t first, hsize_t n, std::vector<unsigned char>& scratch) const {
    const Source& s = data.sources[r.column];
    const DatasetEntry& ds = data.datasets[s.ds];
    h5::Handle fileSpace(H5Dget_space(ds.id));
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &first, nullptr, &n, nullptr);
    h5::Handle memSpace(H5Screate_simple(1, &n, nullptr));
    MemElem e = memElem(s.storedType, r.asDouble);
    if (e.kind != MemElem::Raw) {
      void* out = r.asDouble ? static_cast<void*>(r.d.data()) : static_cast<void*>(r.f.data());
      if (r.external) out = r.external + first;  // straight into the caller's array
      if (H5Dread(ds.id, e.type, memSpace, fileSpace, H5P_DEFAULT, out) < 0) {
        throw readError("column '" + data.info.columns[r.column].name + "'");
      }
      return;
    }
    scratch.resize(n * e.size);
    if (H5Dread(ds.id, e.type, memSpace, fileSpace, H5P_DEFAULT, scratch.data()) < 0) {
      throw readError("column '" + data.info.columns[r.column].name + "'");
    }
    for (hsize_t i = 0; i < n; ++i) r.put(i, load(e, scratch.data() + i * e.size));
  }

  void readMatrix(int dsIndex, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                  std::vector<unsigned char>& scratch) const {
    const DatasetEntry& ds = data.datasets[dsIndex];
    hsize_t cmin = std::numeric_limits<hsize_t>::max(), cmax = 0;
    bool anyDouble = false;
    for (Request* r : reqs) {
      cmin = std::min(cmin, data.sources[r->column].index);
      cmax = std::max(cmax, data.sources[r->column].index);
      anyDouble = anyDouble || r->asDouble;
    }
    const hsize_t w = cmax - cmin + 1;
    MemElem e = memElem(data.sources[reqs.front()->column].storedType, anyDouble);
    h5::Handle fileSpace(H5Dget_space(ds.id));
    hsize_t start[2], count[2];
    if (ds.transposed) {
      start[0] = cmin, start[1] = first, count[0] = w, count[1] = n;
    } else {
      start[0] = first, start[1] = cmin, count[0] = n, count[1] = w;
    }
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nullptr, count, nullptr);
    h5::Handle memSpace(H5Screate_simple(2, count, nullptr));
    scratch.resize(n * w * e.size);
    if (H5Dread(ds.id, e.type, memSpace, fileSpace, H5P_DEFAULT, scratch.data()) < 0) {
      throw readError("dataset '" + ds.path + "'");
    }
    for (Request* r : reqs) {
      const hsize_t j = data.sources[r->column].index - cmin;
      for (hsize_t i = 0; i < n; ++i) {
        const hsize_t at = ds.transposed ? j * n + i : i * w + j;
        r->put(i, load(e, scratch.data() + at * e.size));
      }
    }
  }

  void readCompound(int dsIndex, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                    std::vector<unsigned char>& scratch) const {
    const DatasetEntry& ds = data.datasets[dsIndex];
    // One memory member per field needed; HDF5 picks the fields out of each record.
    struct FieldPlan {
      std::string name;
      MemElem elem;
      hsize_t width = 0;  // 0: scalar field
      std::size_t offset = 0;
    };
    std::vector<FieldPlan> fields;
    std::vector<int> fieldOf(reqs.size());
    for (std::size_t k = 0; k < reqs.size(); ++k) {
      const Source& s = data.sources[reqs[k]->column];
      auto it = std::find_if(fields.begin(), fields.end(),
                             [&](const FieldPlan& f) { return f.name == s.field; });
      if (it == fields.end()) {
        bool anyDouble = false;
        for (Request* r : reqs) {
          anyDouble = anyDouble || (data.sources[r->column].field == s.field && r->asDouble);
        }
        FieldPlan p;
        p.name = s.field;
        p.elem = memElem(s.storedType, anyDouble);
        p.width = s.kind == SourceKind::ArrayField ? s.width : 0;
        fields.push_back(std::move(p));
        it = fields.end() - 1;
      }
      fieldOf[k] = static_cast<int>(it - fields.begin());
    }
    std::size_t record = 0;
    for (auto& f : fields) {
      f.offset = record;
      record += f.elem.size * (f.width ? f.width : 1);
    }
    h5::Handle memType(H5Tcreate(H5T_COMPOUND, record));
    for (auto& f : fields) {
      if (f.width) {
        h5::Handle arr(H5Tarray_create2(f.elem.type, 1, &f.width));
        H5Tinsert(memType, f.name.c_str(), f.offset, arr);
      } else {
        H5Tinsert(memType, f.name.c_str(), f.offset, f.elem.type);
      }
    }
    h5::Handle fileSpace(H5Dget_space(ds.id));
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &first, nullptr, &n, nullptr);
    h5::Handle memSpace(H5Screate_simple(1, &n, nullptr));
    scratch.resize(n * record);
    if (H5Dread(ds.id, memType, memSpace, fileSpace, H5P_DEFAULT, scratch.data()) < 0) {
      throw readError("dataset '" + ds.path + "'");
    }
    for (std::size_t k = 0; k < reqs.size(); ++k) {
      const FieldPlan& f = fields[fieldOf[k]];
      // Scalar fields have index 0; array fields pick their element.
      const std::size_t off = f.offset + data.sources[reqs[k]->column].index * f.elem.size;
      for (hsize_t i = 0; i < n; ++i) {
        reqs[k]->put(i, load(f.elem, scratch.data() + i * record + off));
      }
    }
  }

  // Aggregates of one jagged collection for events [first, first+n).
  void readJagged(int column, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                  std::vector<unsigned char>& scratch) const {
    const Source& s = data.sources[column];
    const DatasetEntry& ds = data.datasets[s.ds];
    std::vector<double> counts(n, 0.0), sums(n, 0.0), maxs(n, kNaN), mins(n, kNaN);
    // Element values of the events, up to the largest index asked for.
    hsize_t need = 0;
    for (Request* r : reqs) {
      if (r->agg == Agg::Element) need = std::max(need, r->element + 1);
    }
    std::vector<double> elems(n * need, kNaN);
    auto accumulate = [&](hsize_t i, hsize_t j, double v) {
      if (j < need) elems[i * need + j] = v;
      if (std::isnan(v)) return;
      sums[i] += v;
      if (!(maxs[i] >= v)) maxs[i] = v;
      if (!(mins[i] <= v)) mins[i] = v;
    };
    h5::Handle fileSpace(H5Dget_space(ds.id));
    if (s.kind == SourceKind::Padded) {
      const hsize_t width = s.width;
      MemElem e = memElem(s.storedType, true);
      const hsize_t start[2] = {first, 0};
      const hsize_t count[2] = {n, width};
      H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nullptr, count, nullptr);
      h5::Handle memSpace(H5Screate_simple(2, count, nullptr));
      scratch.resize(n * width * e.size);
      if (H5Dread(ds.id, e.type, memSpace, fileSpace, H5P_DEFAULT, scratch.data()) < 0) {
        throw readError("collection '" + data.info.columns[column].name + "'");
      }
      std::vector<double> declared;
      if (s.countColumn >= 0) {
        Request cr;
        cr.column = s.countColumn;
        cr.asDouble = true;
        cr.d.resize(n);
        std::vector<unsigned char> tmp;
        readPlain(cr, first, n, tmp);
        declared = std::move(cr.d);
      }
      for (hsize_t i = 0; i < n; ++i) {
        hsize_t present = 0;
        if (!declared.empty()) {
          // The count column decides which slots hold elements, whatever the padding value.
          const double c = declared[i];
          present = std::isnan(c) || c <= 0 ? 0 : std::min<hsize_t>(width, hsize_t(c));
          counts[i] = double(present);
          for (hsize_t j = 0; j < present; ++j) {
            accumulate(i, j, load(e, scratch.data() + (i * width + j) * e.size));
          }
        } else {
          for (hsize_t j = 0; j < width; ++j) {
            const double v = load(e, scratch.data() + (i * width + j) * e.size);
            if (!std::isnan(v)) counts[i] += 1.0;
            accumulate(i, j, v);
          }
        }
      }
    } else {
      h5::Handle mem(H5Tvlen_create(H5T_NATIVE_DOUBLE));
      H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &first, nullptr, &n, nullptr);
      h5::Handle memSpace(H5Screate_simple(1, &n, nullptr));
      std::vector<hvl_t> buf(n);
      if (H5Dread(ds.id, mem, memSpace, fileSpace, H5P_DEFAULT, buf.data()) < 0) {
        throw readError("collection '" + data.info.columns[column].name + "'");
      }
      for (hsize_t i = 0; i < n; ++i) {
        const double* v = static_cast<const double*>(buf[i].p);
        counts[i] = double(buf[i].len);
        for (std::size_t j = 0; j < buf[i].len; ++j) accumulate(i, j, v[j]);
      }
      H5Dvlen_reclaim(mem, memSpace, H5P_DEFAULT, buf.data());
    }
    for (Request* r : reqs) {
      for (hsize_t i = 0; i < n; ++i) {
        switch (r->agg) {
          case Agg::Count:
            r->put(i, counts[i]);
            break;
          case Agg::Sum:
            r->put(i, sums[i]);
            break;
          case Agg::Max:
            r->put(i, maxs[i]);
            break;
          case Agg::Min:
            r->put(i, mins[i]);
            break;
          case Agg::Element:
            r->put(i, elems[i * need + r->element]);
            break;
          case Agg::Plain:
            break;
        }
      }
    }
  }
};

SampleReader::SampleReader(const std::string& path, ReaderOptions options)
    : m_impl(std::make_unique<Impl>()) {
  Impl& d = *m_impl;
  d.path = path;
  d.options = std::move(options);
  if (d.options.chunkSize == 0) d.options.chunkSize = 65536;
  h5::ErrorSilencer silence;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error("cannot open sample '" + path + "': the file does not exist");
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw Error("cannot open sample '" + path + "': it is a directory, not an HDF5 file");
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw Error("cannot open sample '" + path + "': not an HDF5 file");
  }
  d.file = h5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!d.file.valid()) {
    throw Error("cannot open sample '" + path + "': " + h5::lastErrorMessage());
  }

  Detector detector(d.file, path, d.options);
  const std::vector<Layout> order = {Layout::PandasFixed, Layout::PandasTable, Layout::ColumnGroup,
                                     Layout::Compound, Layout::Matrix2D};
  std::optional<Candidate> best;
  auto consider = [&](std::optional<Candidate> c) {
    // Several candidates (metadata groups, several pandas keys): the most events wins, the
    // first found (shallowest) on a tie.
    if (c && (!best || c->info.events > best->info.events)) best = std::move(c);
  };
  std::string start = d.options.group.empty() ? "/" : d.options.group;
  if (start.front() != '/') start = "/" + start;
  const H5I_type_t startType = h5::objectType(d.file, start);
  if (startType == H5I_BADID) {
    throw Error("no group or dataset '" + start + "' in '" + path + "'");
  }
  if (startType == H5I_DATASET) {
    consider(detector.tryDataset(start, d.options.layout));
  } else if (!d.options.group.empty()) {
    // The user named the group: it holds the events (no search below it unless it is empty).
    for (Layout l : order) {
      if (d.options.layout && l != *d.options.layout) continue;
      if ((best = detector.tryGroup(start, l))) break;
    }
  }
  if (!best && startType == H5I_GROUP) {
    for (const auto& g : groupsBelow(d.file, start)) {
      for (Layout l : order) {
        if (d.options.layout && l != *d.options.layout) continue;
        if (auto c = detector.tryGroup(g, l)) {
          consider(std::move(c));
          break;
        }
      }
    }
  }
  if (!best) {
    std::string what = d.options.layout
                           ? std::string("no ") + layoutName(*d.options.layout) + " event data"
                           : std::string("no event data");
    throw Error(what + " found in '" + path + "'" +
                (d.options.group.empty() ? std::string() : " under '" + start + "'") +
                ": expected a group of 1-D datasets, a 2-D numeric dataset, a compound table or "
                "a pandas frame");
  }
  d.data = std::move(*best);
  d.data.info.path = path;
  for (std::size_t i = 0; i < d.data.info.columns.size(); ++i) {
    d.columnIndex.emplace(d.data.info.columns[i].name, static_cast<int>(i));
  }
}

SampleReader::~SampleReader() = default;
SampleReader::SampleReader(SampleReader&&) noexcept = default;
SampleReader& SampleReader::operator=(SampleReader&&) noexcept = default;

const SampleInfo& SampleReader::info() const {
  return m_impl->data.info;
}

void SampleReader::read(const std::vector<std::string>& names,
                        const std::vector<std::string>& asDouble,
                        const std::function<void(const Chunk&)>& onChunk) const {
  m_impl->readChunks(names, asDouble, {}, onChunk);
}

void SampleReader::readInto(const std::vector<std::string>& names,
                            const std::vector<float*>& out) const {
  if (out.size() != names.size()) {
    throw Error("readInto: " + std::to_string(names.size()) + " names but " +
                std::to_string(out.size()) + " destination arrays");
  }
  m_impl->readChunks(names, {}, out, {});
}

void SampleReader::Impl::readChunks(const std::vector<std::string>& names,
                                    const std::vector<std::string>& asDouble,
                                    const std::vector<float*>& externals,
                                    const std::function<void(const Chunk&)>& onChunk) const {
  const Impl& d = *this;
  const std::set<std::string> doubles(asDouble.begin(), asDouble.end());
  std::vector<Request> reqs;
  reqs.reserve(names.size());
  for (std::size_t k = 0; k < names.size(); ++k) {
    reqs.push_back(d.resolve(names[k]));
    reqs.back().asDouble = doubles.count(names[k]) > 0;
    if (!externals.empty()) reqs.back().external = externals[k];
  }
  const std::size_t chunk = d.options.chunkSize;
  const std::size_t events = d.data.info.events;
  const std::size_t bufSize = std::min(chunk, std::max<std::size_t>(events, 1));
  for (auto& r : reqs) {
    const bool direct = r.external && d.data.sources[r.column].kind == SourceKind::Plain1D &&
                        !memElemIsRaw(d.data.sources[r.column].storedType);
    if (direct) continue;  // HDF5 writes into the caller's array; no chunk buffer needed
    if (r.asDouble) {
      r.d.assign(bufSize, 0.0);
    } else {
      r.f.assign(bufSize, 0.0f);
    }
  }
  // Group the requests by how they are read: per column (1-D), per dataset (2-D blocks and
  // compound records, read once for all their requested columns), per collection (jagged).
  std::vector<Request*> plain;
  std::map<int, std::vector<Request*>> matrices, compounds, jagged;
  for (auto& r : reqs) {
    const Source& s = d.data.sources[r.column];
    switch (s.kind) {
      case SourceKind::Plain1D:
        plain.push_back(&r);
        break;
      case SourceKind::MatrixCol:
        matrices[s.ds].push_back(&r);
        break;
      case SourceKind::Field:
      case SourceKind::ArrayField:
        compounds[s.ds].push_back(&r);
        break;
      case SourceKind::Padded:
      case SourceKind::Vlen:
        jagged[r.column].push_back(&r);
        break;
      case SourceKind::Unreadable:
        throw Error("column '" + d.data.info.columns[r.column].name + "' in '" + d.path +
                    "' cannot be read");
    }
  }
  h5::ErrorSilencer silence;
  std::vector<unsigned char> scratch;
  Chunk out;
  out.columns.resize(reqs.size());
  for (std::size_t first = 0; first < events; first += chunk) {
    const hsize_t n = std::min(chunk, events - first);
    for (Request* r : plain) d.readPlain(*r, first, n, scratch);
    for (auto& [ds, list] : matrices) d.readMatrix(ds, list, first, n, scratch);
    for (auto& [ds, list] : compounds) d.readCompound(ds, list, first, n, scratch);
    for (auto& [col, list] : jagged) d.readJagged(col, list, first, n, scratch);
    if (!externals.empty()) {
      for (auto& r : reqs) {
        if (!r.f.empty()) std::memcpy(r.external + first, r.f.data(), n * sizeof(float));
      }
      continue;
    }
    out.first = first;
    out.size = n;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      out.columns[i] = reqs[i].asDouble ? ColumnRef{nullptr, reqs[i].d.data()}
                                        : ColumnRef{reqs[i].f.data(), nullptr};
    }
    onChunk(out);
  }
}

std::vector<std::string> SampleReader::readStrings(const std::string& name) const {
  const Impl& d = *m_impl;
  auto it = d.columnIndex.find(name);
  if (it == d.columnIndex.end()) {
    std::vector<std::string> all;
    for (const auto& c : d.data.info.columns) all.push_back(c.name);
    throw Error(unknownNameMessage("column", name, all) + " in '" + d.path + "'");
  }
  const ColumnInfo& col = d.data.info.columns[it->second];
  const Source& s = d.data.sources[it->second];
  const hsize_t n = d.data.info.events;
  h5::ErrorSilencer silence;
  if (s.kind == SourceKind::Unreadable) {
    throw Error("column '" + name + "' in '" + d.path +
                "' is a pandas object column that format='fixed' stores as a Python pickle, "
                "which cannot be read; save the frame with format='table'");
  }
  if (!col.isString) {
    if (col.jagged) {
      throw Error("column '" + name + "' in '" + d.path + "' is a collection, not a label");
    }
    // Numeric labels (0/1, PDG ids) map to classes through their printed values.
    std::vector<std::string> out;
    out.reserve(n);
    read({name}, {name}, [&](const Chunk& c) {
      for (std::size_t i = 0; i < c.size; ++i) out.push_back(formatNumber(c.columns[0].d[i]));
    });
    return out;
  }
  const DatasetEntry& ds = d.data.datasets[s.ds];
  try {
    if (s.kind == SourceKind::Plain1D) return h5::readStringDataset(ds.id, 0, n);
  } catch (const Error& e) {
    throw Error("column '" + name + "' in '" + d.path + "': " + e.what());
  }
  // A string field of a compound (or an element of a pandas string block).
  const bool vlen = H5Tis_variable_str(s.storedType) > 0;
  h5::Handle elem(H5Tcopy(vlen ? H5T_C_S1 : s.storedType.get()));
  if (vlen) H5Tset_size(elem, H5T_VARIABLE);
  const std::size_t esize = H5Tget_size(elem);
  const hsize_t width = s.kind == SourceKind::ArrayField ? s.width : 1;
  h5::Handle member(s.kind == SourceKind::ArrayField ? H5Tarray_create2(elem, 1, &width)
                                                     : H5Tcopy(elem));
  const std::size_t record = esize * width;
  h5::Handle memType(H5Tcreate(H5T_COMPOUND, record));
  H5Tinsert(memType, s.field.c_str(), 0, member);
  std::vector<std::string> out;
  out.reserve(n);
  h5::Handle fileSpace(H5Dget_space(ds.id));
  const hsize_t step = d.options.chunkSize;
  std::vector<unsigned char> buf;
  for (hsize_t first = 0; first < n; first += step) {
    const hsize_t cnt = std::min(step, n - first);
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &first, nullptr, &cnt, nullptr);
    h5::Handle memSpace(H5Screate_simple(1, &cnt, nullptr));
    buf.assign(cnt * record, 0);
    if (H5Dread(ds.id, memType, memSpace, fileSpace, H5P_DEFAULT, buf.data()) < 0) {
      throw d.readError("string column '" + name + "'");
    }
    for (hsize_t i = 0; i < cnt; ++i) {
      const unsigned char* p = buf.data() + i * record + s.index * esize;
      if (vlen) {
        char* str = nullptr;
        std::memcpy(&str, p, sizeof str);
        out.emplace_back(str ? str : "");
      } else {
        const char* c = reinterpret_cast<const char*>(p);
        std::size_t len = 0;
        while (len < esize && c[len] != '\0') ++len;
        if (H5Tget_strpad(s.storedType) == H5T_STR_SPACEPAD) {
          while (len > 0 && c[len - 1] == ' ') --len;
        }
        out.emplace_back(c, len);
      }
    }
    if (vlen) H5Dvlen_reclaim(memType, memSpace, H5P_DEFAULT, buf.data());
  }
  return out;
}

}  // namespace imbw
