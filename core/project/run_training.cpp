#include "core/project/run_training.h"
#include "core/project/run_training_events.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "core/analysis/yields.h"
#include "core/data/feature_matrix.h"
#include "core/data/feature_matrix_rows.h"
#include "core/learn/model.h"
#include "core/learn/pipeline_model.h"
#include "core/resample/class_subsample.h"
#include "core/util/error.h"
#include "core/util/memory_budget.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

/// Forwards everything to the caller's observer and keeps each fold's newest history (the
/// snapshots carry the whole history of their fold so far).
class RecordingObserver : public TrainingObserver {
 public:
  explicit RecordingObserver(TrainingObserver& inner) : m_inner(inner) {}
  bool stopRequested() const override { return m_inner.stopRequested(); }
  void progress(double fraction, std::string_view stage) override {
    m_inner.progress(fraction, stage);
  }
  void snapshot(const Snapshot& s) override {
    FoldHistory& h = m_history[s.fold];
    h.fold = s.fold;
    h.iteration.clear();
    h.trainLoss.clear();
    h.validationLoss.clear();
    for (const auto& p : s.lossHistory) {
      h.iteration.push_back(p[0]);
      h.trainLoss.push_back(p[1]);
      h.validationLoss.push_back(p[2]);
    }
    h.apIteration.clear();
    h.validationAp.clear();
    for (const auto& p : s.apHistory) {
      h.apIteration.push_back(p[0]);
      h.validationAp.push_back(p[1]);
    }
    m_inner.snapshot(s);
  }
  void foldFinished(const FoldResult& f) override { m_inner.foldFinished(f); }

  std::vector<FoldHistory> history() const {
    std::vector<FoldHistory> out;
    for (const auto& [fold, h] : m_history) out.push_back(h);
    return out;
  }

 private:
  TrainingObserver& m_inner;
  std::map<int, FoldHistory> m_history;
};

/// The bytes of a model's saved file (Model::save writes files only).
/// A fold model as the bytes of its saved file, and its PATH.pipeline.json (empty without one).
std::pair<std::string, std::string> modelBytes(const Model& model, const std::string& suffix) {
  std::string dirTemplate = (fs::temp_directory_path() / "imbw-model-XXXXXX").string();
  if (!::mkdtemp(dirTemplate.data()))
    throw Error("cannot create a temporary folder in '" + fs::temp_directory_path().string() +
                "' for the fold models");
  const fs::path dir(dirTemplate);
  const fs::path file = dir / ("model" + suffix);
  const auto slurp = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  std::pair<std::string, std::string> out;
  try {
    model.save(file.string());
    out.first = slurp(file);
    const fs::path pipeline = PipelineModel::sidecarPath(file.string());
    if (fs::exists(pipeline)) out.second = slurp(pipeline);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    throw;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return out;
}

}  // namespace

void resolveClassSubsample(RunConfig& config, const Analysis& analysis) {
  if (config.classSubsample) return;
  ClassSubsample c =
      classSubsampleFor(config, analysis.extra.value("classSubsample", nlohmann::json()));
  if (!c.empty()) config.classSubsample = std::move(c);
}

RunTrainingEvents runTrainingEvents(const EventTable& tableIn, std::span<const std::uint8_t> keepIn,
                                    const RunConfig& config) {
  if (!keepIn.empty() && keepIn.size() != tableIn.size())
    throw Error("run '" + config.displayName() + "': the selection has " +
                std::to_string(keepIn.size()) + " entries for " + std::to_string(tableIn.size()) +
                " events");
  RunTrainingEvents out;
  // The controlled imbalance: drawn from every event of the table, before the cut.
  const EventTable* source = &tableIn;
  std::span<const std::uint8_t> keep = keepIn;
  EventTable drawn;
  std::vector<std::uint8_t> drawnKeep;
  if (config.classSubsample && !config.classSubsample->empty()) {
    SubsampleResult r;
    try {
      drawn = applySubsample(*config.classSubsample, tableIn, &r);
    } catch (const Error& e) {
      throw Error("run '" + config.displayName() + "': class_subsample: " + e.what());
    }
    if (drawn.eventIndex.size() != drawn.size())  // rows still name the events of `tableIn`
      drawn.eventIndex.assign(r.kept.begin(), r.kept.end());
    if (!keepIn.empty()) {
      drawnKeep.resize(r.kept.size());
      for (std::size_t i = 0; i < r.kept.size(); ++i) drawnKeep[i] = keepIn[r.kept[i]];
      keep = drawnKeep;
    }
    source = &drawn;
    out.subsample = std::move(r);
  }
  const EventTable& table = *source;
  if (config.features.empty()) throw Error("run '" + config.displayName() + "': no features given");
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < table.size(); ++i)
    if (keep.empty() || keep[i]) rows.push_back(i);
  // Refused before the matrix is built when training would not fit beside the loaded table.
  requireMemory(trainingBytes(rows.size(), config.features.size()),
                "run '" + config.displayName() + "': training on " + std::to_string(rows.size()) +
                    " events × " + std::to_string(config.features.size()) + " features",
                availableMemory(),
                "choose fewer features, a tighter cut, or a classSubsample (fewer background "
                "events), or run on a machine (a cluster node: submit --mem) with more memory");
  out.data = featureMatrixOfRows(table, config.features, rows);
  const bool hasEventIndex = table.eventIndex.size() == table.size();
  const bool hasSample = table.sampleIndex.size() == table.size();
  out.eventIndex.resize(rows.size());
  out.sample.resize(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    out.eventIndex[k] = hasEventIndex ? table.eventIndex[rows[k]] : std::int64_t(rows[k]);
    out.sample[k] = hasSample ? table.sampleIndex[rows[k]] : 0;
  }
  return out;
}

TrainedRun trainRun(const EventTable& table, std::span<const std::uint8_t> keep,
                    const RunConfig& config, TrainingObserver& observer,
                    const std::vector<int>& onlyFolds) {
  return trainRun(runTrainingEvents(table, keep, config), config, observer, onlyFolds);
}

TrainedRun trainRun(const RunTrainingEvents& events, const RunConfig& configIn,
                    TrainingObserver& observer, const std::vector<int>& onlyFolds) {
  const FeatureMatrix& data = events.data;
  RunConfig config = configIn;
  config.features.clear();  // the matrix holds exactly the run's features, in order

  RecordingObserver recorder(observer);
  TrainedRun out;
  out.result = runCrossValidatedFolds(data, config, recorder, onlyFolds);
  out.result.config.features = configIn.features;

  auto stored = std::make_shared<StoredRun>();
  const std::size_t n = data.rows();
  stored->eventIndex = events.eventIndex;
  stored->sample = events.sample;
  stored->fold = out.result.heldOutFold;
  stored->classIndex.assign(data.label.begin(), data.label.end());
  stored->weight = data.weight;
  stored->score = out.result.heldOutScores;
  for (std::size_t f = 0; f < out.result.trainingScores.size(); ++f) {
    const std::vector<float>& scores = out.result.trainingScores[f];
    for (std::size_t k = 0; k < scores.size() && k < n; ++k) {
      if (!std::isfinite(scores[k])) continue;
      stored->trainRow.push_back(static_cast<std::int32_t>(k));
      stored->trainFold.push_back(static_cast<std::int32_t>(out.result.folds[f].fold));
      stored->trainScore.push_back(scores[k]);
      if (f < out.result.trainingProbabilities.size()) {
        const auto K = static_cast<std::size_t>(out.result.classes);
        const std::vector<float>& p = out.result.trainingProbabilities[f];
        stored->trainProbability.insert(stored->trainProbability.end(), p.begin() + k * K,
                                        p.begin() + (k + 1) * K);
      }
    }
  }
  stored->probability = out.result.heldOutProbabilities;
  stored->history = recorder.history();
  // models[k] is fold k's model (folds not fitted here: empty).
  bool anyPipeline = false;
  for (std::size_t f = 0; f < out.result.models.size(); ++f) {
    const Model& model = *out.result.models[f];
    const auto k = static_cast<std::size_t>(out.result.folds[f].fold);
    if (stored->models.size() <= k) {
      stored->models.resize(k + 1);
      stored->modelSuffixes.resize(k + 1);
      stored->modelPipelines.resize(k + 1);
    }
    stored->modelSuffixes[k] = modelFileSuffix(model.kind());
    auto [bytes, pipeline] = modelBytes(model, stored->modelSuffixes[k]);
    anyPipeline = anyPipeline || !pipeline.empty();
    stored->models[k] = std::move(bytes);
    stored->modelPipelines[k] = std::move(pipeline);
  }
  if (!anyPipeline) stored->modelPipelines.clear();
  out.stored = std::move(stored);
  return out;
}

RunConfig projectRunConfig(const ProjectRun& run, const Analysis& analysis) {
  RunConfig config = run.config;
  if (config.features.empty()) config.features = analysis.features;
  resolveClassSubsample(config, analysis);
  return config;
}

TrainedRun trainProjectRun(Project& project, const std::string& id, const EventTable& table,
                           TrainingObserver& observer) {
  ProjectRun* run = project.findRun(id);
  if (!run) throw Error("the project has no run '" + id + "'");
  const RunConfig config = projectRunConfig(*run, project.analysis);
  const std::vector<std::uint8_t> keep = selectEvents(table, run->cut);
  TrainedRun trained;
  try {
    trained = trainRun(table, keep, config, observer);
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& e) {
    run->status = RunStatus::Failed;
    run->message = e.what();
    run->folds.clear();
    run->aggregate.clear();
    throw;
  }
  run->config.features = config.features;  // as trained
  run->setResult(trained.result);
  if (trained.result.folds.empty()) trained.stored.reset();
  return trained;
}

}  // namespace imbw
