// LayoutDetector's pandas layouts: format="fixed" (axis0/axis1/blockN_items/blockN_values) and
// format="table" (a PyTables compound `table` with values_block_N array fields).

#include <cstring>
#include <map>

#include "core/data/layout_detector.h"

namespace imbw::detail {

std::optional<Candidate> LayoutDetector::pandasFixed(const std::string& groupPath) {
  h5::Handle group(H5Gopen2(m_file, groupPath.empty() ? "/" : groupPath.c_str(), H5P_DEFAULT));
  if (!group.valid()) return std::nullopt;
  for (const char* key : {"axis0", "axis1", "block0_values", "block0_items"}) {
    if (h5::objectType(group, key) != H5I_DATASET) return std::nullopt;
  }
  DsMeta axis0 = meta(m_fc, joinPath(groupPath, "axis0"), "axis0");
  DsMeta axis1 = meta(m_fc, joinPath(groupPath, "axis1"), "axis1");
  if (axis0.rank != 1 || axis1.rank != 1 || axis0.cls != H5T_STRING) return std::nullopt;
  const std::vector<std::string> order = h5::readStringDataset(axis0.id, 0, axis0.dims[0]);
  const hsize_t n = axis1.dims[0];

  checkEventCount(m_fc, groupPath, n);
  Candidate c;
  c.info.layout = Layout::PandasFixed;
  c.info.group = groupPath.empty() ? "/" : groupPath;
  c.info.events = n;
  std::map<std::string, std::pair<ColumnInfo, Source>> byName;
  for (int b = 0;; ++b) {
    const std::string base = "block" + std::to_string(b);
    if (h5::objectType(group, base + "_values") != H5I_DATASET) break;
    if (h5::objectType(group, base + "_items") != H5I_DATASET) break;
    DsMeta items = meta(m_fc, joinPath(groupPath, base + "_items"), base + "_items");
    if (!items.id.valid() || items.rank != 1 || items.cls != H5T_STRING) break;
    const std::vector<std::string> names = h5::readStringDataset(items.id, 0, items.dims[0]);
    const hsize_t k = names.size();
    DsMeta v = meta(m_fc, joinPath(groupPath, base + "_values"), base + "_values");
    for (const auto& name : names) {
      if (byName.count(name)) {
        throw Error("'" + c.info.group + "' in '" + m_path + "' names the column '" + name +
                    "' more than once (pandas allows duplicate column names; rename them)");
      }
    }
    if (v.cls != H5T_VLEN) refuseWhole(v);
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

std::optional<Candidate> LayoutDetector::pandasTable(const std::string& groupPath) {
  h5::Handle group(H5Gopen2(m_file, groupPath.empty() ? "/" : groupPath.c_str(), H5P_DEFAULT));
  if (!group.valid() || h5::objectType(group, "table") != H5I_DATASET) return std::nullopt;
  DsMeta m = meta(m_fc, joinPath(groupPath, "table"), "table");
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

  refuseWhole(m);
  checkEventCount(m_fc, groupPath, m.dims[0]);
  Candidate c;
  c.info.layout = Layout::PandasTable;
  c.info.group = groupPath.empty() ? "/" : groupPath;
  c.info.events = m.dims[0];
  h5::Handle tableId(openDataset(m_file, m.path));
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

}  // namespace imbw::detail
