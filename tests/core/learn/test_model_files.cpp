// Bad input to core/learn is named with its cause: a model file that is truncated, foreign or of
// another kind (no XGBoost internal text, no stack trace, no parser tag), numbers that do not fit
// their type (refused as such, not as a misleading range error), and a run's model parameters
// checked when the analysis file is read rather than when the first fold starts.

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/learn/model.h"
#include "core/learn/run_config.h"
#include "core/util/error.h"
#include "core/util/json_number.h"
#include "tests/core/learn/toy_data.h"

using namespace imbw;

namespace {

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("NOT imbw::Error: ") + e.what();
  }
  return "NO ERROR";
}

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// What must never reach a user from a model file: XGBoost's log prefix and stack trace,
// nlohmann's exception tags, "internal error".
void verifyPlain(const std::string& msg) {
  for (const char* bad : {"Stack trace", "[bt]", ".cc:", "json.exception", "internal error"})
    QVERIFY2(!has(msg, bad), msg.c_str());
}

}  // namespace

class TestModelFiles : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

 private Q_SLOTS:
  void numbersThatDoNotFit() {
    using nlohmann::json;
    QCOMPARE(jsonNumber<int>(json(12), "n"), 12);
    QCOMPARE(jsonNumber<int>(json(12.0), "n"), 12);
    QCOMPARE(jsonNumber<int>(json(-2147483648LL), "n"), -2147483647 - 1);
    QCOMPARE(jsonNumber<std::uint64_t>(json(18446744073709551615ULL), "s"),
             18446744073709551615ULL);
    const std::string big = errorOf([] { jsonNumber<int>(json(1e12), "trees"); });
    QVERIFY2(has(big, "trees = ") && has(big, "does not fit a 32-bit integer"), big.c_str());
    QVERIFY2(has(errorOf([] { jsonNumber<int>(json(2147483648LL), "n"); }), "does not fit"), "");
    QVERIFY(has(errorOf([] { jsonNumber<int>(json(2147483648.0), "n"); }), "does not fit"));
    QVERIFY(has(errorOf([] { jsonNumber<std::uint64_t>(json(-1), "seed"); }), "does not fit"));
    QVERIFY(has(errorOf([] { jsonNumber<std::uint64_t>(json(1.8446744073709552e19), "s"); }),
                "does not fit"));
    QVERIFY(has(errorOf([] { jsonNumber<int>(json(2.5), "k"); }), "k = 2.5 is not a whole number"));
    QVERIFY(
        has(errorOf([] { jsonNumber<float>(json(1e300), "x"); }), "does not fit a 32-bit float"));
    QVERIFY(has(errorOf([] { jsonNumber<int>(json("many"), "trees"); }), "trees must be a number"));
    QVERIFY(has(errorOf([] {
                  jsonValue<std::vector<int>>(json{4, 1e10}, "hidden");
                }),
                "hidden[1] = "));
  }

  void modelParametersThatDoNotFit_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("expected");
    QTest::newRow("gbdt trees") << R"({"kind": "gbdt", "trees": 1e12})"
                                << "trees = ";
    QTest::newRow("gbdt depth") << R"({"kind": "gbdt", "max_depth": -3e10})"
                                << "max_depth = ";
    QTest::newRow("forest trees") << R"({"kind": "random_forest", "trees": 5e9})"
                                  << "trees = ";
    QTest::newRow("mlp hidden") << R"({"kind": "mlp", "hidden": [1e12]})"
                                << "hidden[0] = ";
    QTest::newRow("mlp epochs") << R"({"kind": "mlp", "max_epochs": 4294967296})"
                                << "max_epochs = ";
    QTest::newRow("easy members") << R"({"kind": "easy_ensemble", "members": 1e11})"
                                  << "members = ";
  }
  void modelParametersThatDoNotFit() {
    QFETCH(QString, spec);
    QFETCH(QString, expected);
    const std::string msg = errorOf([&] { makeModel(nlohmann::json::parse(spec.toStdString())); });
    QVERIFY2(has(msg, expected.toStdString()) && has(msg, "does not fit"), msg.c_str());
    QVERIFY2(!has(msg, "at least"), msg.c_str());
  }

  void runSettingsAreCheckedWhenRead() {
    // The issue's case: `trees: 1e12` in a run is refused when the file is read, as such.
    const auto runs = nlohmann::json::parse(R"([{"name": "big", "model": {"kind": "gbdt",
        "trees": 1e12}}])");
    const std::string msg = errorOf([&] { runConfigsFromJson(runs); });
    QVERIFY2(has(msg, "runs[0]") && has(msg, "trees = ") && has(msg, "does not fit"), msg.c_str());
    const std::string folds = errorOf([] {
      RunConfig::fromJson({{"model", "logistic"}, {"folds", 1e10}});
    });
    QVERIFY2(has(folds, "folds = ") && has(folds, "does not fit"), folds.c_str());
    const std::string seed = errorOf([] {
      RunConfig::fromJson({{"model", "logistic"}, {"seed", -5}});
    });
    QVERIFY2(has(seed, "seed = -5 does not fit an unsigned 64-bit integer"), seed.c_str());
    const std::string k = errorOf([] {
      RunConfig::fromJson({{"model", "logistic"}, {"resample", {{"kind", "smote"}, {"k", 3e9}}}});
    });
    QVERIFY2(has(k, "resampling k = ") && has(k, "does not fit"), k.c_str());
    // A bad model parameter of a run was only found when its first fold started.
    const std::string lr = errorOf([] {
      RunConfig::fromJson({{"name", "x"}, {"model", {{"kind", "gbdt"}, {"learning_rate", -1}}}});
    });
    QVERIFY2(has(lr, "run 'x'") && has(lr, "learning_rate"), lr.c_str());
  }

  // Every model file kind, saved by the models themselves, then damaged.
  void damagedModelFiles_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("file");
    QTest::newRow("gbdt ubj") << R"({"kind": "gbdt", "trees": 5})"
                              << "m.ubj";
    QTest::newRow("gbdt json") << R"({"kind": "gbdt", "trees": 5})"
                               << "m.json";
    QTest::newRow("forest ubj") << R"({"kind": "random_forest", "trees": 3})"
                                << "f.ubj";
    QTest::newRow("easy_ensemble")
        << R"({"kind": "easy_ensemble", "members": 2, "member": {"trees": 3}})"
        << "e.json";
    QTest::newRow("mlp") << R"({"kind": "mlp", "hidden": [4], "max_epochs": 1})"
                         << "n.h5";
    QTest::newRow("logistic") << R"({"kind": "logistic"})"
                              << "l.h5";
    QTest::newRow("one_variable") << R"({"kind": "one_variable", "feature": "x1"})"
                                  << "o.h5";
  }
  void damagedModelFiles() {
    QFETCH(QString, spec);
    QFETCH(QString, file);
    const FeatureMatrix train = test::blobs(400, 3, 2.0, 0.3, 5);
    auto model = makeModel(nlohmann::json::parse(spec.toStdString()));
    model->fit(train, FitContext{});
    const std::string good = path(qPrintable("good_" + file));
    model->save(good);
    const auto loaded = loadModel(good);
    QCOMPARE(loaded->kind(), model->kind());  // the intact file loads
    // Input of another width is refused with an Error, not a crash (the network used to throw
    // inside an OpenMP region, which ends the program: fuzz_model).
    // (The one-variable cut reads only its own column, so wider input is fine there.)
    const std::string width = errorOf([&] { loaded->predict(RowMatrixF::Zero(40, 7)); });
    QVERIFY2(!has(width, "NOT imbw::Error"), width.c_str());
    if (model->kind() != "one_variable") QVERIFY2(!has(width, "NO ERROR"), width.c_str());
    const std::string bytes = readBytes(good);

    // Truncated at several points: every one is named, with the file, none crashes.
    for (double cut : {0.0, 0.01, 0.3, 0.5, 0.9, 0.999}) {
      const std::string bad = path(qPrintable("cut_" + file));
      writeBytes(bad, bytes.substr(0, static_cast<std::size_t>(cut * bytes.size())));
      const std::string msg = errorOf([&] { loadModel(bad); });
      QVERIFY2(!has(msg, "NO ERROR") && !has(msg, "NOT imbw::Error"),
               qPrintable(QString("cut %1: %2").arg(cut).arg(msg.c_str())));
      QVERIFY2(has(msg, bad), msg.c_str());
      verifyPlain(msg);
      if (cut == 0.0) QVERIFY2(has(msg, "empty"), msg.c_str());
    }
    // One byte flipped in the middle (damage in transfer): an error or a model, never a crash
    // or a foreign exception.
    std::string flipped = bytes;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
    const std::string bad = path(qPrintable("flip_" + file));
    writeBytes(bad, flipped);
    const std::string msg = errorOf([&] { loadModel(bad); });
    QVERIFY2(!has(msg, "NOT imbw::Error"), msg.c_str());
    if (msg != "NO ERROR") {
      QVERIFY2(has(msg, bad), msg.c_str());
      verifyPlain(msg);
    }
  }

  void foreignFiles() {
    const std::string text = path("notes.txt");
    writeBytes(text, "these are my notes\n");
    std::string msg = errorOf([&] { loadModel(text); });
    QVERIFY2(has(msg, text) && has(msg, "not a JSON document"), msg.c_str());
    verifyPlain(msg);

    const std::string png = path("plot.png");
    writeBytes(png, std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    msg = errorOf([&] { loadModel(png); });
    QVERIFY2(has(msg, png) && has(msg, "not a UBJSON document"), msg.c_str());
    verifyPlain(msg);

    // JSON, but another program's (here: an analysis file) or an empty object.
    const std::string analysis = path("analysis.json");
    writeBytes(analysis, R"({"formatVersion": 1, "samples": []})");
    msg = errorOf([&] { loadModel(analysis); });
    QVERIFY2(has(msg, analysis) && has(msg, "not a model"), msg.c_str());
    const std::string empty = path("empty.json");
    writeBytes(empty, "{}");
    msg = errorOf([&] { loadModel(empty); });
    QVERIFY2(has(msg, empty) && has(msg, "not a model"), msg.c_str());

    // Of another kind: an HDF5 file that is an event sample, not a model.
    const std::string sample = (qEnvironmentVariable("IMBW_SOURCE_DIR").toStdString()) +
                               "/resources/examples/ww/ww_polarization_01.h5";
    QVERIFY(std::filesystem::exists(sample));
    msg = errorOf([&] { loadModel(sample); });
    QVERIFY2(has(msg, sample) && has(msg, "not a saved model"), msg.c_str());

    // An XGBoost model with our metadata in the wrong place: a model file of the wrong kind.
    msg = errorOf([&] { loadModel(path("missing.ubj")); });
    QVERIFY2(has(msg, "does not exist"), msg.c_str());
    msg = errorOf([&] { loadModel(m_dir.path().toStdString()); });
    QVERIFY2(has(msg, "is a folder"), msg.c_str());
  }

  // XGBoost trusts the tree arrays of its JSON; damaged ones crashed its predictor (fuzz_model,
  // fuzz/regressions/model/predict_segv_damaged_trees.model). Each kind of damage is refused
  // before XGBoost sees it, naming the file, the tree and the value.
  void damagedTreeArrays_data() {
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("expected");
    QTest::newRow("child past the end") << "child"
                                        << "child 99 is outside the tree's";
    QTest::newRow("cycle to the root") << "cycle"
                                       << "child 0 is outside";
    QTest::newRow("shared node") << "shared"
                                 << "is reached twice";
    QTest::newRow("split feature") << "feature"
                                   << "splits on feature 7 of 3";
    QTest::newRow("negative split feature") << "negative"
                                            << "splits on feature -2 of 3";
    QTest::newRow("short array") << "short"
                                 << "\"split_indices\" has";
    QTest::newRow("extra tree") << "extra"
                                << "trees but lists";
    QTest::newRow("duplicate id") << "id"
                                  << "tree 1 has the id 0";
    QTest::newRow("tree group") << "group"
                                << "tree 0 belongs to output 99 of";
    QTest::newRow("node count") << "nodes"
                                << "\"left_children\" has";
  }
  void damagedTreeArrays() {
    QFETCH(QString, damage);
    QFETCH(QString, expected);
    const FeatureMatrix train = test::blobs(400, 3, 2.0, 0.3, 5);
    auto model = makeModel({{"kind", "gbdt"}, {"trees", 5}, {"max_depth", 3}});
    model->fit(train, FitContext{});
    const std::string good = path("trees_good.json");
    model->save(good);
    auto j = nlohmann::json::parse(readBytes(good));
    auto& gbm = j["learner"]["gradient_booster"]["model"];
    auto& trees = gbm["trees"];
    auto& t0 = trees[0];
    QVERIFY(t0["left_children"].size() >= 3);  // a split at the root
    const std::string d = damage.toStdString();
    if (d == "child") t0["left_children"][0] = 99;
    if (d == "cycle") t0["right_children"][0] = 0;
    if (d == "shared") t0["right_children"][0] = t0["left_children"][0];
    if (d == "feature") t0["split_indices"][0] = 7;
    if (d == "negative") t0["split_indices"][0] = -2;
    if (d == "short") t0["split_indices"].erase(t0["split_indices"].size() - 1);
    if (d == "extra") trees.push_back(trees[0]);
    if (d == "id") trees[1]["id"] = 0;
    if (d == "group") gbm["tree_info"][0] = 99;
    if (d == "nodes")
      t0["tree_param"]["num_nodes"] = std::to_string(t0["left_children"].size() + 1);
    const std::string bad = path("trees_bad.json");
    writeBytes(bad, j.dump());
    const std::string msg = errorOf([&] { loadModel(bad)->predict(train.x); });
    QVERIFY2(has(msg, bad) && has(msg, expected.toStdString()), msg.c_str());
    verifyPlain(msg);
  }

  // The fuzzer's input itself: an EasyEnsemble whose member lists three trees for two (two of
  // them with id 0). XGBoost 1.7 segfaulted in PredictByAllTrees on it.
  void fuzzFoundDamagedTrees() {
    const std::string file = qEnvironmentVariable("IMBW_SOURCE_DIR").toStdString() +
                             "/fuzz/regressions/model/predict_segv_damaged_trees.model";
    if (!std::filesystem::exists(file))
      QFAIL(qPrintable(QString::fromStdString(file + " missing")));
    const std::string msg = errorOf([&] { loadModel(file)->predict(RowMatrixF::Zero(4, 3)); });
    QVERIFY2(
        has(msg, file) && has(msg, "member 0") && has(msg, "declares 2 trees but lists 3 trees"),
        msg.c_str());
    verifyPlain(msg);
  }

  void damagedMetadataInsideAModel() {
    // A JSON forest whose trees lost a key, and a network whose meta lost "inputs": the file
    // and the key are named, no parser tag.
    const FeatureMatrix train = test::blobs(300, 3, 2.0, 0.3, 6);
    auto forest = makeModel({{"kind", "random_forest"}, {"trees", 2}});
    forest->fit(train, FitContext{});
    const std::string f = path("forest.json");
    forest->save(f);
    auto j = nlohmann::json::parse(readBytes(f));
    j["trees"][0].erase("threshold");
    writeBytes(f, j.dump());
    const std::string msg = errorOf([&] { loadModel(f); });
    QVERIFY2(has(msg, f) && has(msg, "threshold"), msg.c_str());
    verifyPlain(msg);
  }
};

QTEST_APPLESS_MAIN(TestModelFiles)
#include "test_model_files.moc"
