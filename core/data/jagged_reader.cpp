// ColumnReader::readJagged: per-event count, elements, sum, max and min of a jagged collection
// stored as a NaN-padded 2-D array (optionally with a count column) or a variable-length dataset.

#include <algorithm>
#include <cmath>

#include "core/data/column_reader.h"

namespace imbw::detail {

void ColumnReader::readJagged(int column, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                              std::vector<unsigned char>& scratch) const {
  const Source& s = m_data.sources[column];
  const DatasetEntry& ds = m_data.datasets[s.ds];
  std::vector<double> counts(n, 0.0), sums(n, 0.0), maxs(n, kNaN), mins(n, kNaN);
  // Element values of the events, up to the largest index asked for; elements past s.width
  // (the collection's largest multiplicity) are absent in every event.
  hsize_t need = 0;
  for (Request* r : reqs) {
    if (r->agg == Agg::Element && r->element < s.width) need = std::max(need, r->element + 1);
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
      throw readError("collection '" + m_data.info.columns[column].name + "'");
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
      throw readError("collection '" + m_data.info.columns[column].name + "'");
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
          r->put(i, r->element < need ? elems[i * need + r->element] : kNaN);
          break;
        case Agg::Plain:
          break;
      }
    }
  }
}

}  // namespace imbw::detail
