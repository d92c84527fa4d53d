#include "core/data/layout_detector.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/util/strings.h"

namespace imbw::detail {

namespace {

// A 1-D string dataset as long as some 2-D block of the group is wide: that block's names.
bool matrixNameListOf(const std::vector<DsMeta>& all, const DsMeta& names) {
  return std::any_of(all.begin(), all.end(), [&](const DsMeta& m) {
    return m.rank == 2 && names.rank == 1 && m.dims[1] == names.dims[0];
  });
}

}  // namespace

Error LayoutDetector::mismatch(const std::string& groupPath, const std::string& a, hsize_t na,
                               const std::string& b, hsize_t nb) const {
  return Error("column length mismatch in '" + m_path + "' (group '" + groupPath + "'): '" + a +
               "' has " + std::to_string(na) + " events but '" + b + "' has " + std::to_string(nb));
}

int LayoutDetector::addDataset(Candidate& c, DsMeta& m, bool transposed) {
  DatasetEntry e;
  e.path = m.path;
  e.id = std::move(m.id);
  e.transposed = transposed;
  c.datasets.push_back(std::move(e));
  return static_cast<int>(c.datasets.size()) - 1;
}

void LayoutDetector::addColumn(Candidate& c, ColumnInfo info, Source src) {
  c.info.columns.push_back(std::move(info));
  c.sources.push_back(std::move(src));
}

void LayoutDetector::addArrayFieldColumns(Candidate& c, int ds, const std::string& field,
                                          hid_t elementType,
                                          const std::vector<std::string>& names) {
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

void LayoutDetector::addMatrixColumns(Candidate& c, DsMeta& m,
                                      const std::vector<std::string>& names, std::size_t events) {
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

hsize_t LayoutDetector::vlenMax(const DsMeta& m, hsize_t n) const {
  const hid_t ds = m.id;
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
      throw m_fc.damage("read the variable-length data of", m.path);
    }
    for (hsize_t i = 0; i < cnt; ++i) best = std::max<hsize_t>(best, buf[i].len);
    H5Dvlen_reclaim(mem, memSpace, H5P_DEFAULT, buf.data());
  }
  return best;
}

std::optional<Candidate> LayoutDetector::columnGroup(const std::string& groupPath, GroupScan& scan,
                                                     bool named, std::vector<ObjectNote>& skipped) {
  std::vector<DsMeta>& all = scan.datasets;
  const auto isColumn = [](const DsMeta& m) {
    return m.rank == 1 && (h5::isNumeric(m.type) || vlenNumeric(m));
  };
  // The event count is the length most of the 1-D numeric and vlen datasets share.
  std::map<hsize_t, int> lengths;
  for (const auto& m : all) {
    if (isColumn(m)) ++lengths[m.dims[0]];
  }
  if (lengths.empty()) return std::nullopt;
  hsize_t n = 0;
  int votes = -1;
  bool tie = false;
  for (const auto& [len, v] : lengths) {
    if (v > votes) {
      n = len;
      votes = v;
      tie = false;
    } else if (v == votes) {
      tie = true;
    }
  }
  const std::string group = groupPath.empty() ? "/" : groupPath;
  if (tie) {
    // No length most datasets agree on: not a table of events (metadata, or damage).
    std::vector<std::string> parts;
    const DsMeta* first = nullptr;
    const DsMeta* other = nullptr;
    for (const auto& m : all) {
      if (!isColumn(m)) continue;
      parts.push_back(m.name + " " + std::to_string(m.dims[0]));
      if (!first) {
        first = &m;
      } else if (!other && m.dims[0] != first->dims[0]) {
        other = &m;
      }
    }
    if (named) throw mismatch(group, first->name, first->dims[0], other->name, other->dims[0]);
    skipped.push_back({group, group.substr(group.rfind('/') + 1),
                       "1-D datasets of different lengths (" + join(parts, ", ") + ")"});
    return std::nullopt;
  }
  checkEventCount(m_fc, group, n);
  Candidate c;
  c.info.layout = Layout::ColumnGroup;
  c.info.group = group;
  c.info.events = n;
  c.info.unsupported = scan.unusable;
  for (auto& m : all) {
    const bool numeric = h5::isNumeric(m.type);
    const bool rowsMatch = m.rank >= 1 && m.dims[0] == n;
    const bool usable = m.refused.empty() && rowsMatch;
    if (usable && m.rank == 1 && (numeric || vlenNumeric(m))) {
      Source s;
      ColumnInfo info = columnInfo(m.name, m.type, n);
      if (numeric) {
        s.kind = SourceKind::Plain1D;
        s.storedType = h5::Handle(H5Tcopy(m.type));
      } else {
        s.kind = SourceKind::Vlen;
        s.storedType = h5::Handle(H5Tget_super(m.type));
        info.jagged = true;
        info.maxMultiplicity = vlenMax(m, n);
        s.width = info.maxMultiplicity;
      }
      s.ds = addDataset(c, m);
      addColumn(c, std::move(info), std::move(s));
    } else if (usable && m.rank == 1 && m.cls == H5T_STRING) {
      Source s;
      s.kind = SourceKind::Plain1D;
      s.storedType = h5::Handle(H5Tcopy(m.type));
      ColumnInfo info = columnInfo(m.name, m.type, n);
      s.ds = addDataset(c, m);
      addColumn(c, std::move(info), std::move(s));
    } else if (usable && m.rank == 2 && numeric) {
      const hsize_t width = m.dims[1];
      if (auto names = matrixNames(m_fc, groupPath, m, width)) {
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
    } else if (m.rank == 1 && m.cls == H5T_STRING && m.dims[0] != n &&
               (matrixNameListOf(all, m) || m.dims[0] <= 1)) {
      // Column names of a 2-D block, or a note: not event data, nothing to report.
    } else {
      c.info.unsupported.push_back({m.path, m.name, unsupportedReason(m, n)});
    }
  }
  attachCountColumns(c);
  return c;
}

void LayoutDetector::attachCountColumns(Candidate& c) const {
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
    if (!cap.empty()) cap[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cap[0])));
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
  if (!m_options.countColumn.empty() && anyPadded && plainIndex(m_options.countColumn, false) < 0) {
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

std::optional<Candidate> LayoutDetector::compound(const std::string& groupPath, DsMeta m) {
  if (m.cls != H5T_COMPOUND || m.rank != 1) return std::nullopt;
  refuseWhole(m);
  checkEventCount(m_fc, m.path, m.dims[0]);
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
      if (!h5::isNumeric(super) && !h5::isString(super)) {
        c.info.unsupported.push_back(
            {c.info.group, field, "field of type " + h5::typeName(mt) + ", not numbers"});
        continue;
      }
      std::vector<std::string> names;
      for (hsize_t j = 0; j < len; ++j) names.push_back(field + "_" + std::to_string(j));
      addArrayFieldColumns(c, ds, field, super, names);
    } else {
      const std::string why = H5Tget_class(mt) == H5T_COMPOUND
                                  ? "nested compound (a field that is itself a compound)"
                                  : "field of type " + h5::typeName(mt) + ", not numbers";
      c.info.unsupported.push_back({c.info.group, field, why});
    }
  }
  (void)groupPath;
  if (c.info.columns.empty()) return std::nullopt;
  return c;
}

std::optional<Candidate> LayoutDetector::matrix(const std::string& groupPath, DsMeta m) {
  if (m.rank != 2 || !h5::isNumeric(m.type)) return std::nullopt;
  refuseWhole(m);
  checkEventCount(m_fc, m.path, m.dims[0]);
  Candidate c;
  c.info.layout = Layout::Matrix2D;
  c.info.group = m.path;
  c.info.events = m.dims[0];
  const hsize_t width = m.dims[1];
  std::vector<std::string> names;
  if (auto found = matrixNames(m_fc, groupPath, m, width)) {
    names = *found;
  } else {
    for (hsize_t j = 0; j < width; ++j) names.push_back("col" + std::to_string(j));
  }
  addMatrixColumns(c, m, names, c.info.events);
  return c;
}

}  // namespace imbw::detail