#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include "core/analysis/analysis.h"
#include "core/analysis/analysis_migration.h"
#include "core/util/error.h"

using nlohmann::json;

namespace {

// A document using every part of the schema.
json fullDocument() {
  return json::parse(R"({
    "formatVersion": 2,
    "name": "toy",
    "samples": [
      {"name": "sig", "path": "sig.h5", "class": "signal", "weight": "w * xs / 100",
       "color": "#ff0000"},
      {"path": "data/mix.h5", "group": "/events", "layout": "ColumnGroup",
       "label": {"column": "Label", "classes": {"s": "signal", "b": "background"}}},
      {"path": "/abs/path/data.h5",
       "classExpressions": [{"class": "signal", "expression": "abs(mjj-125)<10"},
                            {"class": "background", "expression": "abs(mjj-125)>20"}]}
    ],
    "classes": ["background", "signal"],
    "signalClass": "signal",
    "missingValue": -999.0,
    "cut": "mjj > 200 && n >= 2",
    "derived": [{"name": "a", "expression": "x * 2"}, {"name": "b", "expression": "a + 1"}],
    "features": ["a", "b", "x"],
    "runs": [{"model": "gbdt", "alpha": 0.25}],
    "project": {"title": "kept"},
    "ui": {"splitter": [1, 2]}
  })");
}

QString errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const imbw::Error& e) {
    return QString::fromStdString(e.what());
  }
  return QString();
}

}  // namespace

class TestAnalysisFile : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void parsesEveryField() {
    const imbw::Analysis a = imbw::Analysis::fromJson(fullDocument(), "/base");
    QCOMPARE(a.name, std::string("toy"));
    QCOMPARE(a.samples.size(), std::size_t{3});
    QCOMPARE(a.classes, (std::vector<std::string>{"background", "signal"}));
    QCOMPARE(a.signalIndex(), 1);
    QVERIFY(a.missingValue.has_value());
    QCOMPARE(*a.missingValue, -999.0);
    QCOMPARE(a.cut, std::string("mjj > 200 && n >= 2"));
    QCOMPARE(a.derived.size(), std::size_t{2});
    QCOMPARE(a.derived[1].name, std::string("b"));
    QCOMPARE(a.derived[1].expression, std::string("a + 1"));
    QCOMPARE(a.features, (std::vector<std::string>{"a", "b", "x"}));

    const imbw::Sample& s0 = a.samples[0];
    QVERIFY(s0.classSource == imbw::ClassSource::Fixed);
    QCOMPARE(s0.className, std::string("signal"));
    QCOMPARE(s0.weight, std::string("w * xs / 100"));
    QCOMPARE(s0.extra["color"].get<std::string>(), std::string("#ff0000"));
    QCOMPARE(a.resolvedPath(s0), std::string("/base/sig.h5"));

    const imbw::Sample& s1 = a.samples[1];
    QVERIFY(s1.classSource == imbw::ClassSource::LabelColumn);
    QCOMPARE(s1.labelColumn, std::string("Label"));
    QCOMPARE(s1.labelMap.size(), std::size_t{2});
    QCOMPARE(s1.weight, std::string("1"));  // the default
    QCOMPARE(s1.group, std::string("/events"));
    QVERIFY(s1.layout.has_value() && *s1.layout == imbw::Layout::ColumnGroup);
    QCOMPARE(s1.displayName(), std::string("mix.h5"));
    QCOMPARE(a.resolvedPath(s1), std::string("/base/data/mix.h5"));

    const imbw::Sample& s2 = a.samples[2];
    QVERIFY(s2.classSource == imbw::ClassSource::Expressions);
    QCOMPARE(s2.classExpressions.size(), std::size_t{2});
    QCOMPARE(s2.classExpressions[1].className, std::string("background"));
    QCOMPARE(a.resolvedPath(s2), std::string("/abs/path/data.h5"));

    QCOMPARE(a.runs, fullDocument()["runs"]);
    QCOMPARE(a.extra["project"], fullDocument()["project"]);
    QVERIFY(a.unrecognisedKeys().empty());
  }

  void roundTripKeepsTheDocument() {
    const json doc = fullDocument();
    const imbw::Analysis a = imbw::Analysis::fromJson(doc, "/base");
    const json back = a.toJson();
    // Everything written comes back, unknown keys included; defaults are written explicitly.
    json expected = doc;
    expected["samples"][1]["weight"] = "1";
    expected["samples"][2]["weight"] = "1";
    expected["samples"][1]["layout"] = imbw::layoutName(imbw::Layout::ColumnGroup);
    QCOMPARE(back.dump(), expected.dump());
    const imbw::Analysis again = imbw::Analysis::fromJson(back, "/base");
    QCOMPARE(again.toJson().dump(), back.dump());
  }

  void saveAndLoadRelativePaths() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string root = dir.path().toStdString();
    std::filesystem::create_directories(root + "/sub");
    imbw::Analysis a = imbw::Analysis::fromJson(fullDocument(), root);
    a.save(root + "/a.json");
    const imbw::Analysis b = imbw::Analysis::load(root + "/a.json");
    QCOMPARE(b.samples[0].path, std::string("sig.h5"));
    QCOMPARE(b.resolvedPath(b.samples[1]), root + "/data/mix.h5");
    QCOMPARE(b.extra["ui"], fullDocument()["ui"]);
    QCOMPARE(b.runs, fullDocument()["runs"]);

    // Saved one folder down, the paths still point at the same files.
    b.save(root + "/sub/b.json");
    const imbw::Analysis c = imbw::Analysis::load(root + "/sub/b.json");
    QCOMPARE(c.samples[0].path, std::string("../sig.h5"));
    QCOMPARE(std::filesystem::weakly_canonical(c.resolvedPath(c.samples[1])).string(),
             root + "/data/mix.h5");
    QCOMPARE(c.samples[2].path, std::string("/abs/path/data.h5"));
  }

  void migratesVersion1Runs() {
    // Version 1: runs were bare configurations and the window kept their numbers in
    // "results", keyed by run name. Version 2 gives each a record with a stable id, its
    // configuration under "config", the cut it trains with, a status and its fold metrics.
    json v1 = fullDocument();
    v1["formatVersion"] = 1;
    v1["runs"] = json::parse(R"([{"name": "A", "model": {"kind": "gbdt"}, "folds": 3},
                                 {"model": {"kind": "mlp"}}, {"name": "A", "model": {"kind": "logistic"}}])");
    v1["results"] = json::parse(
        R"({"A": {"folds": [{"fold": 0, "metrics": {"ap": 0.5}}], "summary": {"ap": {"mean": 0.5, "std": 0.1, "n": 3}}}})");
    const json v2 = imbw::migrateAnalysisJson(v1);
    QCOMPARE(v2["formatVersion"].get<int>(), 2);
    QVERIFY(!v2.contains("results"));
    const json& runs = v2["runs"];
    QCOMPARE(runs.size(), std::size_t{3});
    QCOMPARE(runs[0]["id"].get<std::string>(), std::string("r1"));
    QCOMPARE(runs[0]["name"].get<std::string>(), std::string("A"));
    QCOMPARE(runs[0]["config"].dump(),
             json::parse(R"({"model": {"kind": "gbdt"}, "folds": 3})").dump());
    QCOMPARE(runs[0]["cut"].get<std::string>(), std::string("mjj > 200 && n >= 2"));
    QCOMPARE(runs[0]["status"].get<std::string>(), std::string("done"));
    QCOMPARE(runs[0]["summary"]["ap"]["std"].get<double>(), 0.1);
    QCOMPARE(runs[1]["id"].get<std::string>(), std::string("r2"));
    QCOMPARE(runs[1]["status"].get<std::string>(), std::string("configured"));
    // The second run named "A" cannot claim the first one's results.
    QCOMPARE(runs[2]["status"].get<std::string>(), std::string("configured"));
  }

  void unknownKeysAreKeptAndReported() {
    json doc = fullDocument();
    doc["cuts"] = "typo";
    const imbw::Analysis a = imbw::Analysis::fromJson(doc);
    QCOMPARE(a.unrecognisedKeys(), std::vector<std::string>{"cuts"});
    QCOMPARE(a.toJson()["cuts"].get<std::string>(), std::string("typo"));
  }

  void versionErrors() {
    json doc = fullDocument();
    doc.erase("formatVersion");
    QVERIFY(errorOf([&] { imbw::Analysis::fromJson(doc); }).contains("formatVersion"));
    doc["formatVersion"] = imbw::Analysis::kFormatVersion + 1;
    const QString newer = errorOf([&] { imbw::Analysis::fromJson(doc); });
    QVERIFY2(newer.contains("newer"), qPrintable(newer));
    doc["formatVersion"] = "1";
    QVERIFY(errorOf([&] { imbw::Analysis::fromJson(doc); }).contains("integer"));
    doc["formatVersion"] = 0;
    QVERIFY(!errorOf([&] { imbw::Analysis::fromJson(doc); }).isEmpty());
    // The current version passes through the migration unchanged.
    QCOMPARE(imbw::migrateAnalysisJson(fullDocument()).dump(), fullDocument().dump());
  }

  void structuralErrors_data() {
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown signal class") << "/signalClass"
                                          << R"("signl")"
                                          << "did you mean 'signal'";
    QTest::newRow("one class") << "/classes"
                               << R"(["signal"])"
                               << "at least two classes";
    QTest::newRow("duplicate class") << "/classes"
                                     << R"(["signal", "signal"])"
                                     << "listed twice";
    QTest::newRow("sample class unknown") << "/samples/0/class"
                                          << R"("sgnal")"
                                          << "sample 'sig'";
    QTest::newRow("label map to unknown class") << "/samples/1/label/classes/b"
                                                << R"("bkg")"
                                                << "label value 'b'";
    QTest::newRow("two class specs") << "/samples/0/label"
                                     << R"({"column": "l", "classes": {"1": "signal"}})"
                                     << "exactly one of";
    QTest::newRow("no path") << "/samples/0/path"
                             << R"("")"
                             << "'path'";
    QTest::newRow("bad layout") << "/samples/1/layout"
                                << R"("Columns")"
                                << "sample 2";
    QTest::newRow("bad cut") << "/cut"
                             << R"("mjj > ")"
                             << "cut 'mjj > '";
    QTest::newRow("bad weight") << "/samples/0/weight"
                                << R"("w *")"
                                << "weight";
    QTest::newRow("bad class expression") << "/samples/2/classExpressions/0/expression"
                                          << "\"abs(mjj-125<10\""
                                          << "class 'signal' expression";
    QTest::newRow("bad derived") << "/derived/1/expression"
                                 << R"("a +* 1")"
                                 << "derived feature 'b'";
    QTest::newRow("duplicate derived") << "/derived/1/name"
                                       << R"("a")"
                                       << "defined twice";
    QTest::newRow("duplicate feature") << "/features/1"
                                       << R"("a")"
                                       << "listed twice";
    QTest::newRow("missing value type") << "/missingValue"
                                        << R"("-999")"
                                        << "missingValue";
    QTest::newRow("no samples") << "/samples"
                                << R"([])"
                                << "no samples";
    QTest::newRow("weight type") << "/samples/0/weight"
                                 << "3"
                                 << "must be a string";
  }
  void structuralErrors() {
    QFETCH(QString, pointer);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    json doc = fullDocument();
    doc[json::json_pointer(pointer.toStdString())] = json::parse(value.toStdString());
    const QString message = errorOf([&] { imbw::Analysis::fromJson(doc); });
    QVERIFY2(message.contains(expected), qPrintable(message));
  }

  void expressionErrorsNamePosition() {
    json doc = fullDocument();
    doc["cut"] = "mjj > 200 &&";
    const QString message = errorOf([&] { imbw::Analysis::fromJson(doc); });
    QVERIFY2(message.contains("character"), qPrintable(message));
  }

  void fileErrors() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/broken.json";
    QVERIFY(errorOf([&] { imbw::Analysis::load(path); }).contains("cannot open"));
    std::ofstream(path) << "{ \"formatVersion\": 1, ";
    const QString message = errorOf([&] { imbw::Analysis::load(path); });
    QVERIFY2(message.contains("broken.json") && message.contains("not valid JSON"),
             qPrintable(message));
  }
};

QTEST_APPLESS_MAIN(TestAnalysisFile)
#include "test_analysis_file.moc"
