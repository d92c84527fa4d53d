#include "core/project/run_store.h"

#include <hdf5.h>

#include <filesystem>
#include <fstream>

#include "core/data/h5_handle.h"
#include "core/learn/pipeline_model.h"
#include "core/project/project.h"
#include "core/project/study_store_io.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

using h5::Handle;
using store_io::childNames;
using store_io::Reader;
using store_io::Writer;

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
                   const std::map<std::string, std::string>& attributes,
                   const StudyStore* studies) {
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
    store_io::writeStudies(w, studies, path);
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
