// The project: version-1 analysis files (the bundled example among them) open and save as
// version 2 byte-stably; runs keep ids, unique names, configuration as trained, status and fold
// metrics; the sidecar keeps every event's held-out score, the training scores, the history and
// the fold models, and the evaluation computed from a reopened sidecar equals the one computed
// before saving.

#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/eval/one_vs_rest.h"
#include "core/eval/pr_curve.h"
#include "core/eval/roc_curve.h"
#include "core/learn/model.h"
#include "core/project/kept_working_point.h"
#include "core/project/luminosity.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/run_training.h"
#include "core/util/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Two features, signal shifted by 1.5σ in x0, ~20 % signal, weights 0.5–1.5 (a few negative).
imbw::EventTable toyTable(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  imbw::EventTable t;
  t.columnNames = {"x0", "x1"};
  t.columns.resize(2);
  t.classNames = {"background", "signal"};
  t.signalClass = 1;
  for (std::size_t i = 0; i < n; ++i) {
    const int c = uniform(g) < 0.2 ? 1 : 0;
    t.classIndex.push_back(c);
    t.columns[0].push_back(static_cast<float>(normal(g) + 1.5 * c));
    t.columns[1].push_back(static_cast<float>(normal(g)));
    t.weight.push_back(uniform(g) < 0.03 ? -0.5 : 0.5 + uniform(g));
    t.sampleIndex.push_back(static_cast<std::int32_t>(i % 2));
    t.eventIndex.push_back(static_cast<std::int64_t>(1000 + i));
  }
  return t;
}

/// Three classes (background, "w", signal) separated along x0 and x1, unequal shares.
imbw::EventTable toyTable3(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  imbw::EventTable t;
  t.columnNames = {"x0", "x1"};
  t.columns.resize(2);
  t.classNames = {"background", "w", "signal"};
  t.signalClass = 2;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = uniform(g);
    const int c = u < 0.6 ? 0 : u < 0.85 ? 1 : 2;
    t.classIndex.push_back(c);
    t.columns[0].push_back(static_cast<float>(normal(g) + 1.2 * (c == 2)));
    t.columns[1].push_back(static_cast<float>(normal(g) + 1.2 * (c == 1)));
    t.weight.push_back(0.5 + uniform(g));
    t.sampleIndex.push_back(0);
    t.eventIndex.push_back(static_cast<std::int64_t>(i));
  }
  return t;
}

/// The rows of `r`'s held-out events of fold `fold`, and their features from `table`
/// (event index = table row + offset).
imbw::RowMatrixF foldFeatures(const imbw::StoredRun& r, const imbw::EventTable& table, int fold,
                              std::int64_t offset, std::vector<std::size_t>* rows) {
  for (std::size_t k = 0; k < r.size(); ++k)
    if (r.fold[k] == fold) rows->push_back(k);
  imbw::RowMatrixF x(static_cast<Eigen::Index>(rows->size()), 2);
  for (std::size_t k = 0; k < rows->size(); ++k) {
    const auto row = static_cast<std::size_t>(r.eventIndex[(*rows)[k]] - offset);
    x(static_cast<Eigen::Index>(k), 0) = table.columns[0][row];
    x(static_cast<Eigen::Index>(k), 1) = table.columns[1][row];
  }
  return x;
}

struct Silent : imbw::TrainingObserver {};

/// A project over `table` (its classes, the last one the signal; features x0, x1) and a small
/// 3-fold run of `model` on one thread.
imbw::Project toyProject(const imbw::EventTable& table, imbw::RunConfig* run,
                         const nlohmann::json& model) {
  imbw::Project p;
  p.analysis.classes = table.classNames;
  p.analysis.signalClass = table.classNames.back();
  p.analysis.features = {"x0", "x1"};
  run->model = model;
  run->folds = 3;
  run->threads = 1;
  return p;
}

}  // namespace

class TestProject : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void theExampleOpensAndSavesStably() {
    const std::string example =
        std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/ww/ww.analysis.json";
    const imbw::Project p = imbw::Project::load(example);
    QCOMPARE(p.runs.size(), std::size_t{12});
    for (std::size_t i = 0; i < p.runs.size(); ++i) {
      QCOMPARE(p.runs[i].id, "r" + std::to_string(i + 1));
      QVERIFY(p.runs[i].status == imbw::RunStatus::Configured);
      QCOMPARE(p.runs[i].cut, p.analysis.cut);
      for (std::size_t j = 0; j < i; ++j) QVERIFY(p.runs[i].name() != p.runs[j].name());
    }
    // Saved elsewhere (sample paths rewritten relative to the new place), opened, saved again:
    // the same bytes.
    QTemporaryDir dir;
    const std::string a = dir.path().toStdString() + "/a.json";
    const std::string b = dir.path().toStdString() + "/b.json";
    p.save(a);
    const imbw::Project reopened = imbw::Project::load(a);
    reopened.save(b);
    QCOMPARE(readFile(b), readFile(a));
    QCOMPARE(json::parse(readFile(a))["formatVersion"].get<int>(), 2);
    QVERIFY(fs::exists(reopened.analysis.resolvedPath(reopened.analysis.samples[0])));
  }

  void runNamesAndIdsAreUnique() {
    imbw::Project p;
    imbw::RunConfig c;
    c.name = "GBDT";
    QCOMPARE(p.addRun(c, "").name(), std::string("GBDT"));
    QCOMPARE(p.addRun(c, "").name(), std::string("GBDT (2)"));
    QCOMPARE(p.addRun(c, "").id, std::string("r3"));
    p.removeRun("r2");
    // Ids are never reused while a higher one exists; the freed name is.
    QCOMPARE(p.addRun(c, "").id, std::string("r4"));
    QCOMPARE(p.runs.back().name(), std::string("GBDT (2)"));
    // Renaming to a taken name is refused by uniqueRunName (except for the run itself).
    QCOMPARE(p.uniqueRunName("GBDT", "r1"), std::string("GBDT"));
    QCOMPARE(p.uniqueRunName("GBDT", "r3"), std::string("GBDT (3)"));
  }

  // A kept working point round-trips through the project file and leaves with its run.
  void keptWorkingPoints() {
    imbw::Project p = imbw::Project::load(std::string(IMBW_TEST_SOURCE_DIR) +
                                          "/resources/examples/ww/ww.analysis.json");
    QVERIFY(!imbw::keptWorkingPoint(p, "r1"));
    imbw::keepWorkingPoint(p, "r2", {0.625, json{{"criterion", "eff_s"}, {"target", 0.5}}});
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::keepWorkingPoint(p, "r99", {0.5, {}}));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::keepWorkingPoint(p, "r1", {std::nan(""), {}}));
    const imbw::Project back = imbw::Project::fromJson(
        p.toJson(), std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/ww");
    const auto kept = imbw::keptWorkingPoint(back, "r2");
    QVERIFY(kept);
    QCOMPARE(kept->cut, 0.625);
    QCOMPARE(kept->choice["criterion"].get<std::string>(), std::string("eff_s"));
    QVERIFY(back.analysis.unrecognisedKeys().empty());
    QVERIFY(!kept->stale);
    // Trained again (other results): the point is kept but marked stale.
    imbw::Project retrained = back;
    retrained.findRun("r2")->aggregate["ap"] = {0.31, 0.02, 5};
    QVERIFY(imbw::keptWorkingPoint(retrained, "r2")->stale);
    QVERIFY(kept->chosenOn(back.findRun("r2")->aggregate));
    p.removeRun("r2");
    QVERIFY(!imbw::keptWorkingPoint(p, "r2"));
    QVERIFY(!p.toJson().contains("workingPoints"));
    // A damaged record is named.
    p.analysis.extra["workingPoints"] = json{{"r1", json{{"cut", "high"}}}};
    try {
      imbw::keptWorkingPoint(p, "r1");
      QFAIL("a damaged record was read");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("workingPoints.r1") != std::string::npos, e.what());
    }
  }

  // The project's luminosity: the significance's factor and the weights' luminosity, saved and
  // read back, their product written where the label block says {lumi}; a file without it
  // reads as factor 1; bad values and a {lumi} without the weights' luminosity are named.
  void luminositySetting() {
    imbw::Project p = imbw::Project::load(std::string(IMBW_TEST_SOURCE_DIR) +
                                          "/resources/examples/ww/ww.analysis.json");
    QVERIFY(imbw::projectLuminosity(p) == imbw::ProjectLuminosity{});
    QVERIFY(!imbw::projectLuminosity(p).integratedInvFb());
    imbw::setProjectLuminosity(p, {7.0, 20.3});
    const imbw::Project back = imbw::Project::fromJson(
        p.toJson(), std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/ww");
    const imbw::ProjectLuminosity lumi = imbw::projectLuminosity(back);
    QCOMPARE(lumi.factor, 7.0);
    QCOMPARE(*lumi.weightsInvFb, 20.3);
    QVERIFY(std::abs(*lumi.integratedInvFb() - 142.1) < 1e-9);
    QVERIFY(back.analysis.unrecognisedKeys().empty());
    QCOMPARE(imbw::expandPlotLabel("ATLAS Simulation Internal\n√s = 13 TeV, {lumi}", lumi),
             std::string("ATLAS Simulation Internal\n√s = 13 TeV, 142 fb^{-1}"));
    QCOMPARE(imbw::expandPlotLabel("{lumi} and {lumi}", {1.0, 0.0361}),
             std::string("36.1 pb^{-1} and 36.1 pb^{-1}"));
    QCOMPARE(imbw::luminosityText(3000), std::string("3 ab^{-1}"));
    QCOMPARE(imbw::luminosityText(139), std::string("139 fb^{-1}"));
    QCOMPARE(imbw::expandPlotLabel("no placeholder", {}), std::string("no placeholder"));
    try {
      imbw::expandPlotLabel("√s = 13 TeV, {lumi}", {2.0, std::nullopt});
      QFAIL("{lumi} expanded without the weights' luminosity");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("weights_fb") != std::string::npos, e.what());
    }
    // Back to the defaults: the key goes, the file is as before.
    imbw::setProjectLuminosity(p, {});
    QVERIFY(!p.toJson().contains("luminosity"));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::setProjectLuminosity(p, {0.0, std::nullopt}));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::setProjectLuminosity(p, {1.0, -3.0}));
    // Damaged records are named with the key and the value.
    for (const json& bad : {json{{"factor", "high"}}, json{{"factor", -2}}, json{{"weights_fb", 0}},
                            json{{"lumi", 3}}, json(5)}) {
      p.analysis.extra["luminosity"] = bad;
      try {
        imbw::projectLuminosity(p);
        QFAIL(qPrintable(QString::fromStdString("accepted " + bad.dump())));
      } catch (const imbw::Error& e) {
        QVERIFY2(std::string(e.what()).find("\"luminosity\"") != std::string::npos, e.what());
      }
    }
  }

  void runRecordRoundTrip() {
    imbw::ProjectRun r;
    r.id = "r7";
    r.config.name = "focal scan α=0.25 γ=2";
    r.config.model = {{"kind", "gbdt"}, {"trees", 50}};
    r.config.features = {"x0", "x1"};
    r.cut = "x1 > -3";
    r.status = imbw::RunStatus::Done;
    imbw::FoldResult f;
    f.fold = 1;
    f.trainEvents = 80;
    f.testEvents = 20;
    f.metrics = {{"ap", 0.4}, {"fit_seconds", 0.25}};
    r.folds = {f};
    r.aggregate = {{"ap", imbw::MeanStd{0.4, 0.02, 5}}};
    r.scan = imbw::ScanMembership{"s2", 0.25, 2.0};
    const imbw::ProjectRun back = imbw::ProjectRun::fromJson(r.toJson(), 0);
    QCOMPARE(back.toJson().dump(), r.toJson().dump());
    QCOMPARE(back.folds[0].fitSeconds, 0.25);
    QCOMPARE(back.scan->scanId, std::string("s2"));
    QCOMPARE(back.aggregate.at("ap").n, 5);
    // A bad record names the run and the problem.
    json bad = r.toJson();
    bad["status"] = "finished";
    try {
      imbw::ProjectRun::fromJson(bad, 3);
      QFAIL("accepted an unknown status");
    } catch (const imbw::Error& e) {
      const QString m = e.what();
      QVERIFY2(m.contains("runs[3]") && m.contains("finished"), e.what());
    }
  }

  // A run keeps the controlled imbalance it is trained with ("class_subsample" in its
  // configuration); a record without one reads and writes as before, and then the project's
  // "classSubsample" applies (files written before runs kept their own).
  void runKeepsItsControlledImbalance() {
    imbw::ProjectRun r;
    r.id = "r1";
    r.config.name = "gbdt";
    const json plain = r.toJson();
    QVERIFY(!plain.at("config").contains("class_subsample"));
    QVERIFY(!imbw::ProjectRun::fromJson(plain, 0).config.classSubsample);
    const json own = {
        {"seed", 4}, {"rescaleWeights", true}, {"classes", {{"background", {{"count", 300}}}}}};
    r.config.classSubsample = imbw::ClassSubsample::fromJson(own);
    const json record = r.toJson();
    QCOMPARE(record.at("config").at("class_subsample"), own);
    const imbw::ProjectRun back = imbw::ProjectRun::fromJson(record, 0);
    QCOMPARE(back.toJson().dump(), record.dump());
    json bad = record;
    bad["config"]["class_subsample"]["classes"]["background"] = {{"fraction", 2}};
    try {
      imbw::ProjectRun::fromJson(bad, 2);
      QFAIL("accepted a fraction of 2");
    } catch (const imbw::Error& e) {
      QVERIFY2(
          QString(e.what()).contains("class_subsample") && QString(e.what()).contains("background"),
          e.what());
    }

    // Trained: exactly 300 background events (of every one before the draw; no cut), every
    // signal event, and with rescaleWeights the kept background's Σw is the full Σw.
    const imbw::EventTable table = toyTable(900, 5);
    imbw::RunConfig c;
    imbw::Project p = toyProject(table, &c, {{"kind", "logistic"}, {"max_iterations", 20}});
    c.classSubsample = imbw::ClassSubsample::fromJson(own);
    const std::string ownId = p.addRun(c, "").id;
    Silent quiet;
    const auto counts = [&](const imbw::StoredRun& s, std::size_t* bg, std::size_t* sig,
                            double* bgWeight) {
      *bg = *sig = 0;
      *bgWeight = 0;
      for (std::size_t k = 0; k < s.size(); ++k) {
        (s.classIndex[k] == 0 ? *bg : *sig) += 1;
        if (s.classIndex[k] == 0) *bgWeight += s.weight[k];
      }
    };
    std::size_t allBg = 0, allSig = 0;
    double allBgWeight = 0;
    for (std::size_t i = 0; i < table.size(); ++i) {
      (table.classIndex[i] == 0 ? allBg : allSig) += 1;
      if (table.classIndex[i] == 0) allBgWeight += table.weight[i];
    }
    const imbw::TrainedRun a = imbw::trainProjectRun(p, ownId, table, quiet);
    QVERIFY(a.stored);
    std::size_t bg = 0, sig = 0;
    double bgWeight = 0;
    counts(*a.stored, &bg, &sig, &bgWeight);
    QCOMPARE(bg, std::size_t{300});
    QCOMPARE(sig, allSig);
    QVERIFY2(std::abs(bgWeight - allBgWeight) < 1e-9 * std::abs(allBgWeight),
             qPrintable(QString("%1 vs %2").arg(bgWeight).arg(allBgWeight)));
    for (std::size_t k = 0; k < a.stored->size(); ++k) {  // each event named by its file row
      const std::size_t row = static_cast<std::size_t>(a.stored->eventIndex[k] - 1000);
      QCOMPARE(a.stored->classIndex[k], table.classIndex[row]);
    }

    // The same draw given by the project instead: a run without its own takes it.
    imbw::RunConfig legacy = c;
    legacy.classSubsample.reset();
    p.analysis.extra["classSubsample"] = own;
    const std::string legacyId = p.addRun(legacy, "").id;
    const imbw::TrainedRun b = imbw::trainProjectRun(p, legacyId, table, quiet);
    QVERIFY(b.stored);
    QCOMPARE(b.stored->eventIndex, a.stored->eventIndex);
    QCOMPARE(b.stored->weight, a.stored->weight);
    QCOMPARE(b.stored->score, a.stored->score);
    // A run whose own says "no draw" ignores the project's.
    imbw::RunConfig none = c;
    none.classSubsample = imbw::ClassSubsample{};
    const std::string noneId = p.addRun(none, "").id;
    const imbw::TrainedRun n = imbw::trainProjectRun(p, noneId, table, quiet);
    QVERIFY(n.stored);
    QCOMPARE(n.stored->size(), table.size());
  }

  void trainedRunSurvivesTheSidecar() {
    const imbw::EventTable table = toyTable(900, 3);
    imbw::RunConfig c;
    imbw::Project p = toyProject(table, &c, {{"kind", "logistic"}, {"max_iterations", 20}});
    const std::string id = p.addRun(c, "x1 > -2.5").id;
    Silent quiet;
    const imbw::TrainedRun trained = imbw::trainProjectRun(p, id, table, quiet);
    const imbw::ProjectRun& run = *p.findRun(id);
    QVERIFY(run.status == imbw::RunStatus::Done);
    QCOMPARE(run.config.features, (std::vector<std::string>{"x0", "x1"}));  // as trained
    QCOMPARE(run.folds.size(), std::size_t{3});
    QVERIFY(trained.stored);
    const imbw::StoredRun& s = *trained.stored;

    // Only the events passing the run's cut, each once, named by its file row and sample.
    std::size_t pass = 0;
    for (float v : table.columns[1]) pass += v > -2.5f ? 1 : 0;
    QCOMPARE(s.size(), pass);
    for (std::size_t k = 0; k < s.size(); ++k) {
      const std::size_t row = static_cast<std::size_t>(s.eventIndex[k] - 1000);
      QVERIFY(table.columns[1][row] > -2.5f);
      QCOMPARE(s.sample[k], table.sampleIndex[row]);
      QCOMPARE(s.classIndex[k], table.classIndex[row]);
      QCOMPARE(s.weight[k], table.weight[row]);
      QVERIFY(s.fold[k] >= 0 && s.fold[k] < 3 && std::isfinite(s.score[k]));
    }
    // Every event trained two of the three fold models: two training scores each.
    QCOMPARE(s.trainRow.size(), 2 * s.size());
    QCOMPARE(s.models.size(), std::size_t{3});

    // The stored evaluation's per-fold AP equals the engine's fold metric.
    imbw::RunEvaluationOptions opt;
    const imbw::RunEvaluation before = imbw::evaluateRun(s.heldOut(), s.training(), opt);
    for (const auto& f : run.folds)
      QCOMPARE(before.perFold[static_cast<std::size_t>(f.fold)].averagePrecision,
               f.metrics.at("ap"));
    // The pooled AP equals the one computed straight from the scores.
    std::vector<std::uint8_t> sig;
    for (auto c2 : s.classIndex) sig.push_back(c2 == 1);
    QCOMPARE(before.pooled.averagePrecision, imbw::averagePrecision(s.score, sig, s.weight));

    // Through the sidecar file and back: identical arrays, identical evaluation.
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/p.results.h5";
    imbw::writeRunStore(path, {{id, trained.stored}});
    const auto back = imbw::readRunStore(path);
    QCOMPARE(back.size(), std::size_t{1});
    const imbw::StoredRun& r = *back.at(id);
    QCOMPARE(r.eventIndex, s.eventIndex);
    QCOMPARE(r.score, s.score);
    QCOMPARE(r.trainScore, s.trainScore);
    QCOMPARE(r.trainRow, s.trainRow);
    QCOMPARE(r.history.size(), s.history.size());
    QCOMPARE(r.models, s.models);
    const imbw::RunEvaluation after = imbw::evaluateRun(r.heldOut(), r.training(), opt);
    QCOMPARE(after.roc.fpr, before.roc.fpr);
    QCOMPARE(after.pr.precision, before.pr.precision);
    QCOMPARE(after.histograms.size(), before.histograms.size());
    for (std::size_t c2 = 0; c2 < after.histograms.size(); ++c2) {
      QCOMPARE(after.histograms[c2].test.sumW, before.histograms[c2].test.sumW);
      QCOMPARE(after.histograms[c2].ks.probability, before.histograms[c2].ks.probability);
    }

    // A stored fold model predicts that fold's held-out events exactly as the run scored them.
    const std::string modelFile = imbw::materialiseModel(r, 1, dir.path().toStdString());
    const auto model = imbw::loadModel(modelFile);
    std::vector<std::size_t> rows;
    const imbw::RowMatrixF x = foldFeatures(r, table, 1, 1000, &rows);
    const std::vector<double> again = model->predict(x);
    for (std::size_t k = 0; k < rows.size(); ++k) QCOMPARE(again[k], r.score[rows[k]]);
  }

  // Three classes: every class's probability is stored, survives the sidecar, and gives that
  // class's one-vs-rest curves (the AUC and AP of oneVsRest, which matches scikit-learn).
  void threeClassRunKeepsEveryClassProbability() {
    const imbw::EventTable table = toyTable3(1200, 5);
    imbw::RunConfig c;
    imbw::Project p = toyProject(table, &c, {{"kind", "gbdt"}, {"trees", 15}, {"max_depth", 3}});
    const std::string id = p.addRun(c, "").id;
    Silent quiet;
    const imbw::TrainedRun trained = imbw::trainProjectRun(p, id, table, quiet);
    QVERIFY(trained.stored);
    const imbw::StoredRun& s = *trained.stored;
    QCOMPARE(s.probabilityClasses(), 3);
    QCOMPARE(s.trainProbability.size(), 3 * s.trainRow.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double sum = s.probability[3 * i] + s.probability[3 * i + 1] + s.probability[3 * i + 2];
      QVERIFY2(std::abs(sum - 1.0) < 1e-6, qPrintable(QString::number(sum)));
      QVERIFY(std::abs(s.probability[3 * i + 2] - s.score[i]) < 1e-9);  // score = P(signal)
    }
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/p.results.h5";
    imbw::writeRunStore(path, {{id, trained.stored}});
    const auto back = imbw::readRunStore(path);
    const imbw::StoredRun& r = *back.at(id);
    QCOMPARE(r.probability, s.probability);
    QCOMPARE(r.trainProbability, s.trainProbability);

    const imbw::OneVsRest ovr = imbw::oneVsRest(r.probability, r.classIndex, 3, r.weight);
    for (int cls = 0; cls < 3; ++cls) {
      imbw::RunEvaluationOptions opt;
      opt.signalClass = cls;
      opt.numClasses = 3;
      const imbw::RunEvaluation e = imbw::evaluateRun(r.heldOut(cls), r.training(cls), opt);
      const auto k = static_cast<std::size_t>(cls);
      QVERIFY(std::abs(e.pooled.auc - ovr.perClass[k].auc) < 1e-12);
      QVERIFY(std::abs(e.pooled.averagePrecision - ovr.perClass[k].averagePrecision) < 1e-12);
      QCOMPARE(e.histograms.size(), std::size_t{3});
      // The training histograms of class `cls` hold that class's training probabilities.
      double trainSum = 0.0;
      for (std::size_t j = 0; j < r.trainRow.size(); ++j)
        if (r.classIndex[static_cast<std::size_t>(r.trainRow[j])] == cls)
          trainSum += r.weight[static_cast<std::size_t>(r.trainRow[j])];
      QVERIFY(std::abs(e.histograms[k].train.integral() + e.histograms[k].train.underflow +
                       e.histograms[k].train.overflow - trainSum) < 1e-6 * trainSum);
    }
    // The "w" class is told apart by x1: its one-vs-rest AUC is well above chance.
    QVERIFY(ovr.perClass[1].auc > 0.7);
    try {
      (void)r.heldOut(3);
      QFAIL("a fourth class was accepted");
    } catch (const imbw::Error& e) {
      QVERIFY2(QString(e.what()).contains("3 classes"), e.what());
    }
  }

  // A calibrated run (a PipelineModel) keeps its calibration in the sidecar: the materialised
  // fold model predicts the stored, calibrated scores.
  void calibratedModelSurvivesTheSidecar() {
    const imbw::EventTable table = toyTable(900, 8);
    imbw::RunConfig c;
    imbw::Project p = toyProject(table, &c, {{"kind", "logistic"}, {"max_iterations", 20}});
    c.calibration.kind = imbw::CalibrationConfig::Kind::Platt;
    c.resample.negativeWeights = imbw::NegativeWeightPolicy::Abs;  // Platt needs w ≥ 0
    const std::string id = p.addRun(c, "").id;
    Silent quiet;
    const imbw::TrainedRun trained = imbw::trainProjectRun(p, id, table, quiet);
    QCOMPARE(trained.stored->modelPipelines.size(), std::size_t{3});
    QVERIFY(trained.stored->modelPipelines[0].find("platt") != std::string::npos);
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/p.results.h5";
    imbw::writeRunStore(path, {{id, trained.stored}});
    const auto back = imbw::readRunStore(path);
    const imbw::StoredRun& r = *back.at(id);
    QCOMPARE(r.modelPipelines, trained.stored->modelPipelines);
    const auto model = imbw::loadModel(imbw::materialiseModel(r, 2, dir.path().toStdString()));
    std::vector<std::size_t> rows;
    const imbw::RowMatrixF x = foldFeatures(r, table, 2, 1000, &rows);
    const std::vector<double> again = model->predict(x);
    for (std::size_t k = 0; k < rows.size(); ++k) QCOMPARE(again[k], r.score[rows[k]]);
    // The same fold without its pipeline, materialised into the same folder: the calibration
    // left there by the first is removed, so the bare model is not wrapped by it.
    imbw::StoredRun bare = r;
    bare.modelPipelines.clear();
    const std::string bareFile = imbw::materialiseModel(bare, 2, dir.path().toStdString());
    QVERIFY(!fs::exists(bareFile + ".pipeline.json"));
    const std::vector<double> raw = imbw::loadModel(bareFile)->predict(x);
    bool differs = false;
    for (std::size_t k = 0; k < rows.size(); ++k) differs = differs || raw[k] != again[k];
    QVERIFY(differs);
  }

  void aFailedSaveKeepsThePreviousSidecar() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/p.results.h5";
    auto good = std::make_shared<imbw::StoredRun>();
    good->eventIndex = {4};
    good->sample = {0};
    good->fold = {0};
    good->classIndex = {1};
    good->weight = {1.0};
    good->score = {0.75};
    imbw::writeRunStore(path, {{"r1", good}});
    const std::string before = readFile(path);
    auto broken = std::make_shared<imbw::StoredRun>(*good);
    broken->score.push_back(0.5);  // columns of different lengths: refused while writing
    try {
      imbw::writeRunStore(path, {{"r1", good}, {"r2", broken}});
      QFAIL("wrote inconsistent columns");
    } catch (const imbw::Error& e) {
      QVERIFY2(QString(e.what()).contains("r2"), e.what());
    }
    QCOMPARE(readFile(path), before);
    QVERIFY(!fs::exists(dir.path().toStdString() + "/.p.results.h5.tmp"));
    // A folder that does not exist: the message names the file.
    try {
      imbw::writeRunStore(dir.path().toStdString() + "/missing/p.results.h5", {{"r1", good}});
      QFAIL("wrote into a missing folder");
    } catch (const imbw::Error& e) {
      QVERIFY2(QString(e.what()).contains("missing"), e.what());
    }
  }

  void sidecarSitsBesideTheProject() {
    QCOMPARE(imbw::sidecarPath("/a/b/ww.json"), std::string("/a/b/ww.results.h5"));
    QCOMPARE(imbw::sidecarPath("ww.analysis.json"), std::string("ww.analysis.results.h5"));
  }
};

QTEST_GUILESS_MAIN(TestProject)
#include "test_project.moc"
