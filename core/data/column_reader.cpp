#include "core/data/column_reader.h"

#include <algorithm>
#include <limits>

namespace imbw::detail {

Error ColumnReader::readError(const std::string& what) const {
  return Error("cannot read " + what + " from '" + m_path + "': HDF5: " + h5::lastErrorMessage());
}

void ColumnReader::readPlain(Request& r, hsize_t first, hsize_t n,
                             std::vector<unsigned char>& scratch) const {
  const Source& s = m_data.sources[r.column];
  const DatasetEntry& ds = m_data.datasets[s.ds];
  h5::Handle fileSpace(H5Dget_space(ds.id));
  H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &first, nullptr, &n, nullptr);
  h5::Handle memSpace(H5Screate_simple(1, &n, nullptr));
  MemElem e = memElem(s.storedType, r.asDouble);
  if (e.kind != MemElem::Raw) {
    void* out = r.asDouble ? static_cast<void*>(r.d.data()) : static_cast<void*>(r.f.data());
    if (r.external) out = r.external + first;  // straight into the caller's array
    if (H5Dread(ds.id, e.type, memSpace, fileSpace, H5P_DEFAULT, out) < 0) {
      throw readError("column '" + m_data.info.columns[r.column].name + "'");
    }
    return;
  }
  scratch.resize(n * e.size);
  if (H5Dread(ds.id, e.type, memSpace, fileSpace, H5P_DEFAULT, scratch.data()) < 0) {
    throw readError("column '" + m_data.info.columns[r.column].name + "'");
  }
  for (hsize_t i = 0; i < n; ++i) r.put(i, load(e, scratch.data() + i * e.size));
}

void ColumnReader::readMatrix(int dsIndex, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                              std::vector<unsigned char>& scratch) const {
  const DatasetEntry& ds = m_data.datasets[dsIndex];
  hsize_t cmin = std::numeric_limits<hsize_t>::max(), cmax = 0;
  bool anyDouble = false;
  for (Request* r : reqs) {
    cmin = std::min(cmin, m_data.sources[r->column].index);
    cmax = std::max(cmax, m_data.sources[r->column].index);
    anyDouble = anyDouble || r->asDouble;
  }
  const hsize_t w = cmax - cmin + 1;
  MemElem e = memElem(m_data.sources[reqs.front()->column].storedType, anyDouble);
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
    const hsize_t j = m_data.sources[r->column].index - cmin;
    for (hsize_t i = 0; i < n; ++i) {
      const hsize_t at = ds.transposed ? j * n + i : i * w + j;
      r->put(i, load(e, scratch.data() + at * e.size));
    }
  }
}

void ColumnReader::readCompound(int dsIndex, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                                std::vector<unsigned char>& scratch) const {
  const DatasetEntry& ds = m_data.datasets[dsIndex];
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
    const Source& s = m_data.sources[reqs[k]->column];
    auto it = std::find_if(fields.begin(), fields.end(),
                           [&](const FieldPlan& f) { return f.name == s.field; });
    if (it == fields.end()) {
      bool anyDouble = false;
      for (Request* r : reqs) {
        anyDouble = anyDouble || (m_data.sources[r->column].field == s.field && r->asDouble);
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
    const std::size_t off = f.offset + m_data.sources[reqs[k]->column].index * f.elem.size;
    for (hsize_t i = 0; i < n; ++i) {
      reqs[k]->put(i, load(f.elem, scratch.data() + i * record + off));
    }
  }
}

std::vector<std::string> ColumnReader::readStringField(int column, hsize_t step) const {
  const Source& s = m_data.sources[column];
  const DatasetEntry& ds = m_data.datasets[s.ds];
  const hsize_t n = m_data.info.events;
  const std::string& name = m_data.info.columns[column].name;
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
  std::vector<unsigned char> buf;
  for (hsize_t first = 0; first < n; first += step) {
    const hsize_t cnt = std::min(step, n - first);
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &first, nullptr, &cnt, nullptr);
    h5::Handle memSpace(H5Screate_simple(1, &cnt, nullptr));
    buf.assign(cnt * record, 0);
    if (H5Dread(ds.id, memType, memSpace, fileSpace, H5P_DEFAULT, buf.data()) < 0) {
      throw readError("string column '" + name + "'");
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

}  // namespace imbw::detail
