#include "core/data/sample_source.h"

#include <algorithm>
#include <cctype>

namespace imbw::detail {

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

bool memElemIsRaw(hid_t stored) {
  const H5T_class_t c = H5Tget_class(stored);
  return c == H5T_ENUM || c == H5T_BITFIELD;
}

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

static const std::vector<std::string> kNameKeys = {"columns",   "names",         "column_names",
                                                   "colnames",  "feature_names", "fields",
                                                   "variables", "labels"};

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

}  // namespace imbw::detail
