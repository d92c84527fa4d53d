#include <QtTest/QtTest>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "core/resample/nearest_neighbours.h"
#include "core/resample/resampler.h"
#include "core/util/error.h"

// Every expectation below is recomputed here by brute force (neighbours, Tomek links, ADASYN
// quotas, weight totals), independently of core/resample.

namespace {

// Classes of the given sizes, Gaussian features; class c is shifted by 0.8·c in every feature.
// Weights: lognormal-ish positive, with a few negatives if `negatives`.
imbw::FeatureMatrix makeData(const std::vector<int>& sizes, int dims, unsigned seed,
                             bool negatives = false) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uni(0.2, 2.0);
  imbw::FeatureMatrix m;
  for (std::size_t c = 0; c < sizes.size(); ++c) m.classNames.push_back("c" + std::to_string(c));
  m.signalClass = 1;
  for (int f = 0; f < dims; ++f) m.featureNames.push_back("f" + std::to_string(f));
  const int n = std::accumulate(sizes.begin(), sizes.end(), 0);
  m.x.resize(n, dims);
  // Interleave classes so that class order is not the row order.
  std::vector<int> labels;
  for (std::size_t c = 0; c < sizes.size(); ++c) labels.insert(labels.end(), sizes[c], int(c));
  std::shuffle(labels.begin(), labels.end(), rng);
  for (int i = 0; i < n; ++i) {
    m.label.push_back(labels[i]);
    double w = uni(rng);
    if (negatives && i % 7 == 3) w = -0.3 * w;
    m.weight.push_back(w);
    for (int f = 0; f < dims; ++f)
      m.x(i, f) = static_cast<float>(normal(rng) * (1.0 + 0.5 * f) + 0.8 * labels[i] + 3.0 * f);
  }
  return m;
}

std::vector<double> totalsOf(const imbw::FeatureMatrix& m) {
  std::vector<double> t(m.classNames.size(), 0.0);
  for (std::size_t i = 0; i < m.rows(); ++i) t[m.label[i]] += m.weight[i];
  return t;
}
std::vector<int> countsOf(const imbw::FeatureMatrix& m) {
  std::vector<int> n(m.classNames.size(), 0);
  for (auto l : m.label) ++n[l];
  return n;
}

bool near(double a, double b, double rel = 1e-12) {
  return std::fabs(a - b) <= rel * std::max({1.0, std::fabs(a), std::fabs(b)});
}

// Unweighted mean / population std standardisation, computed here.
imbw::RowMatrixD standardise(const imbw::FeatureMatrix& fold, const imbw::RowMatrixF& x) {
  const auto d = fold.x.cols();
  std::vector<double> mean(d, 0.0), sd(d, 0.0);
  for (Eigen::Index i = 0; i < fold.x.rows(); ++i)
    for (Eigen::Index f = 0; f < d; ++f) mean[f] += fold.x(i, f);
  for (auto& v : mean) v /= fold.x.rows();
  for (Eigen::Index i = 0; i < fold.x.rows(); ++i)
    for (Eigen::Index f = 0; f < d; ++f) sd[f] += std::pow(fold.x(i, f) - mean[f], 2);
  for (auto& v : sd) v = std::sqrt(v / fold.x.rows());
  imbw::RowMatrixD z(x.rows(), d);
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index f = 0; f < d; ++f) z(i, f) = (x(i, f) - mean[f]) / (sd[f] > 0 ? sd[f] : 1.0);
  return z;
}

double dist2(const imbw::RowMatrixD& z, Eigen::Index a, Eigen::Index b) {
  return (z.row(a) - z.row(b)).squaredNorm();
}

// Brute-force k nearest of point a among `pool` (excluding a): (distance², index), ascending.
std::vector<std::pair<double, int>> bruteKnn(const imbw::RowMatrixD& z, int a,
                                             const std::vector<int>& pool, int k) {
  std::vector<std::pair<double, int>> d;
  for (int b : pool)
    if (b != a) d.push_back({dist2(z, a, b), b});
  std::sort(d.begin(), d.end());
  d.resize(std::min<std::size_t>(k, d.size()));
  return d;
}

// b is among a's k nearest in `pool`, allowing exact-tie order (distance ≤ the k-th).
bool isKnn(const imbw::RowMatrixD& z, int a, int b, const std::vector<int>& pool, int k) {
  const auto nn = bruteKnn(z, a, pool, k);
  return b != a && dist2(z, a, b) <= nn.back().first * (1 + 1e-12);
}

// Tomek links by brute force: mutual nearest neighbours of different classes.
std::set<int> tomekMembers(const imbw::RowMatrixD& z, const std::vector<std::int32_t>& label) {
  const int n = static_cast<int>(z.rows());
  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  std::vector<int> nn1(n);
  for (int i = 0; i < n; ++i) nn1[i] = bruteKnn(z, i, all, 1)[0].second;
  std::set<int> members;
  for (int i = 0; i < n; ++i)
    if (nn1[nn1[i]] == i && label[i] != label[nn1[i]]) members.insert(i);
  return members;
}

imbw::ResampleConfig config(imbw::ResampleKind kind, double ratio = 1.0, int k = 5) {
  imbw::ResampleConfig c;
  c.kind = kind;
  c.ratio = ratio;
  c.k = k;
  c.seed = 42;
  return c;
}

template <class F>
QString errorOf(F f) {
  try {
    f();
  } catch (const imbw::Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestResample : public QObject {
  Q_OBJECT
 private Q_SLOTS:

  void nearestNeighboursMatchBruteForce() {
    for (int dims : {3, 20}) {
      const auto m = makeData({300, 200}, dims, 11);
      const auto z = standardise(m, m.x);
      std::vector<int> all(static_cast<int>(z.rows()));
      std::iota(all.begin(), all.end(), 0);
      for (auto method :
           {imbw::NearestNeighbours::Method::Brute, imbw::NearestNeighbours::Method::KdTree}) {
        const imbw::NearestNeighbours nn(z, method);
        const int k = 6;
        const auto got = nn.selfNeighbours(k);
        for (int i = 0; i < z.rows(); ++i) {
          const auto want = bruteKnn(z, i, all, k);
          for (int j = 0; j < k; ++j) {
            // Same distances in the same order (indices may differ only for exact ties).
            QVERIFY2(near(dist2(z, i, got[i * k + j]), want[j].first, 1e-12),
                     qPrintable(QString("dims %1 point %2 rank %3").arg(dims).arg(i).arg(j)));
            QVERIFY(static_cast<int>(got[i * k + j]) != i);
          }
        }
      }
    }
    // Many exact duplicates: ties everywhere, the float pre-selection must still be exact.
    imbw::RowMatrixD dup(400, 5);
    for (int i = 0; i < 400; ++i)
      for (int f = 0; f < 5; ++f) dup(i, f) = (i % 13) * 0.5 + f + (i % 3 == 0 ? 1e-9 * i : 0.0);
    std::vector<int> all(400);
    std::iota(all.begin(), all.end(), 0);
    const imbw::NearestNeighbours nn(dup, imbw::NearestNeighbours::Method::Brute);
    const auto got = nn.selfNeighbours(20);
    for (int i = 0; i < 400; ++i) {
      const auto want = bruteKnn(dup, i, all, 20);
      for (int j = 0; j < 20; ++j) QCOMPARE(dist2(dup, i, got[i * 20 + j]), want[j].first);
    }
  }

  void configJsonRoundTripAndValidation() {
    imbw::ResampleConfig c = config(imbw::ResampleKind::SmoteTomek, 0.5, 7);
    c.negativeWeights = imbw::NegativeWeightPolicy::Abs;
    c.equaliseWeights = true;
    c.replacement = true;
    c.seed = 123456789012345ULL;
    const auto b = imbw::ResampleConfig::fromJson(c.toJson());
    QCOMPARE(b.kind, c.kind);
    QCOMPARE(b.ratio, 0.5);
    QCOMPARE(b.k, 7);
    QCOMPARE(b.negativeWeights, imbw::NegativeWeightPolicy::Abs);
    QVERIFY(b.equaliseWeights && b.replacement);
    QCOMPARE(b.seed, c.seed);
    QVERIFY(errorOf([] { imbw::resampleKindFromName("smoth"); }).contains("did you mean 'smote'"));
    QVERIFY(!errorOf([] {
               imbw::ResampleConfig::fromJson({{"kind", "smote"}, {"ratio", 0}});
             }).isEmpty());
    QVERIFY(!errorOf([] {
               imbw::ResampleConfig::fromJson({{"kind", "smote"}, {"ratio", -1}});
             }).isEmpty());
    QVERIFY(!errorOf([] {
               imbw::ResampleConfig::fromJson({{"kind", "random_under"}, {"ratio", 1.5}});
             }).isEmpty());
    QVERIFY(!errorOf([] {
               imbw::ResampleConfig::fromJson({{"kind", "smote"}, {"k", 0}});
             }).isEmpty());
    QVERIFY(errorOf([] { imbw::ResampleConfig::fromJson({{"ration", 0.5}}); }).contains("ratio"));
    QVERIFY(!errorOf([] {
               imbw::ResampleConfig::fromJson({{"negative_weights", "flip"}});
             }).isEmpty());
  }

  void negativeWeightPolicies() {
    const auto m = makeData({50, 30}, 3, 2, true);
    int negatives = 0;
    for (double w : m.weight) negatives += w < 0;
    QVERIFY(negatives > 0);
    auto c = config(imbw::ResampleKind::None);
    const auto keep = imbw::resample(m, c);
    QCOMPARE(keep.data.weight, m.weight);
    c.negativeWeights = imbw::NegativeWeightPolicy::Drop;
    const auto drop = imbw::resample(m, c);
    QCOMPARE(static_cast<int>(drop.data.rows()), static_cast<int>(m.rows()) - negatives);
    for (std::size_t i = 0; i < drop.data.rows(); ++i) {
      QVERIFY(drop.data.weight[i] >= 0);
      QCOMPARE(drop.data.weight[i], m.weight[drop.source[i]]);
    }
    c.negativeWeights = imbw::NegativeWeightPolicy::Abs;
    const auto abs = imbw::resample(m, c);
    for (std::size_t i = 0; i < m.rows(); ++i) QCOMPARE(abs.data.weight[i], std::fabs(m.weight[i]));
  }

  void classReweightEqualAndRatio() {
    const auto m = makeData({400, 60, 25}, 2, 3);
    const auto before = totalsOf(m);
    const double grand = std::accumulate(before.begin(), before.end(), 0.0);
    auto c = config(imbw::ResampleKind::ClassReweight);
    const auto eq = imbw::resample(m, c);
    QCOMPARE(eq.data.rows(), m.rows());
    const auto t = totalsOf(eq.data);
    for (double v : t) QVERIFY(near(v, grand / 3));
    // Within a class all weights scale by one factor.
    for (std::size_t i = 0; i < m.rows(); ++i)
      QVERIFY(near(eq.data.weight[i] / m.weight[i], t[m.label[i]] / before[m.label[i]]));
    c.ratio = 0.25;  // every non-majority class gets 1/4 of the majority's total
    const auto r = totalsOf(imbw::resample(m, c).data);
    QVERIFY(near(r[1], 0.25 * r[0]) && near(r[2], 0.25 * r[0]));
    QVERIFY(near(r[0] + r[1] + r[2], grand));
  }

  void randomUnderSampling() {
    const auto m = makeData({500, 80, 120}, 3, 4);
    const auto before = totalsOf(m);
    for (bool replacement : {false, true}) {
      auto c = config(imbw::ResampleKind::RandomUnder, 0.5);
      c.replacement = replacement;
      const auto r = imbw::resample(m, c);
      const auto n = countsOf(r.data);
      // target = round(N_min / ratio) = 160: classes 0 and... only class 0 is above it.
      QCOMPARE(n, (std::vector<int>{160, 80, 120}));
      const auto t = totalsOf(r.data);
      for (int cl = 0; cl < 3; ++cl) QVERIFY(near(t[cl], before[cl]));
      std::set<std::int64_t> seen;
      bool dup = false;
      for (std::size_t i = 0; i < r.data.rows(); ++i) {
        QVERIFY(r.source[i] >= 0);
        QCOMPARE(r.data.label[i], m.label[r.source[i]]);
        QVERIFY(r.data.x.row(i) == m.x.row(r.source[i]));
        dup |= !seen.insert(r.source[i]).second;
      }
      QCOMPARE(dup, replacement);  // 160 draws from 500 with replacement: duplicates certain
      // Classes untouched keep their events and weights.
      for (std::size_t i = 0; i < r.data.rows(); ++i)
        if (r.data.label[i] != 0) QCOMPARE(r.data.weight[i], m.weight[r.source[i]]);
      // Determinism by seed.
      const auto again = imbw::resample(m, c);
      QCOMPARE(again.source, r.source);
      QCOMPARE(again.data.weight, r.data.weight);
      c.seed = 43;
      QVERIFY(imbw::resample(m, c).source != r.source);
    }
  }

  void equaliseAfterUnderSampling() {
    const auto m = makeData({300, 40}, 2, 5);
    const auto before = totalsOf(m);
    auto c = config(imbw::ResampleKind::RandomUnder, 1.0);
    c.equaliseWeights = true;
    const auto r = imbw::resample(m, c);
    QCOMPARE(countsOf(r.data), (std::vector<int>{40, 40}));
    const auto t = totalsOf(r.data);
    QVERIFY(near(t[0], t[1]));
    QVERIFY(near(t[0] + t[1], before[0] + before[1]));
  }

  void randomOverSampling() {
    const auto m = makeData({400, 50, 90}, 2, 6);
    const auto before = totalsOf(m);
    auto c = config(imbw::ResampleKind::RandomOver, 0.5);  // target round(0.5 · 400) = 200
    const auto r = imbw::resample(m, c);
    QCOMPARE(countsOf(r.data), (std::vector<int>{400, 200, 200}));
    // Each input event's weight is split among its copies: per-event sums are unchanged.
    std::map<std::int64_t, double> perEvent;
    std::map<std::int64_t, int> copies;
    for (std::size_t i = 0; i < r.data.rows(); ++i) {
      QVERIFY(r.source[i] >= 0);
      perEvent[r.source[i]] += r.data.weight[i];
      ++copies[r.source[i]];
    }
    QCOMPARE(perEvent.size(), m.rows());
    for (const auto& [src, w] : perEvent) QVERIFY(near(w, m.weight[src]));
    for (std::size_t i = 0; i < r.data.rows(); ++i)
      QVERIFY(near(r.data.weight[i], m.weight[r.source[i]] / copies[r.source[i]]));
    const auto t = totalsOf(r.data);
    for (int cl = 0; cl < 3; ++cl) QVERIFY(near(t[cl], before[cl]));
    QCOMPARE(imbw::resample(m, c).source, r.source);
  }

  void smoteSyntheticsLieOnNeighbourSegments() {
    for (int classes : {2, 3}) {
      const auto m = classes == 2 ? makeData({300, 45}, 4, 7) : makeData({300, 45, 70}, 4, 8);
      const auto before = totalsOf(m);
      const int k = 5;
      const auto r = imbw::resample(m, config(imbw::ResampleKind::Smote, 0.8, k));
      const auto n = countsOf(r.data);
      QCOMPARE(n[0], 300);
      for (int cl = 1; cl < classes; ++cl) QCOMPARE(n[cl], 240);  // round(0.8 · 300)
      const auto t = totalsOf(r.data);
      for (int cl = 0; cl < classes; ++cl) QVERIFY(near(t[cl], before[cl]));
      const auto z = standardise(m, m.x);
      std::vector<std::vector<int>> pool(classes);
      for (int i = 0; i < static_cast<int>(m.rows()); ++i) pool[m.label[i]].push_back(i);
      // Weight factor per class: synthetic weight = factor × seed weight, copies = factor × w.
      std::vector<double> factor(classes);
      for (int cl = 0; cl < classes; ++cl) {
        double syn = 0;
        for (std::size_t i = 0; i < r.data.rows(); ++i)
          if (r.source[i] < 0 && r.data.label[i] == cl) syn += m.weight[r.seed[i]];
        factor[cl] = before[cl] / (before[cl] + syn);
      }
      int synthetic = 0;
      for (std::size_t i = 0; i < r.data.rows(); ++i) {
        const int cl = r.data.label[i];
        if (r.source[i] >= 0) {
          QVERIFY(near(r.data.weight[i], factor[cl] * m.weight[r.source[i]]));
          continue;
        }
        ++synthetic;
        const int a = static_cast<int>(r.seed[i]);
        const int b = static_cast<int>(r.neighbour[i]);
        QCOMPARE(m.label[a], cl);
        QCOMPARE(m.label[b], cl);
        QVERIFY2(isKnn(z, a, b, pool[cl], k), "neighbour is not among the seed's k nearest");
        QVERIFY(near(r.data.weight[i], factor[cl] * m.weight[a]));
        // x = a + t (b − a) with t ∈ [0, 1], checked from the coordinates alone.
        const Eigen::VectorXd xa = m.x.row(a).cast<double>(), xb = m.x.row(b).cast<double>();
        const Eigen::VectorXd x = r.data.x.row(i).cast<double>();
        const double tt = (x - xa).dot(xb - xa) / (xb - xa).squaredNorm();
        QVERIFY(tt >= -1e-6 && tt <= 1 + 1e-6);
        QVERIFY2((xa + tt * (xb - xa) - x).norm() <= 1e-5 * (1 + xa.norm()), "off the segment");
      }
      QCOMPARE(synthetic, (240 - 45) + (classes == 3 ? 240 - 70 : 0));
      // Without the provenance: each synthetic of class 1 lies on some seed→neighbour segment.
      for (std::size_t i = 0; i < r.data.rows(); ++i) {
        if (r.source[i] >= 0 || r.data.label[i] != 1) continue;
        const Eigen::VectorXd x = r.data.x.row(i).cast<double>();
        bool found = false;
        for (int a : pool[1]) {
          for (const auto& [d2, b] : bruteKnn(z, a, pool[1], k)) {
            const Eigen::VectorXd xa = m.x.row(a).cast<double>(), xb = m.x.row(b).cast<double>();
            const double tt = (x - xa).dot(xb - xa) / (xb - xa).squaredNorm();
            if (tt >= -1e-6 && tt <= 1 + 1e-6 &&
                (xa + tt * (xb - xa) - x).norm() <= 1e-5 * (1 + xa.norm()))
              found = true;
          }
          if (found) break;
        }
        QVERIFY2(found, "a synthetic point lies on no minority segment");
      }
    }
  }

  void smoteDeterministicAcrossThreadCounts() {
    const auto m = makeData({600, 90}, 6, 9);
    const auto c = config(imbw::ResampleKind::Smote, 1.0, 5);
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const auto one = imbw::resample(m, c);
    omp_set_num_threads(std::max(2, threads));
    const auto two = imbw::resample(m, c);
    omp_set_num_threads(threads);
    QVERIFY(one.data.x == two.data.x);
    QCOMPARE(one.data.weight, two.data.weight);
    QCOMPARE(one.seed, two.seed);
    auto other = c;
    other.seed = 7;
    QVERIFY(!(imbw::resample(m, other).data.x == one.data.x));
  }

  void adasynFollowsMajorityNeighbourFractions() {
    const auto m = makeData({300, 60}, 3, 10);
    const int k = 5;
    const auto r = imbw::resample(m, config(imbw::ResampleKind::Adasyn, 1.0, k));
    const auto z = standardise(m, m.x);
    std::vector<int> all(static_cast<int>(m.rows())), minority;
    std::iota(all.begin(), all.end(), 0);
    for (int i : all)
      if (m.label[i] == 1) minority.push_back(i);
    // Expected quota per minority point: rint(h_i / Σh · (300 − 60)), h_i = foreign fraction.
    std::vector<double> h;
    double sum = 0;
    for (int a : minority) {
      int foreign = 0;
      for (const auto& [d2, b] : bruteKnn(z, a, all, k)) foreign += m.label[b] != 1;
      h.push_back(foreign / double(k));
      sum += h.back();
    }
    std::map<std::int64_t, int> got;
    for (std::size_t i = 0; i < r.data.rows(); ++i) {
      if (r.source[i] >= 0) continue;
      ++got[r.seed[i]];
      QVERIFY(isKnn(z, static_cast<int>(r.seed[i]), static_cast<int>(r.neighbour[i]), minority, k));
    }
    int expectedTotal = 0;
    double hardMean = 0, easyMean = 0;
    int hard = 0, easy = 0;
    for (std::size_t j = 0; j < minority.size(); ++j) {
      const int want = static_cast<int>(std::nearbyint(h[j] / sum * 240));
      expectedTotal += want;
      QCOMPARE(got.count(minority[j]) ? got[minority[j]] : 0, want);
      if (h[j] >= 0.6) {
        hardMean += want;
        ++hard;
      } else if (h[j] <= 0.2) {
        easyMean += want;
        ++easy;
      }
    }
    QCOMPARE(static_cast<int>(r.numSynthetic()), expectedTotal);
    QVERIFY(hard > 0 && easy > 0);
    QVERIFY(hardMean / hard > easyMean / easy);  // more synthetics where majority is close
    const auto t = totalsOf(r.data), b = totalsOf(m);
    QVERIFY(near(t[0], b[0]) && near(t[1], b[1]));
  }

  void tomekLinksMatchBruteForce() {
    const auto m = makeData({250, 80}, 3, 12);
    const auto before = totalsOf(m);
    const auto r = imbw::resample(m, config(imbw::ResampleKind::Tomek));
    const auto z = standardise(m, m.x);
    const auto links = tomekMembers(z, m.label);
    QVERIFY(links.size() >= 4);  // overlapping classes do have links
    std::set<std::int64_t> expectedKept;
    for (int i = 0; i < static_cast<int>(m.rows()); ++i)
      if (!(links.count(i) && m.label[i] == 0)) expectedKept.insert(i);  // minority is class 1
    std::set<std::int64_t> kept(r.source.begin(), r.source.end());
    QCOMPARE(kept, expectedKept);
    QCOMPARE(r.data.rows(), expectedKept.size());
    const auto t = totalsOf(r.data);
    QVERIFY(near(t[0], before[0]) && near(t[1], before[1]));
  }

  void smoteTomekRemovesBothLinkMembers() {
    const auto m = makeData({250, 60}, 3, 13);
    const auto before = totalsOf(m);
    const auto s = imbw::resample(m, config(imbw::ResampleKind::Smote));
    const auto st = imbw::resample(m, config(imbw::ResampleKind::SmoteTomek));
    // Tomek links of the SMOTE output, standardised with the input fold's statistics.
    const auto z = standardise(m, s.data.x);
    const auto links = tomekMembers(z, s.data.label);
    QVERIFY(!links.empty());
    std::vector<int> keep;
    for (int i = 0; i < static_cast<int>(s.data.rows()); ++i)
      if (!links.count(i)) keep.push_back(i);
    QCOMPARE(static_cast<int>(st.data.rows()), static_cast<int>(keep.size()));
    for (std::size_t j = 0; j < keep.size(); ++j) {
      QCOMPARE(st.source[j], s.source[keep[j]]);
      QVERIFY(st.data.x.row(j) == s.data.x.row(keep[j]));
    }
    const auto t = totalsOf(st.data);
    QVERIFY(near(t[0], before[0]) && near(t[1], before[1]));
  }

  void balancedBaggingMembers() {
    const auto m = makeData({500, 70}, 2, 14);
    const auto before = totalsOf(m);
    auto c = config(imbw::ResampleKind::BalancedBagging);
    const auto fold = imbw::resample(m, c);  // the ensemble bags; resample() passes the fold on
    QCOMPARE(fold.data.rows(), m.rows());
    const auto a0 = imbw::balancedBaggingMember(m, c, 0);
    const auto a1 = imbw::balancedBaggingMember(m, c, 1);
    QCOMPARE(countsOf(a0.data), (std::vector<int>{70, 70}));
    QCOMPARE(countsOf(a1.data), (std::vector<int>{70, 70}));
    QVERIFY(a0.source != a1.source);
    QCOMPARE(imbw::balancedBaggingMember(m, c, 1).source, a1.source);
    const auto t = totalsOf(a1.data);
    QVERIFY(near(t[0], before[0]) && near(t[1], before[1]));
    c.equaliseWeights = true;
    const auto e = totalsOf(imbw::balancedBaggingMember(m, c, 3).data);
    QVERIFY(near(e[0], e[1]));
  }

  void badParametersGiveClearErrors() {
    const auto m = makeData({100, 5}, 3, 15);
    QVERIFY(errorOf([&] {
              imbw::resample(m, config(imbw::ResampleKind::RandomUnder, 0.0));
            }).contains("ratio"));
    QVERIFY(errorOf([&] {
              imbw::resample(m, config(imbw::ResampleKind::Smote, 1.0, 5));
            }).contains("k = 5"));
    QVERIFY(errorOf([&] {
              imbw::resample(m, config(imbw::ResampleKind::Adasyn, 1.0, 7));
            }).contains("lower k"));
    auto empty = makeData({100, 20, 0}, 3, 16);
    QVERIFY(errorOf([&] {
              imbw::resample(empty, config(imbw::ResampleKind::RandomOver));
            }).contains("'c2' has no events"));
    auto nan = makeData({100, 20}, 3, 17);
    nan.x(5, 1) = std::nanf("");
    QVERIFY(errorOf([&] {
              imbw::resample(nan, config(imbw::ResampleKind::Smote));
            }).contains("'f1' is NaN"));
    auto bad = makeData({100, 20}, 3, 18);
    bad.label[3] = 4;
    QVERIFY(
        !errorOf([&] { imbw::resample(bad, config(imbw::ResampleKind::RandomOver)); }).isEmpty());
    auto neg = makeData({100, 20}, 3, 19);
    for (std::size_t i = 0; i < neg.rows(); ++i)
      if (neg.label[i] == 1) neg.weight[i] = -1;
    QVERIFY(errorOf([&] {
              imbw::resample(neg, config(imbw::ResampleKind::ClassReweight));
            }).contains("negative_weights"));
    auto c = config(imbw::ResampleKind::RandomUnder);
    c.negativeWeights = imbw::NegativeWeightPolicy::Drop;
    QVERIFY(errorOf([&] { imbw::resample(neg, c); }).contains("after dropping negative weights"));
    QVERIFY(!errorOf([&] {
               imbw::balancedBaggingMember(m, config(imbw::ResampleKind::BalancedBagging), -1);
             }).isEmpty());
  }
};

QTEST_APPLESS_MAIN(TestResample)
#include "test_resample.moc"
