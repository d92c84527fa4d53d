// imbalance-cli run ANALYSIS.json: the cross-validated runs of the analysis file's "runs" list,
// with a progress bar on stderr, the paper's results table on stdout and a JSON result.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "app/cli/output_paths.h"
#include "app/cli/results_table.h"
#include "app/cli/run_pipeline.h"
#include "app/cli/study_runner.h"
#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/learn/model_io.h"
#include "core/learn/run_engine.h"
#include "core/project/kept_working_point.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/run_training.h"
#include "core/tasks/local_executor.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli run PROJECT.json [--model NAME | --run LIST] [--save]\n"
    "                         [--out results.json] [--scores scores.h5] [--save-models DIR]\n"
    "                         [--folds K] [--threads N] [--seed S] [--jobs N|auto] [--quiet]\n"
    "\n"
    "Runs the project's (or analysis file's) \"runs\" (k-fold cross-validation: per fold the "
    "training part is\n"
    "resampled, the model fitted and the held-out part scored and evaluated) and prints the\n"
    "results table: model, t_fit, AP, AUC, AP/r and the background rejection 1/eps_B at signal\n"
    "efficiencies 0.2 and 0.8 (linear interpolation on the ROC curve), each as mean +- sample\n"
    "standard deviation over the folds. Ctrl-C stops cleanly after reporting what finished.\n"
    "\n"
    "  --model NAME      only runs with this name or model kind; a kind with no run in the file\n"
    "                    (mlp, logistic, gbdt, random_forest, ...) runs with default settings\n"
    "  --run LIST        only these runs, 1-based, comma separated (e.g. 1,3)\n"
    "  --save            store the results in the project: each run's status, fold metrics and\n"
    "                    configuration as trained in PROJECT.json, its held-out scores, training\n"
    "                    scores, history and fold models in PROJECT.results.h5 beside it (the\n"
    "                    window then shows every curve without training; see `report`)\n"
    "  --out FILE        write the results as JSON\n"
    "  --scores FILE     write the held-out score and fold of every event to HDF5 (/events)\n"
    "  --save-models DIR save each fold's model (plus MODEL.meta.json for `apply`)\n"
    "  --folds K         override the number of folds\n"
    "  --threads N       override the number of threads\n"
    "  --seed S          override the seed\n"
    "  --jobs N|auto     train the runs' folds as fit tasks, N at once (auto: small fits one\n"
    "                    thread each and as many at once as cores; fits of 200k events or more\n"
    "                    one at a time on every core); each fit gets cores/N threads unless\n"
    "                    --threads is given. Same results as one after the other with the same\n"
    "                    threads per fit. Default: the runs one after the other\n"
    "  --studies LIST    the project's weak-supervision studies to run after the runs: all, none\n"
    "                    or ids / names, comma separated (default: all, unless --run or --model\n"
    "                    picks runs); their table follows the runs' (S/B, AUC, 1/eps_B at\n"
    "                    eps_S = 0.2, max eps_S/sqrt(eps_B)), --save keeps them as `study` does\n"
    "  --quiet           no progress bar\n";

std::vector<std::size_t> parseRunList(const std::string& text, std::size_t count) {
  std::vector<std::size_t> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    std::size_t used = 0;
    long v = 0;
    try {
      v = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || v < 1 || static_cast<std::size_t>(v) > count)
      throw imbw::cli::UsageError("--run: '" + item + "' is not a run number between 1 and " +
                                  std::to_string(count));
    out.push_back(static_cast<std::size_t>(v - 1));
    pos = comma + 1;
  }
  return out;
}

std::string slug(const std::string& name) {
  std::string s;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  while (s.find("__") != std::string::npos) s.replace(s.find("__"), 2, "_");
  while (!s.empty() && s.front() == '_') s.erase(s.begin());
  while (!s.empty() && s.back() == '_') s.pop_back();
  return s.empty() ? "run" : s;
}

/// The runs' held-out scores. Runs that scored the same events (the same cut) share the columns
/// /events/{label,weight,sample,event} and get /events/score_<run> and /events/fold_<run>;
/// a run with other events gets its own group /runs/<run>/ with the same columns.
void writeScores(const std::string& path, const std::vector<const imbw::StoredRun*>& stored,
                 const std::vector<std::string>& names) {
  imbw::model_io::H5ModelFile f(path, imbw::model_io::H5ModelFile::Mode::Create);
  f.writeAttribute("imbw_content", "held-out scores of imbalance-cli run");
  auto asDouble = [](const auto& v) { return std::vector<double>(v.begin(), v.end()); };
  const imbw::StoredRun* first = nullptr;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const imbw::StoredRun* r = stored[i];
    if (!r) continue;
    std::string group = "events/";
    if (!first) {
      first = r;
      f.writeVector("events/label", asDouble(r->classIndex));
      f.writeVector("events/weight", r->weight);
      f.writeVector("events/sample", asDouble(r->sample));
      f.writeVector("events/event", asDouble(r->eventIndex));
    } else if (r->eventIndex != first->eventIndex || r->sample != first->sample) {
      group = "runs/" + names[i] + "/";
      f.writeVector(group + "label", asDouble(r->classIndex));
      f.writeVector(group + "weight", r->weight);
      f.writeVector(group + "sample", asDouble(r->sample));
      f.writeVector(group + "event", asDouble(r->eventIndex));
    }
    f.writeVector(group + "score_" + names[i], r->score);
    f.writeVector(group + "fold_" + names[i], asDouble(r->fold));
  }
}

/// DIR/<run>_fold<k>.<ext> plus DIR/<run>_fold<k>.<ext>.meta.json (what `apply` needs to
/// compute the inputs from a raw file: the derived features and the feature order).
/// `ids[i]`: the project run of results[i] (its kept working point goes into the meta file).
void saveModels(const std::string& dir, const imbw::Project& project,
                const std::vector<std::string>& ids, const std::vector<imbw::RunResult>& results) {
  const imbw::Analysis& analysis = project.analysis;
  imbw::cli::requireWritableFolder("--save-models", dir);
  nlohmann::json derived = nlohmann::json::array();
  for (const auto& d : analysis.derived)
    derived.push_back({{"name", d.name}, {"expression", d.expression}});
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    auto workingPoint = imbw::keptWorkingPoint(project, ids[i]);
    if (workingPoint && !workingPoint->chosenOn(r.aggregate)) {
      std::cerr << "warning: run '" << r.name
                << "': its kept working point was chosen on other results of the run (it was "
                   "trained differently since); not written with the models (choose it again: "
                   "`imbalance-cli working-point --keep`)\n";
      workingPoint.reset();
    }
    for (std::size_t k = 0; k < r.models.size(); ++k) {
      const std::string file =
          (std::filesystem::path(dir) /
           (std::to_string(i + 1) + "_" + slug(r.name) + "_fold" + std::to_string(k + 1) +
            imbw::modelFileSuffix(r.models[k]->kind())))
              .string();
      r.models[k]->save(file);
      nlohmann::json meta{
          {"run", r.config.toJson()},
          {"fold", k + 1},
          {"features", r.config.features.empty() ? analysis.features : r.config.features},
          {"derived", derived},
          {"classes", analysis.classes},
          {"signal_class", analysis.signalClass},
          {"missing_value", analysis.missingValue ? nlohmann::json(*analysis.missingValue)
                                                  : nlohmann::json(nullptr)}};
      if (workingPoint) meta["working_point"] = workingPoint->toJson();
      std::ofstream metaOut(file + ".meta.json");
      metaOut << meta.dump(2) << '\n';
      if (!metaOut) throw imbw::Error("cannot write '" + file + ".meta.json'");
    }
  }
  std::cerr << "models saved in " << dir << '\n';
}

int toInt(const std::string& option, const std::string& value, int minimum) {
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(value, &used);
  } catch (const std::out_of_range&) {
    throw imbw::cli::UsageError(option + " " + value + " does not fit a 32-bit integer");
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || v < minimum)
    throw imbw::cli::UsageError(option + " needs an integer >= " + std::to_string(minimum));
  return v;
}

/// The runs the command line asks for: ids of the project's runs (an ad-hoc run for a --model
/// kind the project does not have is added to it).
std::vector<std::string> chooseRuns(imbw::Project& project, const imbw::cli::Args& args,
                                    const std::string& path) {
  std::vector<std::string> ids;
  if (args.options.count("--run")) {
    if (project.runs.empty()) throw imbw::Error("'" + path + "' has no runs");
    for (std::size_t i : parseRunList(args.option("--run"), project.runs.size()))
      ids.push_back(project.runs[i].id);
  } else if (args.options.count("--model")) {
    const std::string want = args.option("--model");
    for (const auto& r : project.runs)
      if (r.name() == want || r.config.modelKind() == want) ids.push_back(r.id);
    if (ids.empty()) {
      imbw::RunConfig r;
      r.model = {{"kind", want}};
      (void)imbw::makeModel(r.modelSpec(0.5));  // unknown kinds fail here, with "did you mean"
      ids.push_back(project.addRun(r, project.analysis.cut).id);
    }
  } else {
    for (const auto& r : project.runs) ids.push_back(r.id);
  }
  if (ids.empty())
    throw imbw::Error("'" + path + "' has no runs: add a \"runs\" list or use --model KIND");
  return ids;
}

int runRun(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv,
                                         {"--model", "--run", "--out", "--scores", "--save-models",
                                          "--folds", "--threads", "--seed", "--jobs", "--studies"},
                                         {"--quiet", "--save"});
  if (args.positional.size() != 1)
    throw imbw::cli::UsageError("run needs exactly one analysis or project file");
  if (args.options.count("--model") && args.options.count("--run"))
    throw imbw::cli::UsageError("give either --model or --run, not both");
  const std::string& path = args.positional[0];
  // Output paths are checked before the samples are read and the models trained (minutes), not
  // when the results are written.
  if (args.options.count("--out")) imbw::cli::requireWritableFile("--out", args.option("--out"));
  if (args.options.count("--scores"))
    imbw::cli::requireWritableFile("--scores", args.option("--scores"));
  if (args.options.count("--save-models"))
    imbw::cli::requireWritableFolder("--save-models", args.option("--save-models"));
  imbw::Project project = imbw::Project::load(path);
  const std::vector<std::string> studyIds = imbw::cli::runCommandStudies(project, args);
  if (project.runs.empty() && !studyIds.empty() && !args.options.count("--model"))
    return imbw::cli::runOnlyStudies(project, path, studyIds, args);
  const std::vector<std::string> ids = chooseRuns(project, args, path);
  for (const auto& id : ids) {
    imbw::RunConfig& c = project.findRun(id)->config;
    if (args.options.count("--folds")) c.folds = toInt("--folds", args.option("--folds"), 2);
    if (args.options.count("--threads"))
      c.threads = toInt("--threads", args.option("--threads"), 1);
    if (args.options.count("--seed"))
      c.seed = static_cast<std::uint64_t>(toInt("--seed", args.option("--seed"), 0));
  }
  // Read the sidecar before any training, so a damaged one stops us before the long work.
  auto store = args.flag("--save")
                   ? imbw::readRunStore(imbw::sidecarPath(path))
                   : std::map<std::string, std::shared_ptr<const imbw::StoredRun>>{};
  imbw::StudyStore studies = args.flag("--save") && !studyIds.empty()
                                 ? imbw::readStudyStore(imbw::sidecarPath(path))
                                 : imbw::StudyStore{};

  // Every classified event, before the cut: each run applies the cut it was configured with.
  const imbw::LoadedAnalysis loaded = imbw::cli::loadRunEvents(project);
  // Each run's controlled imbalance (its own "class_subsample", else the project's
  // "classSubsample"): trainRun draws it from every classified event, before the run's cut.
  // Drawn here once first, so a count or class that is wrong stops us before any training.
  for (const auto& id : ids) {
    const imbw::ProjectRun& run = *project.findRun(id);
    imbw::RunConfig c = run.config;
    imbw::resolveClassSubsample(c, project.analysis);
    if (!c.classSubsample || c.classSubsample->empty()) continue;
    imbw::SubsampleResult r;
    try {
      r = imbw::subsampleClasses(*c.classSubsample, loaded.table.classNames,
                                 loaded.table.classIndex, loaded.table.weight);
    } catch (const imbw::Error& e) {
      throw imbw::Error("run '" + run.name() + "': class subsample: " + e.what());
    }
    if (ids.size() > 1) std::cerr << "run '" << run.name() << "': ";
    imbw::cli::logSubsample(std::cerr, *c.classSubsample, r, loaded.table.classNames);
  }

  std::optional<imbw::cli::StopOnCtrlC> ctrlC(std::in_place);
  std::vector<imbw::TrainedRun> trained;
  std::vector<imbw::cli::ResultsRow> rows;
  bool cancelled = false;
  if (args.options.count("--jobs")) {
    const std::string jobsText = args.option("--jobs");
    const int jobs = jobsText == "auto" ? 0 : toInt("--jobs", jobsText, 1);
    std::size_t tasks = 0;
    int folds = 2;
    for (const auto& id : ids) {
      tasks += static_cast<std::size_t>(project.findRun(id)->config.folds);
      folds = std::max(folds, project.findRun(id)->config.folds);
    }
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    imbw::ExecutionPlan plan = imbw::planExecution(
        tasks, loaded.table.size() * static_cast<std::size_t>(folds - 1) / folds, cores, jobs);
    if (args.options.count("--threads"))
      plan.threadsPerFit = toInt("--threads", args.option("--threads"), 1);
    if (!args.flag("--quiet"))
      std::fprintf(stderr, "%zu fit tasks, %d at once, %d thread%s each\n", tasks, plan.concurrent,
                   plan.threadsPerFit, plan.threadsPerFit == 1 ? "" : "s");
    struct Log : imbw::ExecutorObserver {
      const imbw::Project* project = nullptr;
      bool enabled = true;
      bool stopRequested() const override { return imbw::cli::stopRequested(); }
      void foldFinished(const std::string& id, const imbw::FoldResult& f, std::size_t done,
                        std::size_t total) override {
        if (enabled)
          std::fprintf(stderr, "[%zu/%zu] %s: fold %d done (AP %.3f, AUC %.3f, %.2f s)\n", done,
                       total, project->findRun(id)->name().c_str(), f.fold + 1,
                       f.summary.averagePrecision, f.summary.auc, f.fitSeconds);
      }
    } log;
    log.project = &project;
    log.enabled = !args.flag("--quiet");
    trained = imbw::runTasksConcurrently(project, ids, loaded.table, plan, log);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const imbw::ProjectRun& done = *project.findRun(ids[i]);
      if (done.status == imbw::RunStatus::Failed)
        throw imbw::Error("run '" + done.name() + "': " + done.message);
      rows.push_back({done.name(), trained[i].result.cancelled ? "cancelled" : "", done.aggregate,
                      done.config.folds});
      trained[i].result.config.threads = done.config.threads;
    }
    cancelled = imbw::cli::stopRequested();
  } else {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const imbw::ProjectRun& run = *project.findRun(ids[i]);
      const std::string label =
          "[" + std::to_string(i + 1) + "/" + std::to_string(ids.size()) + "] " + run.name();
      trained.push_back(
          imbw::cli::trainWithProgress(project, ids[i], loaded.table, label, args.flag("--quiet")));
      const imbw::ProjectRun& done = *project.findRun(ids[i]);
      rows.push_back({done.name(), trained.back().result.cancelled ? "cancelled" : "",
                      done.aggregate, done.config.folds});
      if (trained.back().result.cancelled) {
        cancelled = true;
        break;
      }
    }
  }
  ctrlC.reset();

  const imbw::ProjectRun& firstRun = *project.findRun(ids.front());
  const imbw::StoredRun* firstStored = trained.front().stored.get();
  double signal = 0, all = 0;
  if (firstStored)
    for (std::size_t k = 0; k < firstStored->size(); ++k) {
      all += firstStored->weight[k];
      if (firstStored->classIndex[k] == loaded.table.signalClass) signal += firstStored->weight[k];
    }
  std::cout << "analysis  " << path << "\n"
            << "events    " << (firstStored ? firstStored->size() : 0)
            << " (signal fraction r = " << imbw::cli::fixed(all != 0 ? signal / all : NAN, 4)
            << "), " << firstRun.config.features.size() << " features\n\n";
  imbw::cli::printResultsTable(std::cout, rows);
  if (cancelled) {
    const auto& r = trained.back().result;
    std::cout << "\nrun '" << rows.back().name << "' was cancelled after " << r.folds.size()
              << " of " << r.config.folds << " folds; later runs were not started\n";
  }
  if (!cancelled && !studyIds.empty())
    cancelled = !imbw::cli::runAndReportStudies(project, studyIds, studies, args);

  std::vector<std::string> names;
  std::vector<const imbw::StoredRun*> stored;
  std::vector<imbw::RunResult> results;
  for (std::size_t i = 0; i < trained.size(); ++i) {
    names.push_back(std::to_string(i + 1) + "_" + slug(rows[i].name));
    stored.push_back(trained[i].stored.get());
    results.push_back(trained[i].result);
    results.back().name = rows[i].name;
  }
  if (args.options.count("--out")) {
    nlohmann::json j{{"analysis", path},
                     {"events", firstStored ? firstStored->size() : 0},
                     {"cancelled", cancelled}};
    j["runs"] = nlohmann::json::array();
    for (const auto& r : results) j["runs"].push_back(r.toJson());
    std::ofstream out(args.option("--out"));
    if (!out) throw imbw::Error("cannot write '" + args.option("--out") + "'");
    out << j.dump(2) << '\n';
  }
  if (args.options.count("--scores")) writeScores(args.option("--scores"), stored, names);
  if (args.options.count("--save-models"))
    saveModels(args.option("--save-models"), project, ids, results);
  if (args.flag("--save"))
    imbw::cli::saveRunResults(path, project, std::move(store), ids, trained,
                              studyIds.empty() ? nullptr : &studies);
  return cancelled ? 130 : 0;
}

}  // namespace

IMBW_CLI_COMMAND(run, "cross-validated training runs with the paper's results table", kUsage,
                 runRun)
