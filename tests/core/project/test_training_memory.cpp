// Training's memory rule and the training matrix built from the kept rows only: a hand-built
// table, the matrix compared entry by entry with the table, and a run refused under an injected
// IMBW_MEMORY_LIMIT before anything is built, its message naming the estimate.

#include <QTest>
#include <cmath>
#include <cstdlib>

#include "core/data/feature_matrix.h"
#include "core/data/feature_matrix_rows.h"
#include "core/project/run_training.h"
#include "core/util/error.h"
#include "core/util/memory_budget.h"

namespace {

imbw::EventTable table() {
  imbw::EventTable t;
  t.columnNames = {"a", "b", "c"};
  t.columns = {{0, 1, 2, 3, 4}, {10, 11, 12, 13, 14}, {-1, -2, -3, -4, std::nanf("")}};
  t.classIndex = {0, 1, 0, 1, 1};
  t.weight = {0.5, 1.5, -2.0, 1.0, 3.0};
  t.classNames = {"bkg", "sig"};
  t.signalClass = 1;
  return t;
}

struct NoObserver : imbw::TrainingObserver {};

}  // namespace

class TestTrainingMemory : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void matrixFromKeptRows() {
    const imbw::EventTable t = table();
    const std::vector<std::size_t> rows = {4, 1, 1, 3};
    const imbw::FeatureMatrix m = imbw::featureMatrixOfRows(t, {"c", "a"}, rows);
    QCOMPARE(m.rows(), std::size_t{4});
    QCOMPARE(m.cols(), std::size_t{2});
    QVERIFY(std::isnan(m.x(0, 0)));
    QCOMPARE(m.x(0, 1), 4.0f);
    QCOMPARE(m.x(1, 0), -2.0f);
    QCOMPARE(m.x(2, 1), 1.0f);
    QCOMPARE(m.x(3, 0), -4.0f);
    QCOMPARE(m.x(3, 1), 3.0f);
    QCOMPARE(m.label, (std::vector<std::int32_t>{1, 1, 1, 1}));
    QCOMPARE(m.weight, (std::vector<double>{3.0, 1.5, 1.5, 1.0}));
    QCOMPARE(m.featureNames, (std::vector<std::string>{"c", "a"}));
    QCOMPARE(m.signalClass, 1);
    try {
      imbw::featureMatrixOfRows(t, {"d"}, rows);
      QFAIL("no error");
    } catch (const imbw::Error& e) {
      QVERIFY2(QString(e.what()).contains("unknown column 'd'"), e.what());
    }
  }

  void trainingRefusedUnderTheLimit() {
    // 3 kept events × 2 features: 3 × 3 × (2 × 4 + 4 + 8) = 180 bytes by the documented rule.
    const imbw::EventTable t = table();
    const std::vector<std::uint8_t> keep = {1, 0, 1, 0, 1};
    imbw::RunConfig config;
    config.name = "big";
    config.features = {"a", "b"};
    NoObserver observer;
    qputenv("IMBW_MEMORY_LIMIT", "179");
    QString message;
    try {
      imbw::trainRun(t, keep, config, observer);
    } catch (const imbw::Error& e) {
      message = e.what();
    }
    qunsetenv("IMBW_MEMORY_LIMIT");
    QVERIFY2(message.contains("run 'big': training on 3 events × 2 features") &&
                 message.contains("(180 bytes)") && message.contains("only 179 B") &&
                 message.contains("IMBW_MEMORY_LIMIT") && message.contains("classSubsample"),
             qPrintable(message));
  }
};

QTEST_APPLESS_MAIN(TestTrainingMemory)
#include "test_training_memory.moc"
