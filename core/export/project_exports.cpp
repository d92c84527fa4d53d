#include "core/export/project_exports.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/export/runs_table_rows.h"
#include "core/learn/model.h"
#include "core/project/kept_working_point.h"
#include "core/util/error.h"

namespace imbw {

RunsTable projectRunsTable(const Project& project, const std::vector<std::string>& ids) {
  RunsTable table;
  for (const ProjectRun& r : project.runs) {
    if (r.status != RunStatus::Done) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), r.id) == ids.end()) continue;
    table.rows.push_back({r.name(), runConfigSummary(r.config), r.aggregate});
  }
  table.columns = RunsTable::defaultColumns(table.rows);
  return table;
}

ExportInfo exportInfo(const Project& project, const ProjectRun& run) {
  ExportInfo info;
  info.featureNames = run.config.features.empty() ? project.analysis.features : run.config.features;
  info.classNames = project.analysis.classes;
  info.signalClass = project.analysis.signalClass;
  return info;
}

ScoresTable scoresTable(const Project& project, const ProjectRun& run, const StoredRun& stored,
                        std::string* warning) {
  ScoresTable t;
  if (warning) warning->clear();
  if (const auto kept = keptWorkingPoint(project, run.id)) {
    if (!kept->stale) {
      t.passCut = kept->cut;
    } else if (warning) {
      std::ostringstream cut;
      cut << kept->cut;
      *warning = "run '" + run.name() + "': its kept working point (score >= " + cut.str() +
                 ") was chosen on other results of the run (it was trained again since); no "
                 "pass flag written (keep a working point again: `imbalance-cli working-point "
                 "--keep`, or Keep in the window's Working point tab)";
    }
  }
  t.runName = run.name();
  for (const auto& s : project.analysis.samples)
    t.sampleNames.push_back(s.name.empty() ? std::filesystem::path(s.path).filename().string()
                                           : s.name);
  t.classNames = project.analysis.classes;
  t.signalClass = project.analysis.signalClass;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored.fold[i] < 0 || !std::isfinite(stored.score[i])) continue;
    t.eventIndex.push_back(stored.eventIndex[i]);
    t.sample.push_back(stored.sample[i]);
    t.fold.push_back(stored.fold[i] + 1);
    t.classIndex.push_back(stored.classIndex[i]);
    t.weight.push_back(stored.weight[i]);
    t.score.push_back(stored.score[i]);
  }
  return t;
}

std::string foldFilePath(const std::string& out, std::size_t fold) {
  const std::filesystem::path p(out);
  return (p.parent_path() /
          (p.stem().string() + "_fold" + std::to_string(fold + 1) + p.extension().string()))
      .string();
}

std::vector<ExportedModel> exportStoredModels(const Project& project, const ProjectRun& run,
                                              const StoredRun& stored,
                                              const std::vector<std::size_t>& folds,
                                              ModelFormat format, const std::string& out,
                                              bool foldSuffix) {
  if (stored.models.empty())
    throw Error("run '" + run.name() + "' (" + run.id + ") has no stored fold models");
  for (std::size_t k : folds)
    if (k >= stored.models.size() || stored.models[k].empty())
      throw Error("run '" + run.name() + "' has no stored model of fold " + std::to_string(k + 1) +
                  " (it has " + std::to_string(stored.models.size()) + " folds)");
  const auto allowed = exportFormats(run.config.modelKind());
  if (std::find(allowed.begin(), allowed.end(), format) == allowed.end()) {
    std::string list;
    for (auto f : allowed) list += (list.empty() ? "" : ", ") + formatName(f);
    throw Error("run '" + run.name() + "' (" + run.config.modelKind() + ") cannot be exported as " +
                formatName(format) + " (possible: " + (list.empty() ? "none" : list) + ")");
  }
  const ExportInfo info = exportInfo(project, run);
  // A folder of its own per call: the window may export two runs at once.
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  const std::filesystem::path tmp =
      std::filesystem::temp_directory_path(ec) / ("imbw-export-" + std::to_string(::getpid()) +
                                                  "-" + std::to_string(counter++) + "-" + run.id);
  std::filesystem::create_directories(tmp, ec);
  if (ec) throw Error("cannot create the temporary folder '" + tmp.string() + "'");
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove_all(dir, e);
    }
  } cleanup{tmp};
  std::vector<ExportedModel> written;
  for (std::size_t k : folds) {
    const std::string modelFile = materialiseModel(stored, k, tmp.string());
    const auto model = loadModel(modelFile);
    const std::string target = foldSuffix ? foldFilePath(out, k) : out;
    exportModel(*model, format, target, info);
    written.push_back({k, model->kind(), target});
  }
  return written;
}

}  // namespace imbw
