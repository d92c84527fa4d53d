#include <QtTest/QtTest>

#include <cmath>
#include <functional>

#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/analysis/yields.h"
#include "core/util/error.h"
#include "tests/core/analysis/h5_fixture.h"

using nlohmann::json;

namespace {

QString errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const imbw::Error& e) {
    return QString::fromStdString(e.what());
  }
  return QString();
}

bool close(double a, double b) {
  return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b));
}

#define CHECK_YIELD(y, cls, n, sw, sw2)                                             \
  do {                                                                              \
    const auto& yy = (y).perClass[cls];                                             \
    QCOMPARE(yy.events, std::size_t{n});                                            \
    QVERIFY2(close(yy.sumW, sw), qPrintable(QString::number(yy.sumW, 'g', 17)));    \
    QVERIFY2(close(yy.sumW2, sw2), qPrintable(QString::number(yy.sumW2, 'g', 17))); \
  } while (0)

}  // namespace

class TestAnalysisLoader : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::string m_root;

  static std::string fixture(const std::string& name) {
    return std::string(IMBW_FIXTURE_DIR) + "/" + name;
  }

  static QJsonObject expected(const std::string& file) {
    QFile f(QString::fromStdString(fixture("expected.json")));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll())
        .object()
        .value(QString::fromStdString(file))
        .toObject();
  }

  imbw::Analysis analysis(const std::string& text) {
    json doc = json::parse(text);
    doc["formatVersion"] = 1;
    if (!doc.contains("classes")) doc["classes"] = {"background", "signal"};
    if (!doc.contains("signalClass")) doc["signalClass"] = "signal";
    return imbw::Analysis::fromJson(doc, m_root);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_root = m_dir.path().toStdString();
    {
      h5fixture::File f(m_root + "/sig.h5");
      f.add("x", {1, 2, 3, 4});
      f.addFloat("y", {0.5f, 1.5f, -2.0f, 8.0f});
      f.add("w", {1.5, -0.5, 2, 1});
    }
    {
      h5fixture::File f(m_root + "/bkg.h5");
      f.add("x", {1, 2, 3, 4, 5, 6});
      f.addFloat("y", {1, 1, 1, 1, 1, 1});
      f.add("w", {0.1, 0.2, 0.3, -0.4, 0.5, 0.6});
    }
    {
      h5fixture::File f(m_root + "/miss.h5");
      f.add("x", {1, 2, 3, 4});
      f.add("m", {-999, 5, -999, 7});
      f.addFloat("mf", {-999.0f, 1.0f, 2.0f, -999.0f});
      f.addInt8("lab", {1, 0, 1, 0});
    }
    {
      h5fixture::File f(m_root + "/labels.h5");
      f.add("x", {1, 2, 3, 4, 5});
      f.addStrings("Label", {"s", "b", "s", "b", "b"});
      f.addInt8("label", {1, 0, 1, 0, 2});
      f.addInt32("n", {3, 1, 4, 1, 5});
    }
    {
      h5fixture::File f(m_root + "/jag.h5");
      f.add("x", {1, 2, 3});
      f.addJagged("jet_pt", {{50.0f, 20.0f}, {}, {30.0f}});
    }
  }

  // Fixed classes, weight expression with negative weights, a cut: yields worked out by hand.
  void fixedClassesCutAndNegativeWeights() {
    const auto a = analysis(R"({
      "samples": [{"name": "sig", "path": "sig.h5", "class": "signal", "weight": "w * 2"},
                  {"name": "bkg", "path": "bkg.h5", "class": "background", "weight": "w * 2"}],
      "cut": "x > 2", "features": ["y"]})");
    const auto r = imbw::loadAnalysis(a);
    CHECK_YIELD(r.beforeCut, 1, 4, 8.0, 30.0);
    CHECK_YIELD(r.beforeCut, 0, 6, 2.6, 3.64);
    CHECK_YIELD(r.afterCut, 1, 2, 6.0, 20.0);
    CHECK_YIELD(r.afterCut, 0, 4, 2.0, 3.44);
    QVERIFY(close(r.beforeCut.ratioByCount(), 0.4));
    QVERIFY(close(r.beforeCut.ratioByWeight(), 8.0 / 10.6));
    QVERIFY(close(r.afterCut.ratioByCount(), 2.0 / 6.0));
    QVERIFY(close(r.afterCut.ratioByWeight(), 6.0 / 8.0));
    QCOMPARE(r.samples.size(), std::size_t{2});
    QCOMPARE(r.samples[1].eventsRead, std::size_t{6});
    CHECK_YIELD(r.samples[1].afterCut, 0, 4, 2.0, 3.44);

    const imbw::EventTable& t = r.table;
    QCOMPARE(t.columnNames, (std::vector<std::string>{"y", "x"}));  // features, then cut inputs
    QCOMPARE(t.size(), std::size_t{6});
    QCOMPARE(t.columns[0], (std::vector<float>{-2, 8, 1, 1, 1, 1}));
    QCOMPARE(t.columns[1], (std::vector<float>{3, 4, 3, 4, 5, 6}));
    QCOMPARE(t.classIndex, (std::vector<std::int32_t>{1, 1, 0, 0, 0, 0}));
    QCOMPARE(t.sampleIndex, (std::vector<std::int32_t>{0, 0, 1, 1, 1, 1}));
    QCOMPARE(t.classNames, (std::vector<std::string>{"background", "signal"}));
    QCOMPARE(t.signalClass, 1);
    // Weights stay double: 0.3 * 2 is not what float32 would give.
    const std::vector<double> w{2 * 2.0, 1 * 2.0, 0.3 * 2, -0.4 * 2, 0.5 * 2, 0.6 * 2};
    QCOMPARE(t.weight, w);
  }

  // Reading in chunks of 2 events must give the same as one chunk.
  void smallChunks() {
    const auto a = analysis(R"({
      "samples": [{"name": "sig", "path": "sig.h5", "class": "signal", "weight": "w"},
                  {"name": "lab", "path": "labels.h5",
                   "label": {"column": "Label", "classes": {"s": "signal", "b": "background"}}}],
      "cut": "x != 2", "features": ["x"]})");
    imbw::LoadOptions small;
    small.chunkSize = 2;
    const auto r1 = imbw::loadAnalysis(a);
    const auto r2 = imbw::loadAnalysis(a, small);
    QCOMPARE(r2.table.columns, r1.table.columns);
    QCOMPARE(r2.table.classIndex, r1.table.classIndex);
    QCOMPARE(r2.table.weight, r1.table.weight);
    QCOMPARE(r2.table.columns[0], (std::vector<float>{1, 3, 4, 1, 3, 4, 5}));
    QCOMPARE(r2.table.classIndex, (std::vector<std::int32_t>{1, 1, 1, 1, 1, 0, 0}));
  }

  void derivedFeaturesInOrder() {
    const auto a = analysis(R"({
      "samples": [{"name": "sig", "path": "sig.h5", "class": "signal"}],
      "derived": [{"name": "a", "expression": "x * 2"}, {"name": "b", "expression": "a + y"}],
      "cut": "b > 3", "features": ["b", "a"]})");
    const auto r = imbw::loadAnalysis(a);
    // b = 2x + y = 2.5, 5.5, 4, 16 → the last three pass.
    QCOMPARE(r.table.columnNames, (std::vector<std::string>{"b", "a"}));
    QCOMPARE(r.table.columns[0], (std::vector<float>{5.5f, 4.0f, 16.0f}));
    QCOMPARE(r.table.columns[1], (std::vector<float>{4.0f, 6.0f, 8.0f}));
    CHECK_YIELD(r.beforeCut, 1, 4, 4.0, 4.0);
    CHECK_YIELD(r.afterCut, 1, 3, 3.0, 3.0);

    // A derived feature may not use a later one.
    const auto bad = analysis(R"({
      "samples": [{"name": "sig", "path": "sig.h5", "class": "signal"}],
      "derived": [{"name": "a", "expression": "b + 1"}, {"name": "b", "expression": "x"}]})");
    const QString message = errorOf([&] { imbw::loadAnalysis(bad); });
    QVERIFY2(message.contains("derived feature 'a'") && message.contains("defined after"),
             qPrintable(message));
  }

  void sentinelBecomesNaN() {
    const std::string samples = R"("samples": [{"name": "miss", "path": "miss.h5",
        "label": {"column": "lab", "classes": {"1": "signal", "0": "background"}}}],
        "derived": [{"name": "mm", "expression": "m * 2"}], "features": ["m", "mf", "mm"])";
    const auto a = analysis("{" + samples + R"(, "missingValue": -999})");
    const auto r = imbw::loadAnalysis(a);
    QCOMPARE(r.table.size(), std::size_t{4});
    const auto& m = r.table.column("m");
    const auto& mf = r.table.column("mf");
    const auto& mm = r.table.column("mm");
    QVERIFY(std::isnan(m[0]) && std::isnan(m[2]));
    QCOMPARE(m[1], 5.0f);
    QCOMPARE(m[3], 7.0f);
    QVERIFY(std::isnan(mf[0]) && std::isnan(mf[3]));
    QCOMPARE(mf[1], 1.0f);
    QVERIFY(std::isnan(mm[0]) && std::isnan(mm[2]));
    QCOMPARE(mm[3], 14.0f);
    QCOMPARE(r.table.classIndex, (std::vector<std::int32_t>{1, 0, 1, 0}));

    // A cut on a missing value is false.
    const auto cut = analysis("{" + samples + R"(, "missingValue": -999, "cut": "m > 0"})");
    const auto rc = imbw::loadAnalysis(cut);
    QCOMPARE(rc.table.size(), std::size_t{2});
    CHECK_YIELD(rc.afterCut, 1, 0, 0.0, 0.0);
    QVERIFY(!rc.warnings.empty());  // the signal class is empty after the cut

    // Without a sentinel the value stays.
    const auto plain = analysis("{" + samples + "}");
    QCOMPARE(imbw::loadAnalysis(plain).table.column("m")[0], -999.0f);

    // A weight that turns missing is an error naming the sample and the event.
    auto weighted = analysis("{" + samples + R"(, "missingValue": -999})");
    weighted.samples[0].weight = "m";
    const QString message = errorOf([&] { imbw::loadAnalysis(weighted); });
    QVERIFY2(message.contains("sample 'miss'") && message.contains("weight 'm'") &&
                 message.contains("event 0"),
             qPrintable(message));
  }

  void stringLabels() {
    const auto a = analysis(R"({"samples": [{"name": "lab", "path": "labels.h5",
        "label": {"column": "Label", "classes": {"s": "signal", "b": "background"}}}],
        "features": ["x"]})");
    const auto r = imbw::loadAnalysis(a);
    QCOMPARE(r.table.classIndex, (std::vector<std::int32_t>{1, 0, 1, 0, 0}));
    CHECK_YIELD(r.afterCut, 1, 2, 2.0, 2.0);
    CHECK_YIELD(r.afterCut, 0, 3, 3.0, 3.0);

    auto partial = a;
    partial.samples[0].labelMap = {{"s", "signal"}};
    const QString message = errorOf([&] { imbw::loadAnalysis(partial); });
    QVERIFY2(message.contains("'b'") && message.contains("\"*\""), qPrintable(message));
    partial.samples[0].labelMap.push_back({"*", "background"});
    QCOMPARE(imbw::loadAnalysis(partial).table.classIndex, r.table.classIndex);
  }

  void numericLabels() {
    const auto a = analysis(R"({"samples": [{"name": "lab", "path": "labels.h5",
        "label": {"column": "label", "classes": {"1": "signal", "0": "background"}}}],
        "features": ["n"]})");
    const QString message = errorOf([&] { imbw::loadAnalysis(a); });
    QVERIFY2(message.contains("'2'") && message.contains("event 4"), qPrintable(message));
    auto withDefault = a;
    withDefault.samples[0].labelMap.push_back({"*", "background"});
    const auto r = imbw::loadAnalysis(withDefault);
    QCOMPARE(r.table.classIndex, (std::vector<std::int32_t>{1, 0, 1, 0, 0}));
    QCOMPARE(r.table.columns[0], (std::vector<float>{3, 1, 4, 1, 5}));  // int32 column

    auto wrongKey = a;
    wrongKey.samples[0].labelMap = {{"s", "signal"}, {"b", "background"}};
    QVERIFY(errorOf([&] { imbw::loadAnalysis(wrongKey); }).contains("numeric"));
  }

  // Weak supervision: classes from a mass window and its sidebands.
  void classesByExpression() {
    const auto a = analysis(R"({"samples": [{"name": "data", "path": "bkg.h5",
        "classExpressions": [{"class": "signal", "expression": "abs(x - 3.5) < 1"},
                             {"class": "background", "expression": "abs(x - 3.5) >= 2"}],
        "weight": "w"}], "features": ["x"]})");
    const auto r = imbw::loadAnalysis(a);
    QCOMPARE(r.table.columns[0], (std::vector<float>{1, 3, 4, 6}));
    QCOMPARE(r.table.classIndex, (std::vector<std::int32_t>{0, 1, 1, 0}));
    CHECK_YIELD(r.beforeCut, 1, 2, 0.3 - 0.4, 0.09 + 0.16);
    CHECK_YIELD(r.beforeCut, 0, 2, 0.1 + 0.6, 0.01 + 0.36);
    QCOMPARE(r.samples[0].eventsRead, std::size_t{6});

    // Overlapping definitions: the first matching expression wins.
    auto overlap = a;
    overlap.samples[0].classExpressions = {{"signal", "x >= 3"}, {"background", "x >= 1"}};
    QCOMPARE(imbw::loadAnalysis(overlap).table.classIndex,
             (std::vector<std::int32_t>{0, 0, 1, 1, 1, 1}));
  }

  void emptySelection() {
    auto a = analysis(R"({"samples": [
        {"name": "sig", "path": "sig.h5", "class": "signal"},
        {"name": "bkg", "path": "bkg.h5", "class": "background"}], "cut": "x > 100"})");
    const QString message = errorOf([&] { imbw::loadAnalysis(a); });
    QVERIFY2(message.contains("empty selection") && message.contains("x > 100") &&
                 message.contains("10 events"),
             qPrintable(message));
    imbw::LoadOptions allow;
    allow.allowEmpty = true;
    const auto r = imbw::loadAnalysis(a, allow);
    QCOMPARE(r.table.size(), std::size_t{0});
    QCOMPARE(r.beforeCut.totalEvents(), std::size_t{10});
    QVERIFY(!r.warnings.empty());
    QVERIFY(std::isnan(r.afterCut.ratioByCount()));
  }

  void errorsNameSampleAndCause() {
    auto a = analysis(R"({"samples": [{"name": "sig", "path": "sig.h5", "class": "signal"},
        {"name": "bkg", "path": "bkg.h5", "class": "background"}], "cut": "xx > 1"})");
    QString message = errorOf([&] { imbw::loadAnalysis(a); });
    QVERIFY2(message.contains("sample 'sig'") && message.contains("cut 'xx > 1'") &&
                 message.contains("did you mean 'x'"),
             qPrintable(message));

    a.cut = "";
    a.features = {"z"};
    message = errorOf([&] { imbw::loadAnalysis(a); });
    QVERIFY2(message.contains("sample 'sig'") && message.contains("'z'"), qPrintable(message));

    a.features = {};
    a.samples[1].weight = "weight";
    message = errorOf([&] { imbw::loadAnalysis(a); });
    QVERIFY2(message.contains("sample 'bkg'") && message.contains("weight 'weight'"),
             qPrintable(message));

    a.samples[1].weight = "1";
    a.samples[1].path = "nope.h5";
    message = errorOf([&] { imbw::loadAnalysis(a); });
    QVERIFY2(message.contains("nope.h5"), qPrintable(message));

    // A derived feature may not shadow a column of the file.
    auto shadow = analysis(R"({"samples": [{"name": "sig", "path": "sig.h5", "class": "signal"}],
        "derived": [{"name": "x", "expression": "y"}]})");
    message = errorOf([&] { imbw::loadAnalysis(shadow); });
    QVERIFY2(message.contains("derived feature 'x'"), qPrintable(message));
  }

  void jaggedCollections() {
    auto a = analysis(R"({"samples": [{"name": "jag", "path": "jag.h5", "class": "signal"}],
        "cut": "jet_pt > 25"})");
    const QString message = errorOf([&] { imbw::loadAnalysis(a); });
    QVERIFY2(message.contains("count(jet_pt)") && message.contains("jet_pt[0]") &&
                 message.contains("sum(jet_pt)"),
             qPrintable(message));
    a.cut = "jet_pt[0] > 25";
    a.features = {"count(jet_pt)", "jet_pt[1]", "sum(jet_pt)"};
    const auto r = imbw::loadAnalysis(a);
    QCOMPARE(r.table.size(), std::size_t{2});
    QCOMPARE(r.table.column("count(jet_pt)"), (std::vector<float>{2, 1}));
    QCOMPARE(r.table.column("jet_pt[1]")[0], 20.0f);
    QVERIFY(std::isnan(r.table.column("jet_pt[1]")[1]));
    QCOMPARE(r.table.column("sum(jet_pt)"), (std::vector<float>{70, 30}));
    QCOMPARE(r.table.column("jet_pt[0]"), (std::vector<float>{50, 30}));  // kept for the cut
  }

  // Expressions get the reader's answers (committed h5py fixtures, values from expected.json):
  // `jet_pt[k]` past the longest collection is NaN, not "unknown column".
  void absentElementsInExpressionsAreNaN() {
    const QJsonArray jets =
        expected("h5py_jagged.h5").value("jagged").toObject().value("jet_pt").toArray();
    QCOMPARE(jets.size(), 10);
    auto a = analysis(R"({"samples": [{"name": "jag", "class": "signal", "path": ")" +
                      fixture("h5py_jagged.h5") + R"x("}],
        "derived": [{"name": "no_sixth", "expression": "isnan(jet_pt[5]) ? 1 : 0"}],
        "cut": "met >= 0 && !(jet_pt[7] > 0)",
        "features": ["jet_pt[0]", "jet_pt[4]", "no_sixth"]})x");
    const auto r = imbw::loadAnalysis(a);
    QCOMPARE(r.table.size(), std::size_t(jets.size()));
    const auto& first = r.table.column("jet_pt[0]");
    const auto& fifth = r.table.column("jet_pt[4]");
    for (int i = 0; i < jets.size(); ++i) {
      const QJsonArray ev = jets[i].toArray();
      QVERIFY(ev.size() <= 3);  // the fixture's longest collection: [4] is absent everywhere
      if (ev.isEmpty()) {
        QVERIFY(std::isnan(first[i]));
      } else {
        QCOMPARE(first[i], float(ev[0].toDouble()));
      }
      QVERIFY(std::isnan(fifth[i]));
    }
    QCOMPARE(r.table.column("no_sixth"), std::vector<float>(10, 1.0f));
    // A weight may name one too.
    a.cut.clear();
    a.samples[0].weight = "isnan(jet_pt[3]) ? 2 : 0";
    const auto w = imbw::loadAnalysis(a);
    QCOMPARE(w.table.weight, std::vector<double>(10, 2.0));
  }

  // Naming an unsupported object gives the reader's reason, not "unknown column".
  void unsupportedObjectsInExpressionsSayWhy() {
    const std::string path = fixture("h5py_unsupported.h5");
    const std::vector<std::pair<std::string, std::string>> reasons = {
        {"cube", "3-D dataset [12 × 2 × 2]"},
        {"refs", "object references"},
        {"blob", "opaque"},
        {"gone", "external link to 'no_such_file.h5:/events/x', not followed"},
        {"unwritten", "declares 12 values but none was ever written"}};
    for (const auto& [name, reason] : reasons) {
      for (const char* where : {"cut", "feature", "weight", "derived", "label"}) {
        json doc = json::parse(R"({"samples": [{"name": "u", "class": "signal"}]})");
        doc["samples"][0]["path"] = path;
        if (std::string(where) == "cut") doc["cut"] = name + " > 0";
        if (std::string(where) == "feature") doc["features"] = {name};
        if (std::string(where) == "weight") doc["samples"][0]["weight"] = "x * " + name;
        if (std::string(where) == "derived") {
          doc["derived"] = {{{"name", "d"}, {"expression", "sqrt(" + name + ")"}}};
        }
        if (std::string(where) == "label") {
          doc["samples"][0].erase("class");
          doc["samples"][0]["label"] = {{"column", name}, {"classes", {{"1", "signal"}}}};
        }
        const auto a = analysis(doc.dump());
        const QString message = errorOf([&] { imbw::loadAnalysis(a); });
        const QString tag = QString::fromStdString(name + " in " + where + ": ") + message;
        QVERIFY2(
            message.contains(QString::fromStdString("'/events/" + name + "' is unsupported")) &&
                message.contains(QString::fromStdString(reason)) &&
                message.contains("sample 'u'") && !message.contains("unknown column"),
            qPrintable(tag));
      }
    }
    // A name the file does not have at all is still "unknown column" with a suggestion.
    auto a = analysis(R"({"samples": [{"name": "u", "class": "signal", "path": ")" + path +
                      R"("}], "cut": "xx > 0"})");
    const QString message = errorOf([&] { imbw::loadAnalysis(a); });
    QVERIFY2(message.contains("unknown column 'xx'") && message.contains("did you mean"),
             qPrintable(message));
  }

  // The sample keys allowExternal / allowFilterPlugins reach the reader.
  void externalFilesAndPluginsNeedTheSampleKeys() {
    // `keys` go into the sample; the analysis uses `feature`.
    auto load = [&](const std::string& file, const json& keys, const std::string& feature) {
      json doc = {{"samples", json::array({{{"name", "s"}, {"class", "signal"}}})}};
      doc["samples"][0]["path"] = fixture(file);
      for (const auto& [k, v] : keys.items()) doc["samples"][0][k] = v;
      if (!feature.empty()) doc["features"] = {feature};
      return imbw::loadAnalysis(analysis(doc.dump()));
    };
    const json none = json::object();
    const json external = {{"allowExternal", true}};
    const json plugins = {{"allowFilterPlugins", true}};
    // An external link: refused, and the message names the key; allowed, it is followed.
    QString message = errorOf([&] { load("h5py_external_link.h5", none, "x"); });
    QVERIFY2(message.contains("external link") && message.contains("allowExternal") &&
                 message.contains("true"),
             qPrintable(message));
    const QJsonArray xs =
        expected("h5py_external_target.h5").value("columns").toObject().value("x").toArray();
    const auto linked = load("h5py_external_link.h5", external, "x");
    QCOMPARE(linked.table.size(), std::size_t(xs.size()));
    for (int i = 0; i < xs.size(); ++i) {
      QCOMPARE(linked.table.column("x")[i], float(xs[i].toDouble()));
    }

    // External storage: the column is refused unless allowed.
    message = errorOf([&] { load("h5py_external_storage.h5", none, "z"); });
    QVERIFY2(message.contains("external file 'h5py_external_storage.bin'") &&
                 message.contains("allowExternal"),
             qPrintable(message));
    const QJsonArray zs =
        expected("h5py_external_storage.h5").value("columns").toObject().value("z").toArray();
    const auto stored = load("h5py_external_storage.h5", external, "z");
    QCOMPARE(stored.table.size(), std::size_t(zs.size()));
    for (int i = 0; i < zs.size(); ++i) {
      QCOMPARE(stored.table.column("z")[i], float(zs[i].toDouble()));
    }

    // A filter plugin (blosc): refused naming the key; allowed, HDF5 itself is asked (this
    // Debian HDF5 has no blosc plugin, and says so).
    message = errorOf([&] { load("pandas_table_blosc.h5", none, "px"); });
    QVERIFY2(message.contains("filter 32001 (blosc)") && message.contains("allowFilterPlugins"),
             qPrintable(message));
    message = errorOf([&] { load("pandas_table_blosc.h5", plugins, "px"); });
    QVERIFY2(message.contains("HDF5: ") && !message.contains("allowFilterPlugins"),
             qPrintable(message));

    // The keys are booleans, and they are written back.
    message = errorOf([&] { load("h5py_external_link.h5", {{"allowExternal", "yes"}}, ""); });
    QVERIFY2(message.contains("'allowExternal' must be true or false"), qPrintable(message));
    const auto a = analysis(R"({"samples": [{"path": "a.h5", "class": "signal",
        "allowExternal": true, "allowFilterPlugins": true}]})");
    QVERIFY(a.samples[0].allowExternal && a.samples[0].allowFilterPlugins);
    QCOMPARE(a.samples[0].toJson().value("allowExternal", false), true);
    QCOMPARE(a.samples[0].toJson().value("allowFilterPlugins", false), true);
    const imbw::ReaderOptions ro = a.samples[0].readerOptions();
    QVERIFY(ro.allowExternal && ro.allowFilterPlugins);
  }

  // Live yields: load without applying the cut, then re-cut in memory.
  void cutYieldsInMemory() {
    const auto a = analysis(R"({
      "samples": [{"name": "sig", "path": "sig.h5", "class": "signal", "weight": "w * 2"},
                  {"name": "bkg", "path": "bkg.h5", "class": "background", "weight": "w * 2"}],
      "cut": "x > 2", "features": ["y"]})");
    imbw::LoadOptions all;
    all.applyCut = false;
    const auto r = imbw::loadAnalysis(a, all);
    QCOMPARE(r.table.size(), std::size_t{10});
    const auto same = imbw::cutYields(r.table, a.cut);
    CHECK_YIELD(same.before, 1, 4, 8.0, 30.0);
    CHECK_YIELD(same.after, 1, 2, 6.0, 20.0);
    CHECK_YIELD(same.after, 0, 4, 2.0, 3.44);

    const auto other = imbw::cutYields(r.table, "y > 0.9 && x < 6");
    CHECK_YIELD(other.after, 1, 2, 1.0, 5.0);
    CHECK_YIELD(other.after, 0, 5, 1.4, 2.2);
    QVERIFY(close(other.after.ratioByWeight(), 1.0 / 2.4));

    const imbw::EventTable cut = imbw::applyCut(r.table, "y > 0.9 && x < 6");
    QCOMPARE(cut.size(), std::size_t{7});
    const imbw::Yields cutYields = imbw::computeYields(cut);  // CHECK_YIELD keeps a reference
    CHECK_YIELD(cutYields, 0, 5, 1.4, 2.2);
    QCOMPARE(imbw::cutYields(r.table, "").after.totalEvents(), std::size_t{10});

    const QString message = errorOf([&] { imbw::cutYields(r.table, "yy > 1"); });
    QVERIFY2(message.contains("cut") && message.contains("did you mean 'y'"), qPrintable(message));
  }

  // selectEvents works in slices of 2^20 events and asks stopRequested before each: over
  // 3.5 slices the mask equals a plain count made here, and a stop after the first slice ends
  // the selection with SelectionCancelled (the window's newer cut stops the older one).
  void selectEventsSlicesAndStops() {
    imbw::EventTable t;
    t.columnNames = {"x"};
    t.classNames = {"background", "signal"};
    const std::size_t n = 3 * (std::size_t{1} << 20) + 12345;
    t.columns.resize(1);
    t.columns[0].resize(n);
    for (std::size_t i = 0; i < n; ++i) t.columns[0][i] = static_cast<float>((i * 7919) % 1000);
    t.classIndex.assign(n, 0);
    t.weight.assign(n, 1.0);
    int polls = 0;
    const auto keep = imbw::selectEvents(t, "x >= 250 && x < 750", [&] {
      ++polls;
      return false;
    });
    QCOMPARE(keep.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const float x = t.columns[0][i];
      if (keep[i] != ((x >= 250 && x < 750) ? 1 : 0)) QFAIL(qPrintable(QString::number(i)));
    }
    QCOMPARE(polls, 4);  // before the work, then before slices 2, 3 and 4
    int asked = 0;
    bool cancelled = false;
    try {
      imbw::selectEvents(t, "x > 1", [&] { return ++asked > 1; });
    } catch (const imbw::SelectionCancelled&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(asked, 2);  // the first slice done, stopped before the second
  }

  // The table of 10 events (4 + 6, before the cut) × 2 columns (the feature y, the cut's x)
  // takes 10 × (2 × 4 + 4 class + 8 weight + 4 sample + 8 row) = 320 bytes by the documented
  // rule; an injected budget one byte short refuses it before reading, naming both figures.
  void refusesWhatWouldNotFit() {
    const auto a = analysis(R"({
      "samples": [{"name": "sig", "path": "sig.h5", "class": "signal", "weight": "w"},
                  {"name": "bkg", "path": "bkg.h5", "class": "background", "weight": "w"}],
      "cut": "x > 2", "features": ["y"]})");
    imbw::LoadOptions tight;
    tight.availableMemory = 319;
    const QString message = errorOf([&] { imbw::loadAnalysis(a, tight); });
    QVERIFY2(message.contains("10 events × 2 columns") && message.contains("(320 bytes)") &&
                 message.contains("only 319 B are available") &&
                 message.contains("keep fewer columns"),
             qPrintable(message));
    // The same with the cut not applied (the window's load): the same table, the same refusal.
    tight.applyCut = false;
    QVERIFY(errorOf([&] { imbw::loadAnalysis(a, tight); }).contains("(320 bytes)"));

    imbw::LoadOptions enough;
    enough.availableMemory = 320;
    QCOMPARE(imbw::loadAnalysis(a, enough).table.size(), std::size_t{6});  // x > 2: 2 + 4
    // Yields only (the CLI's `yields`) keep no table: nothing to refuse.
    imbw::LoadOptions yieldsOnly = tight;
    yieldsOnly.keepEvents = false;
    QCOMPARE(imbw::loadAnalysis(a, yieldsOnly).afterCut.totalEvents(), std::size_t{6});
    // A missing file is still named as before (files are opened before the estimate).
    auto missing = a;
    missing.samples[1].path = "nowhere.h5";
    QVERIFY(errorOf([&] { imbw::loadAnalysis(missing, tight); }).contains("sample 'bkg'"));
  }
};

QTEST_APPLESS_MAIN(TestAnalysisLoader)
#include "test_analysis_loader.moc"
