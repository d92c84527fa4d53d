#include "core/export/scores_export.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/data/h5_handle.h"
#include "core/util/error.h"

namespace imbw {

namespace {

using h5::Handle;

template <typename T>
void writeColumn(hid_t group, const std::string& name, hid_t memType, hid_t fileType,
                 const std::vector<T>& values, const std::string& path) {
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr));
  Handle plist(H5Pcreate(H5P_DATASET_CREATE));
  if (n > 0) {
    const hsize_t chunk = std::min<hsize_t>(n, 65536);
    H5Pset_chunk(plist, 1, &chunk);
    H5Pset_shuffle(plist);
    H5Pset_deflate(plist, 4);
  }
  Handle ds(H5Dcreate2(group, name.c_str(), fileType, space, H5P_DEFAULT, plist, H5P_DEFAULT));
  if (!ds.valid() ||
      (n > 0 && H5Dwrite(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0))
    throw Error("cannot write the column '" + name + "' to '" + path +
                "': " + h5::lastErrorMessage());
}

void writeStrings(hid_t object, const std::string& name, const std::vector<std::string>& values,
                  bool scalar, const std::string& path) {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  const hsize_t n = values.size();
  Handle space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr));
  Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT));
  if (!attr.valid() || (!ptrs.empty() && H5Awrite(attr, type, ptrs.data()) < 0))
    throw Error("cannot write the attribute '" + name + "' to '" + path + "'");
}

void writeDouble(hid_t object, const std::string& name, double value, const std::string& path) {
  Handle space(H5Screate(H5S_SCALAR));
  Handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT));
  if (!attr.valid() || H5Awrite(attr, H5T_NATIVE_DOUBLE, &value) < 0)
    throw Error("cannot write the attribute '" + name + "' to '" + path + "'");
}

}  // namespace

void writeScoresHdf5(const ScoresTable& t, const std::string& path, const std::string& group) {
  const std::size_t n = t.score.size();
  auto check = [&](const char* name, std::size_t size) {
    if (size != n)
      throw Error("scores export: the column '" + std::string(name) + "' has " +
                  std::to_string(size) + " entries, the scores " + std::to_string(n));
  };
  check("event_index", t.eventIndex.size());
  check("sample", t.sample.size());
  check("fold", t.fold.size());
  check("class", t.classIndex.size());
  check("weight", t.weight.size());
  std::set<std::string> names{"event_index", "sample", "fold", "class", "weight", "score"};
  if (t.passCut) {
    if (!std::isfinite(*t.passCut))
      throw Error("scores export: the working point's cut is not finite");
    names.insert("score_pass");
  }
  for (const auto& [name, values] : t.columns) {
    if (name.empty() || name.find('/') != std::string::npos)
      throw Error("scores export: '" + name + "' cannot be an HDF5 column name");
    if (!names.insert(name).second)
      throw Error("scores export: the column '" + name +
                  "' is there twice (or clashes with a "
                  "score column)");
    check(name.c_str(), values.size());
  }
  for (std::int32_t s : t.sample)
    if (s < 0 || static_cast<std::size_t>(s) >= std::max<std::size_t>(t.sampleNames.size(), 1))
      throw Error("scores export: sample index " + std::to_string(s) + " names no sample");
  for (std::int32_t c : t.classIndex)
    if (c < 0 || (!t.classNames.empty() && static_cast<std::size_t>(c) >= t.classNames.size()))
      throw Error("scores export: class index " + std::to_string(c) + " names no class");

  h5::ErrorSilencer quiet;
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  if (!file.valid()) throw Error("cannot create '" + path + "': " + h5::lastErrorMessage());
  Handle g;
  if (group.empty() || group == "/") {
    g = Handle(H5Gopen2(file, "/", H5P_DEFAULT));
  } else {
    Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
    H5Pset_create_intermediate_group(lcpl, 1);
    g = Handle(H5Gcreate2(file, group.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT));
  }
  if (!g.valid()) throw Error("cannot create the group '" + group + "' in '" + path + "'");
  writeColumn(g, "event_index", H5T_NATIVE_INT64, H5T_STD_I64LE, t.eventIndex, path);
  writeColumn(g, "sample", H5T_NATIVE_INT32, H5T_STD_I32LE, t.sample, path);
  writeColumn(g, "fold", H5T_NATIVE_INT32, H5T_STD_I32LE, t.fold, path);
  writeColumn(g, "class", H5T_NATIVE_INT32, H5T_STD_I32LE, t.classIndex, path);
  writeColumn(g, "weight", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, t.weight, path);
  writeColumn(g, "score", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, t.score, path);
  if (t.passCut) {
    std::vector<std::int8_t> pass(n);
    for (std::size_t i = 0; i < n; ++i) pass[i] = t.score[i] >= *t.passCut ? 1 : 0;
    writeColumn(g, "score_pass", H5T_NATIVE_INT8, H5T_STD_I8LE, pass, path);
  }
  for (const auto& [name, values] : t.columns)
    writeColumn(g, name, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, values, path);
  if (t.passCut) writeDouble(g, "working_point_cut", *t.passCut, path);
  writeStrings(g, "run", {t.runName}, true, path);
  writeStrings(g, "signal_class", {t.signalClass}, true, path);
  writeStrings(g, "sample_names", t.sampleNames, false, path);
  writeStrings(g, "class_names", t.classNames, false, path);
}

}  // namespace imbw
