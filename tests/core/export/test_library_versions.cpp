// libraryVersions() (Help ▸ About) against other programs' view of the same libraries: h5py
// and python3-xgboost load the system's libhdf5 and libxgboost, so their versions must agree.

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include "core/export/library_versions.h"

class TestLibraryVersions : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void versionsAgreeWithPython() {
    const auto libs = imbw::libraryVersions();
    QCOMPARE(libs.size(), std::size_t{4});
    QCOMPARE(libs[0].name, std::string("HDF5"));
    QCOMPARE(libs[1].name, std::string("XGBoost"));
    for (const auto& l : libs) {
      QVERIFY2(QRegularExpression("^\\d+\\.\\d+\\.\\d+$")
                   .match(QString::fromStdString(l.version))
                   .hasMatch(),
               l.version.c_str());
      QVERIFY(!l.licence.empty());
    }
    QProcess py;
    py.start("/usr/bin/python3", {"-c",
                                  "import json, h5py, xgboost\n"
                                  "print(json.dumps({'hdf5': h5py.version.hdf5_version, "
                                  "'xgboost': xgboost.__version__}))"});
    QVERIFY(py.waitForFinished(60000));
    QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
    const auto j = nlohmann::json::parse(py.readAllStandardOutput().toStdString());
    QCOMPARE(libs[0].version, j["hdf5"].get<std::string>());
    QCOMPARE(libs[1].version, j["xgboost"].get<std::string>());
  }
};

QTEST_GUILESS_MAIN(TestLibraryVersions)
#include "test_library_versions.moc"
