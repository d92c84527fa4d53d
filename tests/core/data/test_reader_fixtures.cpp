// The HDF5 reader against files written by the real tools (pandas, PyTables, h5py) and damaged
// copies of them: tests/core/data/fixtures/make_fixtures.py wrote the committed files and
// expected.json, which records what each tool was asked to store (group, event count, values).

#include <hdf5.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include "core/data/sample_reader.h"
#include "tests/core/data/reader_test_util.h"

using imbw::ReaderOptions;
using imbw::SampleReader;
using reader_test::contains;
using reader_test::errorOf;
using reader_test::kNaN;
using reader_test::readColumn;
using reader_test::sameVec;

namespace {

std::string fixture(const std::string& name) {
  return std::string(IMBW_FIXTURE_DIR) + "/" + name;
}

QJsonObject expected() {
  QFile f(QString::fromStdString(fixture("expected.json")));
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<double> numbers(const QJsonValue& v) {
  std::vector<double> out;
  for (const auto& x : v.toArray()) out.push_back(x.toDouble());
  return out;
}

const imbw::ObjectNote* note(const std::vector<imbw::ObjectNote>& notes, const std::string& path) {
  for (const auto& n : notes) {
    if (n.path == path) return &n;
  }
  return nullptr;
}

}  // namespace

class TestReaderFixtures : public QObject {
  Q_OBJECT

 private:
  QJsonObject m_expected;

 private Q_SLOTS:
  void initTestCase() {
    m_expected = expected();
    QVERIFY2(!m_expected.isEmpty(), "tests/core/data/fixtures/expected.json is missing");
  }

  // Every error path and every reader must leave no HDF5 identifier open.
  void cleanup() { QCOMPARE(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), ssize_t(0)); }

  void readsWhatTheToolWrote_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("group");
    QTest::addColumn<bool>("allowExternal");
    for (const char* key : {"pandas_fixed.h5", "pandas_fixed_zlib.h5", "pandas_table.h5",
                            "pandas_table_dc.h5", "pandas_table_zlib.h5", "h5py_types.h5",
                            "h5py_external_target.h5", "h5py_unsupported.h5", "h5py_jagged.h5"}) {
      QTest::newRow(key) << key << "" << false;
    }
    QTest::newRow("pandas_multi signal") << "pandas_multi.h5/signal"
                                         << "/signal" << false;
    QTest::newRow("pandas_multi background") << "pandas_multi.h5/background"
                                             << "background" << false;
    QTest::newRow("external link allowed") << "h5py_external_link.h5"
                                           << "" << true;
    QTest::newRow("external storage allowed") << "h5py_external_storage.h5"
                                              << "" << true;
  }

  void readsWhatTheToolWrote() {
    QFETCH(QString, key);
    QFETCH(QString, group);
    QFETCH(bool, allowExternal);
    const QJsonObject want = m_expected.value(key).toObject();
    QVERIFY2(!want.isEmpty(), qPrintable(key));
    ReaderOptions o;
    o.group = group.toStdString();
    o.allowExternal = allowExternal;
    o.chunkSize = 7;  // several chunks, ragged last one
    const std::string path = fixture(key.section('/', 0, 0).toStdString());
    const SampleReader r(path, o);
    const imbw::SampleInfo& info = r.info();
    QCOMPARE(QString::fromStdString(info.group), want.value("group").toString());
    QCOMPARE(QString(imbw::layoutName(info.layout)), want.value("layout").toString());
    QCOMPARE(double(info.events), want.value("events").toDouble());
    QVERIFY(!info.reason.empty());

    // Exactly the numeric columns the tool stored (the pandas index is not one), same values.
    const QJsonObject columns = want.value("columns").toObject();
    std::set<std::string> numeric;
    for (const auto& c : info.columns) {
      if (!c.isString && !c.jagged) numeric.insert(c.name);
    }
    std::set<std::string> stored;
    for (const auto& name : columns.keys()) stored.insert(name.toStdString());
    QCOMPARE(numeric, stored);
    for (const auto& name : columns.keys()) {
      const std::vector<double> values = numbers(columns.value(name));
      QVERIFY2(sameVec(readColumn(r, name.toStdString(), true), values), qPrintable(name));
      std::vector<double> asFloat;
      for (double v : values) asFloat.push_back(double(static_cast<float>(v)));
      QVERIFY2(sameVec(readColumn(r, name.toStdString(), false), asFloat), qPrintable(name));
    }
    const QJsonObject strings = want.value("string_columns").toObject();
    for (const auto& name : strings.keys()) {
      std::vector<std::string> wantStrings;
      for (const auto& s : strings.value(name).toArray()) {
        wantStrings.push_back(s.toString().toStdString());
      }
      QCOMPARE(r.readStrings(name.toStdString()), wantStrings);
    }
  }

  void pyTablesIndexAndMetadataAreSkipped() {
    {
      const SampleReader r(fixture("pandas_table_dc.h5"));
      QCOMPARE(r.info().reason, std::string("the only group holding events"));
      const imbw::ObjectNote* index = note(r.info().skipped, "/events/_i_table");
      QVERIFY(index);
      QVERIFY(contains(index->reason, "PyTables index"));
      QCOMPARE(r.info().candidates.size(), std::size_t(1));
    }
    const SampleReader r(fixture("h5py_types.h5"));
    const imbw::ObjectNote* meta = note(r.info().skipped, "/meta");
    QVERIFY(meta);
    QCOMPARE(meta->reason,
             std::string("1-D datasets of different lengths (bin_edges 11, sum_weights 1)"));
    const imbw::ObjectNote* run = note(r.info().skipped, "/meta/run");
    QVERIFY(run);
    QVERIFY2(contains(run->reason, "metadata"), run->reason.c_str());
    QVERIFY(r.info().unsupported.empty());
  }

  void severalEventGroupsAreAnError_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("pandas keys") << "pandas_multi.h5";
    QTest::newRow("h5py groups") << "h5py_two_groups.h5";
  }

  void severalEventGroupsAreAnError() {
    QFETCH(QString, file);
    const QJsonObject want = m_expected.value(file).toObject().value("candidates").toObject();
    QCOMPARE(want.size(), 2);
    try {
      const SampleReader r(fixture(file.toStdString()));
      QFAIL("no AmbiguousSampleError");
    } catch (const imbw::AmbiguousSampleError& e) {
      const std::string message = e.what();
      QVERIFY2(contains(message, "\"group\""), e.what());
      QCOMPARE(e.groups().size(), std::size_t(2));
      for (const auto& g : e.groups()) {
        const QString name = QString::fromStdString(g.group);
        QVERIFY2(want.contains(name), qPrintable(name));
        QCOMPARE(double(g.events), want.value(name).toDouble());
        QVERIFY2(contains(message, g.group + " (") &&
                     contains(message, std::to_string(g.events) + " events"),
                 e.what());
      }
    }
  }

  void duplicateColumnNames() {
    const std::string path = fixture("h5py_duplicate_names.h5");
    const std::string e = errorOf([&] { SampleReader r(path); });
    QVERIFY2(contains(e, path) && contains(e, "'x' more than once"), e.c_str());
  }

  void unsupportedObjectsAreListedWithTheReason() {
    const std::string path = fixture("h5py_unsupported.h5");
    const SampleReader r(path);
    const auto& unsupported = r.info().unsupported;
    std::set<std::string> names;
    for (const auto& u : unsupported) names.insert(u.name);
    std::set<std::string> want;
    for (const auto& v :
         m_expected.value("h5py_unsupported.h5").toObject().value("unsupported").toArray()) {
      want.insert(v.toString().toStdString());
    }
    QCOMPARE(names, want);
    const std::vector<std::pair<const char*, const char*>> reasons = {
        {"cube", "3-D dataset [12 × 2 × 2]"},
        {"refs", "object references"},
        {"blob", "opaque"},
        {"nested", "nested compound (field 'inner'"},
        {"gone", "external link to 'no_such_file.h5:/events/x', not followed"},
        {"lost", "soft link to '/events/nowhere', which does not exist"},
        {"unwritten", "declares 12 values but none was ever written"},
        {"unwritten_chunked", "declares 12 values but none was ever written"}};
    for (const auto& [name, reason] : reasons) {
      const imbw::ObjectNote* n = note(unsupported, std::string("/events/") + name);
      QVERIFY2(n && contains(n->reason, reason), name);
      // Naming one in an expression says why, instead of "unknown column".
      const std::string e = errorOf([&] { readColumn(r, name, true); });
      QVERIFY2(contains(e, "/events/" + std::string(name) + "' is unsupported") &&
                   contains(e, reason) && !contains(e, "unknown column"),
               e.c_str());
      QVERIFY(contains(r.info().whyUnreadable(name), reason));
    }
    QVERIFY(r.info().whyUnreadable("x").empty());
    QVERIFY(contains(errorOf([&] { readColumn(r, "z", true); }), "unknown column 'z'"));
  }

  void absentJaggedElementsAreNaN() {
    const SampleReader r(fixture("h5py_jagged.h5"));
    const QJsonArray jets = m_expected.value("h5py_jagged.h5")
                                .toObject()
                                .value("jagged")
                                .toObject()["jet_pt"]
                                .toArray();
    QCOMPARE(std::size_t(jets.size()), r.info().events);
    std::size_t longest = 0;
    for (const auto& j : jets) longest = std::max<std::size_t>(longest, j.toArray().size());
    QCOMPARE(r.info().columns.front().maxMultiplicity, longest);
    // Indices past the longest collection (4, 9) included: NaN where an event has no element.
    for (std::size_t k : {0u, 1u, 2u, 3u, 4u, 9u}) {
      std::vector<double> want;
      for (const auto& j : jets) {
        const QJsonArray a = j.toArray();
        want.push_back(k < std::size_t(a.size()) ? a[int(k)].toDouble() : kNaN);
      }
      const std::string name = "jet_pt[" + std::to_string(k) + "]";
      QVERIFY(r.info().isScalarName(name));
      QVERIFY2(sameVec(readColumn(r, name, true), want), name.c_str());
    }
    std::vector<double> counts;
    for (const auto& j : jets) counts.push_back(double(j.toArray().size()));
    QVERIFY(sameVec(readColumn(r, "count(jet_pt)", true), counts));
  }

  void externalFilesAreRefusedUnlessAllowed() {
    const std::string link = fixture("h5py_external_link.h5");
    std::string e = errorOf([&] { SampleReader r(link); });
    QVERIFY2(contains(e, "external link to 'h5py_external_target.h5:/events'") &&
                 contains(e, "--allow-external"),
             e.c_str());
    ReaderOptions named;
    named.group = "/events";
    e = errorOf([&] { SampleReader r(link, named); });
    QVERIFY2(contains(e, "'/events'") && contains(e, "external link"), e.c_str());

    const SampleReader storage(fixture("h5py_external_storage.h5"));
    const imbw::ObjectNote* z = note(storage.info().unsupported, "/events/z");
    QVERIFY(z);
    QVERIFY2(contains(z->reason, "external file 'h5py_external_storage.bin'"), z->reason.c_str());
    e = errorOf([&] { readColumn(storage, "z", true); });
    QVERIFY2(contains(e, "--allow-external"), e.c_str());
    QVERIFY(sameVec(readColumn(storage, "w", true), std::vector<double>(12, 1.0)));
  }

  void filterPluginsAreRefusedUnlessAllowed() {
    const std::string path = fixture("pandas_table_blosc.h5");
    std::string e = errorOf([&] { SampleReader r(path); });
    QVERIFY2(contains(e, path) && contains(e, "'/events/table'") &&
                 contains(e, "filter 32001 (blosc)") && contains(e, "--allow-plugins"),
             e.c_str());
    // Allowed: HDF5 looks for the plugin; this Debian HDF5 has no blosc, and says so.
    ReaderOptions o;
    o.allowFilterPlugins = true;
    const SampleReader r(path, o);
    QCOMPARE(r.info().events, std::size_t(300));
    e = errorOf([&] { readColumn(r, "px", true); });
    QVERIFY2(contains(e, path) && contains(e, "/events/table") && contains(e, "HDF5: "), e.c_str());
  }

  void hugeDeclaredSizeIsRefusedAtOnce() {
    const std::string path = fixture("h5py_huge_declared.h5");
    QElapsedTimer t;
    t.start();
    const std::string e = errorOf([&] { SampleReader r(path); });
    const qint64 ms = t.elapsed();
    QVERIFY2(contains(e, path) && contains(e, "declares 1000000000000 events") &&
                 contains(e, "3.6 TiB") && contains(e, "memory"),
             e.c_str());
    QVERIFY2(ms < 2000, qPrintable(QString("took %1 ms").arg(ms)));
  }

  void dataPastTheEndOfTheFileIsRefused() {
    // HDF5 itself would read the missing bytes as zeros (h5dump does).
    const std::string path = fixture("damaged_past_eof.h5");
    const QJsonObject want = m_expected.value("damaged_past_eof.h5").toObject();
    const SampleReader r(path);
    const imbw::ObjectNote* c = note(r.info().unsupported, "/events/c");
    QVERIFY(c);
    const std::string offset = std::to_string(want.value("data_offset").toInteger());
    const std::string size = std::to_string(want.value("file_size").toInteger());
    QVERIFY2(contains(c->reason, "bytes " + offset + " to ") &&
                 contains(c->reason, "past the end of the file (" + size + " bytes)"),
             c->reason.c_str());
    const std::string e = errorOf([&] { readColumn(r, "c", true); });
    QVERIFY2(contains(e, path) && contains(e, "truncated"), e.c_str());
  }

  void damageIsReportedWithHdf5sMessage_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QString>("object");
    QTest::addColumn<QString>("hdf5");
    const QString checksum = "incorrect metadata checksum";
    QTest::newRow("dataset header") << "damaged_dataset_header.h5"
                                    << ""
                                    << "'/events/b'" << checksum;
    QTest::newRow("dataset header, named") << "damaged_dataset_header.h5"
                                           << "/events/b"
                                           << "'/events/b'" << checksum;
    QTest::newRow("group header") << "damaged_group_header.h5"
                                  << ""
                                  << "'/events'" << checksum;
    QTest::newRow("group header, named") << "damaged_group_header.h5"
                                         << "events"
                                         << "'/events'" << checksum;
    QTest::newRow("truncated") << "damaged_truncated.h5"
                               << ""
                               << ""
                               << "truncated file";
  }

  void damageIsReportedWithHdf5sMessage() {
    QFETCH(QString, file);
    QFETCH(QString, group);
    QFETCH(QString, object);
    QFETCH(QString, hdf5);
    const std::string path = fixture(file.toStdString());
    ReaderOptions o;
    o.group = group.toStdString();
    const std::string e = errorOf([&] { SampleReader r(path, o); });
    QVERIFY2(contains(e, path) && contains(e, object.toStdString()) &&
                 contains(e, "HDF5: " + hdf5.toStdString()) && !contains(e, "no event data"),
             e.c_str());
  }
};

QTEST_GUILESS_MAIN(TestReaderFixtures)
#include "test_reader_fixtures.moc"
