// Held-out scores as HDF5: read back with the plain HDF5 C API (not our writer's code) and
// with h5py (Debian's /usr/bin/python3), the AP and AUC recomputed from the file equal those of
// the input vectors, and bad input is refused with the column named.

#include <hdf5.h>
#include <QtTest/QtTest>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "core/eval/pr_curve.h"
#include "core/eval/roc_curve.h"
#include "core/export/scores_export.h"
#include "core/util/error.h"

namespace {

imbw::ScoresTable table(std::size_t n) {
  imbw::ScoresTable t;
  t.runName = "GBDT focal α=0.25";
  t.sampleNames = {"ww_polarization_01.h5", "background.h5"};
  t.classNames = {"other", "LL"};
  t.signalClass = "LL";
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const bool signal = u(rng) < 0.1;
    t.eventIndex.push_back(static_cast<std::int64_t>(i * 3));
    t.sample.push_back(signal ? 0 : static_cast<std::int32_t>(i % 2));
    t.fold.push_back(static_cast<std::int32_t>(1 + i % 5));
    t.classIndex.push_back(signal ? 1 : 0);
    t.weight.push_back(u(rng) < 0.05 ? -0.5 : 0.5 + u(rng));  // some negative weights
    t.score.push_back(std::clamp(0.3 * signal + u(rng) * 0.8, 0.0, 1.0));
  }
  std::vector<float> pt(n);
  for (auto& v : pt) v = static_cast<float>(20 + 200 * u(rng));
  t.columns.push_back({"pt_j1", pt});
  return t;
}

template <typename T>
std::vector<T> readBack(hid_t file, const char* name, hid_t type) {
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  if (ds < 0) return {};
  const hid_t space = H5Dget_space(ds);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<T> v(n);
  H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(ds);
  return v;
}

}  // namespace

class TestScoresExport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void fileReproducesApAndAuc() {
    const imbw::ScoresTable t = table(3000);
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/scores.h5";
    imbw::writeScoresHdf5(t, path);

    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    QVERIFY(file >= 0);
    const auto score = readBack<double>(file, "scores/score", H5T_NATIVE_DOUBLE);
    const auto weight = readBack<double>(file, "scores/weight", H5T_NATIVE_DOUBLE);
    const auto cls = readBack<std::int32_t>(file, "scores/class", H5T_NATIVE_INT32);
    const auto fold = readBack<std::int32_t>(file, "scores/fold", H5T_NATIVE_INT32);
    const auto index = readBack<std::int64_t>(file, "scores/event_index", H5T_NATIVE_INT64);
    const auto pt = readBack<float>(file, "scores/pt_j1", H5T_NATIVE_FLOAT);
    H5Fclose(file);
    QCOMPARE(score, t.score);
    QCOMPARE(weight, t.weight);
    QCOMPARE(cls, t.classIndex);
    QCOMPARE(fold, t.fold);
    QCOMPARE(index, t.eventIndex);
    QCOMPARE(pt, t.columns[0].second);

    const auto inMask = imbw::signalMask(t.classIndex, 1);
    const auto fileMask = imbw::signalMask(cls, 1);
    const double apIn = imbw::averagePrecision(t.score, inMask, t.weight);
    const double aucIn = imbw::rocAuc(imbw::rocCurve(t.score, inMask, t.weight));
    QCOMPARE(imbw::averagePrecision(score, fileMask, weight), apIn);
    QCOMPARE(imbw::rocAuc(imbw::rocCurve(score, fileMask, weight)), aucIn);
    QVERIFY(aucIn > 0.6);  // the scores carry information: the equality is not vacuous
  }

  void h5pyReadsTheFile() {
    const imbw::ScoresTable t = table(500);
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/scores.h5";
    imbw::writeScoresHdf5(t, path);
    QProcess py;
    py.start("/usr/bin/python3",
             {"-c",
              "import h5py, json, sys\n"
              "g = h5py.File(sys.argv[1], 'r')['scores']\n"
              "a = lambda v: v.decode() if isinstance(v, bytes) else v\n"
              "print(json.dumps({'run': a(g.attrs['run']), 'signal': a(g.attrs['signal_class']),"
              " 'classes': [a(c) for c in g.attrs['class_names']],"
              " 'samples': [a(s) for s in g.attrs['sample_names']],"
              " 'columns': sorted(g.keys()), 'n': len(g['score']),"
              " 'score_sum': float(g['score'][:].sum()), 'dtype': str(g['event_index'].dtype)}))",
              QString::fromStdString(path)});
    QVERIFY(py.waitForFinished(60000));
    QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
    const auto j = nlohmann::json::parse(py.readAllStandardOutput().toStdString());
    QCOMPARE(j["run"].get<std::string>(), t.runName);
    QCOMPARE(j["signal"].get<std::string>(), std::string("LL"));
    QCOMPARE(j["classes"].get<std::vector<std::string>>(), t.classNames);
    QCOMPARE(j["samples"].get<std::vector<std::string>>(), t.sampleNames);
    QCOMPARE(j["columns"].get<std::vector<std::string>>(),
             (std::vector<std::string>{"class", "event_index", "fold", "pt_j1", "sample", "score",
                                       "weight"}));
    QCOMPARE(j["n"].get<std::size_t>(), std::size_t{500});
    double sum = 0.0;
    for (double s : t.score) sum += s;
    QVERIFY(std::abs(j["score_sum"].get<double>() - sum) < 1e-9);
    QCOMPARE(j["dtype"].get<std::string>(), std::string("int64"));
  }

  // With a kept working point: score_pass (int8) is 1 exactly where score >= cut, read back
  // with the C API, and the cut is the group's attribute working_point_cut; an extra column of
  // that name clashes and is refused; without a cut neither is written.
  void passFlagBesideTheScore() {
    imbw::ScoresTable t = table(1000);
    t.passCut = 0.55;
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/wp.h5";
    imbw::writeScoresHdf5(t, path);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    QVERIFY(f >= 0);
    const auto pass = readBack<std::int8_t>(f, "scores/score_pass", H5T_NATIVE_INT8);
    QCOMPARE(pass.size(), t.score.size());
    std::size_t passed = 0;
    for (std::size_t i = 0; i < pass.size(); ++i) {
      QCOMPARE(pass[i], static_cast<std::int8_t>(t.score[i] >= 0.55 ? 1 : 0));
      passed += pass[i] == 1;
    }
    QVERIFY(passed > 100 && passed < 900);
    const hid_t ds = H5Dopen2(f, "scores/score_pass", H5P_DEFAULT);
    const hid_t type = H5Dget_type(ds);
    QCOMPARE(H5Tget_size(type), std::size_t{1});
    H5Tclose(type);
    H5Dclose(ds);
    const hid_t g = H5Gopen2(f, "scores", H5P_DEFAULT);
    double cut = 0;
    const hid_t a = H5Aopen(g, "working_point_cut", H5P_DEFAULT);
    QVERIFY(a >= 0);
    QVERIFY(H5Aread(a, H5T_NATIVE_DOUBLE, &cut) >= 0);
    QCOMPARE(cut, 0.55);
    H5Aclose(a);
    H5Gclose(g);
    H5Fclose(f);

    t.passCut.reset();
    imbw::writeScoresHdf5(t, path);
    const hid_t plain = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    QCOMPARE(H5Lexists(plain, "scores/score_pass", H5P_DEFAULT), 0);
    H5Fclose(plain);
    t.passCut = 0.5;
    t.columns.push_back({"score_pass", std::vector<float>(1000)});
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::writeScoresHdf5(t, path));
  }

  void badInputNamesTheColumn() {
    imbw::ScoresTable t = table(10);
    t.fold.pop_back();
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/bad.h5";
    try {
      imbw::writeScoresHdf5(t, path);
      QFAIL("a short fold column was accepted");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("'fold' has 9 entries") != std::string::npos, e.what());
    }
    QVERIFY(!std::filesystem::exists(path));
    t = table(10);
    t.columns.push_back({"score", std::vector<float>(10)});
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::writeScoresHdf5(t, path));
  }
};

QTEST_GUILESS_MAIN(TestScoresExport)
#include "test_scores_export.moc"
