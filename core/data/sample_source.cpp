#include "core/data/sample_source.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

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

Error FileContext::damage(const std::string& action, const std::string& object) const {
  h5::ErrorSilencer::damageSeen();
  return Error("cannot " + action + " '" + object + "' in '" + path +
               "': HDF5: " + h5::lastErrorMessage() + " (the file is probably damaged)");
}

namespace {

const char* builtinFilterName(H5Z_filter_t id) {
  switch (id) {
    case H5Z_FILTER_DEFLATE:
      return "gzip";
    case H5Z_FILTER_SHUFFLE:
      return "shuffle";
    case H5Z_FILTER_FLETCHER32:
      return "fletcher32";
    case H5Z_FILTER_SZIP:
      return "szip";
    case H5Z_FILTER_NBIT:
      return "nbit";
    case H5Z_FILTER_SCALEOFFSET:
      return "scaleoffset";
    default:
      return nullptr;
  }
}

// Why the values of a dataset must not be read with these options; empty when they may.
std::string refusal(hid_t ds, const ReaderOptions& options) {
  h5::Handle dcpl(H5Dget_create_plist(ds));
  if (!dcpl.valid()) return {};
  const int external = H5Pget_external_count(dcpl);
  if (external > 0 && !options.allowExternal) {
    char name[256] = {0};
    off_t offset = 0;
    hsize_t size = 0;
    H5Pget_external(dcpl, 0, sizeof name - 1, name, &offset, &size);
    return "its data is kept in the external file '" + std::string(name) +
           "' (external storage is refused unless allowed: --allow-external)";
  }
  const int nfilters = H5Pget_nfilters(dcpl);
  for (int k = 0; k < nfilters; ++k) {
    unsigned flags = 0;
    std::size_t nvalues = 0;
    char name[256] = {0};
    unsigned config = 0;
    const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(k), &flags, &nvalues,
                                           nullptr, sizeof name - 1, name, &config);
    if (id < 0) continue;
    if (const char* builtin = builtinFilterName(id)) {
      if (H5Zfilter_avail(id) <= 0) {
        return std::string("it is compressed with ") + builtin +
               ", which this HDF5 library does not provide";
      }
      continue;
    }
    if (!options.allowFilterPlugins) {
      const std::string named = name[0] ? " (" + std::string(name) + ")" : std::string();
      return "it is compressed with filter " + std::to_string(id) + named +
             ", which HDF5 loads as a plugin; plugins are refused unless allowed "
             "(--allow-plugins)";
    }
  }
  return {};
}

std::string dimsText(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    s += (i ? " × " : "") + std::to_string(dims[i]);
  }
  return s + "]";
}

std::string bytesText(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 6) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

double physicalMemory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? double(pages) * double(size) : 0.0;
}

}  // namespace

// A dataset that declares values but never had any written is refused (reading it yields only
// its fill value). Data stored contiguously in this file must lie inside it: a dataset whose
// data runs past the end is refused with the byte counts (a truncated file whose superblock was
// rewritten, or a damaged header); HDF5 would read the missing bytes as zeros.
static std::string pastEndOfFile(const FileContext& fc, const DsMeta& m) {
  h5::Handle dcpl(H5Dget_create_plist(m.id));
  if (!dcpl.valid() || H5Pget_external_count(dcpl) > 0) return {};
  double values = 1.0;
  for (hsize_t d : m.dims) values *= double(d);
  const H5D_layout_t layout = H5Pget_layout(dcpl);
  if (values > 0 && (layout == H5D_CHUNKED || layout == H5D_CONTIGUOUS) &&
      H5Dget_storage_size(m.id) == 0) {
    // Reading it would only produce its fill value, for as long as it declares rows.
    char buf[128];
    std::snprintf(buf, sizeof buf, "declares %.0f values but none was ever written", values);
    return buf;
  }
  if (fc.fileSize == 0 || layout != H5D_CONTIGUOUS) return {};
  // Only for data in this file, not in one an (allowed) external link leads to.
  const auto fileName = [](hid_t obj) {
    char name[4096] = {0};
    return H5Fget_name(obj, name, sizeof name - 1) < 0 ? std::string() : std::string(name);
  };
  if (fileName(m.id) != fileName(fc.file)) return {};
  const haddr_t offset = H5Dget_offset(m.id);
  if (offset == HADDR_UNDEF) return {};  // never written: reads as the fill value
  double bytes = double(H5Tget_size(m.type));
  for (hsize_t d : m.dims) bytes *= double(d);
  const double end = double(offset) + bytes;
  if (end <= double(fc.fileSize)) return {};
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "its data (bytes %.0f to %.0f) lies past the end of the file (%.0f bytes): the "
                "file is truncated or the header damaged",
                double(offset), end, double(fc.fileSize));
  return buf;
}

// Every dataset is opened with the same access properties here (HDF5 refuses to open an open
// dataset again with another external-file prefix): external files named by a dataset resolve
// next to the HDF5 file, not in the working directory, and the chunk cache holds a few whole
// chunks, so that reading a compressed dataset in slices smaller than its chunks does not
// inflate a chunk once per slice.
h5::Handle openDataset(hid_t file, const std::string& path) {
  h5::Handle dapl(H5Pcreate(H5P_DATASET_ACCESS));
  H5Pset_efile_prefix(dapl, "${ORIGIN}");
  h5::Handle ds(H5Dopen2(file, path.c_str(), dapl));
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
  if (want <= (1u << 20) || want > (std::size_t(1) << 30)) return ds;
  H5Pset_chunk_cache(dapl, 12421, want, 1.0);
  h5::Handle again(H5Dopen2(file, path.c_str(), dapl));
  return again.valid() ? std::move(again) : std::move(ds);
}

DsMeta meta(const FileContext& fc, const std::string& path, const std::string& name) {
  DsMeta m;
  m.name = name;
  m.path = path;
  m.id = openDataset(fc.file, path);
  if (!m.id.valid()) throw fc.damage("open dataset", path);
  m.type = h5::Handle(H5Dget_type(m.id));
  h5::Handle space(H5Dget_space(m.id));
  if (!m.type.valid() || !space.valid()) throw fc.damage("read the header of dataset", path);
  m.rank = H5Sget_simple_extent_ndims(space);
  if (m.rank > 0) {
    m.dims.resize(static_cast<std::size_t>(m.rank));
    H5Sget_simple_extent_dims(space, m.dims.data(), nullptr);
  }
  m.cls = H5Tget_class(m.type);
  m.refused = refusal(m.id, *fc.options);
  if (m.refused.empty()) m.refused = pastEndOfFile(fc, m);
  return m;
}

GroupScan scanGroup(const FileContext& fc, const std::string& groupPath) {
  GroupScan scan;
  const std::string at = groupPath.empty() ? "/" : groupPath;
  h5::Handle group(H5Gopen2(fc.file, at.c_str(), H5P_DEFAULT));
  if (!group.valid()) throw fc.damage("open group", at);
  std::vector<h5::Link> links;
  if (!h5::listLinks(group, &links)) throw fc.damage("list group", at);
  for (const auto& link : links) {
    const std::string path = joinPath(at, link.name);
    if (link.kind == h5::LinkKind::External && !fc.options->allowExternal) {
      scan.unusable.push_back({path, link.name,
                               "external link to '" + link.target +
                                   "', not followed (external links are refused unless "
                                   "allowed: --allow-external)"});
      continue;
    }
    if (link.kind == h5::LinkKind::Other) {
      scan.unusable.push_back({path, link.name, "user-defined link"});
      continue;
    }
    if (link.kind != h5::LinkKind::Hard) {
      const htri_t exists = H5Oexists_by_name(group, link.name.c_str(), H5P_DEFAULT);
      if (exists <= 0) {
        const std::string why = exists < 0 ? ": " + h5::lastErrorMessage() : std::string();
        scan.unusable.push_back(
            {path, link.name,
             std::string(link.kind == h5::LinkKind::Soft ? "soft" : "external") + " link to '" +
                 link.target + "', which does not exist" + why});
        continue;
      }
    }
    H5O_info_t info;
    if (H5Oget_info_by_name2(group, link.name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
      throw fc.damage("open", path);
    }
    switch (info.type) {
      case H5O_TYPE_GROUP:
        scan.groups.push_back(path);
        break;
      case H5O_TYPE_DATASET:
        scan.datasets.push_back(meta(fc, path, link.name));
        break;
      default:
        break;  // named datatypes describe types, not data
    }
  }
  return scan;
}

void checkPathLinks(const FileContext& fc, const std::string& path) {
  if (fc.options->allowExternal) return;
  std::string at;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    const std::size_t next = std::min(path.find('/', pos), path.size());
    if (next > pos) {
      at += "/" + path.substr(pos, next - pos);
      H5L_info_t info;
      if (H5Lexists(fc.file, at.c_str(), H5P_DEFAULT) <= 0 ||
          H5Lget_info(fc.file, at.c_str(), &info, H5P_DEFAULT) < 0) {
        return;  // the caller reports a missing object
      }
      if (info.type == H5L_TYPE_EXTERNAL) {
        throw Error("'" + at + "' in '" + fc.path +
                    "' is an external link to another file; external links are refused "
                    "unless allowed (--allow-external)");
      }
    }
    pos = next + 1;
  }
}

void checkEventCount(const FileContext& fc, const std::string& group, hsize_t events) {
  const double need = double(events) * sizeof(float);
  const double have = physicalMemory();
  if (have > 0 && need > have) {
    throw Error("'" + group + "' in '" + fc.path + "' declares " + std::to_string(events) +
                " events: one float32 column alone would take " + bytesText(need) +
                ", more than this machine's " + bytesText(have) +
                " of memory (a dataset declared that large and never written, or a damaged "
                "header)");
  }
}

std::string unsupportedReason(const DsMeta& m, hsize_t events) {
  if (!m.refused.empty()) return m.refused;
  const auto rows = [&]() {
    return std::to_string(m.dims[0]) + " rows, but the events of this group number " +
           std::to_string(events);
  };
  switch (m.cls) {
    case H5T_REFERENCE:
      return "object references, not values";
    case H5T_OPAQUE:
      return "opaque bytes, not numbers";
    case H5T_COMPOUND: {
      const int n = H5Tget_nmembers(m.type);
      for (int k = 0; k < n; ++k) {
        h5::Handle mt(H5Tget_member_type(m.type, static_cast<unsigned>(k)));
        if (H5Tget_class(mt) == H5T_COMPOUND) {
          char* raw = H5Tget_member_name(m.type, static_cast<unsigned>(k));
          const std::string field = raw ? raw : "";
          H5free_memory(raw);
          return "nested compound (field '" + field + "' is itself a compound)";
        }
      }
      return "a compound table inside a group of columns; read it by naming it as the group ('" +
             m.path + "')";
    }
    default:
      break;
  }
  if (m.rank == 0) return "a single value (scalar), not one per event";
  if (m.rank >= 3) {
    return std::to_string(m.rank) + "-D dataset " + dimsText(m.dims) +
           ": only 1-D columns and 2-D [events × k] blocks hold events";
  }
  const bool numeric = h5::isNumeric(m.type) || vlenNumeric(m);
  if ((numeric || h5::isString(m.type)) && m.dims[0] != events) return rows();
  if (m.cls == H5T_VLEN) return "variable-length " + h5::typeName(m.type) + " values";
  if (m.cls == H5T_ARRAY) return "values of an array type (" + h5::typeName(m.type) + ")";
  if (m.rank == 2 && h5::isString(m.type)) return "a 2-D array of strings";
  return "values of type " + h5::typeName(m.type) + ", which cannot be read as numbers";
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
std::optional<std::vector<std::string>> matrixNames(const FileContext& fc,
                                                    const std::string& groupPath, const DsMeta& m,
                                                    hsize_t width) {
  const hid_t file = fc.file;
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
    DsMeta s = meta(fc, joinPath(groupPath, key), key);
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

}  // namespace imbw::detail
