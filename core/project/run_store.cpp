#include "core/project/run_store.h"

#include <hdf5.h>

#include <filesystem>
#include <fstream>

#include "core/data/h5_handle.h"
#include "core/learn/pipeline_model.h"
#include "core/project/project.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

using h5::Handle;

template <typename T>
hid_t memType();
template <>
hid_t memType<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t memType<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t memType<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t memType<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t memType<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}

class Writer {
 public:
  // The file is built in memory (HDF5's core driver, no backing store) and written out by
  // image(): HDF5 1.10 leaves a file it failed to flush or close half-open (a full disk, a
  // file-size limit), and crashes closing it again at exit. Our own write of the bytes fails
  // cleanly instead, and the previous file stays.
  explicit Writer(std::string path) : m_path(std::move(path)) {
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    // Grown in 64 MB steps (address space; only what is written is touched): in 1 MB steps a
    // sidecar of millions of scores was reallocated hundreds of times while the window saved.
    if (!fapl.valid() || H5Pset_fapl_core(fapl, 64 << 20, 0) < 0) fail("cannot set up the file");
    // A name of its own (nothing is written under it): the previous file may be open for
    // reading under `path`.
    const std::string name = m_path + ".in-memory";
    m_file = Handle(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
    if (!m_file.valid()) fail("cannot create the file");
  }
  hid_t file() const { return m_file; }

  Handle group(hid_t parent, const std::string& name) {
    Handle g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!g.valid()) fail("cannot create group '" + name + "'");
    return g;
  }

  /// A 1-D dataset, or with `columns` > 1 a 2-D one of v.size() / columns rows.
  template <typename T>
  void vector(hid_t parent, const std::string& name, const std::vector<T>& v,
              std::size_t columns = 1) {
    const hsize_t n = v.size() / columns;
    const hsize_t dims[2] = {n, columns};
    const int rank = columns > 1 ? 2 : 1;
    Handle space(H5Screate_simple(rank, dims, nullptr));
    Handle plist(H5Pcreate(H5P_DATASET_CREATE));
    if (n > 0) {
      // Chunked + deflate: score columns of a million events compress well (class, fold).
      const hsize_t chunk[2] = {std::min<hsize_t>(n, 65536), columns};
      H5Pset_chunk(plist, rank, chunk);
      H5Pset_shuffle(plist);
      H5Pset_deflate(plist, 4);
    }
    Handle ds(
        H5Dcreate2(parent, name.c_str(), memType<T>(), space, H5P_DEFAULT, plist, H5P_DEFAULT));
    if (!ds.valid()) fail("cannot create dataset '" + name + "'");
    if (n > 0 && H5Dwrite(ds, memType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
      fail("cannot write dataset '" + name + "'");
  }

  void attribute(hid_t object, const std::string& name, const std::string& value) {
    Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type, std::max<std::size_t>(1, value.size()));
    Handle space(H5Screate(H5S_SCALAR));
    Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid() || H5Awrite(attr, type, value.c_str()) < 0)
      fail("cannot write attribute '" + name + "'");
  }

  /// The finished file's bytes; closes it.
  std::string image() {
    if (H5Fflush(m_file, H5F_SCOPE_GLOBAL) < 0) fail("cannot flush the file");
    const ssize_t size = H5Fget_file_image(m_file, nullptr, 0);
    if (size <= 0) fail("cannot take the file's image");
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (H5Fget_file_image(m_file, bytes.data(), bytes.size()) != size) {
      fail("cannot take the file's image");
    }
    m_file.reset();
    return bytes;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("run results file '" + m_path + "': " + what + " (" + h5::lastErrorMessage() + ")");
  }

 private:
  std::string m_path;
  Handle m_file;
};

class Reader {
 public:
  explicit Reader(std::string path) : m_path(std::move(path)) {
    m_file = Handle(H5Fopen(m_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!m_file.valid()) fail("cannot open it as HDF5");
  }
  hid_t file() const { return m_file; }

  /// A 1-D dataset, or with `columns` a 2-D one (row-major; *columns set to its width).
  template <typename T>
  std::vector<T> vector(hid_t parent, const std::string& name,
                        std::size_t* columns = nullptr) const {
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT));
    if (!ds.valid()) fail("no dataset '" + name + "'");
    Handle space(H5Dget_space(ds));
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank != (columns ? 2 : 1))
      fail("'" + name + "' is not " + (columns ? "two" : "one") + "-dimensional");
    hsize_t dims[2] = {0, 1};
    H5Sget_simple_extent_dims(space, dims, nullptr);
    if (columns) *columns = dims[1];
    const hsize_t n = dims[0] * dims[1];
    std::vector<T> v(n);
    if (n > 0 && H5Dread(ds, memType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
      fail("cannot read '" + name + "'");
    return v;
  }

  std::string attribute(hid_t object, const std::string& name) const {
    if (H5Aexists(object, name.c_str()) <= 0) return {};
    Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
    Handle type(H5Aget_type(attr));
    if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0)
      fail("attribute '" + name + "' is not a fixed-length string");
    std::string s(H5Tget_size(type), '\0');
    if (H5Aread(attr, type, s.data()) < 0) fail("cannot read attribute '" + name + "'");
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("run results file '" + m_path + "': " + what + " (" + h5::lastErrorMessage() + ")");
  }

 private:
  std::string m_path;
  Handle m_file;
};

/// The names of a group's links; the error names the group.
std::vector<std::string> childNames(const Reader& r, hid_t group, const std::string& what) {
  std::vector<h5::Link> links;
  if (!h5::listLinks(group, &links)) r.fail("cannot list " + what);
  std::vector<std::string> names;
  for (const h5::Link& l : links) names.push_back(l.name);
  return names;
}

void checkLengths(const std::string& id, const StoredRun& r) {
  const std::size_t n = r.score.size();
  if (r.eventIndex.size() != n || r.sample.size() != n || r.fold.size() != n ||
      r.classIndex.size() != n || r.weight.size() != n)
    throw Error("run '" + id + "': the held-out columns have different lengths");
  if (r.trainFold.size() != r.trainRow.size() || r.trainScore.size() != r.trainRow.size())
    throw Error("run '" + id + "': the training-score columns have different lengths");
  for (std::int32_t row : r.trainRow)
    if (row < 0 || static_cast<std::size_t>(row) >= n)
      throw Error("run '" + id + "': training score row " + std::to_string(row) +
                  " is outside the " + std::to_string(n) + " held-out events");
  if (r.modelSuffixes.size() != r.models.size())
    throw Error("run '" + id + "': a fold model has no suffix");
  if (!r.modelPipelines.empty() && r.modelPipelines.size() != r.models.size())
    throw Error("run '" + id + "': the fold models' pipelines do not match the models");
  const int k = r.probabilityClasses();
  if (!r.probability.empty() && (k < 3 || r.probability.size() != n * std::size_t(k)))
    throw Error("run '" + id + "': the class probabilities do not match the " + std::to_string(n) +
                " held-out events");
  if (!r.trainProbability.empty() &&
      r.trainProbability.size() != r.trainRow.size() * std::size_t(std::max(k, 0)))
    throw Error("run '" + id + "': the training class probabilities do not match");
}

}  // namespace

int StoredRun::probabilityClasses() const {
  return probability.empty() || score.empty() ? 0 : int(probability.size() / score.size());
}

namespace {

std::size_t checkedClass(const StoredRun& r, int oneVsRest) {
  const int k = r.probabilityClasses();
  if (k == 0) throw Error("the run has no per-class probabilities (it has two classes)");
  if (oneVsRest >= k)
    throw Error("class " + std::to_string(oneVsRest) + " is not one of the run's " +
                std::to_string(k) + " classes");
  return static_cast<std::size_t>(oneVsRest);
}

}  // namespace

ScoredEvents StoredRun::heldOut(int oneVsRest) const {
  if (oneVsRest < 0) return ScoredEvents{score, classIndex, weight, fold};
  const std::size_t c = checkedClass(*this, oneVsRest);
  const auto k = static_cast<std::size_t>(probabilityClasses());
  ScoredEvents e{{}, classIndex, weight, fold};
  e.score.resize(size());
  for (std::size_t i = 0; i < size(); ++i) e.score[i] = probability[i * k + c];
  return e;
}

ScoredEvents StoredRun::training(int oneVsRest) const {
  const std::size_t c = oneVsRest < 0 ? 0 : checkedClass(*this, oneVsRest);
  const auto k = static_cast<std::size_t>(probabilityClasses());
  ScoredEvents e;
  e.score.reserve(trainRow.size());
  for (std::size_t j = 0; j < trainRow.size(); ++j) {
    const auto row = static_cast<std::size_t>(trainRow[j]);
    e.score.push_back(oneVsRest < 0 ? trainScore[j] : trainProbability[j * k + c]);
    e.classIndex.push_back(classIndex[row]);
    e.weight.push_back(weight[row]);
    e.fold.push_back(trainFold[j]);
  }
  return e;
}

void writeRunStore(const std::string& path,
                   const std::map<std::string, std::shared_ptr<const StoredRun>>& runs,
                   const std::map<std::string, std::string>& attributes) {
  const h5::ErrorSilencer quiet;
  std::string bytes;
  {
    Writer w(path);
    w.attribute(w.file(), "imbw_content", "imbalance workbench run results");
    w.attribute(w.file(), "imbw_results_version", "1");
    for (const auto& [name, value] : attributes) w.attribute(w.file(), name, value);
    Handle all = w.group(w.file(), "runs");
    for (const auto& [id, run] : runs) {
      if (!run) continue;
      checkLengths(id, *run);
      Handle g = w.group(all, id);
      {
        Handle h = w.group(g, "heldout");
        w.vector(h, "event", run->eventIndex);
        w.vector(h, "sample", run->sample);
        w.vector(h, "fold", run->fold);
        w.vector(h, "class", run->classIndex);
        w.vector(h, "weight", run->weight);
        w.vector(h, "score", run->score);
        if (const int k = run->probabilityClasses(); k > 0)
          w.vector(h, "probability", run->probability, std::size_t(k));
      }
      {
        Handle t = w.group(g, "training");
        w.vector(t, "row", run->trainRow);
        w.vector(t, "fold", run->trainFold);
        w.vector(t, "score", run->trainScore);
        if (const int k = run->probabilityClasses(); k > 0 && !run->trainProbability.empty())
          w.vector(t, "probability", run->trainProbability, std::size_t(k));
      }
      Handle hist = w.group(g, "history");
      for (const FoldHistory& f : run->history) {
        Handle fg = w.group(hist, "fold" + std::to_string(f.fold));
        w.vector(fg, "iteration", f.iteration);
        w.vector(fg, "train_loss", f.trainLoss);
        w.vector(fg, "validation_loss", f.validationLoss);
        w.vector(fg, "ap_iteration", f.apIteration);
        w.vector(fg, "ap", f.validationAp);
      }
      Handle models = w.group(g, "models");
      for (std::size_t k = 0; k < run->models.size(); ++k) {
        const std::string name = "fold" + std::to_string(k);
        w.vector(models, name,
                 std::vector<std::uint8_t>(run->models[k].begin(), run->models[k].end()));
        Handle ds(H5Dopen2(models, name.c_str(), H5P_DEFAULT));
        w.attribute(ds, "suffix", run->modelSuffixes[k]);
        if (k < run->modelPipelines.size() && !run->modelPipelines[k].empty())
          w.vector(models, name + ".pipeline",
                   std::vector<std::uint8_t>(run->modelPipelines[k].begin(),
                                             run->modelPipelines[k].end()));
      }
    }
    bytes = w.image();
  }
  // Written to a temporary name, synced, then renamed over the previous file.
  writeFileAtomically(path, bytes);
}

std::map<std::string, std::shared_ptr<const StoredRun>> readRunStore(const std::string& path) {
  std::map<std::string, std::shared_ptr<const StoredRun>> out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  const h5::ErrorSilencer quiet;
  Reader r(path);
  if (r.attribute(r.file(), "imbw_content") != "imbalance workbench run results")
    r.fail("not a run results file of Imbalance Workbench");
  if (H5Lexists(r.file(), "runs", H5P_DEFAULT) <= 0) return out;
  Handle all(H5Gopen2(r.file(), "runs", H5P_DEFAULT));
  for (const std::string& id : childNames(r, all, "the runs")) {
    auto run = std::make_shared<StoredRun>();
    Handle g(H5Gopen2(all, id.c_str(), H5P_DEFAULT));
    if (!g.valid()) r.fail("cannot open run '" + id + "'");
    {
      Handle h(H5Gopen2(g, "heldout", H5P_DEFAULT));
      if (!h.valid()) r.fail("run '" + id + "' has no held-out scores");
      run->eventIndex = r.vector<std::int64_t>(h, "event");
      run->sample = r.vector<std::int32_t>(h, "sample");
      run->fold = r.vector<std::int32_t>(h, "fold");
      run->classIndex = r.vector<std::int32_t>(h, "class");
      run->weight = r.vector<double>(h, "weight");
      run->score = r.vector<double>(h, "score");
      if (H5Lexists(h, "probability", H5P_DEFAULT) > 0) {
        std::size_t k = 0;
        run->probability = r.vector<double>(h, "probability", &k);
      }
    }
    if (H5Lexists(g, "training", H5P_DEFAULT) > 0) {
      Handle t(H5Gopen2(g, "training", H5P_DEFAULT));
      run->trainRow = r.vector<std::int32_t>(t, "row");
      run->trainFold = r.vector<std::int32_t>(t, "fold");
      run->trainScore = r.vector<float>(t, "score");
      if (H5Lexists(t, "probability", H5P_DEFAULT) > 0) {
        std::size_t k = 0;
        run->trainProbability = r.vector<float>(t, "probability", &k);
      }
    }
    if (H5Lexists(g, "history", H5P_DEFAULT) > 0) {
      Handle hist(H5Gopen2(g, "history", H5P_DEFAULT));
      for (const std::string& name : childNames(r, hist, "run '" + id + "' history")) {
        Handle fg(H5Gopen2(hist, name.c_str(), H5P_DEFAULT));
        FoldHistory f;
        f.fold = std::stoi(name.substr(4));
        f.iteration = r.vector<double>(fg, "iteration");
        f.trainLoss = r.vector<double>(fg, "train_loss");
        f.validationLoss = r.vector<double>(fg, "validation_loss");
        f.apIteration = r.vector<double>(fg, "ap_iteration");
        f.validationAp = r.vector<double>(fg, "ap");
        run->history.push_back(std::move(f));
      }
      std::sort(run->history.begin(), run->history.end(),
                [](const FoldHistory& a, const FoldHistory& b) { return a.fold < b.fold; });
    }
    if (H5Lexists(g, "models", H5P_DEFAULT) > 0) {
      Handle models(H5Gopen2(g, "models", H5P_DEFAULT));
      for (std::size_t k = 0;; ++k) {
        const std::string name = "fold" + std::to_string(k);
        if (H5Lexists(models, name.c_str(), H5P_DEFAULT) <= 0) break;
        const auto bytes = r.vector<std::uint8_t>(models, name);
        run->models.emplace_back(bytes.begin(), bytes.end());
        Handle ds(H5Dopen2(models, name.c_str(), H5P_DEFAULT));
        run->modelSuffixes.push_back(r.attribute(ds, "suffix"));
        const std::string pipeline = name + ".pipeline";
        std::vector<std::uint8_t> json;
        if (H5Lexists(models, pipeline.c_str(), H5P_DEFAULT) > 0)
          json = r.vector<std::uint8_t>(models, pipeline);
        run->modelPipelines.emplace_back(json.begin(), json.end());
      }
      bool anyPipeline = false;
      for (const std::string& p : run->modelPipelines) anyPipeline = anyPipeline || !p.empty();
      if (!anyPipeline) run->modelPipelines.clear();
    }
    checkLengths(id, *run);
    out[id] = std::move(run);
  }
  return out;
}

std::string readRunStoreAttribute(const std::string& path, const std::string& name) {
  const h5::ErrorSilencer quiet;
  Reader r(path);
  if (r.attribute(r.file(), "imbw_content") != "imbalance workbench run results")
    r.fail("not a run results file of Imbalance Workbench");
  return r.attribute(r.file(), name);
}

std::string materialiseModel(const StoredRun& run, std::size_t fold, const std::string& directory) {
  if (fold >= run.models.size())
    throw Error("the run has no stored model for fold " + std::to_string(fold + 1));
  if (run.models[fold].empty())
    throw Error("fold " + std::to_string(fold + 1) + " of the run has not been trained yet");
  const fs::path file =
      fs::path(directory) / ("fold" + std::to_string(fold + 1) + run.modelSuffixes[fold]);
  const auto write = [](const fs::path& to, const std::string& bytes) {
    std::ofstream out(to, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error("cannot write model file '" + to.string() + "'");
  };
  write(file, run.models[fold]);
  const fs::path pipeline = PipelineModel::sidecarPath(file.string());
  if (fold < run.modelPipelines.size() && !run.modelPipelines[fold].empty()) {
    write(pipeline, run.modelPipelines[fold]);
  } else {
    // A pipeline left there by another run's fold model would wrap this one.
    std::error_code ec;
    fs::remove(pipeline, ec);
  }
  return file.string();
}

}  // namespace imbw
