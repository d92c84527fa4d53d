// Tests of the HDF5 sample reader. Every layout is exercised on a fixture the test writes itself
// with the HDF5 C API (exact values known by construction); the shared real files are checked
// against the facts in shared/data/README.md.

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <numeric>

#include "core/data/sample_reader.h"
#include "h5_fixture.h"
#include "tests/core/data/reader_test_util.h"
#include "tests/shared_data.h"

using fixture::Handle;
using imbw::Layout;
using imbw::ReaderOptions;
using imbw::SampleReader;

using reader_test::contains;
using reader_test::errorOf;
using reader_test::kNaN;
using reader_test::readAll;
using reader_test::sameVec;

class TestSampleReader : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }

 private Q_SLOTS:
  void initTestCase() { QVERIFY(m_dir.isValid()); }

  void pickledColumnList() {
    using imbw::h5::parsePickledStringList;
    // Python 2 (PyTables 2) and Python 3 forms of pickle.dumps(["col_a", "col_b"], 0).
    QCOMPARE(parsePickledStringList("(lp1\nVcol_a\np2\naVcol_b\np3\na."),
             (std::vector<std::string>{"col_a", "col_b"}));
    QCOMPARE(parsePickledStringList("(lp0\nVn_jets\np1\na."), std::vector<std::string>{"n_jets"});
    // raw-unicode-escape: \u00e9 is é; S'..' is a Python 2 byte string repr.
    QCOMPARE(parsePickledStringList("(lp0\nVm\\u00e9t\np1\naS'x y'\np2\na."),
             (std::vector<std::string>{"m\xC3\xA9t", "x y"}));
    QCOMPARE(parsePickledStringList("(lp0\n."), std::vector<std::string>{});
    QVERIFY(contains(errorOf([] { imbw::h5::parsePickledStringList("(lp0\nVa\np1\na"); }),
                     "missing STOP"));
    QVERIFY(contains(errorOf([] { imbw::h5::parsePickledStringList("(dp0\n."); }),
                     "unsupported opcode"));
  }

  void layoutNames() {
    for (Layout l : {Layout::ColumnGroup, Layout::Matrix2D, Layout::Compound, Layout::PandasFixed,
                     Layout::PandasTable}) {
      QCOMPARE(imbw::layoutFromName(imbw::layoutName(l)), l);
    }
    QCOMPARE(imbw::layoutFromName("matrix2d"), Layout::Matrix2D);
    QVERIFY(contains(errorOf([] { imbw::layoutFromName("Matrx2D"); }), "did you mean 'Matrix2D'"));
  }

  void columnGroupEveryNumericType() {
    const std::string path = file("types.h5");
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "events");
      std::vector<std::int8_t> i8 = {-128, 0, 127};
      std::vector<std::uint8_t> u8 = {0, 200, 255};
      std::vector<std::int16_t> i16 = {-32768, 7, 32767};
      std::vector<std::uint16_t> u16 = {0, 1, 65535};
      std::vector<std::int32_t> i32 = {std::numeric_limits<std::int32_t>::min(), 5,
                                       std::numeric_limits<std::int32_t>::max()};
      std::vector<std::uint32_t> u32 = {0, 4000000000u, 4294967295u};
      std::vector<std::int64_t> i64 = {-9007199254740992LL, -3, 9007199254740991LL};
      std::vector<std::uint64_t> u64 = {0, 1, 18446744073709551615ULL};
      std::vector<float> f16 = {1.5f, -0.25f, 65504.0f};
      std::vector<float> f32 = {0.1f, -3.5f, 1e30f};
      std::vector<double> f64 = {0.1, -1e30, 2.5};
      std::vector<std::int8_t> b = {1, 0, 1};
      std::vector<std::uint8_t> bits = {0, 5, 255};
      std::vector<std::int32_t> be = {-7, 123456, 0};
      QVERIFY(fixture::writeDataset(g, "i8", H5T_STD_I8LE, H5T_NATIVE_INT8, {3}, i8.data()));
      QVERIFY(fixture::writeDataset(g, "u8", H5T_STD_U8LE, H5T_NATIVE_UINT8, {3}, u8.data()));
      QVERIFY(fixture::writeDataset(g, "i16", H5T_STD_I16LE, H5T_NATIVE_INT16, {3}, i16.data()));
      QVERIFY(fixture::writeDataset(g, "u16", H5T_STD_U16LE, H5T_NATIVE_UINT16, {3}, u16.data()));
      QVERIFY(fixture::writeDataset(g, "i32", H5T_STD_I32LE, H5T_NATIVE_INT32, {3}, i32.data()));
      QVERIFY(fixture::writeDataset(g, "u32", H5T_STD_U32LE, H5T_NATIVE_UINT32, {3}, u32.data()));
      QVERIFY(fixture::writeDataset(g, "i64", H5T_STD_I64LE, H5T_NATIVE_INT64, {3}, i64.data()));
      QVERIFY(fixture::writeDataset(g, "u64", H5T_STD_U64LE, H5T_NATIVE_UINT64, {3}, u64.data()));
      Handle half = fixture::float16Type();
      QVERIFY(fixture::writeDataset(g, "f16", half, H5T_NATIVE_FLOAT, {3}, f16.data()));
      QVERIFY(fixture::writeDataset(g, "f32", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {3}, f32.data()));
      QVERIFY(fixture::writeDataset(g, "f64", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {3}, f64.data()));
      Handle boolType = fixture::boolEnumType();
      QVERIFY(fixture::writeDataset(g, "flag", boolType, boolType, {3}, b.data()));
      QVERIFY(fixture::writeDataset(g, "bits", H5T_STD_B8LE, H5T_NATIVE_B8, {3}, bits.data()));
      QVERIFY(fixture::writeDataset(g, "i32be", H5T_STD_I32BE, H5T_NATIVE_INT32, {3}, be.data()));
      QVERIFY(fixture::writeFixedStrings(g, "label", {"s", "b", "s"}, 1));
    }
    SampleReader r(path);
    const auto& info = r.info();
    QCOMPARE(info.layout, Layout::ColumnGroup);
    QCOMPARE(info.group, std::string("/events"));
    QCOMPARE(info.events, std::size_t(3));
    auto typeOf = [&](const std::string& name) {
      for (const auto& c : info.columns) {
        if (c.name == name) return c.type;
      }
      return std::string("<absent>");
    };
    QCOMPARE(typeOf("i8"), std::string("int8"));
    QCOMPARE(typeOf("u64"), std::string("uint64"));
    QCOMPARE(typeOf("f16"), std::string("float16"));
    QCOMPARE(typeOf("flag"), std::string("bool (enum)"));
    QCOMPARE(typeOf("label"), std::string("string"));
    const std::vector<std::string> names = {"i8",  "u8",  "i16", "u16", "i32",  "u32",  "i64",
                                            "u64", "f16", "f32", "f64", "flag", "bits", "i32be"};
    // Every numeric column is a scalar name; the string column is not.
    auto scalars = info.scalarNames();
    QCOMPARE(scalars.size(), names.size());
    QVERIFY(std::find(scalars.begin(), scalars.end(), "label") == scalars.end());

    const std::vector<std::vector<double>> want = {{-128, 0, 127},
                                                   {0, 200, 255},
                                                   {-32768, 7, 32767},
                                                   {0, 1, 65535},
                                                   {-2147483648.0, 5, 2147483647.0},
                                                   {0, 4000000000.0, 4294967295.0},
                                                   {-9007199254740992.0, -3, 9007199254740991.0},
                                                   {0, 1, 18446744073709551615.0},
                                                   {1.5, -0.25, 65504},
                                                   {double(0.1f), -3.5, double(1e30f)},
                                                   {0.1, -1e30, 2.5},
                                                   {1, 0, 1},
                                                   {0, 5, 255},
                                                   {-7, 123456, 0}};
    const auto gotD = readAll(r, names, true);
    for (std::size_t k = 0; k < names.size(); ++k) {
      QVERIFY2(sameVec(gotD[k], want[k]), names[k].c_str());
    }
    // As float32: HDF5 rounds to nearest, exactly as a cast of the exact value does.
    const auto gotF = readAll(r, names, false);
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::vector<double> wantF;
      for (double v : want[k]) wantF.push_back(double(static_cast<float>(v)));
      QVERIFY2(sameVec(gotF[k], wantF), names[k].c_str());
    }
    QCOMPARE(r.readStrings("label"), (std::vector<std::string>{"s", "b", "s"}));
    QCOMPARE(r.readStrings("i8"), (std::vector<std::string>{"-128", "0", "127"}));
  }

  void chunkedGzipShuffleAndChunkBoundaries() {
    const std::string path = file("gzip.h5");
    const std::size_t n = 1000;
    std::vector<double> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = 0.5 * double(i) - 17.0;
      b[i] = double(int(i % 100) - 50);
    }
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "data/run1");
      Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
      const hsize_t chunk = 64;
      H5Pset_chunk(dcpl, 1, &chunk);
      H5Pset_shuffle(dcpl);
      H5Pset_deflate(dcpl, 6);
      QVERIFY(fixture::writeDoubles(g, "a", H5T_IEEE_F32LE, a, dcpl));
      QVERIFY(fixture::writeDoubles(g, "b", H5T_STD_I16LE, b, dcpl));
      Handle plist(H5Dopen2(g, "a", H5P_DEFAULT));
      Handle cp(H5Dget_create_plist(plist));
      QCOMPARE(H5Pget_nfilters(cp), 2);  // the fixture really is filtered
    }
    for (std::size_t chunkSize : {std::size_t(100), std::size_t(333), std::size_t(5000)}) {
      ReaderOptions o;
      o.chunkSize = chunkSize;
      SampleReader r(path, o);
      QCOMPARE(r.info().group, std::string("/data/run1"));
      std::vector<std::pair<std::size_t, std::size_t>> chunks;
      const auto got = readAll(r, {"b", "a"}, false, &chunks);
      QVERIFY(sameVec(got[0], b));
      QVERIFY(sameVec(got[1], a));
      const std::size_t expectChunks = (n + chunkSize - 1) / chunkSize;
      QCOMPARE(chunks.size(), expectChunks);
      QCOMPARE(chunks.back().second, n - (expectChunks - 1) * chunkSize);
    }
  }

  void matrix2DNamedAndPositional() {
    const std::string path = file("matrix.h5");
    const double m[5][3] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}, {-1, -2, -3}};
    const std::int16_t x[4][2] = {{1, -1}, {2, -2}, {3, -3}, {4, -4}};
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "a");
      QVERIFY(fixture::writeDataset(g, "data", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {5, 3}, m));
      Handle ds(H5Dopen2(g, "data", H5P_DEFAULT));
      QVERIFY(fixture::setStringArrayAttribute(ds, "columns", {"pt", "eta", "phi"}));
      Handle g2 = fixture::createGroup(f, "b");
      QVERIFY(fixture::writeDataset(g2, "X", H5T_STD_I16LE, H5T_NATIVE_INT16, {4, 2}, x));
      QVERIFY(fixture::writeFixedStrings(g2, "feature_names", {"u", "v"}, 4));
      Handle g3 = fixture::createGroup(f, "c");
      QVERIFY(fixture::writeDataset(g3, "X", H5T_STD_I16LE, H5T_NATIVE_INT16, {4, 2}, x));
    }
    ReaderOptions oa;
    oa.group = "/a";
    oa.chunkSize = 2;
    SampleReader a(path, oa);
    QCOMPARE(a.info().layout, Layout::Matrix2D);
    QCOMPARE(a.info().group, std::string("/a/data"));
    QCOMPARE(a.info().scalarNames(), (std::vector<std::string>{"pt", "eta", "phi"}));
    auto got = readAll(a, {"phi", "pt"}, false);
    QVERIFY(sameVec(got[0], {3, 6, 9, 12, -3}));
    QVERIFY(sameVec(got[1], {1, 4, 7, 10, -1}));

    ReaderOptions ob;
    ob.group = "b";
    SampleReader b(path, ob);
    QCOMPARE(b.info().scalarNames(), (std::vector<std::string>{"u", "v"}));
    QVERIFY(sameVec(readAll(b, {"v"})[0], {-1, -2, -3, -4}));

    ReaderOptions oc;
    oc.group = "/c/X";  // a dataset named directly
    SampleReader c(path, oc);
    QCOMPARE(c.info().layout, Layout::Matrix2D);
    QCOMPARE(c.info().scalarNames(), (std::vector<std::string>{"col0", "col1"}));
    QVERIFY(sameVec(readAll(c, {"col1", "col0"})[1], {1, 2, 3, 4}));

    // Unforced: three groups hold events; none is dropped silently, the error names them all.
    const std::string e = errorOf([&] { SampleReader autoDetected(path); });
    QVERIFY2(contains(e, "3 groups") && contains(e, "/a/data (Matrix2D, 5 events)") &&
                 contains(e, "/b/X (Matrix2D, 4 events)") && contains(e, "/c/X") &&
                 contains(e, "\"group\""),
             e.c_str());
    try {
      SampleReader autoDetected(path);
      QFAIL("no AmbiguousSampleError");
    } catch (const imbw::AmbiguousSampleError& a) {
      QCOMPARE(a.groups().size(), std::size_t(3));
    }
  }

  void compoundDataset() {
    const std::string path = file("compound.h5");
    struct Rec {
      float px;
      std::int32_t n;
      std::int8_t ok;
      char label[2];
      const char* tag;
      double w[2];
    };
    const Rec recs[4] = {{1.5f, 3, 1, {'s', 0}, "alpha", {0.5, 1.5}},
                         {-2.0f, -1, 0, {'b', 0}, "beta", {2.5, 3.5}},
                         {0.25f, 7, 1, {'b', 0}, "", {4.5, 5.5}},
                         {9.0f, 0, 0, {'s', 0}, "delta", {6.5, 7.5}}};
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "sample");
      Handle boolType = fixture::boolEnumType();
      Handle str2(H5Tcopy(H5T_C_S1));
      H5Tset_size(str2, 2);
      Handle vstr(H5Tcopy(H5T_C_S1));
      H5Tset_size(vstr, H5T_VARIABLE);
      const hsize_t two = 2;
      Handle arr(H5Tarray_create2(H5T_NATIVE_DOUBLE, 1, &two));
      Handle mem(H5Tcreate(H5T_COMPOUND, sizeof(Rec)));
      H5Tinsert(mem, "px", HOFFSET(Rec, px), H5T_NATIVE_FLOAT);
      H5Tinsert(mem, "n", HOFFSET(Rec, n), H5T_NATIVE_INT32);
      H5Tinsert(mem, "ok", HOFFSET(Rec, ok), boolType);
      H5Tinsert(mem, "label", HOFFSET(Rec, label), str2);
      H5Tinsert(mem, "tag", HOFFSET(Rec, tag), vstr);
      H5Tinsert(mem, "w", HOFFSET(Rec, w), arr);
      // On disk: big-endian ints and a packed layout, so HDF5 has to convert.
      Handle disk(H5Tcopy(mem));
      H5Tpack(disk);
      QVERIFY(fixture::writeDataset(g, "events", disk, mem, {4}, recs));
    }
    ReaderOptions o;
    o.chunkSize = 3;
    SampleReader r(path, o);
    QCOMPARE(r.info().layout, Layout::Compound);
    QCOMPARE(r.info().group, std::string("/sample/events"));
    QCOMPARE(r.info().scalarNames(), (std::vector<std::string>{"px", "n", "ok", "w_0", "w_1"}));
    auto got = readAll(r, {"w_1", "ok", "px", "n"}, false);
    QVERIFY(sameVec(got[0], {1.5, 3.5, 5.5, 7.5}));
    QVERIFY(sameVec(got[1], {1, 0, 1, 0}));
    QVERIFY(sameVec(got[2], {1.5, -2.0, 0.25, 9.0}));
    QVERIFY(sameVec(got[3], {3, -1, 7, 0}));
    QCOMPARE(r.readStrings("label"), (std::vector<std::string>{"s", "b", "b", "s"}));
    QCOMPARE(r.readStrings("tag"), (std::vector<std::string>{"alpha", "beta", "", "delta"}));
  }

  void pandasFixed() {
    // What DataFrame.to_hdf(key="df", format="fixed") writes for columns a (float64),
    // n (int64), c (float64), lab (object): one block per dtype, values stored
    // [rows × items], object blocks as one pickled VLArray row.
    const std::string path = file("pandas_fixed.h5");
    const double block0[3][2] = {{1.25, -4}, {2.5, -5}, {3.75, -6}};
    const std::int64_t block1[3][1] = {{10}, {20}, {30}};
    const std::int64_t index[3] = {0, 1, 2};
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "df");
      QVERIFY(fixture::setStringAttribute(g, "pandas_type", "frame"));
      QVERIFY(fixture::writeFixedStrings(g, "axis0", {"a", "n", "c", "lab"}, 3));
      QVERIFY(fixture::writeDataset(g, "axis1", H5T_STD_I64LE, H5T_NATIVE_INT64, {3}, index));
      QVERIFY(fixture::writeDataset(g, "block0_values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {3, 2},
                                    block0));
      QVERIFY(fixture::writeFixedStrings(g, "block0_items", {"a", "c"}, 1));
      QVERIFY(fixture::writeDataset(g, "block1_values", H5T_STD_I64LE, H5T_NATIVE_INT64, {3, 1},
                                    block1));
      QVERIFY(fixture::writeFixedStrings(g, "block1_items", {"n"}, 1));
      Handle vl(H5Tvlen_create(H5T_STD_U8LE));
      Handle vlMem(H5Tvlen_create(H5T_NATIVE_UINT8));
      std::uint8_t bytes[4] = {0x80, 0x05, 0x95, 0x2e};
      hvl_t one{4, bytes};
      QVERIFY(fixture::writeDataset(g, "block2_values", vl, vlMem, {1}, &one));
      QVERIFY(fixture::writeFixedStrings(g, "block2_items", {"lab"}, 3));
    }
    SampleReader r(path);
    QCOMPARE(r.info().layout, Layout::PandasFixed);
    QCOMPARE(r.info().group, std::string("/df"));
    QCOMPARE(r.info().events, std::size_t(3));
    // Columns come in the frame's order (axis0), not block order.
    std::vector<std::string> cols;
    for (const auto& c : r.info().columns) cols.push_back(c.name);
    QCOMPARE(cols, (std::vector<std::string>{"a", "n", "c", "lab"}));
    auto got = readAll(r, {"c", "n", "a"});
    QVERIFY(sameVec(got[0], {-4, -5, -6}));
    QVERIFY(sameVec(got[1], {10, 20, 30}));
    QVERIFY(sameVec(got[2], {1.25, 2.5, 3.75}));
    QVERIFY(contains(errorOf([&] { r.readStrings("lab"); }), "pickle"));
  }

  void pandasTable() {
    // What DataFrame.to_hdf(key="frame", format="table", data_columns=["mjj"]) writes: a
    // compound `table` with the index, one array field per dtype block, data columns as
    // scalar fields, and the block's column names pickled in values_block_N_kind.
    const std::string path = file("pandas_table.h5");
    const std::size_t rec = 8 + 16 + 8 + 1 + 4;
    const std::size_t n = 5;
    std::vector<unsigned char> buf(rec * n);
    for (std::size_t i = 0; i < n; ++i) {
      unsigned char* p = buf.data() + i * rec;
      const std::int64_t idx = std::int64_t(100 + i);
      const double v0[2] = {double(i) + 0.5, -double(i)};
      const std::int64_t v1 = std::int64_t(i * i);
      const char lab = i % 2 ? 'b' : 's';
      const float mjj = 100.0f * float(i);
      std::memcpy(p, &idx, 8);
      std::memcpy(p + 8, v0, 16);
      std::memcpy(p + 24, &v1, 8);
      std::memcpy(p + 32, &lab, 1);
      std::memcpy(p + 33, &mjj, 4);
    }
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "frame");
      QVERIFY(fixture::setStringAttribute(g, "pandas_type", "frame_table"));
      const hsize_t two = 2, one = 1;
      Handle a0(H5Tarray_create2(H5T_IEEE_F64LE, 1, &two));
      Handle a1(H5Tarray_create2(H5T_STD_I64LE, 1, &one));
      Handle s1(H5Tcopy(H5T_C_S1));
      H5Tset_size(s1, 1);
      Handle a2(H5Tarray_create2(s1, 1, &one));
      Handle t(H5Tcreate(H5T_COMPOUND, rec));
      H5Tinsert(t, "index", 0, H5T_STD_I64LE);
      H5Tinsert(t, "values_block_0", 8, a0);
      H5Tinsert(t, "values_block_1", 24, a1);
      H5Tinsert(t, "values_block_2", 32, a2);
      H5Tinsert(t, "mjj", 33, H5T_IEEE_F32LE);
      QVERIFY(fixture::writeDataset(g, "table", t, t, {n}, buf.data()));
      Handle table(H5Dopen2(g, "table", H5P_DEFAULT));
      QVERIFY(fixture::setStringAttribute(table, "values_block_0_kind",
                                          "(lp1\nVcol_a\np2\naVcol_b\np3\na."));
      QVERIFY(fixture::setStringAttribute(table, "values_block_1_kind", "(lp0\nVn_jets\np1\na."));
      QVERIFY(fixture::setStringAttribute(table, "values_block_2_kind", "(lp0\nVLabel\np1\na."));
    }
    ReaderOptions o;
    o.chunkSize = 2;
    SampleReader r(path, o);
    QCOMPARE(r.info().layout, Layout::PandasTable);
    QCOMPARE(r.info().group, std::string("/frame"));
    QCOMPARE(r.info().events, n);
    QCOMPARE(r.info().scalarNames(), (std::vector<std::string>{"col_a", "col_b", "n_jets", "mjj"}));
    auto got = readAll(r, {"n_jets", "col_b", "mjj", "col_a"}, false);
    QVERIFY(sameVec(got[0], {0, 1, 4, 9, 16}));
    QVERIFY(sameVec(got[1], {0, -1, -2, -3, -4}));
    QVERIFY(sameVec(got[2], {0, 100, 200, 300, 400}));
    QVERIFY(sameVec(got[3], {0.5, 1.5, 2.5, 3.5, 4.5}));
    QCOMPARE(r.readStrings("Label"), (std::vector<std::string>{"s", "b", "s", "b", "s"}));
  }

  void jaggedVlen() {
    const std::string path = file("vlen.h5");
    std::vector<std::vector<float>> jets = {{3, 1, 2}, {}, {5}, {-1, 4}};
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "events");
      Handle fileType(H5Tvlen_create(H5T_IEEE_F32LE));
      Handle memType(H5Tvlen_create(H5T_NATIVE_FLOAT));
      std::vector<hvl_t> v;
      for (auto& j : jets) v.push_back(hvl_t{j.size(), j.empty() ? nullptr : j.data()});
      QVERIFY(fixture::writeDataset(g, "jet_pt", fileType, memType, {4}, v.data()));
      QVERIFY(fixture::writeDoubles(g, "met", H5T_IEEE_F32LE, {10, 20, 30, 40}));
    }
    ReaderOptions o;
    o.chunkSize = 3;
    SampleReader r(path, o);
    QCOMPARE(r.info().layout, Layout::ColumnGroup);
    const auto& cols = r.info().columns;
    QCOMPARE(cols[0].name, std::string("jet_pt"));
    QVERIFY(cols[0].jagged);
    QCOMPARE(cols[0].maxMultiplicity, std::size_t(3));
    QCOMPARE(r.info().scalarNames(),
             (std::vector<std::string>{"count(jet_pt)", "jet_pt[0]", "jet_pt[1]", "jet_pt[2]",
                                       "sum(jet_pt)", "max(jet_pt)", "min(jet_pt)", "met"}));
    auto got = readAll(r, {"count(jet_pt)", "jet_pt[0]", "jet_pt[1]", "jet_pt[2]", "sum(jet_pt)",
                           "max(jet_pt)", "min(jet_pt)", "met"});
    QVERIFY(sameVec(got[0], {3, 0, 1, 2}));
    QVERIFY(sameVec(got[1], {3, kNaN, 5, -1}));
    QVERIFY(sameVec(got[2], {1, kNaN, kNaN, 4}));
    QVERIFY(sameVec(got[3], {2, kNaN, kNaN, kNaN}));
    QVERIFY(sameVec(got[4], {6, 0, 5, 3}));
    QVERIFY(sameVec(got[5], {3, kNaN, 5, 4}));
    QVERIFY(sameVec(got[6], {1, kNaN, 5, -1}));
    QVERIFY(sameVec(got[7], {10, 20, 30, 40}));
    QVERIFY(contains(errorOf([&] { readAll(r, {"jet_pt"}); }), "count(jet_pt)"));
    // Elements past every event's multiplicity are absent: NaN, as documented (issue 10).
    const auto beyond = readAll(r, {"jet_pt[3]", "jet_pt[1000000000000]", "jet_pt[1]"});
    QVERIFY(sameVec(beyond[0], {kNaN, kNaN, kNaN, kNaN}));
    QVERIFY(sameVec(beyond[1], {kNaN, kNaN, kNaN, kNaN}));
    QVERIFY(sameVec(beyond[2], {1, kNaN, kNaN, 4}));
    QVERIFY(r.info().isScalarName("jet_pt[3]"));
    QVERIFY(!r.info().isScalarName("jet_pt"));
    QVERIFY(contains(errorOf([&] { readAll(r, {"jet_pt[x]"}); }), "unknown column 'jet_pt[x]'"));
    QVERIFY(contains(errorOf([&] { readAll(r, {"jets[0]"}); }), "unknown column 'jets[0]'"));
  }

  void jaggedPadded() {
    const std::string path = file("padded.h5");
    const float n = std::numeric_limits<float>::quiet_NaN();
    const float jet[4][3] = {{50, 30, 20}, {40, n, n}, {n, n, n}, {70, 10, n}};
    const float lep[4][2] = {{25, 15}, {n, n}, {35, n}, {5, 45}};
    const float ph[4][2] = {{10, 0}, {0, 0}, {7, 3}, {0, 0}};  // zero padded: needs the count
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "events");
      QVERIFY(fixture::writeDataset(g, "jet_pt", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {4, 3}, jet));
      QVERIFY(fixture::writeDataset(g, "lep_pt", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {4, 2}, lep));
      QVERIFY(fixture::writeDataset(g, "ph_e", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {4, 2}, ph));
      const std::int32_t njet[4] = {3, 1, 0, 2};
      const std::int32_t nph[4] = {1, 0, 2, 1};
      QVERIFY(fixture::writeDataset(g, "n_jet", H5T_STD_I32LE, H5T_NATIVE_INT32, {4}, njet));
      QVERIFY(fixture::writeDataset(g, "photon_multiplicity", H5T_STD_U8LE, H5T_NATIVE_INT32, {4},
                                    nph));
    }
    ReaderOptions o;
    o.chunkSize = 3;
    SampleReader r(path, o);
    QCOMPARE(r.info().events, std::size_t(4));
    auto got = readAll(r,
                       {"count(jet_pt)", "jet_pt[0]", "jet_pt[1]", "jet_pt[2]", "sum(jet_pt)",
                        "max(jet_pt)", "min(jet_pt)"},
                       false);
    QVERIFY(sameVec(got[0], {3, 1, 0, 2}));
    QVERIFY(sameVec(got[1], {50, 40, kNaN, 70}));
    QVERIFY(sameVec(got[2], {30, kNaN, kNaN, 10}));
    QVERIFY(sameVec(got[3], {20, kNaN, kNaN, kNaN}));
    QVERIFY(sameVec(got[4], {100, 40, 0, 80}));
    QVERIFY(sameVec(got[5], {50, 40, kNaN, 70}));
    QVERIFY(sameVec(got[6], {20, 40, kNaN, 10}));
    // NaN padding and no count column: absent = NaN.
    got = readAll(r, {"count(lep_pt)", "lep_pt[1]", "sum(lep_pt)", "max(lep_pt)", "min(lep_pt)"});
    QVERIFY(sameVec(got[0], {2, 0, 1, 2}));
    QVERIFY(sameVec(got[1], {15, kNaN, kNaN, 45}));
    QVERIFY(sameVec(got[2], {40, 0, 35, 50}));
    QVERIFY(sameVec(got[3], {25, kNaN, 35, 45}));
    QVERIFY(sameVec(got[4], {15, kNaN, 35, 5}));
    // Zero padding is taken literally without a count column ...
    QVERIFY(sameVec(readAll(r, {"count(ph_e)"})[0], {2, 2, 2, 2}));
    // ... and the declared count column decides which slots are elements.
    o.countColumn = "photon_multiplicity";
    SampleReader withCount(path, o);
    got = readAll(withCount,
                  {"count(ph_e)", "ph_e[0]", "ph_e[1]", "sum(ph_e)", "max(ph_e)", "min(ph_e)"});
    QVERIFY(sameVec(got[0], {1, 0, 2, 1}));
    QVERIFY(sameVec(got[1], {10, kNaN, 7, 0}));
    QVERIFY(sameVec(got[2], {kNaN, kNaN, 3, kNaN}));
    QVERIFY(sameVec(got[3], {10, 0, 10, 0}));
    QVERIFY(sameVec(got[4], {10, kNaN, 7, 0}));
    QVERIFY(sameVec(got[5], {10, kNaN, 3, 0}));
    o.countColumn = "photon_multiplicty";
    QVERIFY(contains(errorOf([&] { SampleReader bad(path, o); }),
                     "did you mean 'photon_multiplicity'"));
  }

  void columnGroupMixed() {
    // A column group holding a named 2-D block (its columns become plain columns), a
    // zero-padded collection whose count column is found by its conventional name (n_mu for
    // mu_pt), and a vlen integer collection.
    const std::string path = file("mixed.h5");
    const double x[3][2] = {{1, 10}, {2, 20}, {3, 30}};
    const float mu[3][2] = {{5, 0}, {0, 0}, {6, 7}};
    const std::int64_t nmu[3] = {1, 1, 2};  // event 1 has one muon with pt exactly 0
    std::vector<std::vector<std::int16_t>> hits = {{2}, {-3, 9}, {}};
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "ev");
      QVERIFY(fixture::writeDataset(g, "X", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {3, 2}, x));
      QVERIFY(fixture::writeFixedStrings(g, "X_names", {"ht", "met"}, 3));
      QVERIFY(fixture::writeDoubles(g, "weight", H5T_IEEE_F64LE, {0.5, -1.5, 2.0}));
      QVERIFY(fixture::writeDataset(g, "mu_pt", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {3, 2}, mu));
      QVERIFY(fixture::writeDataset(g, "n_mu", H5T_STD_I64LE, H5T_NATIVE_INT64, {3}, nmu));
      Handle ft(H5Tvlen_create(H5T_STD_I16LE));
      Handle mt(H5Tvlen_create(H5T_NATIVE_INT16));
      std::vector<hvl_t> v;
      for (auto& h : hits) v.push_back(hvl_t{h.size(), h.empty() ? nullptr : h.data()});
      QVERIFY(fixture::writeDataset(g, "hits", ft, mt, {3}, v.data()));
    }
    SampleReader r(path);
    QCOMPARE(r.info().layout, Layout::ColumnGroup);
    QCOMPARE(
        r.info().scalarNames(),
        (std::vector<std::string>{"ht", "met", "count(hits)", "hits[0]", "hits[1]", "sum(hits)",
                                  "max(hits)", "min(hits)", "count(mu_pt)", "mu_pt[0]", "mu_pt[1]",
                                  "sum(mu_pt)", "max(mu_pt)", "min(mu_pt)", "n_mu", "weight"}));
    auto got = readAll(r, {"met", "weight", "count(mu_pt)", "mu_pt[0]", "mu_pt[1]", "sum(hits)",
                           "min(hits)", "hits[1]"});
    QVERIFY(sameVec(got[0], {10, 20, 30}));
    QVERIFY(sameVec(got[1], {0.5, -1.5, 2.0}));
    QVERIFY(sameVec(got[2], {1, 1, 2}));
    QVERIFY(sameVec(got[3], {5, 0, 6}));
    QVERIFY(sameVec(got[4], {kNaN, kNaN, 7}));
    QVERIFY(sameVec(got[5], {2, 6, 0}));
    QVERIFY(sameVec(got[6], {2, -3, kNaN}));
    QVERIFY(sameVec(got[7], {kNaN, 9, kNaN}));
  }

  // readInto (straight into caller arrays) gives what read() gives, for every kind of source.
  // Runs on the fixtures written by the tests above (Qt Test runs slots in declaration order).
  void readIntoMatchesRead() {
    for (const char* name : {"types.h5", "gzip.h5", "matrix.h5", "compound.h5", "pandas_fixed.h5",
                             "pandas_table.h5", "vlen.h5", "padded.h5", "mixed.h5"}) {
      const std::string path = file(name);
      QVERIFY2(QFile::exists(QString::fromStdString(path)), name);
      ReaderOptions o;
      o.chunkSize = 3;
      if (std::string(name) == "matrix.h5") o.group = "/a";  // three event groups
      SampleReader r(path, o);
      const auto names = r.info().scalarNames();
      const auto want = readAll(r, names, false);
      std::vector<std::vector<float>> got(names.size(), std::vector<float>(r.info().events, -7));
      std::vector<float*> out;
      for (auto& g : got) out.push_back(g.data());
      r.readInto(names, out);
      for (std::size_t k = 0; k < names.size(); ++k) {
        QVERIFY2(sameVec(std::vector<double>(got[k].begin(), got[k].end()), want[k]),
                 (std::string(name) + " " + names[k]).c_str());
      }
    }
  }

  void refusedDatasetsElsewhereAreListedNotFatal() {
    const std::string path = file("unwritten_block.h5");
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "events");
      QVERIFY(fixture::writeDoubles(g, "x", H5T_IEEE_F64LE, {1, 2, 3}));
      Handle cache = fixture::createGroup(f, "cache");
      const hsize_t dims[2] = {1000, 4};
      Handle space(H5Screate_simple(2, dims, nullptr));
      Handle ds(H5Dcreate2(cache, "block", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT));  // created, never written
      QVERIFY(ds.valid());
    }
    const SampleReader r(path);
    QCOMPARE(r.info().group, std::string("/events"));
    bool listed = false;
    for (const auto& s : r.info().skipped) {
      listed = listed || (s.path == "/cache/block" &&
                          s.reason == "declares 4000 values but none was ever written");
    }
    QVERIFY(listed);
    // Named, it is refused with the reason.
    ReaderOptions o;
    o.group = "/cache/block";
    const std::string e = errorOf([&] { SampleReader named(path, o); });
    QVERIFY2(
        contains(e, path) && contains(e, "'/cache/block'") && contains(e, "none was ever written"),
        e.c_str());
  }

  void layoutOverride() {
    const std::string path = file("two_layouts.h5");
    const float m[4][2] = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
    {
      Handle f = fixture::createFile(path);
      Handle g = fixture::createGroup(f, "cols");
      QVERIFY(fixture::writeDoubles(g, "x", H5T_IEEE_F64LE, {1, 2, 3, 4}));
      Handle g2 = fixture::createGroup(f, "mat");
      QVERIFY(fixture::writeDataset(g2, "data", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {4, 2}, m));
    }
    // Two groups hold events: an error that names both, not a silent pick.
    const std::string e = errorOf([&] { SampleReader automatic(path); });
    QVERIFY2(contains(e, "/cols (ColumnGroup, 4 events)") &&
                 contains(e, "/mat/data (Matrix2D, 4 events)"),
             e.c_str());
    ReaderOptions o;
    o.layout = Layout::ColumnGroup;
    SampleReader columns(path, o);
    QCOMPARE(columns.info().group, std::string("/cols"));
    o.layout = Layout::Matrix2D;
    SampleReader forced(path, o);
    QCOMPARE(forced.info().group, std::string("/mat/data"));
    QVERIFY(sameVec(readAll(forced, {"col1"})[0], {2, 4, 6, 8}));
    o.layout = Layout::PandasTable;
    QVERIFY(contains(errorOf([&] { SampleReader none(path, o); }), "no PandasTable event data"));
  }

  void errors() {
    const std::string missing = file("does_not_exist.h5");
    std::string e = errorOf([&] { SampleReader r(missing); });
    QVERIFY2(contains(e, missing) && contains(e, "does not exist"), e.c_str());

    const std::string text = file("notes.h5");
    std::ofstream(text) << "not hdf5\n";
    e = errorOf([&] { SampleReader r(text); });
    QVERIFY2(contains(e, text) && contains(e, "not an HDF5 file"), e.c_str());

    const std::string empty = file("empty.h5");
    {
      Handle f = fixture::createFile(empty);
      Handle g = fixture::createGroup(f, "meta");
      QVERIFY(fixture::setStringAttribute(g, "note", "nothing here"));
    }
    e = errorOf([&] { SampleReader r(empty); });
    QVERIFY2(contains(e, empty) && contains(e, "no event data"), e.c_str());

    const std::string bad = file("mismatch.h5");
    {
      Handle f = fixture::createFile(bad);
      Handle g = fixture::createGroup(f, "events");
      QVERIFY(fixture::writeDoubles(g, "a", H5T_IEEE_F64LE, {1, 2, 3}));
      QVERIFY(fixture::writeDoubles(g, "b", H5T_IEEE_F64LE, {1, 2}));
      QVERIFY(fixture::writeDoubles(g, "c", H5T_IEEE_F64LE, {1, 2, 3}));
    }
    {
      // Most datasets agree on 3 events; 'b' is listed as unsupported, and naming it says why.
      SampleReader r(bad);
      QCOMPARE(r.info().events, std::size_t(3));
      QCOMPARE(r.info().unsupported.size(), std::size_t(1));
      QCOMPARE(r.info().unsupported[0].path, std::string("/events/b"));
      e = errorOf([&] { readAll(r, {"b"}); });
      QVERIFY2(contains(e, bad) && contains(e,
                                            "'/events/b' is unsupported: 2 rows, but the "
                                            "events of this group number 3"),
               e.c_str());
    }
    const std::string tie = file("mismatch_tie.h5");
    {
      Handle f = fixture::createFile(tie);
      Handle g = fixture::createGroup(f, "events");
      QVERIFY(fixture::writeDoubles(g, "a", H5T_IEEE_F64LE, {1, 2, 3}));
      QVERIFY(fixture::writeDoubles(g, "b", H5T_IEEE_F64LE, {1, 2}));
    }
    // No length most datasets share: not events when searching, an error when named.
    e = errorOf([&] { SampleReader r(tie); });
    QVERIFY2(contains(e, "no event data") && contains(e,
                                                      "/events: 1-D datasets of different "
                                                      "lengths (a 3, b 2)"),
             e.c_str());
    ReaderOptions named;
    named.group = "events";
    e = errorOf([&] { SampleReader r(tie, named); });
    QVERIFY2(contains(e, tie) && contains(e, "column length mismatch") && contains(e, "'b' has 2"),
             e.c_str());

    const std::string ok = file("ok.h5");
    {
      Handle f = fixture::createFile(ok);
      Handle g = fixture::createGroup(f, "events");
      QVERIFY(fixture::writeDoubles(g, "mjj", H5T_IEEE_F64LE, {1, 2, 3}));
      QVERIFY(fixture::writeFixedStrings(g, "Label", {"s", "b", "b"}, 1));
    }
    SampleReader r(ok);
    e = errorOf([&] { readAll(r, {"mjjj"}); });
    QVERIFY2(contains(e, "unknown column 'mjjj' (did you mean 'mjj'?)") && contains(e, ok),
             e.c_str());
    e = errorOf([&] { readAll(r, {"Label"}); });
    QVERIFY2(contains(e, "holds strings"), e.c_str());
    e = errorOf([&] { r.readStrings("label"); });
    QVERIFY2(contains(e, "did you mean 'Label'"), e.c_str());
    ReaderOptions o;
    o.group = "/evnts";
    e = errorOf([&] { SampleReader g(ok, o); });
    QVERIFY2(contains(e, "/evnts"), e.c_str());
  }

  void realFiles_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("events");
    QTest::addColumn<int>("positives");
    QTest::addColumn<int>("negatives");
    QTest::newRow("ww") << "ww_polarization/ww_polarization_01.h5" << 10000 << 507 << 9493;
    QTest::newRow("higgsml") << "higgsml_atlas/higgsml_atlas_subset.h5" << 9998 << 4999 << 4999;
    QTest::newRow("uci") << "uci_higgs/uci_higgs_first10k.h5" << 10000 << 5295 << 4705;
  }

  void realFiles() {
    QFETCH(QString, file);
    QFETCH(int, events);
    QFETCH(int, positives);
    QFETCH(int, negatives);
    const std::string path = imbw::test::sharedDir() + "/data/" + file.toStdString();
    IMBW_REQUIRE_SHARED_FILE(path);
    ReaderOptions o;
    o.chunkSize = 999;  // many chunks, ragged last one
    SampleReader r(path, o);
    QCOMPARE(r.info().layout, Layout::ColumnGroup);
    QCOMPARE(r.info().group, std::string("/events"));
    QCOMPARE(r.info().events, std::size_t(events));
    const auto label = readAll(r, {"label"}, false)[0];
    QCOMPARE(int(label.size()), events);
    QCOMPARE(int(std::count(label.begin(), label.end(), 1.0)), positives);
    QCOMPARE(int(std::count(label.begin(), label.end(), 0.0)), negatives);
  }

  void higgsMlFacts() {
    const std::string path =
        imbw::test::sharedDir() + "/data/higgsml_atlas/higgsml_atlas_subset.h5";
    IMBW_REQUIRE_SHARED_FILE(path);
    SampleReader r(path);
    const auto labels = r.readStrings("Label");
    QCOMPARE(int(labels.size()), 9998);
    QCOMPARE(int(std::count(labels.begin(), labels.end(), "s")), 4999);
    QCOMPARE(int(std::count(labels.begin(), labels.end(), "b")), 4999);
    const auto cols = readAll(r, {"label", "in_complete_slice", "Weight", "KaggleWeight"});
    for (std::size_t i = 0; i < labels.size(); ++i) {
      QCOMPARE(cols[0][i], labels[i] == "s" ? 1.0 : 0.0);  // the two label columns agree
    }
    int slice = 0, sliceSignal = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (cols[1][i] == 1.0) {
        ++slice;
        sliceSignal += labels[i] == "s";
      }
    }
    QCOMPARE(slice, 7521);
    QCOMPARE(sliceSignal, 2522);
    // Weight sums computed independently with h5py + numpy (float64 sum over the datasets).
    const double weightSum = std::accumulate(cols[2].begin(), cols[2].end(), 0.0);
    const double kaggleSum = std::accumulate(cols[3].begin(), cols[3].end(), 0.0);
    QVERIFY(std::fabs(weightSum - 3843.9818561230136) < 1e-9 * 3843.98);
    QVERIFY(std::fabs(kaggleSum - 12606.66318382732) < 1e-9 * 12606.66);
  }
};

QTEST_APPLESS_MAIN(TestSampleReader)
#include "test_sample_reader.moc"
