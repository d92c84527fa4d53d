#include <QtTest/QtTest>

#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "core/resample/stratified_kfold.h"
#include "core/util/error.h"

class TestStratifiedKFold : public QObject {
  Q_OBJECT
 private Q_SLOTS:

  void foldsAreStratifiedDisjointAndCovering() {
    std::mt19937 rng(3);
    std::vector<std::int32_t> label;
    const std::vector<int> sizes{1003, 77, 241};
    for (int c = 0; c < 3; ++c) label.insert(label.end(), sizes[c], c);
    std::shuffle(label.begin(), label.end(), rng);
    for (int k : {2, 5, 7}) {
      const auto folds = imbw::stratifiedKFold(label, 3, k, 99);
      QCOMPARE(static_cast<int>(folds.size()), k);
      std::vector<int> seen(label.size(), 0);
      std::size_t minSize = label.size(), maxSize = 0;
      for (const auto& f : folds) {
        QVERIFY(std::is_sorted(f.test.begin(), f.test.end()));
        QVERIFY(std::is_sorted(f.train.begin(), f.train.end()));
        QCOMPARE(f.train.size() + f.test.size(), label.size());
        std::set<std::size_t> test(f.test.begin(), f.test.end());
        for (std::size_t i : f.train) QVERIFY(!test.count(i));  // train = complement of test
        for (std::size_t i : f.test) ++seen[i];
        std::vector<int> n(3, 0);
        for (std::size_t i : f.test) ++n[label[i]];
        for (int c = 0; c < 3; ++c) {
          // Each class within one event of its share.
          QVERIFY(n[c] == sizes[c] / k || n[c] == sizes[c] / k + 1);
        }
        minSize = std::min(minSize, f.test.size());
        maxSize = std::max(maxSize, f.test.size());
      }
      for (int s : seen) QCOMPARE(s, 1);  // test sets partition the events
      QVERIFY(maxSize - minSize <= 1);
    }
  }

  void seededAndDeterministic() {
    std::vector<std::int32_t> label(500, 0);
    for (int i = 0; i < 500; i += 9) label[i] = 1;
    const auto a = imbw::stratifiedKFold(label, 2, 5, 1);
    const auto b = imbw::stratifiedKFold(label, 2, 5, 1);
    const auto c = imbw::stratifiedKFold(label, 2, 5, 2);
    for (int f = 0; f < 5; ++f) QCOMPARE(a[f].test, b[f].test);
    bool differs = false;
    for (int f = 0; f < 5; ++f) differs |= a[f].test != c[f].test;
    QVERIFY(differs);
  }

  void errors() {
    std::vector<std::int32_t> label{0, 0, 0, 1, 1, 0, 0};
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::stratifiedKFold(label, 2, 1, 1));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::stratifiedKFold(label, 2, 3, 1));  // class 1 has 2
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::stratifiedKFold(label, 3, 2, 1));  // class 2 empty
    label[0] = 5;
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::stratifiedKFold(label, 2, 2, 1));
  }

  void meanAndSampleStdByHand() {
    // {1, 2, 3, 4}: mean 2.5, sample variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3.
    const std::vector<double> v{1, 2, 3, 4};
    const auto ms = imbw::meanStd(v);
    QCOMPARE(ms.mean, 2.5);
    QVERIFY(std::fabs(ms.std - std::sqrt(5.0 / 3.0)) < 1e-15);
    QCOMPARE(ms.n, std::size_t{4});
    const auto withNan = imbw::meanStd(std::vector<double>{1, std::nan(""), 3});
    QCOMPARE(withNan.mean, 2.0);
    QVERIFY(std::fabs(withNan.std - std::sqrt(2.0)) < 1e-15);
    QCOMPARE(withNan.n, std::size_t{2});
    QVERIFY(std::isnan(imbw::meanStd(std::vector<double>{0.7}).std));
    QCOMPARE(imbw::meanStd(std::vector<double>{0.7}).mean, 0.7);
    const auto agg = imbw::aggregateFolds(
        {{{"auc", 0.7}, {"ap", 0.2}}, {{"auc", 0.8}, {"ap", 0.3}}, {{"auc", 0.9}}});
    QCOMPARE(agg.at("auc").n, std::size_t{3});
    QVERIFY(std::fabs(agg.at("auc").mean - 0.8) < 1e-15);
    QVERIFY(std::fabs(agg.at("auc").std - 0.1) < 1e-15);
    QCOMPARE(agg.at("ap").n, std::size_t{2});
    QVERIFY(std::fabs(agg.at("ap").std - std::sqrt(0.005)) < 1e-15);
  }
};

QTEST_APPLESS_MAIN(TestStratifiedKFold)
#include "test_stratified_kfold.moc"
