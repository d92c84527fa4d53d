// The bundled WW example: event counts from the data's README and every one of the 18 features
// against an independent computation of REFERENCE.md's formulas (raw columns read with the HDF5
// C API, plain double math), not against the expression engine.

#include <hdf5.h>
#include <QtTest/QtTest>

#include <algorithm>

#include <cmath>
#include <map>
#include <numbers>

#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"

namespace {

std::string sourceDir() {
  const QByteArray dir = qgetenv("IMBW_SOURCE_DIR");
  return dir.isEmpty() ? std::string(IMBW_TEST_SOURCE_DIR) : dir.toStdString();
}

std::vector<double> readColumn(hid_t group, const char* name) {
  const hid_t ds = H5Dopen2(group, name, H5P_DEFAULT);
  if (ds < 0) return {};
  const hid_t space = H5Dget_space(ds);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<double> v(n);
  H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(ds);
  return v;
}

struct FourVector {
  double e, px, py, pz;
  double pt() const { return std::sqrt(px * px + py * py); }
  double eta() const { return std::asinh(pz / pt()); }
  double phi() const { return std::atan2(py, px); }
};

double wrappedDeltaPhi(double a, double b) {
  const double d = std::abs(a - b);
  return std::min(d, 2 * std::numbers::pi - d);
}

}  // namespace

class TestWwExample : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void loadStopsWhenAsked() {
    // The stop flag is polled before every chunk: 10,000 events in chunks of 1,000 are ten
    // polls; a stop at the fourth ends the load with LoadCancelled, and the row of each event
    // in its file is kept for the stored results.
    const std::string dir = sourceDir() + "/resources/examples/ww";
    const imbw::Analysis analysis = imbw::Analysis::load(dir + "/ww.analysis.json");
    imbw::LoadOptions options;
    options.chunkSize = 1000;
    int polls = 0;
    options.stopRequested = [&] { return ++polls > 3; };
    QVERIFY_THROWS_EXCEPTION(imbw::LoadCancelled, imbw::loadAnalysis(analysis, options));
    QCOMPARE(polls, 4);
    polls = 0;
    options.stopRequested = [&] { return ++polls < 0; };
    const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(analysis, options);
    QCOMPARE(polls, 10);
    QCOMPARE(loaded.table.eventIndex.size(), loaded.table.size());
    QVERIFY(std::is_sorted(loaded.table.eventIndex.begin(), loaded.table.eventIndex.end()));
    QCOMPARE(loaded.table.eventIndex.back() < 10000, true);
  }

  void countsAndFeatures() {
    const std::string dir = sourceDir() + "/resources/examples/ww";
    const imbw::Analysis analysis = imbw::Analysis::load(dir + "/ww.analysis.json");
    QCOMPARE(analysis.features.size(), std::size_t{18});
    const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(analysis);
    const int ll = analysis.classIndex("LL");
    QCOMPARE(analysis.signalIndex(), ll);

    // ../shared/data/README.md: 10,000 events, 507 LL; with mjj > 200: 8,558, 451 LL.
    QCOMPARE(loaded.beforeCut.totalEvents(), std::size_t{10000});
    QCOMPARE(loaded.beforeCut.perClass[ll].events, std::size_t{507});
    QCOMPARE(loaded.afterCut.totalEvents(), std::size_t{8558});
    QCOMPARE(loaded.afterCut.perClass[ll].events, std::size_t{451});
    QCOMPARE(loaded.afterCut.totalSumW(), 8558.0);  // unit weights
    QCOMPARE(loaded.table.size(), std::size_t{8558});

    // Independent computation.
    const hid_t file =
        H5Fopen((dir + "/ww_polarization_01.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    QVERIFY(file >= 0);
    const hid_t group = H5Gopen2(file, "events", H5P_DEFAULT);
    std::map<std::string, std::vector<double>> raw;
    for (const char* p : {"j1", "j2", "W1", "W2"}) {
      for (const char* c : {"e", "px", "py", "pz"}) {
        const std::string name = std::string(p) + "_" + c;
        raw[name] = readColumn(group, name.c_str());
        QCOMPARE(raw[name].size(), std::size_t{10000});
      }
    }
    raw["label"] = readColumn(group, "label");
    H5Gclose(group);
    H5Fclose(file);

    auto particle = [&](const std::string& p, std::size_t i) {
      return FourVector{raw[p + "_e"][i], raw[p + "_px"][i], raw[p + "_py"][i], raw[p + "_pz"][i]};
    };
    std::vector<std::vector<double>> expected(18);
    std::vector<int> expectedClass;
    for (std::size_t i = 0; i < 10000; ++i) {
      FourVector j1 = particle("j1", i), j2 = particle("j2", i);
      FourVector w1 = particle("W1", i), w2 = particle("W2", i);
      if (j2.pt() > j1.pt()) std::swap(j1, j2);
      if (w2.pt() > w1.pt()) std::swap(w1, w2);
      const FourVector jj{j1.e + j2.e, j1.px + j2.px, j1.py + j2.py, j1.pz + j2.pz};
      const FourVector ww{w1.e + w2.e, w1.px + w2.px, w1.py + w2.py, w1.pz + w2.pz};
      const double mjj = std::sqrt(jj.e * jj.e - jj.px * jj.px - jj.py * jj.py - jj.pz * jj.pz);
      if (!(mjj > 200)) continue;
      const double detajj = std::abs(j1.eta() - j2.eta());
      const double centre = (j1.eta() + j2.eta()) / 2;
      const double dphiSys = wrappedDeltaPhi(jj.phi(), ww.phi());
      const double detaSys = jj.eta() - ww.eta();
      const double values[18] = {j1.pt(),
                                 j1.eta(),
                                 j1.phi(),
                                 j2.pt(),
                                 j2.eta(),
                                 j2.phi(),
                                 w1.pt(),
                                 w1.eta(),
                                 w1.phi(),
                                 w2.pt(),
                                 w2.eta(),
                                 w2.phi(),
                                 mjj,
                                 detajj,
                                 wrappedDeltaPhi(j1.phi(), j2.phi()),
                                 (w1.eta() - centre) / detajj,
                                 (w2.eta() - centre) / detajj,
                                 std::sqrt(detaSys * detaSys + dphiSys * dphiSys)};
      for (int f = 0; f < 18; ++f) expected[f].push_back(values[f]);
      expectedClass.push_back(raw["label"][i] == 1 ? ll : 1 - ll);
    }
    QCOMPARE(expected[0].size(), std::size_t{8558});
    QCOMPARE(loaded.table.classIndex,
             std::vector<std::int32_t>(expectedClass.begin(), expectedClass.end()));

    const std::vector<std::string> names = {
        "pt_j1", "eta_j1", "phi_j1", "pt_j2", "eta_j2",  "phi_j2",  "pt_W1", "eta_W1", "phi_W1",
        "pt_W2", "eta_W2", "phi_W2", "mjj",   "deta_jj", "dphi_jj", "z_W1",  "z_W2",   "dR_jj_WW"};
    QCOMPARE(analysis.features, names);
    for (int f = 0; f < 18; ++f) {
      const std::vector<float>& got = loaded.table.column(names[f]);
      QCOMPARE(got.size(), expected[f].size());
      double worst = 0.0;
      for (std::size_t i = 0; i < got.size(); ++i) {
        const double want = expected[f][i];
        // float32 storage: half an ulp is 6e-8 relative; allow a few ulps.
        const double err = std::abs(double(got[i]) - want) / std::max(1.0, std::abs(want));
        worst = std::max(worst, err);
        if (!(err <= 5e-7)) {
          QFAIL(qPrintable(QString("%1, event %2: got %3, expected %4")
                               .arg(QString::fromStdString(names[f]))
                               .arg(i)
                               .arg(double(got[i]), 0, 'g', 9)
                               .arg(want, 0, 'g', 9)));
        }
      }
      qInfo("%s: worst relative difference %.2e", names[f].c_str(), worst);
    }
  }
};

QTEST_APPLESS_MAIN(TestWwExample)
#include "test_ww_example.moc"
