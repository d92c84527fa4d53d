// The bump hunt's background estimate: a power-law fit to the sidebands of a histogram and the
// Poisson local significance of the window, against closed forms (a spectrum that IS a power
// law must be recovered exactly; Z = √(2(n ln(n/μ) − (n − μ))) worked out separately).

#include <QTest>
#include <cmath>
#include <vector>

#include "core/unsup/bump_hunt.h"
#include "core/util/error.h"

using namespace imbw;

namespace {

// 30 bins of 100 GeV from 2000 to 5000, counts C·m^−6 at the bin centres.
struct Spectrum {
  std::vector<double> edges, counts;
};
Spectrum powerLaw(double c, double power) {
  Spectrum s;
  for (int k = 0; k <= 30; ++k) s.edges.push_back(2000.0 + 100.0 * k);
  for (int k = 0; k < 30; ++k) s.counts.push_back(c * std::pow(2050.0 + 100.0 * k, power));
  return s;
}

}  // namespace

class TestSidebandFit : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void recoversAPowerLawExactly() {
    const double c = std::exp(60.0);  // ~1e26 · m^-6: about 1.5e6 events per bin at 3.5 TeV
    const Spectrum s = powerLaw(c, -6.0);
    const SidebandFit f = fitSidebands(s.edges, s.counts, 3300.0, 3700.0, 400.0);
    QCOMPARE(f.sidebandBins, 8);  // centres 2950..3250 and 3750..4150: 4 + 4
    QVERIFY(std::abs(f.b + 6.0) < 1e-9);
    QVERIFY(std::abs(f.a - 60.0) < 1e-7);
    // The window's bins: centres 3350, 3450, 3550, 3650.
    double want = 0.0;
    for (double m : {3350.0, 3450.0, 3550.0, 3650.0}) want += c * std::pow(m, -6.0);
    QVERIFY(std::abs(f.expected / want - 1.0) < 1e-9);
    QVERIFY(std::abs(f.observed / want - 1.0) < 1e-12);
    QVERIFY(std::abs(f.significance) < 1e-3);
    for (std::size_t k = 0; k < s.counts.size(); ++k)
      QVERIFY(std::abs(f.curve[k] / s.counts[k] - 1.0) < 1e-9);
  }

  void aBumpInTheWindowIsNotInTheFit() {
    Spectrum s = powerLaw(std::exp(60.0), -6.0);
    const double before = fitSidebands(s.edges, s.counts, 3300.0, 3700.0, 400.0).expected;
    s.counts[14] += 5000.0;  // centre 3450: inside the window
    const SidebandFit f = fitSidebands(s.edges, s.counts, 3300.0, 3700.0, 400.0);
    QVERIFY(std::abs(f.expected / before - 1.0) < 1e-12);
    QVERIFY(std::abs(f.observed - before - 5000.0) < 1e-6 * before);
    QVERIFY(f.significance > 0.0);
  }

  void emptyBinsCountAsPoissonZeros() {
    // tests/reference/sideband_fit/make_reference.py: scipy's Nelder–Mead on the same
    // likelihood; its output is reference.txt (a, b, expected, observed).
    const std::vector<double> counts{5, 3, 4, 2, 0, 3, 1, 2, 0, 1, 2, 1, 0, 1, 0, 6, 9, 12, 10, 8,
                                     7, 4, 2, 0, 1, 0, 0, 1, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0,  0,  1};
    std::vector<double> edges;
    for (int k = 0; k <= 40; ++k) edges.push_back(2700.0 + 40.0 * k);
    const SidebandFit f = fitSidebands(edges, counts, 3300.0, 3700.0, 400.0);
    QVERIFY2(std::abs(f.b + 5.216982332089224) < 1e-5, qPrintable(QString::number(f.b, 'g', 12)));
    QVERIFY2(std::abs(f.a - 42.061391553644974) < 1e-4, qPrintable(QString::number(f.a, 'g', 12)));
    QVERIFY(std::abs(f.expected / 6.099362936719169 - 1.0) < 1e-6);
    QCOMPARE(f.observed, 59.0);
  }

  void poissonSignificanceClosedForm() {
    // √(2(121 ln 1.21 − 21)) and −√(2(80 ln 0.8 + 20)), worked out with Python's math module.
    QVERIFY(std::abs(poissonSignificance(121.0, 100.0) - 2.032271395580134) < 1e-12);
    QVERIFY(std::abs(poissonSignificance(80.0, 100.0) + 2.072928312732123) < 1e-12);
    QCOMPARE(poissonSignificance(100.0, 100.0), 0.0);
    QCOMPARE(poissonSignificance(0.0, 8.0), -4.0);  // n = 0: √(2μ)
    QCOMPARE(poissonSignificance(5.0, 0.0), 0.0);
  }

  void tooFewSidebandBinsIsNamed() {
    Spectrum s = powerLaw(1e26, -6.0);
    for (std::size_t k = 0; k < s.counts.size(); ++k)
      if (k != 10) s.counts[k] = (k >= 13 && k <= 16) ? 10.0 : 0.0;
    try {
      (void)fitSidebands(s.edges, s.counts, 3300.0, 3700.0, 400.0);
      QFAIL("a fit from one sideband bin must be refused");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("1 sideband bins") != std::string::npos, e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestSidebandFit)
#include "test_sideband_fit.moc"
