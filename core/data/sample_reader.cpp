#include "core/data/sample_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <unordered_map>

#include "core/data/column_reader.h"
#include "core/data/layout_detector.h"
#include "core/data/sample_source.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

using namespace detail;

namespace {

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

namespace {

// A scalar name split into the column it reads and how: "count(jet_pt)", "jet_pt[3]", "mjj".
struct ParsedName {
  std::string column;
  Agg agg = Agg::Plain;
  hsize_t element = 0;
};

ParsedName parseName(const std::string& name) {
  static const std::pair<const char*, Agg> kAggs[] = {
      {"count(", Agg::Count}, {"sum(", Agg::Sum}, {"max(", Agg::Max}, {"min(", Agg::Min}};
  for (const auto& [prefix, agg] : kAggs) {
    const std::size_t len = std::strlen(prefix);
    if (name.size() > len + 1 && name.compare(0, len, prefix) == 0 && name.back() == ')') {
      return {name.substr(len, name.size() - len - 1), agg, 0};
    }
  }
  const std::size_t open = name.rfind('[');
  if (open != std::string::npos && open > 0 && name.back() == ']') {
    const std::string digits = name.substr(open + 1, name.size() - open - 2);
    hsize_t idx = 0;
    const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), idx);
    if (!digits.empty() && res.ec == std::errc() && res.ptr == digits.data() + digits.size()) {
      return {name.substr(0, open), Agg::Element, idx};
    }
  }
  return {name, Agg::Plain, 0};
}

const ColumnInfo* findColumn(const SampleInfo& info, const std::string& name) {
  for (const auto& c : info.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

bool SampleInfo::isScalarName(const std::string& name) const {
  if (const ColumnInfo* c = findColumn(*this, name)) return !c->isString && !c->jagged;
  const ParsedName p = parseName(name);
  const ColumnInfo* c = findColumn(*this, p.column);
  return p.agg != Agg::Plain && c && c->jagged;
}

std::string SampleInfo::whyUnreadable(const std::string& name) const {
  if (const ColumnInfo* c = findColumn(*this, name)) {
    if (c->isString) return "it holds strings; it can define classes but not be read as a number";
    if (c->jagged) {
      return "it is a collection; use count(" + name + "), " + name + "[0], sum(" + name +
             "), max(" + name + ") or min(" + name + ")";
    }
    return {};
  }
  const std::string column = parseName(name).column;
  for (const auto& u : unsupported) {
    if (u.name == name || u.name == column) return "'" + u.path + "' is unsupported: " + u.reason;
  }
  return {};
}

struct SampleReader::Impl {
  std::string path;
  ReaderOptions options;
  h5::Handle file;
  Candidate data;
  std::unordered_map<std::string, int> columnIndex;

  Request resolve(const std::string& name) const {
    Request r;
    auto find = [&](const std::string& col) {
      auto it = columnIndex.find(col);
      return it == columnIndex.end() ? -1 : it->second;
    };
    if (const int col = find(name); col >= 0) {
      if (std::string why = data.info.whyUnreadable(name); !why.empty()) {
        throw Error("column '" + name + "' in '" + path + "': " + why);
      }
      r.column = col;
      return r;
    }
    const ParsedName p = parseName(name);
    if (p.agg != Agg::Plain) {
      const int col = find(p.column);
      if (col >= 0 && data.info.columns[col].jagged) {
        // An element beyond every event's multiplicity is absent everywhere: NaN.
        r.column = col;
        r.agg = p.agg;
        r.element = p.element;
        return r;
      }
    }
    if (std::string why = data.info.whyUnreadable(name); !why.empty()) {
      throw Error("cannot read '" + name + "' from '" + path + "': " + why);
    }
    throw Error(unknownNameMessage("column", name, data.info.scalarNames()) + " in '" + path + "'");
  }

  void readChunks(const std::vector<std::string>& names, const std::vector<std::string>& asDouble,
                  const std::vector<float*>& externals,
                  const std::function<void(const Chunk&)>& onChunk) const;

  ColumnReader columns() const { return ColumnReader(data, path); }
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
    throw Error("cannot open sample '" + path + "': HDF5: " + h5::lastErrorMessage());
  }
  d.data = LayoutDetector(d.file, path, d.options).detect();
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
  const ColumnReader reader = columns();
  std::vector<unsigned char> scratch;
  Chunk out;
  out.columns.resize(reqs.size());
  for (std::size_t first = 0; first < events; first += chunk) {
    const hsize_t n = std::min(chunk, events - first);
    for (Request* r : plain) reader.readPlain(*r, first, n, scratch);
    for (auto& [ds, list] : matrices) reader.readMatrix(ds, list, first, n, scratch);
    for (auto& [ds, list] : compounds) reader.readCompound(ds, list, first, n, scratch);
    for (auto& [col, list] : jagged) reader.readJagged(col, list, first, n, scratch);
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
  return ColumnReader(d.data, d.path).readStringField(it->second, d.options.chunkSize);
}

}  // namespace imbw
