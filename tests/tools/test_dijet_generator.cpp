// The synthetic dijet generator against its closed forms: the background's M_jj tail
// P(M > m) = (m / 2600)^-5, the signal's masses and M_jj, the jets ordered by mass, the
// correlation knob giving the asked-for correlation of the jets' τ32, the signal count, the
// determinism; and the written file read back by the analysis loader with its "synthetic"
// attribute.

#include <hdf5.h>

#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/util/error.h"
#include "tools/dijet/dijet_generator.h"

using namespace imbw;

namespace {

double pearson(const std::vector<float>& a, const std::vector<float>& b, std::size_t n) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= double(n);
  mb /= double(n);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

}  // namespace

class TestDijetGenerator : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void backgroundFollowsThePowerLaw() {
    DijetConfig c;
    c.backgroundEvents = 200000;
    c.signalFraction = 0.0;
    const DijetSample s = generateDijet(c);
    QCOMPARE(s.size(), std::size_t{200000});
    const std::vector<float>& m = s.column("mjj");
    for (double cut : {3000.0, 3300.0, 3700.0, 4500.0}) {
      std::size_t above = 0;
      for (float v : m) above += v > cut;
      const double p = std::pow(cut / 2600.0, -5.0);
      const double got = double(above) / double(m.size());
      const double sigma = std::sqrt(p * (1 - p) / double(m.size()));
      QVERIFY2(std::abs(got - p) < 5 * sigma,
               qPrintable(QString("P(M > %1) = %2, closed form %3").arg(cut).arg(got).arg(p)));
    }
    // Jet 1 is the heavier jet in every event.
    const auto &m1 = s.column("j1_mass"), &m2 = s.column("j2_mass");
    for (std::size_t i = 0; i < s.size(); ++i) QVERIFY(m1[i] >= m2[i]);
  }

  void signalHasItsMassesAndCount() {
    DijetConfig c;
    c.backgroundEvents = 1000;
    c.signalFraction = 2.0;
    const DijetSample s = generateDijet(c);
    QCOMPARE(s.size(), std::size_t{3000});
    double mjj = 0, m1 = 0, m2 = 0, t21 = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (!s.truth[i]) {
        QVERIFY(i < 1000);
        continue;
      }
      ++n;
      mjj += s.column("mjj")[i];
      m1 += s.column("j1_mass")[i];
      m2 += s.column("j2_mass")[i];
      t21 += s.column("j1_tau21")[i];
    }
    QCOMPARE(n, std::size_t{2000});
    // Means within 4 standard errors of N(3500, 150), N(500, 30), N(100, 10), N(0.30, 0.10).
    QVERIFY(std::abs(mjj / n - 3500) < 4 * 150 / std::sqrt(double(n)));
    QVERIFY(std::abs(m1 / n - 500) < 4 * 30 / std::sqrt(double(n)));
    QVERIFY(std::abs(m2 / n - 100) < 4 * 10 / std::sqrt(double(n)));
    QVERIFY(std::abs(t21 / n - 0.30) < 4 * 0.10 / std::sqrt(double(n)) + 0.003);  // clamp
  }

  void correlationKnob() {
    // τ32 is linear in its latent (clamping aside) and the latents of the two jets correlate
    // with ρ, whichever jet is heavier: the measured correlation is ρ.
    for (double rho : {0.0, 0.5, 0.9}) {
      DijetConfig c;
      c.backgroundEvents = 40000;
      c.signalFraction = 0.0;
      c.backgroundCorrelation = rho;
      const DijetSample s = generateDijet(c);
      const double r = pearson(s.column("j1_tau32"), s.column("j2_tau32"), s.size());
      QVERIFY2(std::abs(r - rho) < 0.03,
               qPrintable(QString("rho %1: measured %2").arg(rho).arg(r)));
    }
  }

  void deterministicAndSeeded() {
    DijetConfig c;
    c.backgroundEvents = 500;
    const DijetSample a = generateDijet(c), b = generateDijet(c);
    QVERIFY(a.columns == b.columns);
    QVERIFY(a.truth == b.truth);
    c.seed = 2;
    QVERIFY(generateDijet(c).columns != a.columns);
    c.backgroundCorrelation = 1.0;
    QVERIFY_THROWS_EXCEPTION(Error, generateDijet(c));
  }

  void fileReadsBackAndSaysSynthetic() {
    QTemporaryDir dir;
    DijetConfig c;
    c.backgroundEvents = 2000;
    c.signalFraction = 0.05;
    const DijetSample s = generateDijet(c);
    const std::string path = dir.filePath("d.h5").toStdString();
    writeDijetH5(s, c, path);
    // The attribute, by the HDF5 C API.
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    QVERIFY(f >= 0);
    const hid_t attr = H5Aopen(f, "synthetic", H5P_DEFAULT);
    QVERIFY(attr >= 0);
    const hid_t type = H5Aget_type(attr);
    std::string value(H5Tget_size(type), '\0');
    H5Aread(attr, type, value.data());
    H5Tclose(type);
    H5Aclose(attr);
    H5Fclose(f);
    QCOMPARE(value, std::string("yes"));
    // The events, through the analysis loader (truth as classes).
    Analysis a = Analysis::fromJson(nlohmann::json::parse(R"({
      "formatVersion": 1, "samples": [{"path": "d.h5",
        "label": {"column": "truth", "classes": {"1": "signal", "0": "background"}}}],
      "classes": ["background", "signal"], "signalClass": "signal",
      "features": ["j1_mass", "j2_tau21", "mjj"]})"),
                                    dir.path().toStdString());
    const LoadedAnalysis l = loadAnalysis(a);
    QCOMPARE(l.table.size(), std::size_t{2100});
    std::size_t sig = 0;
    for (int k : l.table.classIndex) sig += k == 1;
    QCOMPARE(sig, std::size_t{100});
    QCOMPARE(l.table.column("mjj")[2050], s.column("mjj")[2050]);
  }
};

QTEST_APPLESS_MAIN(TestDijetGenerator)
#include "test_dijet_generator.moc"
