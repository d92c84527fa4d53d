// The analysis loader on the real HiggsML file: string labels, real (tiny) MC weights, the -999
// sentinel and a cut, checked against ../shared/data/README.md and against sums computed here
// from the raw columns read with the HDF5 C API.

#include <hdf5.h>
#include <QtTest/QtTest>

#include <cmath>

#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "tests/shared_data.h"

namespace {

using imbw::test::sharedDir;

std::vector<double> readDoubles(hid_t group, const char* name) {
  const hid_t ds = H5Dopen2(group, name, H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<double> v(n);
  H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(ds);
  return v;
}

// The fixed-length one-character `Label` column.
std::vector<char> readLabels(hid_t group) {
  const hid_t ds = H5Dopen2(group, "Label", H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  const std::size_t size = H5Tget_size(type);
  const hid_t space = H5Dget_space(ds);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<char> raw(n * size);
  H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
  std::vector<char> out(n);
  for (hsize_t i = 0; i < n; ++i) out[i] = raw[i * size];
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(ds);
  return out;
}

bool close(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::abs(b);
}

}  // namespace

class TestRealSamples : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void higgsMl() {
    const std::string path = sharedDir() + "/data/higgsml_atlas/higgsml_atlas_subset.h5";
    IMBW_REQUIRE_SHARED_FILE(path);
    const nlohmann::json doc = {
        {"formatVersion", 1},
        {"samples",
         {{{"name", "higgsml"},
           {"path", path},
           {"label", {{"column", "Label"}, {"classes", {{"s", "signal"}, {"b", "background"}}}}},
           {"weight", "Weight"}}}},
        {"classes", {"background", "signal"}},
        {"signalClass", "signal"},
        {"missingValue", -999.0},
        {"cut", "in_complete_slice == 1"},
        {"features", {"DER_mass_MMC", "PRI_tau_pt"}}};
    const imbw::Analysis analysis = imbw::Analysis::fromJson(doc);
    const imbw::LoadedAnalysis r = imbw::loadAnalysis(analysis);

    // README: 4,999 s / 4,999 b; the complete slice holds 7,521 events (2,522 s / 4,999 b).
    QCOMPARE(r.beforeCut.perClass[1].events, std::size_t{4999});
    QCOMPARE(r.beforeCut.perClass[0].events, std::size_t{4999});
    QCOMPARE(r.afterCut.perClass[1].events, std::size_t{2522});
    QCOMPARE(r.afterCut.perClass[0].events, std::size_t{4999});
    QCOMPARE(r.table.size(), std::size_t{7521});

    // Independent sums from the raw columns.
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t group = H5Gopen2(file, "events", H5P_DEFAULT);
    const std::vector<char> label = readLabels(group);
    const std::vector<double> weight = readDoubles(group, "Weight");
    const std::vector<double> slice = readDoubles(group, "in_complete_slice");
    const std::vector<double> mmc = readDoubles(group, "DER_mass_MMC");
    H5Gclose(group);
    H5Fclose(file);
    double sw[2][2] = {}, sw2[2][2] = {};
    std::size_t missingInSlice = 0;
    for (std::size_t i = 0; i < label.size(); ++i) {
      const int c = label[i] == 's' ? 1 : 0;
      sw[0][c] += weight[i];
      sw2[0][c] += weight[i] * weight[i];
      if (slice[i] == 1) {
        sw[1][c] += weight[i];
        sw2[1][c] += weight[i] * weight[i];
        if (mmc[i] == -999.0) ++missingInSlice;
      }
    }
    for (int c = 0; c < 2; ++c) {
      QVERIFY(close(r.beforeCut.perClass[c].sumW, sw[0][c]));
      QVERIFY(close(r.beforeCut.perClass[c].sumW2, sw2[0][c]));
      QVERIFY(close(r.afterCut.perClass[c].sumW, sw[1][c]));
      QVERIFY(close(r.afterCut.perClass[c].sumW2, sw2[1][c]));
    }
    QVERIFY(close(r.afterCut.ratioByWeight(), sw[1][1] / (sw[1][0] + sw[1][1])));
    // The signal is rare by weight (README: about 1:600).
    QVERIFY(r.beforeCut.ratioByWeight() < 0.01);

    std::size_t nan = 0;
    for (const float v : r.table.column("DER_mass_MMC")) nan += std::isnan(v) ? 1 : 0;
    QVERIFY(missingInSlice > 0);
    QCOMPARE(nan, missingInSlice);
  }
};

QTEST_APPLESS_MAIN(TestRealSamples)
#include "test_real_samples.moc"
