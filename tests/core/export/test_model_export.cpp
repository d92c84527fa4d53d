// Exported models against an independent evaluator: small models trained on the bundled WW
// example are exported to every format their kind supports, and evaluate_exports.py (Debian's
// /usr/bin/python3 with python3-xgboost and python3-onnx: xgboost.Booster.predict for XGBoost
// files; onnx.checker and a numpy interpreter of the ONNX operators for ONNX files) predicts
// held-out events, some features set missing. Its predictions must equal ours to 1e-6.

#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/export/model_export.h"
#include "core/learn/model.h"
#include "core/util/error.h"
#include "tests/core/learn/toy_data.h"

namespace {

std::string sourceDir() {
  const QByteArray dir = qgetenv("IMBW_SOURCE_DIR");
  return dir.isEmpty() ? std::string(IMBW_TEST_SOURCE_DIR) : dir.toStdString();
}

struct Split {
  imbw::FeatureMatrix train, test;
};

/// The WW example after its cut: three events in four for training, the rest held out, and 2 %
/// of the held-out feature values set missing (NaN) so that the missing-value branches count.
Split wwSplit() {
  const std::string dir = sourceDir() + "/resources/examples/ww";
  const imbw::Analysis analysis = imbw::Analysis::load(dir + "/ww.analysis.json");
  const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(analysis);
  const imbw::FeatureMatrix all = imbw::FeatureMatrix::fromTable(loaded.table, analysis.features);
  std::vector<std::size_t> train, test;
  for (std::size_t i = 0; i < all.rows(); ++i) (i % 4 == 3 ? test : train).push_back(i);
  Split s{all.subset(train), all.subset(test)};
  std::uint64_t state = 12345;
  for (Eigen::Index i = 0; i < s.test.x.size(); ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    if ((state >> 33) % 50 == 0) s.test.x.data()[i] = std::nanf("");
  }
  return s;
}

void writeRaw(const std::string& path, const void* data, std::size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

std::vector<double> readDoubles(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto size = static_cast<std::size_t>(in.tellg());
  std::vector<double> v(size / sizeof(double));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 8));
  return v;
}

struct Exported {
  std::string file, kind, format;
  std::vector<double> ours;  ///< predictProba of the held-out events
};

/// Trains every spec on `data.train`, exports it (through its saved file, as the CLI does) in
/// every format its kind supports, has evaluate_exports.py predict `data.test` and compares with
/// our predictProba (QVERIFY failures end the calling test).
void exportAndCompare(const Split& data, const std::vector<nlohmann::json>& specs) {
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const std::string dir = tmp.path().toStdString();
  std::vector<Exported> exported;
  nlohmann::json manifest = {{"rows", data.test.rows()},
                             {"cols", data.test.cols()},
                             {"features", "features.bin"},
                             {"models", nlohmann::json::array()}};
  writeRaw(dir + "/features.bin", data.test.x.data(), data.test.x.size() * sizeof(float));
  int index = 0;
  for (const auto& spec : specs) {
    auto model = imbw::makeModel(spec);
    imbw::FitContext ctx;
    ctx.seed = 7;
    model->fit(data.train, ctx);
    const std::string saved =
        dir + "/model" + std::to_string(index) + ".saved" +
        (model->kind() == "mlp" || model->kind() == "logistic" ? ".h5" : ".ubj");
    model->save(saved);
    const auto loaded = imbw::loadModel(saved);
    const auto ours = loaded->predictProba(data.test.x);
    auto formats = imbw::exportFormats(model->kind());
    QVERIFY2(!formats.empty(), model->kind().c_str());
    if (model->kind() == "gbdt" && data.train.numClasses() > 2) {
      QVERIFY_THROWS_EXCEPTION(
          imbw::Error, imbw::exportModel(*loaded, imbw::ModelFormat::Onnx, dir + "/refused.onnx"));
      formats.pop_back();  // ONNX of boosted trees is for two classes
    }
    for (imbw::ModelFormat f : formats) {
      const std::string name = imbw::formatName(f);
      const std::string file = "model" + std::to_string(index) + "_" + model->kind() + "." +
                               (f == imbw::ModelFormat::Onnx         ? "onnx"
                                : f == imbw::ModelFormat::XgboostUbj ? "ubj"
                                                                     : "json");
      imbw::exportModel(*loaded, f, dir + "/" + file);
      manifest["models"].push_back({{"file", file}, {"format", name}});
      exported.push_back({file, model->kind(), name, ours});
    }
    ++index;
  }
  std::ofstream(dir + "/manifest.json") << manifest.dump(1);

  QProcess py;
  py.setProcessChannelMode(QProcess::MergedChannels);
  py.start(
      "/usr/bin/python3",
      {QString::fromStdString(sourceDir() + "/tests/core/export/evaluate_exports.py"), tmp.path()});
  QVERIFY(py.waitForFinished(300000));
  const QByteArray log = py.readAll();
  QVERIFY2(py.exitStatus() == QProcess::NormalExit && py.exitCode() == 0, log.constData());

  for (const Exported& e : exported) {
    const auto theirs = readDoubles(dir + "/" + e.file + ".theirs.bin");
    const QByteArray what = QByteArray::fromStdString(e.file);
    QVERIFY2(theirs.size() == e.ours.size(), what);
    double maxDiff = 0.0, mean = 0.0;
    for (std::size_t i = 0; i < theirs.size(); ++i) {
      maxDiff = std::max(maxDiff, std::abs(theirs[i] - e.ours[i]));
      mean += e.ours[i];
    }
    mean /= static_cast<double>(e.ours.size());
    double var = 0.0;
    for (double s : e.ours) var += (s - mean) * (s - mean);
    const double sd = std::sqrt(var / static_cast<double>(e.ours.size()));
    qInfo("%s: max |theirs - ours| = %.3g over %zu values (score sd %.3g)", what.constData(),
          maxDiff, theirs.size(), sd);
    QVERIFY2(sd > 1e-3, what + ": the scores hardly vary, the comparison would prove nothing");
    QVERIFY2(maxDiff <= 1e-6, what + ": differs by " + QByteArray::number(maxDiff));
  }
}

}  // namespace

class TestModelExport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void exportedModelsPredictLikeOursElsewhere() {
    QVERIFY2(std::filesystem::exists("/usr/bin/python3"), "/usr/bin/python3 is missing");
    const Split data = wwSplit();
    QVERIFY(data.test.rows() > 2000);
    exportAndCompare(
        data, {
                  {{"kind", "gbdt"}, {"trees", 40}, {"max_depth", 4}, {"learning_rate", 0.2}},
                  {{"kind", "gbdt"},
                   {"trees", 30},
                   {"max_depth", 3},
                   {"loss", {{"kind", "focal"}, {"alpha", 0.25}, {"gamma", 2.0}}}},
                  {{"kind", "random_forest"}, {"trees", 60}, {"max_depth", 8}},
                  {{"kind", "balanced_random_forest"}, {"trees", 30}},
                  {{"kind", "easy_ensemble"},
                   {"members", 3},
                   {"member", {{"trees", 20}, {"max_depth", 3}}}},
                  {{"kind", "mlp"}, {"hidden", {32, 16}}, {"max_epochs", 3}, {"batch_size", 64}},
                  // The paper's network (2 × 150, batch norm, dropout 0.5), briefly trained.
                  {{"kind", "mlp"}, {"max_epochs", 2}},
                  {{"kind", "mlp"},
                   {"hidden", {24}},
                   {"batch_norm", false},
                   {"max_epochs", 2},
                   {"batch_size", 64}},
                  {{"kind", "logistic"}},
              });
  }

  // Three classes (Gaussian blobs): per-class probabilities [N × 3] from the XGBoost files
  // (softprob with the folded prior margins; the forest as three regression targets) and the
  // ONNX files (forest, network with Softmax).
  void threeClassModelsToo() {
    const imbw::FeatureMatrix all = imbw::test::blobs(4000, 4, 1.5, 0.0, 11, 3);
    std::vector<std::size_t> train, test;
    for (std::size_t i = 0; i < all.rows(); ++i) (i % 4 == 3 ? test : train).push_back(i);
    Split data{all.subset(train), all.subset(test)};
    data.test.x(0, 1) = std::nanf("");
    data.test.x(5, 2) = std::nanf("");
    exportAndCompare(data,
                     {
                         {{"kind", "gbdt"}, {"trees", 20}, {"max_depth", 3}},
                         {{"kind", "random_forest"}, {"trees", 20}, {"max_depth", 6}},
                         {{"kind", "mlp"}, {"hidden", {16}}, {"max_epochs", 2}, {"batch_size", 64}},
                     });
  }

  void unsupportedFormatsAreRefusedBeforeWriting() {
    const auto model = imbw::makeModel({{"kind", "mlp"}});
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/net.json";
    try {
      imbw::exportModel(*model, imbw::ModelFormat::XgboostJson, path);
      QFAIL("an MLP exported as XGBoost");
    } catch (const imbw::Error& e) {
      QVERIFY2(std::string(e.what()).find("possible: onnx") != std::string::npos, e.what());
    }
    QVERIFY(!std::filesystem::exists(path));
    try {
      imbw::parseModelFormat("pmml");
      QFAIL("pmml accepted");
    } catch (const imbw::Error& e) {
      QVERIFY(std::string(e.what()).find("'pmml'") != std::string::npos);
    }
  }
};

QTEST_GUILESS_MAIN(TestModelExport)
#include "test_model_export.moc"
