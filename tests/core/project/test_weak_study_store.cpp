// Weak-supervision studies in the project (issue 14): the "weak_studies" list round-trips
// through the project file, a project without studies (the bundled example) saves exactly as
// before, bad entries are refused with the entry and key named; the sidecar's "studies" group
// keeps a hand-built result value for value (infinities included), writers that do not know the
// studies keep them, and a study's starting score is the expression evaluated per event.

#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

#include "core/learn/model_bytes.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/study_store.h"
#include "core/unsup/cross_fit.h"
#include "core/unsup/weak_study_run.h"
#include "core/util/error.h"

using nlohmann::json;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string dijetExample() {
  return std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/dijet/dijet.analysis.json";
}

imbw::WeakStudy aStudy(const std::string& id) {
  imbw::WeakStudy s;
  s.id = id;
  s.name = "TNT from tau21";
  s.method = "tnt";
  s.resonance = "mjj";
  s.cut = "mjj > 2000";
  s.start1 = "-j1_tau21";
  s.start2 = "-j2_tau21";
  s.config.object1Features = {"j1_mass", "j1_tau21"};
  s.config.object2Features = {"j2_mass", "j2_tau21"};
  s.config.window = {3250.0, 3750.0};
  s.config.sidebandWidth = 300.0;
  s.config.classifier = {{"kind", "gbdt"}, {"trees", 20}};
  s.config.signalTagFraction = 0.15;
  s.config.backgroundTagFraction = 0.5;
  s.config.tagInWindow = false;
  s.config.iterations = 2;
  s.config.folds = 4;
  s.config.seed = 7;
  s.withSupervised = false;
  s.efficiencies = {0.05, 0.005};
  s.done = true;
  return s;
}

imbw::StudyResult aResult() {
  const double inf = std::numeric_limits<double>::infinity();
  imbw::StudyResult r;
  r.resonance = {3000, 3300, 3500, 3600, 4100};
  r.weight = {1.0, 0.5, -0.25, 2.0, 1.0};
  r.truth = {0, 1, 1, 0, 0};
  r.score = {0.1, 0.9, 0.8, 0.3, 0.2};
  r.start1 = {1, 2, 3, 4, 5};
  r.start2 = {5, 4, 3, 2, 1};
  r.startCombined = {0.2, 0.4, 0.6, 0.4, 0.2};
  r.metrics = {0.75, inf, 2.5, 0.4};
  r.startMetrics = {0.6, 3.0, 1.5, 0.2};
  r.startMetrics1 = {0.55, 2.0, 1.2, 0.3};
  r.startMetrics2 = {0.65, 4.0, 1.7, 0.5};
  for (int k = 0; k < 2; ++k) {
    imbw::StudyStep s;
    s.score1 = {0.1 * k, 0.2, 0.3, 0.4, 0.5};
    s.score2 = {0.5, 0.4, 0.3, 0.2, 0.1 * k};
    s.combined = {0.0, 0.1, 0.2, 0.3, 0.4 + k};
    s.metrics1 = {0.7 + 0.1 * k, 5.0, 2.0, 0.1};
    s.metrics2 = {0.6 + 0.1 * k, 6.0, 2.1, 0.2};
    s.metricsCombined = {0.8 + 0.1 * k, inf, 3.0, 0.3};
    s.purity1 = 0.3 + k;
    s.purity2 = 0.4 + k;
    r.steps.push_back(s);
  }
  imbw::StudyBump b;
  b.efficiency = 0.05;
  b.threshold = 0.85;
  b.edges = {2000, 3000, 4000, 5000};
  b.all = {1, 2, 0.5};
  b.signal = {0, 1.5, 0};
  b.background = {1, 0.5, 0.5};
  b.reference = {1.2, 1.1, 0.9};
  b.fit = {1.1, 0.9, 0.7};
  b.observed = 2.0;
  b.expected = 0.9;
  b.significance = 1.03;
  r.bumps.push_back(b);
  imbw::StudyBump failed = b;
  failed.fit.clear();
  failed.fitError = "fewer than two sideband bins hold events";
  r.bumps.push_back(failed);
  r.seconds = 12.5;
  return r;
}

void compareMetrics(const imbw::WeakMetrics& a, const imbw::WeakMetrics& b) {
  QCOMPARE(a.auc, b.auc);
  QCOMPARE(a.rejectionAt02, b.rejectionAt02);
  QCOMPARE(a.maxSignificanceImprovement, b.maxSignificanceImprovement);
  QCOMPARE(a.efficiencyAtMaxSic, b.efficiencyAtMaxSic);
}

}  // namespace

class TestWeakStudyStore : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void aProjectWithoutStudiesSavesAsBefore() {
    // The example has no study: saved, reopened and saved again, the same bytes, and the
    // file does not mention studies.
    QTemporaryDir dir;
    const imbw::Project p = imbw::Project::load(dijetExample());
    QVERIFY(p.studies.empty());
    const std::string a = dir.path().toStdString() + "/a.json";
    const std::string b = dir.path().toStdString() + "/b.json";
    p.save(a);
    imbw::Project::load(a).save(b);
    QCOMPARE(readFile(b), readFile(a));
    QVERIFY(readFile(a).find("weak_studies") == std::string::npos);
    // No key beyond what a project of the example held before studies existed (and its columns'
    // "units", which the example file carries).
    const json saved = json::parse(readFile(a));
    for (const auto& [key, value] : saved.items())
      QVERIFY2((std::set<std::string>{"formatVersion", "name", "samples", "classes", "signalClass",
                                      "missingValue", "derived", "cut", "features", "runs", "units"}
                    .count(key)),
               key.c_str());
  }

  void studiesRoundTripThroughTheProjectFile() {
    QTemporaryDir dir;
    imbw::Project p = imbw::Project::load(dijetExample());
    QCOMPARE(p.newStudyId(), std::string("w1"));
    p.studies.push_back(aStudy("w1"));
    imbw::WeakStudy configured = aStudy("w3");
    configured.name = "CWoLa";
    configured.method = "cwola";
    configured.start1.clear();
    configured.start2.clear();
    configured.done = false;
    configured.config.tagInWindow = true;  // the default
    p.studies.push_back(configured);
    QCOMPARE(p.newStudyId(), std::string("w4"));
    const std::string a = dir.path().toStdString() + "/a.json";
    const std::string b = dir.path().toStdString() + "/b.json";
    p.save(a);
    const imbw::Project q = imbw::Project::load(a);
    QCOMPARE(q.studies.size(), std::size_t{2});
    const imbw::WeakStudy& s = q.studies[0];
    const imbw::WeakStudy e = aStudy("w1");
    QCOMPARE(s.id, e.id);
    QCOMPARE(s.name, e.name);
    QCOMPARE(s.method, e.method);
    QCOMPARE(s.cut, e.cut);
    QCOMPARE(s.start1, e.start1);
    QCOMPARE(s.start2, e.start2);
    QVERIFY(s.config.object1Features == e.config.object1Features);
    QVERIFY(s.config.object2Features == e.config.object2Features);
    QCOMPARE(s.config.window.lo, 3250.0);
    QCOMPARE(s.config.window.hi, 3750.0);
    QCOMPARE(s.config.sidebandWidth, 300.0);
    QVERIFY(s.config.classifier == e.config.classifier);
    QVERIFY(s.config.autoencoder == e.config.autoencoder);
    QCOMPARE(s.config.signalTagFraction, 0.15);
    QCOMPARE(s.config.backgroundTagFraction, 0.5);
    QCOMPARE(s.config.tagInWindow, false);
    QVERIFY(q.studies[1].config.tagInWindow);  // the default, written and read back
    QCOMPARE(s.config.iterations, 2);
    QCOMPARE(s.config.folds, 4);
    QCOMPARE(s.config.seed, std::uint64_t{7});
    QCOMPARE(s.withSupervised, false);
    QVERIFY(s.efficiencies == e.efficiencies);
    QVERIFY(s.done);
    QVERIFY(!q.studies[1].done);
    QVERIFY(!q.studies[1].usesStartExpressions());
    QCOMPARE(q.studyByIdOrName("CWoLa").id, std::string("w3"));
    QCOMPARE(q.studyByIdOrName("w1").name, e.name);
    try {
      (void)q.studyByIdOrName("CWola");
      QFAIL("an unknown study was found");
    } catch (const imbw::Error& err) {
      QVERIFY2(std::string(err.what()).find("did you mean 'CWoLa'") != std::string::npos,
               err.what());
    }
    q.save(b);
    QCOMPARE(readFile(b), readFile(a));
  }

  void badStudiesAreNamed() {
    json j = json::parse(readFile(dijetExample()));
    j["weak_studies"] = json::array({aStudy("w1").toJson(), aStudy("w2").toJson()});
    j["weak_studies"][1]["method"] = "cwolla";
    try {
      (void)imbw::Project::fromJson(j, IMBW_TEST_SOURCE_DIR "/resources/examples/dijet");
      QFAIL("an unknown method was accepted");
    } catch (const imbw::Error& e) {
      const std::string m = e.what();
      QVERIFY2(m.find("weak_studies[1] ('w2')") != std::string::npos, e.what());
      QVERIFY2(m.find("did you mean 'cwola'") != std::string::npos, e.what());
    }
    j["weak_studies"][1] = aStudy("w1").toJson();
    try {
      (void)imbw::Project::fromJson(j, IMBW_TEST_SOURCE_DIR "/resources/examples/dijet");
      QFAIL("a repeated id was accepted");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("id 'w1' is used twice") != std::string::npos, e.what());
    }
    j["weak_studies"][1] = aStudy("w2").toJson();
    j["weak_studies"][1]["settings"]["window"] = {3700, 3300};
    try {
      (void)imbw::Project::fromJson(j, IMBW_TEST_SOURCE_DIR "/resources/examples/dijet");
      QFAIL("an upside-down window was accepted");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("\"window\"") != std::string::npos, e.what());
    }
  }

  void theSidecarKeepsAStudyValueForValue() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/p.results.h5";
    const imbw::StudyResult r = aResult();
    imbw::StudyStore store{{"w1", std::make_shared<imbw::StudyResult>(r)}};
    imbw::writeRunStore(path, {}, {}, &store);
    const imbw::StudyStore back = imbw::readStudyStore(path);
    QCOMPARE(back.size(), std::size_t{1});
    const imbw::StudyResult& s = *back.at("w1");
    QVERIFY(s.resonance == r.resonance);
    QVERIFY(s.weight == r.weight);
    QVERIFY(s.truth == r.truth);
    QVERIFY(s.score == r.score);
    QVERIFY(s.supervised.empty());
    QVERIFY(s.start1 == r.start1);
    QVERIFY(s.start2 == r.start2);
    QVERIFY(s.startCombined == r.startCombined);
    compareMetrics(s.metrics, r.metrics);
    compareMetrics(s.startMetrics, r.startMetrics);
    compareMetrics(s.startMetrics1, r.startMetrics1);
    compareMetrics(s.startMetrics2, r.startMetrics2);
    QCOMPARE(s.steps.size(), std::size_t{2});
    for (std::size_t k = 0; k < 2; ++k) {
      QVERIFY(s.steps[k].score1 == r.steps[k].score1);
      QVERIFY(s.steps[k].score2 == r.steps[k].score2);
      QVERIFY(s.steps[k].combined == r.steps[k].combined);
      compareMetrics(s.steps[k].metrics1, r.steps[k].metrics1);
      compareMetrics(s.steps[k].metrics2, r.steps[k].metrics2);
      compareMetrics(s.steps[k].metricsCombined, r.steps[k].metricsCombined);
      QCOMPARE(s.steps[k].purity1, r.steps[k].purity1);
      QCOMPARE(s.steps[k].purity2, r.steps[k].purity2);
    }
    QCOMPARE(s.bumps.size(), std::size_t{2});
    for (std::size_t k = 0; k < 2; ++k) {
      const imbw::StudyBump& a = s.bumps[k];
      const imbw::StudyBump& b = r.bumps[k];
      QVERIFY(a.edges == b.edges && a.all == b.all && a.signal == b.signal);
      QVERIFY(a.background == b.background && a.reference == b.reference && a.fit == b.fit);
      QCOMPARE(a.efficiency, b.efficiency);
      QCOMPARE(a.threshold, b.threshold);
      QCOMPARE(a.observed, b.observed);
      QCOMPARE(a.expected, b.expected);
      QCOMPARE(a.significance, b.significance);
      QCOMPARE(a.fitError, b.fitError);
    }
    QCOMPARE(s.seconds, 12.5);

    // A writer that knows nothing of studies (the CLI's run, a Slurm merge) keeps them ...
    imbw::writeRunStore(path, {}, {{"note", "rewritten"}});
    QCOMPARE(imbw::readRunStoreAttribute(path, "note"), std::string("rewritten"));
    QVERIFY(imbw::readStudyStore(path).at("w1")->score == r.score);
    // ... and an explicit empty store drops them.
    const imbw::StudyStore none;
    imbw::writeRunStore(path, {}, {}, &none);
    QVERIFY(imbw::readStudyStore(path).empty());
  }

  void mismatchedColumnsAreRefused() {
    QTemporaryDir dir;
    imbw::StudyResult r = aResult();
    r.steps[1].score2.pop_back();
    imbw::StudyStore store{{"w9", std::make_shared<imbw::StudyResult>(r)}};
    try {
      imbw::writeRunStore(dir.path().toStdString() + "/x.h5", {}, {}, &store);
      QFAIL("a short step column was written");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("study 'w9'") != std::string::npos, e.what());
    }
  }

  void aStartingScoreIsTheExpressionPerEvent() {
    imbw::EventTable t;
    t.columnNames = {"a", "b"};
    t.columns = {{1.0f, 2.0f, 4.0f, 8.0f}, {0.5f, 0.25f, 2.0f, 1.0f}};
    t.classIndex = {0, 1, 0, 1};
    const std::vector<std::size_t> rows{3, 0, 2};
    const std::vector<double> v = imbw::evaluateStartScore("start", "-a / b + 1", t, rows);
    QCOMPARE(v.size(), std::size_t{3});
    QCOMPARE(v[0], -8.0 / 1.0 + 1);
    QCOMPARE(v[1], -1.0 / 0.5 + 1);
    QCOMPARE(v[2], -4.0 / 2.0 + 1);
    try {
      (void)imbw::evaluateStartScore("object 1's starting score", "-aa", t, rows);
      QFAIL("an unknown column was accepted");
    } catch (const imbw::Error& e) {
      const std::string m = e.what();
      QVERIFY2(m.find("object 1's starting score '-aa'") != std::string::npos, e.what());
      QVERIFY2(m.find("at character 2") != std::string::npos, e.what());
    }
    try {
      (void)imbw::evaluateStartScore("s", "log(a - 2)", t, rows);
      QFAIL("a NaN start was accepted");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("event 1 of the selection") != std::string::npos,
               e.what());
    }
  }
  // Tag N' Train keeps every step's classifiers (one per fold and object) in the sidecar: read
  // back and applied to the events of their fold, they give the stored step scores again.
  void tntStepModelsReproduceTheStepScores() {
    const std::size_t n = 600;
    std::mt19937 rng(11);
    std::normal_distribution<double> g(0.0, 1.0);
    imbw::StudyEvents e;
    e.x.featureNames = {"a1", "a2", "b1", "b2"};
    e.x.classNames = {"background", "signal"};
    e.x.signalClass = 1;
    e.x.x.resize(static_cast<Eigen::Index>(n), 4);
    for (std::size_t i = 0; i < n; ++i) {
      const bool sig = i % 5 == 0;
      e.x.label.push_back(sig ? 1 : 0);
      e.x.weight.push_back(1.0);
      const auto r = static_cast<Eigen::Index>(i);
      e.x.x(r, 0) = static_cast<float>(g(rng) + (sig ? 1.5 : 0.0));
      e.x.x(r, 1) = static_cast<float>(g(rng));
      e.x.x(r, 2) = static_cast<float>(g(rng) + (sig ? 1.5 : 0.0));
      e.x.x(r, 3) = static_cast<float>(g(rng));
      e.resonance.push_back(3400.0 + 200.0 * static_cast<double>(i % 2));
      e.start1.push_back(e.x.x(r, 0));
      e.start2.push_back(e.x.x(r, 2));
    }
    imbw::WeakStudy st;
    st.id = "w1";
    st.method = "tnt";
    st.start1 = "a1";
    st.start2 = "b1";
    st.config.object1Features = {"a1", "a2"};
    st.config.object2Features = {"b1", "b2"};
    st.config.classifier = {{"kind", "logistic"}};
    st.config.iterations = 2;
    st.config.folds = 3;
    st.config.seed = 5;
    st.withSupervised = false;
    st.efficiencies.clear();
    const imbw::StudyResult r = imbw::runWeakStudy(st, e);
    QCOMPARE(r.steps.size(), std::size_t{2});
    QCOMPARE(r.fold.size(), n);

    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/p.results.h5";
    const imbw::StudyStore store{{"w1", std::make_shared<imbw::StudyResult>(r)}};
    imbw::writeRunStore(path, {}, {}, &store);
    const imbw::StudyStore read = imbw::readStudyStore(path);
    const imbw::StudyResult& back = *read.at("w1");
    QVERIFY(back.fold == r.fold);
    // The folds are the seeded shuffle of the events (Tag N' Train's seed), blind to labels.
    const std::vector<int> folds = imbw::randomFolds(n, 3, imbw::tntConfig(st.config).seed);
    QVERIFY(std::equal(folds.begin(), folds.end(), back.fold.begin()));
    for (std::size_t k = 0; k < 2; ++k) {
      const imbw::StudyStep& step = back.steps[k];
      QCOMPARE(step.models1.size(), std::size_t{3});
      QCOMPARE(step.models2.size(), std::size_t{3});
      QCOMPARE(step.modelSuffix, imbw::modelFileSuffix("logistic"));
      for (int object = 1; object <= 2; ++object) {
        const auto& models = object == 1 ? step.models1 : step.models2;
        const auto& stored = object == 1 ? step.score1 : step.score2;
        const Eigen::Index first = object == 1 ? 0 : 2;
        for (int f = 0; f < 3; ++f) {
          std::vector<std::size_t> rows;
          for (std::size_t i = 0; i < n; ++i)
            if (back.fold[i] == f) rows.push_back(i);
          imbw::RowMatrixF x(static_cast<Eigen::Index>(rows.size()), 2);
          for (std::size_t j = 0; j < rows.size(); ++j)
            for (Eigen::Index c = 0; c < 2; ++c)
              x(static_cast<Eigen::Index>(j), c) =
                  e.x.x(static_cast<Eigen::Index>(rows[j]), first + c);
          const auto model = imbw::modelFromBytes(models[static_cast<std::size_t>(f)], ".h5");
          QCOMPARE(model->kind(), std::string("logistic"));
          const std::vector<double> s = model->predict(x);
          for (std::size_t j = 0; j < rows.size(); ++j)
            QVERIFY2(std::abs(s[j] - stored[rows[j]]) <= 1e-9,
                     qPrintable(QString("step %1, object %2, event %3: %4 vs %5")
                                    .arg(k + 1)
                                    .arg(object)
                                    .arg(rows[j])
                                    .arg(s[j])
                                    .arg(stored[rows[j]])));
        }
      }
    }
    // The second step learnt from the first step's tags, so its models differ from the first.
    QVERIFY(back.steps[0].models1[0] != back.steps[1].models1[0]);
  }

  // A signal-fraction scan is a study: its settings in the project file, its points in the
  // sidecar; bad scan settings are named.
  void aScanStudyRoundTrips() {
    imbw::Project p = imbw::Project::load(dijetExample());
    imbw::WeakStudy st = aStudy("w1");
    st.method = imbw::WeakStudy::kScanMethod;
    st.start1.clear();
    st.start2.clear();
    st.fractions = {0.05, 0.01};
    st.scanMethods = {"cwola", "tnt"};
    p.studies.push_back(st);
    const json j = p.toJson();
    const imbw::Project q = imbw::Project::fromJson(j, p.analysis.baseDir);
    QCOMPARE(q.studies.size(), std::size_t{1});
    QVERIFY(q.studies[0].isScan());
    QVERIFY(q.studies[0].fractions == st.fractions);
    QVERIFY(q.studies[0].scanMethods == st.scanMethods);

    for (const auto& [key, value, message] :
         {std::tuple{"fractions", json::array(), "needs \"fractions\""},
          std::tuple{"fractions", json{0.1, -0.2}, "must be positive"},
          std::tuple{"methods", json{"cwola", "tnnt"}, "tnnt"}}) {
      json bad = j;
      bad["weak_studies"][0][key] = value;
      try {
        (void)imbw::Project::fromJson(bad, p.analysis.baseDir);
        QFAIL(
            qPrintable(QString("accepted %1 = %2").arg(key, QString::fromStdString(value.dump()))));
      } catch (const imbw::Error& e) {
        QVERIFY2(std::string(e.what()).find(message) != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find("weak_studies[0]") != std::string::npos, e.what());
      }
    }

    imbw::StudyResult r;
    for (int k = 0; k < 4; ++k) {
      imbw::ScanPoint pt;
      pt.sOverB = k < 2 ? 0.05 : 0.01;
      pt.method = k % 2 ? "tnt" : "cwola";
      pt.signalEvents = 400 / static_cast<std::size_t>(k + 1);
      pt.backgroundEvents = 8000;
      pt.metrics = {0.6 + 0.05 * k, k == 3 ? std::numeric_limits<double>::infinity() : 7.5 * k,
                    1.1 * k, 0.2};
      pt.seconds = 3.25 * k;
      r.scan.push_back(pt);
    }
    r.seconds = 9.0;
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/p.results.h5";
    const imbw::StudyStore store{{"w1", std::make_shared<imbw::StudyResult>(r)}};
    imbw::writeRunStore(path, {}, {}, &store);
    const imbw::StudyStore read = imbw::readStudyStore(path);
    const imbw::StudyResult& back = *read.at("w1");
    QCOMPARE(back.scan.size(), std::size_t{4});
    for (std::size_t k = 0; k < 4; ++k) {
      QCOMPARE(back.scan[k].sOverB, r.scan[k].sOverB);
      QCOMPARE(back.scan[k].method, r.scan[k].method);
      QCOMPARE(back.scan[k].signalEvents, r.scan[k].signalEvents);
      QCOMPARE(back.scan[k].backgroundEvents, r.scan[k].backgroundEvents);
      compareMetrics(back.scan[k].metrics, r.scan[k].metrics);
      QCOMPARE(back.scan[k].seconds, r.scan[k].seconds);
    }
    QVERIFY(back.score.empty());
  }

  void studiesAreRemovedAndRenamed() {
    imbw::Project p;
    p.studies = {aStudy("w1"), aStudy("w3")};
    p.studies[1].name = "second";
    p.renameStudy("w1", "  first ");
    QCOMPARE(p.findStudy("w1")->name, std::string("first"));
    for (const auto& [id, name, message] :
         {std::tuple{"w1", "second", "study 'w3' is already called 'second'"},
          std::tuple{"w1", "  ", "not empty"}, std::tuple{"w2", "x", "w2"}}) {
      try {
        p.renameStudy(id, name);
        QFAIL(qPrintable(QString("renamed %1 to '%2'").arg(id, name)));
      } catch (const imbw::Error& e) {
        QVERIFY2(std::string(e.what()).find(message) != std::string::npos, e.what());
      }
    }
    QVERIFY(!p.removeStudy("w2"));
    QVERIFY(p.removeStudy("w1"));
    QCOMPARE(p.studies.size(), std::size_t{1});
    QCOMPARE(p.newStudyId(), std::string("w4"));
  }
};

QTEST_GUILESS_MAIN(TestWeakStudyStore)
#include "test_weak_study_store.moc"
