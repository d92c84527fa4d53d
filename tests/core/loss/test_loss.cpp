#include <QtTest/QtTest>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/loss/loss.h"
#include "core/util/error.h"

// References computed here, independently of core/loss: the loss value in long double (its own
// log-sigmoid / log-softmax), finite differences of that value (central, Richardson-extrapolated),
// and the closed forms of REFERENCE.md evaluated in long double.

namespace {

using LD = long double;

const std::vector<double> kAlphas{0.1, 0.25, 0.5, 0.9};
const std::vector<double> kGammas{0.0, 0.5, 1.0, 2.0, 5.0};

std::vector<double> marginGrid() {
  std::vector<double> z;
  for (int i = -50; i <= 50; i += 5) z.push_back(i);
  for (double v : {-3.3, -1.0, -0.4, -0.05, 0.05, 0.4, 1.0, 3.3, 7.7, -7.7, 49.9, -49.9})
    z.push_back(v);
  return z;
}

LD logSigmoidL(LD u) {
  return u >= 0 ? -std::log1p(std::exp(-u)) : u - std::log1p(std::exp(u));
}

// −α_t (1 − p_t)^γ ln p_t, p_t = σ(y z); (1 − p_t) = σ(−y z) taken from its own log.
LD binaryValueL(LD z, int t, LD alpha, LD gamma) {
  const LD y = t == 1 ? 1 : -1;
  const LD alphaT = t == 1 ? alpha : 1 - alpha;
  const LD logP = logSigmoidL(y * z);
  const LD logQ = logSigmoidL(-y * z);
  return -alphaT * std::exp(gamma * logQ) * logP;
}

struct Fd {
  LD d1;
  LD d2;
  LD noise1;  // round-off bound of the differences (value magnitude × ε / step^k)
  LD noise2;
};

template <class F>
Fd finiteDifferences(F f, LD z) {
  const LD h = 1e-2L;
  auto d1 = [&](LD s) { return (f(z + s) - f(z - s)) / (2 * s); };
  auto d2 = [&](LD s) { return (f(z + s) - 2 * f(z) + f(z - s)) / (s * s); };
  Fd r{};
  r.d1 = (4 * d1(h / 2) - d1(h)) / 3;
  r.d2 = (4 * d2(h / 2) - d2(h)) / 3;
  const LD mag = std::fabs(f(z)) + std::fabs(f(z + h)) + std::fabs(f(z - h));
  const LD eps = std::numeric_limits<LD>::epsilon();
  r.noise1 = 100 * eps * mag / h;
  r.noise2 = 100 * eps * mag / (h * h);
  return r;
}

bool closeTo(double got, LD want, LD scale, LD rel, LD abs) {
  if (!std::isfinite(got)) return false;
  return std::fabs(static_cast<LD>(got) - want) <= rel * std::max(std::fabs(want), scale) + abs;
}

// Magnitude scales (sums of absolute terms) so zero crossings of g and h get a sensible tolerance.
struct Scales {
  LD g;
  LD h;
};
Scales focalScales(LD p, LD s, LD logP, LD alpha, LD gamma) {
  const LD sg = std::pow(s, gamma);
  return {alpha * sg * (gamma * p * std::fabs(logP) + s),
          alpha * p * sg *
              ((2 * gamma + 1) * s + gamma * std::fabs(1 - (1 + gamma) * p) * std::fabs(logP))};
}

imbw::LossConfig focal(double alpha, double gamma) {
  imbw::LossConfig c;
  c.kind = imbw::LossKind::Focal;
  c.alpha = alpha;
  c.gamma = gamma;
  return c;
}

// REFERENCE.md's closed forms of the binary focal gradient and hessian w.r.t. z, in long double,
// for target t, class weight α_t = alpha or 1 − alpha times the event weight w.
struct ClosedForm {
  LD g, h;
  Scales scale;
};
ClosedForm binaryClosedForm(LD z, int t, double alpha, double gamma, LD w = 1) {
  const LD y = 2 * t - 1;
  const LD u = y * z;
  const LD pt = 1 / (1 + std::exp(-u));
  const LD q = 1 / (1 + std::exp(u));  // 1 − p_t without cancellation
  const LD lnp = logSigmoidL(u);
  const LD at = w * (t == 1 ? alpha : 1 - alpha);
  const LD qg = std::pow(q, static_cast<LD>(gamma));
  return {at * y * qg * (gamma * pt * lnp - q),
          at * pt * qg * ((2 * gamma + 1) * q + gamma * (1 - (1 + gamma) * pt) * lnp),
          focalScales(pt, q, lnp, at, gamma)};
}

struct Out {
  std::vector<double> v, g, h;
};
Out runBinary(const imbw::LossConfig& c, const std::vector<double>& z,
              const std::vector<std::uint8_t>& t, const std::vector<double>& w) {
  Out o{std::vector<double>(z.size()), std::vector<double>(z.size()),
        std::vector<double>(z.size())};
  imbw::binaryLoss(c, z, t, w, o.v.data(), o.g.data(), o.h.data());
  return o;
}

// Categorical focal value, long double: −α_y (1 − p_y)^γ ln p_y with a log-softmax.
LD categoricalValueL(const std::vector<LD>& z, int y, const std::vector<LD>& alpha, LD gamma) {
  LD m = z[0];
  for (LD v : z) m = std::max(m, v);
  LD sum = 0;
  LD others = 0;
  for (std::size_t j = 0; j < z.size(); ++j) {
    const LD e = std::exp(z[j] - m);
    sum += e;
    if (static_cast<int>(j) != y) others += e;
  }
  // When y holds the largest margin, ln p_y = −ln(1 + Σ_{j≠y} e^{z_j − z_y}) needs log1p.
  const LD logP = z[y] == m ? -std::log1p(others) : z[y] - m - std::log(sum);
  const LD s = others / sum;
  return -alpha[y] * std::pow(s, gamma) * logP;
}

}  // namespace

class TestLoss : public QObject {
  Q_OBJECT
 private Q_SLOTS:

  void binaryFocalMatchesFiniteDifferences() {
    const auto zs = marginGrid();
    int checked = 0;
    for (double alpha : kAlphas) {
      for (double gamma : kGammas) {
        for (int t : {0, 1}) {
          std::vector<std::uint8_t> tv(zs.size(), static_cast<std::uint8_t>(t));
          const Out o = runBinary(focal(alpha, gamma), zs, tv, {});
          for (std::size_t i = 0; i < zs.size(); ++i) {
            auto f = [&](LD z) { return binaryValueL(z, t, alpha, gamma); };
            const Fd fd = finiteDifferences(f, zs[i]);
            const LD u = (t == 1 ? 1 : -1) * static_cast<LD>(zs[i]);
            const Scales sc = focalScales(std::exp(logSigmoidL(u)), std::exp(logSigmoidL(-u)),
                                          logSigmoidL(u), t == 1 ? alpha : 1 - alpha, gamma);
            const QString where =
                QString("alpha=%1 gamma=%2 t=%3 z=%4").arg(alpha).arg(gamma).arg(t).arg(zs[i]);
            QVERIFY2(closeTo(o.v[i], f(zs[i]), 0, 1e-12L, 0),
                     qPrintable(where + QString(" value %1").arg(o.v[i])));
            QVERIFY2(closeTo(o.g[i], fd.d1, sc.g, 1e-7L, fd.noise1),
                     qPrintable(
                         where +
                         QString(" grad %1 vs fd %2").arg(o.g[i]).arg(static_cast<double>(fd.d1))));
            QVERIFY2(closeTo(o.h[i], fd.d2, sc.h, 1e-6L, fd.noise2),
                     qPrintable(
                         where +
                         QString(" hess %1 vs fd %2").arg(o.h[i]).arg(static_cast<double>(fd.d2))));
            ++checked;
          }
        }
      }
    }
    QVERIFY(checked == static_cast<int>(kAlphas.size() * kGammas.size() * 2 * zs.size()));
  }

  // The closed forms of REFERENCE.md in long double, with a relative tolerance everywhere
  // (this covers the tails where finite differences of the value cannot resolve the hessian).
  void binaryFocalMatchesReferenceClosedForms() {
    const auto zs = marginGrid();
    for (double alpha : kAlphas) {
      for (double gamma : kGammas) {
        for (int t : {0, 1}) {
          std::vector<std::uint8_t> tv(zs.size(), static_cast<std::uint8_t>(t));
          const Out o = runBinary(focal(alpha, gamma), zs, tv, {});
          for (std::size_t i = 0; i < zs.size(); ++i) {
            const ClosedForm cf = binaryClosedForm(zs[i], t, alpha, gamma);
            const QString where =
                QString("alpha=%1 gamma=%2 t=%3 z=%4").arg(alpha).arg(gamma).arg(t).arg(zs[i]);
            QVERIFY2(closeTo(o.g[i], cf.g, cf.scale.g, 1e-12L, 0), qPrintable(where + " grad"));
            QVERIFY2(closeTo(o.h[i], cf.h, cf.scale.h, 1e-12L, 0), qPrintable(where + " hess"));
            const LD at = t == 1 ? alpha : 1 - alpha;
            if (gamma == 0.0) {  // g = α_t (p − t), h = α_t p (1 − p) with p = σ(z)
              const LD p = 1 / (1 + std::exp(-static_cast<LD>(zs[i])));
              const LD pm1 = -1 / (1 + std::exp(static_cast<LD>(zs[i])));  // p − 1
              QVERIFY2(closeTo(o.g[i], at * (t == 1 ? pm1 : p), 0, 1e-12L, 0),
                       qPrintable(where + " grad gamma=0"));
              QVERIFY2(closeTo(o.h[i], at * p * (-pm1), 0, 1e-12L, 0),
                       qPrintable(where + " hess gamma=0"));
            }
          }
        }
      }
    }
  }

  // The single-precision path the boosting loop uses: the same closed forms, to float
  // precision (relative 2e-5 of the magnitude scale) over the whole grid, weights included.
  void binaryFloatGradientsMatchReference() {
    const auto zs = marginGrid();
    std::vector<float> zf(zs.begin(), zs.end());
    const std::vector<double> w(zs.size(), 0.7);
    int checked = 0;
    for (double alpha : kAlphas) {
      for (double gamma : kGammas) {
        for (int t : {0, 1}) {
          std::vector<std::uint8_t> tv(zs.size(), static_cast<std::uint8_t>(t));
          std::vector<float> g(zs.size()), h(zs.size());
          imbw::binaryGradientsFloat(focal(alpha, gamma), zf, tv, w, g.data(), h.data());
          for (std::size_t i = 0; i < zs.size(); ++i) {
            const ClosedForm cf = binaryClosedForm(zf[i], t, alpha, gamma, 0.7L);
            const QString where =
                QString("alpha=%1 gamma=%2 t=%3 z=%4").arg(alpha).arg(gamma).arg(t).arg(zs[i]);
            QVERIFY2(closeTo(g[i], cf.g, cf.scale.g, 2e-5L, 1e-37L), qPrintable(where + " grad"));
            QVERIFY2(closeTo(h[i], cf.h, cf.scale.h, 2e-5L, 1e-37L), qPrintable(where + " hess"));
            ++checked;
          }
        }
      }
    }
    QCOMPARE(checked, static_cast<int>(kAlphas.size() * kGammas.size() * 2 * zs.size()));
  }

  void focalGammaZeroIsWeightedCrossEntropy() {
    const auto zs = marginGrid();
    for (double alpha : kAlphas) {
      for (int t : {0, 1}) {
        std::vector<std::uint8_t> tv(zs.size(), static_cast<std::uint8_t>(t));
        imbw::LossConfig wce;
        wce.kind = imbw::LossKind::WeightedCrossEntropy;
        wce.alpha = alpha;
        wce.gamma = 3.0;  // ignored by weighted CE
        const Out a = runBinary(focal(alpha, 0.0), zs, tv, {});
        const Out b = runBinary(wce, zs, tv, {});
        for (std::size_t i = 0; i < zs.size(); ++i) {
          QCOMPARE(a.v[i], b.v[i]);
          QCOMPARE(a.g[i], b.g[i]);
          QCOMPARE(a.h[i], b.h[i]);
          // Weighted CE is −α_t ln p_t: compare with −ln p_t from long double.
          const LD lnp = logSigmoidL((2 * t - 1) * static_cast<LD>(zs[i]));
          QVERIFY(closeTo(b.v[i], -(t == 1 ? alpha : 1 - alpha) * lnp, 0, 1e-13L, 0));
        }
      }
    }
  }

  void crossEntropyIgnoresAlphaAndGamma() {
    const auto zs = marginGrid();
    imbw::LossConfig ce;
    ce.alpha = 0.1;
    ce.gamma = 2.0;
    const Out half = runBinary(focal(0.5, 0.0), zs, std::vector<std::uint8_t>(zs.size(), 1), {});
    const Out o = runBinary(ce, zs, std::vector<std::uint8_t>(zs.size(), 1), {});
    for (std::size_t i = 0; i < zs.size(); ++i) {
      QVERIFY(std::fabs(o.v[i] - 2 * half.v[i]) <= 1e-14 * std::fabs(o.v[i]));
      QVERIFY(std::fabs(o.g[i] - 2 * half.g[i]) <= 1e-14 * std::fabs(o.g[i]));
    }
  }

  void weightsMultiplyValueGradientHessian() {
    const std::vector<double> z{-50, -3, 0.2, 4, 50, 1000, -1000};
    const std::vector<std::uint8_t> t{1, 0, 1, 0, 0, 1, 0};
    const std::vector<double> w{2.5, -0.7, 1.0, 0.0, 3.0, -2.0, 4.0};
    const auto cfg = focal(0.25, 2.0);
    const Out unit = runBinary(cfg, z, t, {});
    const Out o = runBinary(cfg, z, t, w);
    for (std::size_t i = 0; i < z.size(); ++i) {
      QCOMPARE(o.v[i], w[i] * unit.v[i]);
      QCOMPARE(o.g[i], w[i] * unit.g[i]);
      QCOMPARE(o.h[i], w[i] * unit.h[i]);
    }
    // Null output pointers are allowed.
    std::vector<double> g(z.size());
    imbw::binaryLoss(cfg, z, t, w, nullptr, g.data(), nullptr);
    for (std::size_t i = 0; i < z.size(); ++i) QCOMPARE(g[i], o.g[i]);
  }

  void finiteAtExtremeMargins() {
    std::vector<double> z;
    for (double v : {-1e4, -745.0, -700.0, -50.0, -36.0, 0.0, 36.0, 50.0, 700.0, 745.0, 1e4})
      z.push_back(v);
    for (double alpha : kAlphas) {
      for (double gamma : kGammas) {
        for (int t : {0, 1}) {
          const Out o =
              runBinary(focal(alpha, gamma), z,
                        std::vector<std::uint8_t>(z.size(), static_cast<std::uint8_t>(t)), {});
          for (std::size_t i = 0; i < z.size(); ++i) {
            QVERIFY(std::isfinite(o.v[i]));
            QVERIFY(std::isfinite(o.g[i]));
            QVERIFY(std::isfinite(o.h[i]));
          }
        }
      }
    }
    // Correctly classified with margin 50: the CE value is ln(1 + e^−50) ≈ e^−50, not 0.
    const Out o = runBinary(imbw::LossConfig{}, {50.0}, {1}, {});
    QVERIFY(std::fabs(o.v[0] - std::exp(-50.0)) <= 1e-12 * std::exp(-50.0));
    QVERIFY(std::fabs(o.g[0] + std::exp(-50.0)) <= 1e-12 * std::exp(-50.0));
  }

  // REFERENCE.md: at γ = 2 the hessian turns negative for p_t below ≈ 0.058; the floor fixes it.
  void focalHessianSignAndFloor() {
    auto hAt = [](double pt) {
      const double z = std::log(pt / (1 - pt));  // t = 1, p_t = σ(z)
      const Out o = runBinary(focal(0.25, 2.0), {z}, {1}, {});
      return o.h[0];
    };
    QVERIFY(hAt(0.05) < 0);
    QVERIFY(hAt(0.065) > 0);
    QVERIFY(hAt(0.5) > 0);
    std::vector<double> h{-0.3, 0.0, 1e-9, 0.2};
    imbw::applyHessianFloor(h, 1e-6);
    QCOMPARE(h, (std::vector<double>{1e-6, 1e-6, 1e-6, 0.2}));
    std::vector<double> h2{-0.3, 0.2};
    imbw::applyHessianFloor(h2, 0.0);  // off
    QCOMPARE(h2, (std::vector<double>{-0.3, 0.2}));
  }

  void priorMarginByHand() {
    // π = 2 / (2 + 3) → ln(π / (1 − π)) = ln(2/3).
    const std::vector<std::uint8_t> t{1, 0, 0, 0};
    QVERIFY(std::fabs(imbw::priorMargin(t, std::vector<double>{2, 1, 1, 1}) - std::log(2.0 / 3.0)) <
            1e-15);
    QVERIFY(std::fabs(imbw::priorMargin(t, {}) - std::log(1.0 / 3.0)) < 1e-15);
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::priorMargin(std::vector<std::uint8_t>{0, 0}, {}));
  }

  void categoricalMatchesFiniteDifferences() {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> uni(-50.0, 50.0);
    for (int k : {2, 3, 5}) {
      // Random margins plus extremes: the true class far ahead, far behind, all equal.
      std::vector<std::vector<double>> rows;
      for (int r = 0; r < 12; ++r) {
        std::vector<double> z(k);
        for (double& v : z) v = uni(rng);
        rows.push_back(z);
      }
      std::vector<double> ext(k, -50.0);
      ext[0] = 50.0;
      rows.push_back(ext);
      rows.push_back(std::vector<double>(k, 0.3));
      std::vector<double> close(k, 1.0);
      close[k - 1] = 1.5;
      rows.push_back(close);
      for (double gamma : kGammas) {
        std::vector<double> alpha(k);
        for (int j = 0; j < k; ++j) alpha[j] = kAlphas[j % kAlphas.size()];
        imbw::LossConfig c = focal(0.5, gamma);
        c.classAlpha = alpha;
        for (const auto& z : rows) {
          for (int y = 0; y < k; ++y) {
            std::vector<double> g(k), h(k), v(1);
            const std::vector<std::int32_t> lab{y};
            imbw::categoricalLoss(c, k, z, lab, std::vector<double>{1.0}, v.data(), g.data(),
                                  h.data());
            std::vector<LD> al(alpha.begin(), alpha.end());
            std::vector<LD> zl(z.begin(), z.end());
            QVERIFY(closeTo(v[0], categoricalValueL(zl, y, al, gamma), 0, 1e-12L, 1e-300L));
            for (int j = 0; j < k; ++j) {
              auto f = [&](LD x) {
                std::vector<LD> zz = zl;
                zz[j] = x;
                return categoricalValueL(zz, y, al, gamma);
              };
              const Fd fd = finiteDifferences(f, zl[j]);
              // Scale: the gradient of the true class bounds every |g_j|; the hessian scale uses
              // the binary sum-of-terms bound plus p_j-sized terms.
              const LD gScale = std::fabs(static_cast<LD>(g[y])) + 1e-300L;
              const LD hScale = std::fabs(static_cast<LD>(h[y])) + std::fabs(static_cast<LD>(g[y]));
              const QString where = QString("K=%1 gamma=%2 y=%3 j=%4 z_j=%5")
                                        .arg(k)
                                        .arg(gamma)
                                        .arg(y)
                                        .arg(j)
                                        .arg(z[j]);
              QVERIFY2(closeTo(g[j], fd.d1, gScale, 1e-7L, fd.noise1),
                       qPrintable(where + QString(" grad %1 fd %2").arg(g[j]).arg((double)fd.d1)));
              QVERIFY2(closeTo(h[j], fd.d2, hScale, 1e-6L, fd.noise2),
                       qPrintable(where + QString(" hess %1 fd %2").arg(h[j]).arg((double)fd.d2)));
            }
            double gs = 0;
            for (double x : g) gs += x;
            QVERIFY2(std::fabs(gs) <= 1e-12 * (std::fabs(g[y]) + 1e-300),
                     "softmax gradients must sum to zero");
          }
        }
      }
    }
  }

  // K = 2 with margins (0, z) and α = (1 − α_b, α_b) is the binary focal loss on margin z.
  void categoricalTwoClassesEqualsBinary() {
    const auto zs = marginGrid();
    for (double alpha : kAlphas) {
      for (double gamma : kGammas) {
        imbw::LossConfig cat = focal(0.5, gamma);
        cat.classAlpha = {1 - alpha, alpha};
        for (int t : {0, 1}) {
          std::vector<double> m;
          for (double z : zs) {
            m.push_back(0.0);
            m.push_back(z);
          }
          std::vector<std::int32_t> lab(zs.size(), t);
          std::vector<double> v(zs.size()), g(2 * zs.size()), h(2 * zs.size());
          imbw::categoricalLoss(cat, 2, m, lab, {}, v.data(), g.data(), h.data());
          const Out b =
              runBinary(focal(alpha, gamma), zs,
                        std::vector<std::uint8_t>(zs.size(), static_cast<std::uint8_t>(t)), {});
          for (std::size_t i = 0; i < zs.size(); ++i) {
            const double tolV = 1e-12 * std::fabs(b.v[i]) + 1e-300;
            QVERIFY(std::fabs(v[i] - b.v[i]) <= tolV);
            QVERIFY(std::fabs(g[2 * i + 1] - b.g[i]) <= 1e-11 * std::fabs(b.g[i]) + 1e-300);
            QVERIFY2(std::fabs(h[2 * i + 1] - b.h[i]) <=
                         1e-10 * (std::fabs(b.h[i]) + std::fabs(b.g[i])) + 1e-300,
                     qPrintable(QString("z=%1 t=%2 cat %3 bin %4")
                                    .arg(zs[i])
                                    .arg(t)
                                    .arg(h[2 * i + 1])
                                    .arg(b.h[i])));
          }
        }
      }
    }
  }

  void categoricalCrossEntropyClosedForm() {
    // CE: g_j = p_j − δ_jy, h_j = p_j (1 − p_j); weight 2 multiplies both.
    const std::vector<double> z{1.0, -2.0, 0.5, 3.0};
    const std::vector<std::int32_t> lab{2};
    std::vector<double> v(1), g(4), h(4);
    imbw::categoricalLoss(imbw::LossConfig{}, 4, z, lab, std::vector<double>{2.0}, v.data(),
                          g.data(), h.data());
    LD sum = 0;
    for (double x : z) sum += std::exp(static_cast<LD>(x));
    for (int j = 0; j < 4; ++j) {
      const LD p = std::exp(static_cast<LD>(z[j])) / sum;
      QVERIFY(closeTo(g[j], 2 * (p - (j == 2 ? 1 : 0)), 0, 1e-14L, 1e-17L));
      QVERIFY(closeTo(h[j], 2 * p * (1 - p), 0, 1e-14L, 1e-17L));
    }
    QVERIFY(closeTo(v[0], -2 * std::log(std::exp(static_cast<LD>(0.5)) / sum), 0, 1e-14L, 0));
  }

  void categoricalFiniteAtExtremes() {
    const std::vector<double> z{1e4, -1e4, 0.0, 800.0, -800.0, 0.0};
    for (double gamma : kGammas) {
      imbw::LossConfig c = focal(0.5, gamma);
      c.classAlpha = {0.2, 0.3, 0.5};
      for (int y = 0; y < 3; ++y) {
        std::vector<std::int32_t> lab{y, y};
        std::vector<double> v(2), g(6), h(6);
        imbw::categoricalLoss(c, 3, z, lab, {}, v.data(), g.data(), h.data());
        for (double x : v) QVERIFY(std::isfinite(x));
        for (double x : g) QVERIFY(std::isfinite(x));
        for (double x : h) QVERIFY(std::isfinite(x));
      }
    }
  }

  void configJsonAndValidation() {
    imbw::LossConfig c = focal(0.25, 2.0);
    c.classAlpha = {0.2, 0.3, 0.5};
    c.hessianFloor = 1e-5;
    const auto back = imbw::LossConfig::fromJson(c.toJson());
    QCOMPARE(back.kind, imbw::LossKind::Focal);
    QCOMPARE(back.alpha, 0.25);
    QCOMPARE(back.gamma, 2.0);
    QCOMPARE(back.classAlpha, c.classAlpha);
    QCOMPARE(back.hessianFloor, 1e-5);
    QCOMPARE(imbw::lossKindFromName("weighted_cross_entropy"),
             imbw::LossKind::WeightedCrossEntropy);
    try {
      imbw::lossKindFromName("focall");
      QFAIL("no error for an unknown loss");
    } catch (const imbw::Error& e) {
      QVERIFY(std::string(e.what()).find("did you mean 'focal'") != std::string::npos);
    }
    QVERIFY_THROWS_EXCEPTION(imbw::Error,
                             imbw::LossConfig::fromJson(nlohmann::json{{"alpha", 1.5}}));
    QVERIFY_THROWS_EXCEPTION(imbw::Error,
                             imbw::LossConfig::fromJson(nlohmann::json{{"gamma", -1}}));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::LossConfig::fromJson(nlohmann::json{{"gama", 2}}));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, c.validate(4));  // 3 α for 4 classes
    std::vector<double> g(2);
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::categoricalLoss(c, 3, std::vector<double>{0, 0, 0},
                                                                std::vector<std::int32_t>{3}, {},
                                                                nullptr, g.data(), nullptr));
  }
};

QTEST_APPLESS_MAIN(TestLoss)
#include "test_loss.moc"
