#include "core/tasks/task_merge.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/resample/stratified_kfold.h"
#include "core/tasks/fit_task.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

using json = nlohmann::json;

struct TaskResult {
  std::string path;
  FitTaskSpec spec;
  FoldResult fold;
  RunConfig config;  ///< as trained, with its features
  std::shared_ptr<const StoredRun> stored;
};

/// The configuration that decides the numbers: without the name and the thread count.
json comparable(const RunConfig& c, const std::vector<std::string>& defaultFeatures) {
  RunConfig copy = c;
  if (copy.features.empty()) copy.features = defaultFeatures;
  json j = copy.toJson();
  j.erase("name");
  j.erase("threads");
  return j;
}

TaskResult readResult(const std::string& path) {
  TaskResult r;
  r.path = path;
  const std::string task = readRunStoreAttribute(path, "imbw_task");
  if (task.empty()) throw Error("'" + path + "' is not a fit task's result (no imbw_task)");
  try {
    r.spec = FitTaskSpec::fromJson(json::parse(task));
    r.fold = foldResultFromJson(json::parse(readRunStoreAttribute(path, "imbw_fold")));
    r.config = RunConfig::fromJson(json::parse(readRunStoreAttribute(path, "imbw_run_config")));
  } catch (const json::exception& e) {
    throw Error("'" + path + "': a task attribute is not valid JSON: " + e.what());
  }
  const auto runs = readRunStore(path);
  const auto it = runs.find(r.spec.runId);
  if (it == runs.end() || !it->second)
    throw Error("'" + path + "' holds no results of run '" + r.spec.runId + "'");
  r.stored = it->second;
  if (r.fold.fold != r.spec.fold)
    throw Error("'" + path + "': its numbers are of fold " + std::to_string(r.fold.fold + 1) +
                ", its task of fold " + std::to_string(r.spec.fold + 1));
  return r;
}

std::shared_ptr<StoredRun> assemble(const std::vector<const FoldPart*>& parts) {
  auto out = std::make_shared<StoredRun>();
  const StoredRun& first = *parts.front()->stored;
  out->eventIndex = first.eventIndex;
  out->sample = first.sample;
  out->classIndex = first.classIndex;
  out->weight = first.weight;
  out->fold.assign(first.size(), -1);
  out->score.assign(first.size(), std::numeric_limits<double>::quiet_NaN());
  // Three or more classes: every class's probability, when every part has them.
  const auto K = static_cast<std::size_t>(first.probabilityClasses());
  bool probabilities = K > 0;
  for (const FoldPart* p : parts)
    probabilities = probabilities && std::size_t(p->stored->probabilityClasses()) == K;
  if (probabilities)
    out->probability.assign(first.size() * K, std::numeric_limits<double>::quiet_NaN());
  for (const FoldPart* p : parts) {  // ascending fold
    const StoredRun& s = *p->stored;
    const int k = p->fold;
    if (s.eventIndex != first.eventIndex || s.sample != first.sample ||
        s.classIndex != first.classIndex)
      throw Error("'" + p->source + "' was trained on other events than '" + parts.front()->source +
                  "' (the samples or the cut changed between the tasks)");
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s.fold[i] == k) {
        out->fold[i] = k;
        out->score[i] = s.score[i];
        if (probabilities)
          std::copy_n(s.probability.begin() + std::ptrdiff_t(i * K), K,
                      out->probability.begin() + std::ptrdiff_t(i * K));
      }
    for (std::size_t t = 0; t < s.trainRow.size(); ++t)
      if (s.trainFold[t] == k) {
        out->trainRow.push_back(s.trainRow[t]);
        out->trainFold.push_back(s.trainFold[t]);
        out->trainScore.push_back(s.trainScore[t]);
        if (probabilities)
          out->trainProbability.insert(out->trainProbability.end(),
                                       s.trainProbability.begin() + std::ptrdiff_t(t * K),
                                       s.trainProbability.begin() + std::ptrdiff_t((t + 1) * K));
      }
    for (const FoldHistory& h : s.history)
      if (h.fold == k) out->history.push_back(h);
    const auto kk = static_cast<std::size_t>(k);
    if (kk < s.models.size() && !s.models[kk].empty()) {
      if (out->models.size() <= kk) {
        out->models.resize(kk + 1);
        out->modelSuffixes.resize(kk + 1);
        out->modelPipelines.resize(kk + 1);
      }
      out->models[kk] = s.models[kk];
      out->modelSuffixes[kk] = s.modelSuffixes[kk];
      if (kk < s.modelPipelines.size()) out->modelPipelines[kk] = s.modelPipelines[kk];
    }
  }
  if (std::all_of(out->modelPipelines.begin(), out->modelPipelines.end(),
                  [](const std::string& p) { return p.empty(); }))
    out->modelPipelines.clear();
  return out;
}

}  // namespace

std::shared_ptr<StoredRun> assembleRun(ProjectRun& run, std::vector<FoldPart> partsIn) {
  std::sort(partsIn.begin(), partsIn.end(),
            [](const FoldPart& a, const FoldPart& b) { return a.fold < b.fold; });
  std::vector<const FoldPart*> parts;
  for (const FoldPart& p : partsIn) parts.push_back(&p);
  if (parts.empty()) throw Error("run '" + run.name() + "': no folds to put together");
  std::shared_ptr<StoredRun> stored = assemble(parts);
  RunResult result;
  result.config = parts.front()->config;
  std::vector<std::map<std::string, double>> perFold;
  for (const FoldPart* p : parts) {
    result.folds.push_back(p->numbers);
    perFold.push_back(p->numbers.metrics);
  }
  result.aggregate = aggregateFolds(perFold);
  const int total = run.config.folds;
  result.cancelled = static_cast<int>(parts.size()) < total;
  run.config.features = parts.front()->config.features;  // as trained
  run.setResult(result);
  if (result.cancelled)
    run.message = std::to_string(parts.size()) + " of " + std::to_string(total) +
                  " folds collected from fit tasks";
  return stored;
}

MergeReport mergeTaskResults(Project& project,
                             std::map<std::string, std::shared_ptr<const StoredRun>>& store,
                             const std::vector<std::string>& resultFiles) {
  MergeReport report;
  std::map<std::string, std::map<int, TaskResult>> byRun;  // run → fold → result
  for (const std::string& path : resultFiles) {
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;  // not finished (yet)
    TaskResult r;
    try {
      r = readResult(path);
    } catch (const Error& e) {
      report.warnings.push_back(e.what());
      continue;
    }
    const ProjectRun* run = project.findRun(r.spec.runId);
    if (!run) {
      report.warnings.push_back("'" + path + "': the project has no run '" + r.spec.runId +
                                "' any more; not merged");
      continue;
    }
    if (comparable(run->config, project.analysis.features) !=
        comparable(r.config, project.analysis.features)) {
      report.warnings.push_back("'" + path + "': run '" + run->name() +
                                "' was changed after its tasks were made; not merged");
      continue;
    }
    byRun[r.spec.runId].emplace(r.spec.fold, std::move(r));
  }
  for (auto& [id, folds] : byRun) {
    ProjectRun& run = *project.findRun(id);
    std::vector<FoldPart> parts;
    for (const auto& [k, r] : folds) parts.push_back({k, r.fold, r.config, r.stored, r.path});
    try {
      store[id] = assembleRun(run, std::move(parts));
    } catch (const Error& e) {
      report.warnings.push_back("run '" + run.name() + "': " + e.what() + "; not merged");
      continue;
    }
    report.runs.push_back({id, run.config.folds, static_cast<int>(folds.size())});
  }
  return report;
}

}  // namespace imbw
