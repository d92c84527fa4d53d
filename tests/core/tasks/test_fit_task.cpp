// Fit tasks: every fold of a run trained as its own task (runFitTask → result file) and merged
// (mergeTaskResults) gives exactly the run trainProjectRun trains in one piece: the same
// held-out and training scores bit for bit, the same fold models' predictions, the same fold
// metrics (fit time aside) and mean ± std; a partial merge keeps what is in and says so; a
// merge repeated gives the same project; a moved project or a changed run is named.

#include <QtTest/QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/learn/model.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/run_training.h"
#include "core/tasks/fit_task.h"
#include "core/tasks/local_executor.h"
#include "core/tasks/task_merge.h"
#include "core/util/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Silent : imbw::TrainingObserver {};

/// The bundled WW example with small deterministic runs (3 folds each), saved in `dir`: a
/// boosted tree, a forest and a logistic regression (`calibrated`: and a Platt-calibrated one);
/// or with three classes (by the number of longitudinal W bosons) one boosted tree.
std::string smallProject(const std::string& dir, bool threeClasses = false,
                         bool calibrated = false) {
  const std::string example =
      std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/ww/ww.analysis.json";
  imbw::Project p = imbw::Project::load(example);
  p.runs.clear();
  std::vector<json> models{{{"kind", "gbdt"}, {"trees", 40}, {"learning_rate", 0.1}},
                           {{"kind", "random_forest"}, {"trees", 20}, {"max_depth", 6}},
                           {{"kind", "logistic"}}};
  if (calibrated) models.push_back({{"kind", "logistic"}});
  if (threeClasses) {
    p.analysis.classes = {"TT", "LT", "LL"};
    p.analysis.signalClass = "LL";
    p.analysis.samples[0].labelColumn = "n_long";
    p.analysis.samples[0].labelMap = {{"0", "TT"}, {"1", "LT"}, {"2", "LL"}};
    models.resize(1);
  }
  for (std::size_t i = 0; i < models.size(); ++i) {
    imbw::RunConfig c;
    c.model = models[i];
    c.folds = 3;
    c.threads = 1;
    c.seed = 7;
    if (i == 3) c.calibration.kind = imbw::CalibrationConfig::Kind::Platt;
    p.addRun(c, p.analysis.cut);
  }
  const std::string path = dir + "/small.json";
  p.save(path);
  return path;
}

// Empty vectors compare without memcmp (their data() may be null, which memcmp must not get).
template <typename T>
bool sameBits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

std::vector<std::string> resultFiles(const std::vector<imbw::FitTaskSpec>& specs) {
  std::vector<std::string> out;
  for (const auto& s : specs) out.push_back(s.result);
  return out;
}

}  // namespace

class TestFitTask : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void assembledRunEqualsTheRunTrainedInOnePiece_data() {
    QTest::addColumn<bool>("threeClasses");
    QTest::newRow("two classes") << false;
    QTest::newRow("three classes") << true;
  }
  void assembledRunEqualsTheRunTrainedInOnePiece() {
    QFETCH(bool, threeClasses);
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    const std::string path = smallProject(d, threeClasses, !threeClasses);
    imbw::Project local = imbw::Project::load(path);
    const imbw::EventTable table = imbw::loadProjectEvents(local);
    fs::create_directories(d + "/results");

    imbw::Project merged = imbw::Project::load(path);
    std::map<std::string, std::shared_ptr<const imbw::StoredRun>> store;
    for (const imbw::ProjectRun& run : local.runs) {
      Silent quiet;
      const imbw::TrainedRun whole = imbw::trainProjectRun(local, run.id, table, quiet);
      QVERIFY(whole.stored);
      const auto specs = imbw::fitTasksForRun(path, run, d + "/results", 1);
      QCOMPARE(specs.size(), std::size_t{3});
      for (const auto& spec : specs) {
        // Through the file, as a batch job gets it; every other task reads the events itself.
        spec.save(d + "/spec.json");
        const imbw::FitTaskSpec again = imbw::FitTaskSpec::load(d + "/spec.json");
        QCOMPARE(again.toJson(), spec.toJson());
        imbw::runFitTask(again, quiet, spec.fold == 1 ? &table : nullptr);
        QVERIFY(fs::exists(spec.result));
      }
      const imbw::MergeReport report = imbw::mergeTaskResults(merged, store, resultFiles(specs));
      QVERIFY2(report.warnings.empty(), report.warnings.empty() ? "" : report.warnings[0].c_str());
      QCOMPARE(report.runs.size(), std::size_t{1});
      QVERIFY(report.runs[0].complete());

      const std::string what = run.config.modelKind();
      const imbw::StoredRun& a = *whole.stored;
      const imbw::StoredRun& b = *store.at(run.id);
      QVERIFY2(sameBits(a.score, b.score), what.c_str());
      QVERIFY(a.eventIndex == b.eventIndex && a.sample == b.sample && a.fold == b.fold);
      QVERIFY(a.classIndex == b.classIndex && sameBits(a.weight, b.weight));
      QVERIFY(a.trainRow == b.trainRow && a.trainFold == b.trainFold);
      QVERIFY2(sameBits(a.trainScore, b.trainScore), what.c_str());
      // Every class's probability (three classes) and the calibration (pipeline) come along.
      QCOMPARE(b.probabilityClasses(), threeClasses ? 3 : 0);
      QVERIFY(sameBits(a.probability, b.probability));
      QVERIFY(sameBits(a.trainProbability, b.trainProbability));
      QVERIFY(a.modelPipelines == b.modelPipelines);
      if (run.config.calibration.kind != imbw::CalibrationConfig::Kind::None)
        QVERIFY(!b.modelPipelines.empty() && !b.modelPipelines[0].empty());
      QCOMPARE(b.history.size(), a.history.size());
      for (std::size_t k = 0; k < a.history.size(); ++k) {
        QCOMPARE(b.history[k].fold, a.history[k].fold);
        QVERIFY(sameBits(a.history[k].validationAp, b.history[k].validationAp));
      }
      QCOMPARE(b.models.size(), std::size_t{3});
      QVERIFY(a.modelSuffixes == b.modelSuffixes);
      for (std::size_t k = 0; k < 3; ++k) QVERIFY(!b.models[k].empty());

      const imbw::ProjectRun& x = *local.findRun(run.id);
      const imbw::ProjectRun& y = *merged.findRun(run.id);
      QVERIFY(y.status == imbw::RunStatus::Done);
      QVERIFY(y.message.empty());
      QVERIFY(x.config.features == y.config.features);
      QCOMPARE(y.folds.size(), x.folds.size());
      for (std::size_t k = 0; k < x.folds.size(); ++k) {
        QCOMPARE(y.folds[k].fold, x.folds[k].fold);
        QCOMPARE(y.folds[k].trainEvents, x.folds[k].trainEvents);
        QCOMPARE(y.folds[k].testEvents, x.folds[k].testEvents);
        for (const auto& [name, v] : x.folds[k].metrics) {
          if (name == "fit_seconds") continue;
          const double w = y.folds[k].metrics.at(name);
          QVERIFY2((std::isnan(v) && std::isnan(w)) || std::memcmp(&v, &w, sizeof v) == 0,
                   (what + " " + name).c_str());
        }
      }
      for (const auto& [name, v] : x.aggregate) {
        if (name == "fit_seconds") continue;
        const imbw::MeanStd w = y.aggregate.at(name);
        QVERIFY2((std::isnan(v.mean) && std::isnan(w.mean)) || v.mean == w.mean, name.c_str());
        QVERIFY2((std::isnan(v.std) && std::isnan(w.std)) || v.std == w.std, name.c_str());
      }
    }
    // Through the sidecar: what the merge assembled survives the project's own files.
    const std::string sidecar = d + "/merged.results.h5";
    imbw::writeRunStore(sidecar, store);
    const auto back = imbw::readRunStore(sidecar);
    for (const auto& [id, run] : store) QVERIFY(sameBits(run->score, back.at(id)->score));
  }

  void partialMergeKeepsWhatIsInAndRepeatsIdentically() {
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    const std::string path = smallProject(d);
    imbw::Project p = imbw::Project::load(path);
    const imbw::EventTable table = imbw::loadProjectEvents(p);
    const imbw::ProjectRun run = p.runs[2];  // logistic
    const auto specs = imbw::fitTasksForRun(path, run, d, 1);
    Silent quiet;
    imbw::runFitTask(specs[0], quiet, &table);
    imbw::runFitTask(specs[2], quiet, &table);

    std::map<std::string, std::shared_ptr<const imbw::StoredRun>> store;
    auto report = imbw::mergeTaskResults(p, store, resultFiles(specs));  // fold 2 missing
    QCOMPARE(report.runs.size(), std::size_t{1});
    QCOMPARE(report.runs[0].collected, 2);
    const imbw::ProjectRun& r = *p.findRun(run.id);
    QVERIFY(r.status == imbw::RunStatus::Cancelled);
    QCOMPARE(r.message, std::string("2 of 3 folds collected from fit tasks"));
    QCOMPARE(r.folds.size(), std::size_t{2});
    QCOMPARE(r.folds[1].fold, 2);
    QCOMPARE(r.aggregate.at("ap").n, std::size_t{2});
    const imbw::StoredRun& s = *store.at(run.id);
    std::size_t unscored = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      QVERIFY(s.fold[i] != 1);
      if (s.fold[i] < 0) {
        ++unscored;
        QVERIFY(std::isnan(s.score[i]));
      }
    }
    QVERIFY(unscored > s.size() / 4 && unscored < s.size() / 2);
    QVERIFY(s.models[1].empty());
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::materialiseModel(s, 1, d));

    // The missing fold arrives: merged again from all files, twice: the same project.
    imbw::runFitTask(specs[1], quiet, &table);
    imbw::mergeTaskResults(p, store, resultFiles(specs));
    const json once = p.toJson();
    const auto firstStore = store.at(run.id);
    report = imbw::mergeTaskResults(p, store, resultFiles(specs));
    QCOMPARE(p.toJson(), once);
    QVERIFY(sameBits(store.at(run.id)->score, firstStore->score));
    QVERIFY(p.findRun(run.id)->status == imbw::RunStatus::Done);
    QVERIFY(p.findRun(run.id)->message.empty());
  }

  void concurrentTasksEqualTheSequentialRuns() {
    QTemporaryDir dir;
    const std::string path = smallProject(dir.path().toStdString());
    imbw::Project sequential = imbw::Project::load(path);
    imbw::Project concurrent = imbw::Project::load(path);
    const imbw::EventTable table = imbw::loadProjectEvents(sequential);
    std::vector<std::string> ids;
    for (const auto& r : sequential.runs) ids.push_back(r.id);
    struct Count : imbw::ExecutorObserver {
      std::size_t calls = 0, last = 0;
      void foldFinished(const std::string&, const imbw::FoldResult&, std::size_t done,
                        std::size_t total) override {
        ++calls;
        last = done;
        QCOMPARE(total, std::size_t{9});
      }
    } count;
    const auto trained =
        imbw::runTasksConcurrently(concurrent, ids, table, imbw::ExecutionPlan{2, 1}, count);
    QCOMPARE(count.calls, std::size_t{9});
    QCOMPARE(count.last, std::size_t{9});
    for (std::size_t i = 0; i < ids.size(); ++i) {
      Silent quiet;
      const imbw::TrainedRun whole = imbw::trainProjectRun(sequential, ids[i], table, quiet);
      const imbw::StoredRun& a = *whole.stored;
      const imbw::StoredRun& b = *trained[i].stored;
      QVERIFY(sameBits(a.score, b.score) && sameBits(a.trainScore, b.trainScore));
      QVERIFY(a.fold == b.fold && a.trainRow == b.trainRow && a.trainFold == b.trainFold);
      QCOMPARE(trained[i].result.models.size(), std::size_t{3});
      QVERIFY(concurrent.findRun(ids[i])->status == imbw::RunStatus::Done);
      for (const auto& [name, v] : sequential.findRun(ids[i])->aggregate)
        if (name != "fit_seconds")
          QVERIFY2(
              std::isnan(v.mean) || v.mean == concurrent.findRun(ids[i])->aggregate.at(name).mean,
              name.c_str());
    }
  }

  void theExecutionRule() {
    // Small fits: one thread each, as many at once as cores (and tasks).
    auto p = imbw::planExecution(60, 8000, 2);
    QCOMPARE(p.concurrent, 2);
    QCOMPARE(p.threadsPerFit, 1);
    p = imbw::planExecution(3, 8000, 8);
    QCOMPARE(p.concurrent, 3);
    QCOMPARE(p.threadsPerFit, 1);
    // Large fits: one at a time on every core.
    p = imbw::planExecution(60, imbw::kLargeFitEvents, 8);
    QCOMPARE(p.concurrent, 1);
    QCOMPARE(p.threadsPerFit, 8);
    // --jobs: that many at once, the cores shared.
    p = imbw::planExecution(60, 8000, 8, 3);
    QCOMPARE(p.concurrent, 3);
    QCOMPARE(p.threadsPerFit, 2);
    p = imbw::planExecution(60, 8000, 2, 4);
    QCOMPARE(p.concurrent, 4);
    QCOMPARE(p.threadsPerFit, 1);
  }

  void changedOrMovedProjectsAreNamed() {
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    const std::string path = smallProject(d);
    imbw::Project p = imbw::Project::load(path);
    auto specs = imbw::fitTasksForRun(path, p.runs[2], d, 1);
    Silent quiet;
    // Moved: the spec's project path no longer exists.
    fs::rename(path, d + "/elsewhere.json");
    try {
      imbw::runFitTask(specs[0], quiet);
      QFAIL("a moved project must be an error");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("moved") != std::string::npos, e.what());
      QVERIFY(std::string(e.what()).find(path) != std::string::npos);
    }
    fs::rename(d + "/elsewhere.json", path);
    // Changed after the tasks were made: another number of folds.
    p.runs[2].config.folds = 4;
    p.save(path);
    try {
      imbw::runFitTask(specs[0], quiet);
      QFAIL("a changed run must be an error");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("4 folds") != std::string::npos, e.what());
    }
    // A result of the old configuration is not merged into the changed run.
    p.runs[2].config.folds = 3;
    p.save(path);
    imbw::runFitTask(specs[0], quiet);
    p.runs[2].config.model = {{"kind", "logistic"}, {"l2", 0.5}};
    std::map<std::string, std::shared_ptr<const imbw::StoredRun>> store;
    const auto report = imbw::mergeTaskResults(p, store, resultFiles(specs));
    QVERIFY(report.runs.empty());
    QCOMPARE(report.warnings.size(), std::size_t{1});
    QVERIFY(report.warnings[0].find("changed") != std::string::npos);
    // Bad specs.
    json j = specs[0].toJson();
    j["fold"] = 3;
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::FitTaskSpec::fromJson(j));
    j = specs[0].toJson();
    j["project"] = "relative.json";
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::FitTaskSpec::fromJson(j));
    j = specs[0].toJson();
    j.erase("seed");
    try {
      imbw::FitTaskSpec::fromJson(j);
      QFAIL("a spec without a seed must be an error");
    } catch (const imbw::Error& e) {
      QVERIFY(std::string(e.what()).find("\"seed\"") != std::string::npos);
    }
  }
};

QTEST_GUILESS_MAIN(TestFitTask)
#include "test_fit_task.moc"
