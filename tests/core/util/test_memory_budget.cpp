// The memory rule's parts on hand-built inputs: /proc/meminfo and cgroup texts as the kernel
// writes them, sizes, and the refusal's message.

#include <QTest>
#include <cstdlib>

#include "core/util/error.h"
#include "core/util/memory_budget.h"

class TestMemoryBudget : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void memAvailableFromMeminfo() {
    const char* meminfo =
        "MemTotal:       24574976 kB\n"
        "MemFree:        19191608 kB\n"
        "MemAvailable:   23012345 kB\n"
        "Buffers:          123456 kB\n";
    QCOMPARE(imbw::parseMemAvailable(meminfo).value(), std::uint64_t{23012345} * 1024);
    QVERIFY(!imbw::parseMemAvailable("MemTotal: 1 kB\nMemFree: 1 kB\n"));
    QVERIFY(!imbw::parseMemAvailable("MemAvailable: lots kB\n"));
  }

  void cgroupRoom() {
    // v2: "max" is no limit; a number minus the usage is the room left.
    QVERIFY(!imbw::parseCgroupRoom("max\n", "123456\n"));
    QCOMPARE(imbw::parseCgroupRoom("1073741824\n", "73741824\n").value(),
             std::uint64_t{1000000000});
    // Over the limit (reclaimable cache counted): no room, not a wrap-around.
    QCOMPARE(imbw::parseCgroupRoom("1000\n", "2000\n").value(), std::uint64_t{0});
    // v1's "unlimited" is 2^63 rounded down to the page size.
    QVERIFY(!imbw::parseCgroupRoom("9223372036854771712\n", "5\n"));
  }

  void sizes() {
    QCOMPARE(imbw::parseByteSize("1048576", "x"), std::uint64_t{1048576});
    QCOMPARE(imbw::parseByteSize("64K", "x"), std::uint64_t{65536});
    QCOMPARE(imbw::parseByteSize("300m", "x"), std::uint64_t{300} * 1024 * 1024);
    QCOMPARE(imbw::parseByteSize("2G", "x"), std::uint64_t{2} << 30);
    try {
      imbw::parseByteSize("lots", "IMBW_MEMORY_LIMIT");
      QFAIL("no error");
    } catch (const imbw::Error& e) {
      QVERIFY2(QString(e.what()).contains("IMBW_MEMORY_LIMIT 'lots'"), e.what());
    }
    QCOMPARE(imbw::bytesText(512), std::string("512 B"));
    QCOMPARE(imbw::bytesText(1.5 * 1024 * 1024 * 1024), std::string("1.5 GiB"));
  }

  void tableAndTrainingRule() {
    // 10 M events × 30 float32 columns: 1.2 GB of features + 24 bytes per event.
    QCOMPARE(imbw::tableBytes(10'000'000, 30), std::uint64_t{10'000'000} * 144);
    // Training: three matrices of 4 bytes per feature + label 4 + weight 8.
    QCOMPARE(imbw::trainingBytes(1'000'000, 28), std::uint64_t{3} * 1'000'000 * 124);
  }

  void refusalNamesEstimateAvailableAndAdvice() {
    const imbw::AvailableMemory have{1000, "IMBW_MEMORY_LIMIT"};
    imbw::requireMemory(1000, "loading", have, "do less");             // fits exactly
    imbw::requireMemory(1 << 30, "loading", std::nullopt, "do less");  // nothing known: allowed
    try {
      imbw::requireMemory(1234567, "loading 5 events", have, "do less");
      QFAIL("no error");
    } catch (const imbw::Error& e) {
      QCOMPARE(QString(e.what()),
               QString("loading 5 events needs about 1.2 MiB (1,234,567 bytes) but only 1000 B "
                       "are available (IMBW_MEMORY_LIMIT); do less"));
    }
  }

  void environmentCapsTheAvailableMemory() {
    qputenv("IMBW_MEMORY_LIMIT", "4K");
    const auto a = imbw::availableMemory();
    QVERIFY(a.has_value());
    QCOMPARE(a->bytes, std::uint64_t{4096});
    QCOMPARE(a->source, std::string("IMBW_MEMORY_LIMIT"));
    qunsetenv("IMBW_MEMORY_LIMIT");
    const auto system = imbw::availableMemory();
    // This machine has a /proc/meminfo: more than 4 KiB are free.
    QVERIFY(system.has_value() && system->bytes > 4096);
  }
};

QTEST_APPLESS_MAIN(TestMemoryBudget)
#include "test_memory_budget.moc"
