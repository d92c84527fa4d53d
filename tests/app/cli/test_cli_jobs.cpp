// imbalance-cli run --jobs: the runs' folds as fit tasks on the local executor give the same
// held-out scores, bit for bit, as the runs one after the other with the same threads per fit,
// and --save stores them as done; --jobs 0 is refused.

#include <QtTest/QtTest>

#include <QProcess>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/app/cli/h5_column.h"

using nlohmann::json;

namespace {

struct Result {
  int code = -1;
  QString out, err;
};

Result cli(const QStringList& args) {
  QProcess p;
  p.start(IMBW_CLI_PATH, args);
  p.waitForFinished(600000);
  return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class TestCliJobs : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void concurrentEqualsSequential() {
    QTemporaryDir dir;
    std::ifstream in(std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/ww/ww.analysis.json");
    json j = json::parse(in);
    j["samples"][0]["path"] =
        std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/ww/ww_polarization_01.h5";
    j["runs"] =
        json::array({{{"name", "GBDT"}, {"model", {{"kind", "gbdt"}, {"trees", 40}}}, {"folds", 3}},
                     {{"name", "forest"},
                      {"model", {{"kind", "random_forest"}, {"trees", 20}, {"max_depth", 6}}},
                      {"folds", 3}},
                     {{"name", "logistic"}, {"model", {{"kind", "logistic"}}}, {"folds", 3}}});
    const QString project = dir.path() + "/p.json";
    std::ofstream(project.toStdString()) << j.dump(1);
    const QString a = dir.path() + "/a.h5", b = dir.path() + "/b.h5";
    Result r = cli({"run", project, "--threads", "1", "--scores", a, "--quiet"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = cli({"run", project, "--threads", "1", "--jobs", "2", "--scores", b, "--save"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("9 fit tasks, 2 at once, 1 thread each"), qPrintable(r.err));
    QVERIFY(r.err.contains("[9/9]"));
    for (const QString name : {"1_GBDT", "2_forest", "3_logistic"}) {
      const auto x = cli_test::readColumn(a, "events/score_" + name);
      const auto y = cli_test::readColumn(b, "events/score_" + name);
      QVERIFY2(!x.empty() && x.size() == y.size() &&
                   std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0,
               qPrintable(name));
    }
    std::ifstream saved(project.toStdString());
    const json p = json::parse(saved);
    for (const auto& run : p.at("runs"))
      QCOMPARE(run.at("status").get<std::string>(), std::string("done"));
    r = cli({"report", project});
    QCOMPARE(r.code, 0);
    r = cli({"run", project, "--jobs", "0"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--jobs"));
  }
};

QTEST_GUILESS_MAIN(TestCliJobs)
#include "test_cli_jobs.moc"
