// Unit tests of core/unsup on hand-built cases: tagging by a score (exact fractions, ties,
// the window, weights kept), pseudo-label training (the classifier follows the tags, not the
// truth), the "both in the top X" combination, signal injection, the bump-hunt histograms and
// the significance improvement.

#include <QTest>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/unsup/bump_hunt.h"
#include "core/unsup/cross_fit.h"
#include "core/unsup/cwola.h"
#include "core/unsup/signal_injection.h"
#include "core/unsup/tagging.h"
#include "core/unsup/weak_metrics.h"
#include "core/unsup/weak_study.h"
#include "core/util/error.h"

using namespace imbw;

namespace {

template <class F>
void expectError(F&& f, const std::string& word) {
  try {
    f();
  } catch (const Error& e) {
    QVERIFY2(std::string(e.what()).find(word) != std::string::npos, e.what());
    return;
  }
  QFAIL(qPrintable(QString::fromStdString("no error mentioning '" + word + "'")));
}

std::size_t count(const std::vector<Tag>& t, Tag v) {
  return static_cast<std::size_t>(std::count(t.begin(), t.end(), v));
}

}  // namespace

class TestTagging : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void exactFractions() {
    // 1000 distinct scores in a shuffled order: the top 20 % are exactly the 200 largest.
    std::vector<double> s(1000);
    std::iota(s.begin(), s.end(), 0.0);
    std::mt19937_64 g(3);
    std::shuffle(s.begin(), s.end(), g);
    const std::vector<Tag> t = tagByScore(s, 0.2, 0.4);
    QCOMPARE(count(t, Tag::SignalLike), std::size_t{200});
    QCOMPARE(count(t, Tag::BackgroundLike), std::size_t{400});
    QCOMPARE(count(t, Tag::Untagged), std::size_t{400});
    for (std::size_t i = 0; i < s.size(); ++i) {
      const Tag want =
          s[i] >= 800 ? Tag::SignalLike : (s[i] < 400 ? Tag::BackgroundLike : Tag::Untagged);
      QCOMPARE(t[i], want);
    }
    // Rounding: 7 events, 20 % → round(1.4) = 1, 40 % → round(2.8) = 3.
    const std::vector<Tag> small = tagByScore(std::vector<double>{5, 1, 7, 3, 2, 6, 4}, 0.2, 0.4);
    const std::vector<Tag> want{Tag::Untagged,       Tag::BackgroundLike, Tag::SignalLike,
                                Tag::BackgroundLike, Tag::BackgroundLike, Tag::Untagged,
                                Tag::Untagged};
    QCOMPARE(small, want);
  }

  void tiesAreBrokenByEventOrder() {
    // Four events share the top score: the first two in event order are signal-like.
    const std::vector<double> s{1, 9, 9, 0, 9, 9, 0, 0, 5, 5};
    const std::vector<Tag> t = tagByScore(s, 0.2, 0.2);
    QCOMPARE(t[1], Tag::SignalLike);
    QCOMPARE(t[2], Tag::SignalLike);
    QCOMPARE(t[4], Tag::Untagged);
    QCOMPARE(t[5], Tag::Untagged);
    QCOMPARE(t[3], Tag::BackgroundLike);
    QCOMPARE(t[6], Tag::BackgroundLike);
    QCOMPARE(t[7], Tag::Untagged);
  }

  void onlyEligibleEventsAreTagged() {
    // The window holds the 5 odd events; fractions are of those 5.
    const std::vector<double> s{10, 1, 11, 2, 12, 3, 13, 4, 14, 5};
    std::vector<std::uint8_t> window(10);
    for (std::size_t i = 0; i < 10; ++i) window[i] = i % 2;
    const std::vector<Tag> t = tagByScore(s, 0.2, 0.4, window);
    for (std::size_t i = 0; i < 10; i += 2) QCOMPARE(t[i], Tag::Untagged);
    QCOMPARE(t[9], Tag::SignalLike);      // score 5, the window's largest
    QCOMPARE(t[1], Tag::BackgroundLike);  // 1
    QCOMPARE(t[3], Tag::BackgroundLike);  // 2
    QCOMPARE(count(t, Tag::SignalLike) + count(t, Tag::BackgroundLike), std::size_t{3});
  }

  void badTaggingInputIsNamed() {
    const std::vector<double> s{1, 2, 3};
    expectError([&] { (void)tagByScore(s, 1.5, 0.1); }, "signal-like fraction");
    expectError([&] { (void)tagByScore(s, 0.7, 0.6); }, "more than 1");
    expectError([&] { (void)tagByScore(std::vector<double>{1, NAN}, 0.5, 0.5); }, "event 1");
  }

  void pseudoLabelsKeepWeightsAndDropTruth() {
    FeatureMatrix m;
    m.featureNames = {"a"};
    m.classNames = {"background", "signal"};
    m.x.resize(5, 1);
    m.x << 0, 1, 2, 3, 4;
    m.label = {1, 1, 0, 0, 1};
    m.weight = {0.5, -2.0, 3.0, 1.5, 7.0};
    const std::vector<Tag> t{Tag::BackgroundLike, Tag::Untagged, Tag::SignalLike, Tag::SignalLike,
                             Tag::BackgroundLike};
    std::vector<std::size_t> rows;
    const FeatureMatrix p = pseudoLabelled(m, t, &rows);
    QCOMPARE(rows, (std::vector<std::size_t>{0, 2, 3, 4}));
    QCOMPARE(p.label, (std::vector<std::int32_t>{0, 1, 1, 0}));
    QCOMPARE(p.weight, (std::vector<double>{0.5, 3.0, 1.5, 7.0}));
    QCOMPARE(p.x(3, 0), 4.0f);
    QCOMPARE(p.classNames[1], std::string("signal-like"));
    const std::vector<Tag> none(5, Tag::BackgroundLike);
    expectError([&] { (void)pseudoLabelled(m, none, nullptr); }, "no signal-like");
  }

  void pseudoLabelTrainingFollowsTheTags() {
    // Truth says the signal sits at x > 0; the tags say the opposite. A classifier trained on
    // the tags must score x < 0 higher: it learned the pseudo-labels, never the truth.
    std::mt19937_64 g(7);
    std::normal_distribution<double> nd(0.0, 1.0);
    FeatureMatrix m;
    m.featureNames = {"x"};
    m.classNames = {"background", "signal"};
    const std::size_t n = 3000;
    m.x.resize(n, 1);
    std::vector<double> tagScore(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double v = nd(g);
      m.x(static_cast<Eigen::Index>(i), 0) = static_cast<float>(v);
      m.label.push_back(v > 0 ? 1 : 0);
      m.weight.push_back(1.0);
      tagScore[i] = -v;  // the "other object" thinks low x is signal-like
    }
    const std::vector<int> fold = randomFolds(n, 2, 1);
    const TrainingSetFn set = [&](int k) {
      const std::vector<std::size_t> rows = trainingRows(fold, k);
      std::vector<double> s(rows.size());
      for (std::size_t j = 0; j < rows.size(); ++j) s[j] = tagScore[rows[j]];
      return pseudoLabelled(m.subset(rows), tagByScore(s, 0.2, 0.4));
    };
    const CrossFitResult r = crossFit(m, fold, 2, set, {{"kind", "logistic"}}, 1, 1, nullptr, "t");
    QCOMPARE(r.models.size(), std::size_t{2});
    std::vector<std::uint8_t> negative(n);
    for (std::size_t i = 0; i < n; ++i) negative[i] = m.x(static_cast<Eigen::Index>(i), 0) < 0;
    const WeakMetrics wm = weakMetrics(r.scores, negative);
    QVERIFY2(wm.auc > 0.99, qPrintable(QString("AUC for x < 0: %1").arg(wm.auc)));
  }

  void tagInWindowIsAStudySetting() {
    // Object 2's feature x2 follows object 1's starting score inside the window (m in
    // [0.4, 0.6], a fifth of the events) and opposes it outside. Tagging only inside the window
    // (the default), object 2's classifier learns "high x2 is signal-like"; tagging every event,
    // the outside majority teaches it the opposite. The setting travels from the study's
    // settings (WeakStudyConfig::tagInWindow) through tntConfig.
    std::mt19937_64 g(3);
    std::normal_distribution<double> nd(0.0, 1.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::size_t n = 4000;
    FeatureMatrix m;
    m.featureNames = {"j1_x", "j2_x"};
    m.classNames = {"background", "signal"};
    m.x.resize(n, 2);
    std::vector<double> mass(n), start1(n), start2(n);
    std::vector<std::uint8_t> highX2(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      mass[i] = u(g);
      const double x2 = nd(g);
      const bool inside = mass[i] >= 0.4 && mass[i] <= 0.6;
      start1[i] = (inside ? x2 : -x2) + 0.3 * nd(g);
      start2[i] = nd(g);
      m.x(row, 0) = static_cast<float>(nd(g));
      m.x(row, 1) = static_cast<float>(x2);
      m.label.push_back(0);
      m.weight.push_back(1.0);
      highX2[i] = x2 > 0;
    }
    WeakStudyConfig c;
    c.object1Features = {"j1_x"};
    c.object2Features = {"j2_x"};
    c.window = {0.4, 0.6};
    c.classifier = {{"kind", "logistic"}};
    c.folds = 2;
    c.threads = 1;
    QVERIFY(c.tagInWindow);
    QVERIFY(tntConfig(c).window.has_value());
    const TntResult inWindow = runTagNTrain(m, mass, start1, start2, tntConfig(c));
    const double aucIn = weakMetrics(inWindow.steps.front().score2, highX2).auc;
    QVERIFY2(aucIn > 0.95, qPrintable(QString("tagged in the window: AUC(x2 > 0) %1").arg(aucIn)));
    c.tagInWindow = false;
    QVERIFY(!tntConfig(c).window.has_value());
    const TntResult everywhere = runTagNTrain(m, mass, start1, start2, tntConfig(c));
    const double aucAll = weakMetrics(everywhere.steps.front().score2, highX2).auc;
    QVERIFY2(aucAll < 0.05, qPrintable(QString("tagged everywhere: AUC(x2 > 0) %1").arg(aucAll)));
  }

  void foldsIgnoreLabelsAndBalance() {
    const std::vector<int> f = randomFolds(10, 3, 4);
    std::vector<int> size(3, 0);
    for (int k : f) ++size[static_cast<std::size_t>(k)];
    std::sort(size.begin(), size.end());
    QCOMPARE(size, (std::vector<int>{3, 3, 4}));
    QCOMPARE(randomFolds(10, 3, 4), f);
    QCOMPARE(trainingRows(f, 0, std::vector<std::uint8_t>(10, 0)).size(), std::size_t{0});
  }

  void combinationIsBothInTheTop() {
    // Hand case, 5 events: CDF of s1 = (0.2, 1.0, 0.6, 0.8, 0.4), of s2 = (1.0, 0.8, 0.4, 0.6,
    // 0.2); min = (0.2, 0.8, 0.4, 0.6, 0.2).
    const std::vector<double> s1{1, 5, 3, 4, 2}, s2{50, 40, 20, 30, 10};
    const std::vector<double> c = combineBothInTop(s1, s2);
    const std::vector<double> want{0.2, 0.8, 0.4, 0.6, 0.2};
    for (std::size_t i = 0; i < 5; ++i) QVERIFY(std::abs(c[i] - want[i]) < 1e-12);
    // Against the definition on random scores: c > 1 − X ⇔ both scores above their own top-X
    // thresholds (the X·n-th largest value), for several X.
    std::mt19937_64 g(11);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<double> a(1000), b(1000);
    for (std::size_t i = 0; i < 1000; ++i) {
      a[i] = u(g);
      b[i] = 0.3 * a[i] + u(g);
    }
    const std::vector<double> cc = combineBothInTop(a, b);
    for (double x : {0.5, 0.2, 0.05, 0.01}) {
      const auto top = static_cast<std::size_t>(std::llround(x * 1000));
      std::vector<double> sa = a, sb = b;
      std::sort(sa.rbegin(), sa.rend());
      std::sort(sb.rbegin(), sb.rend());
      for (std::size_t i = 0; i < 1000; ++i) {
        const bool both = a[i] >= sa[top - 1] && b[i] >= sb[top - 1];
        QCOMPARE(cc[i] > 1.0 - x + 1e-12, both);
      }
    }
    // Ties share the highest rank.
    const std::vector<double> cdf = empiricalCdf(std::vector<double>{3, 1, 3, 2});
    QCOMPARE(cdf, (std::vector<double>{1.0, 0.25, 1.0, 0.5}));
  }

  void signalInjectionIsExactAndNested() {
    std::vector<std::uint8_t> sig(2000, 0);
    for (std::size_t i = 0; i < 2000; i += 10) sig[i] = 1;  // 200 signal, 1800 background
    const auto r9 = injectSignal(sig, 0.09, 5), r1 = injectSignal(sig, 0.01, 5);
    auto nsig = [&](const std::vector<std::size_t>& r) {
      return std::count_if(r.begin(), r.end(), [&](std::size_t i) { return sig[i] == 1; });
    };
    QCOMPARE(nsig(r9), 162);  // round(0.09 · 1800)
    QCOMPARE(nsig(r1), 18);
    QCOMPARE(r9.size(), std::size_t{1962});
    QVERIFY(std::is_sorted(r9.begin(), r9.end()));
    QVERIFY(std::includes(r9.begin(), r9.end(), r1.begin(), r1.end()));
    expectError([&] { (void)injectSignal(sig, 0.2, 5); }, "needs 360 signal events");
  }

  void bumpHuntHistograms() {
    // 10 events, resonance 0.5 .. 9.5 in 10 unit bins, score = index; weights 1 except event
    // 9 (weight 2). Total 11; ε = 0.3 keeps the top weight 3.3: events 9 (2), 8 (1), 7 (1).
    std::vector<double> m(10), s(10), w(10, 1.0);
    for (std::size_t i = 0; i < 10; ++i) {
      m[i] = double(i) + 0.5;
      s[i] = double(i);
    }
    w[9] = 2.0;
    std::vector<std::uint8_t> t(10, 0);
    t[8] = t[9] = 1;
    const std::vector<double> eff{0.3, 1.0};
    const BumpHunt h = bumpHunt(m, s, w, t, eff, 10, 0.0, 10.0);
    QCOMPARE(h.edges.size(), std::size_t{11});
    QCOMPARE(h.all[9], 2.0);
    QCOMPARE(h.background[9], 0.0);
    const BumpHuntCut& c = h.cuts[0];
    QCOMPARE(c.threshold, 7.0);
    QVERIFY(std::abs(c.efficiency - 4.0 / 11.0) < 1e-12);
    QCOMPARE(c.all, (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 1, 1, 2}));
    QCOMPARE(c.signal, (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0, 1, 2}));
    // Reference: the pre-cut background (1 in bins 0..7) scaled to the 4 events kept.
    for (std::size_t b = 0; b < 8; ++b) QVERIFY(std::abs(c.referenceShape[b] - 0.5) < 1e-12);
    QCOMPARE(c.referenceShape[8], 0.0);
    QCOMPARE(h.cuts[1].efficiency, 1.0);
    expectError([&] { (void)bumpHunt(m, s, w, t, std::vector<double>{0.0}, 10, 0, 10); },
                "not in (0, 1]");
  }

  void cwolaRegionsAndErrors() {
    // Window [3300, 3700] closed, sidebands [2900, 3300) and (3700, 4100].
    CwolaConfig c;
    const std::vector<double> m{2899, 2900, 3299.9, 3300, 3700, 3700.1, 4100, 4100.1};
    const std::vector<std::int8_t> r = cwolaRegions(m, c);
    QCOMPARE(r, (std::vector<std::int8_t>{-1, 0, 0, 1, 1, 0, 0, -1}));
    FeatureMatrix x;
    x.featureNames = {"a"};
    x.classNames = {"background", "signal"};
    x.x = RowMatrixF::Zero(4, 1);
    x.label.assign(4, 0);
    x.weight.assign(4, 1.0);
    const std::vector<double> onlyWindow{3400, 3500, 3600, 3450};
    expectError([&] { (void)runCwola(x, onlyWindow, c); }, "no events in the sidebands");
    c.signalRegion = {3700, 3300};
    expectError([&] { (void)runCwola(x, onlyWindow, c); }, "upper edge");
  }

  void significanceImprovement() {
    // 4 signal, 100 background; scores put 2 signal above every background, then background.
    std::vector<double> s;
    std::vector<std::uint8_t> t;
    for (int i = 0; i < 4; ++i) {
      s.push_back(i < 2 ? 100.0 + i : -1.0 - i);
      t.push_back(1);
    }
    for (int i = 0; i < 100; ++i) {
      s.push_back(double(i) / 100.0);
      t.push_back(0);
    }
    // Cuts keeping ≥ 10 background: best is 2 signal with the 10 highest background:
    // ε_S = 0.5, ε_B = 0.1 → 0.5 / √0.1.
    const WeakMetrics m = weakMetrics(s, t, {}, {}, 10.0);
    QVERIFY(std::abs(m.maxSignificanceImprovement - 0.5 / std::sqrt(0.1)) < 1e-12);
    QCOMPARE(m.efficiencyAtMaxSic, 0.5);
  }
};

QTEST_APPLESS_MAIN(TestTagging)
#include "test_tagging.moc"
