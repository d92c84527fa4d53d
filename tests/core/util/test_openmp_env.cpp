// preferShortOpenMpSpin must put GOMP_SPINCOUNT into the environment the process was *started*
// with (libgomp reads it when it is loaded, before main), so the test reads the child's
// /proc/self/environ, which holds the environment of the last exec and ignores setenv().

#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "core/util/openmp_env.h"

namespace {

// GOMP_SPINCOUNT as this process image was started with, or "unset".
std::string startupSpinCount() {
  std::ifstream in("/proc/self/environ", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string key = "GOMP_SPINCOUNT=";
  std::size_t pos = 0;
  while (pos < all.size()) {
    const std::size_t end = all.find('\0', pos);
    const std::string entry = all.substr(pos, end == std::string::npos ? end : end - pos);
    if (entry.rfind(key, 0) == 0) return entry.substr(key.size());
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "unset";
}

}  // namespace

class TestOpenMpEnv : public QObject {
  Q_OBJECT

 private:
  static QString child(const QStringList& set, const QStringList& unset) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("GOMP_SPINCOUNT");
    env.remove("OMP_WAIT_POLICY");
    for (const auto& u : unset) env.remove(u);
    for (const auto& s : set) env.insert(s.section('=', 0, 0), s.section('=', 1));
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QCoreApplication::applicationFilePath(), {"--child"});
    if (!p.waitForFinished(30000)) return "timeout";
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
  }

 private Q_SLOTS:
  void reexecutesWithShortSpin() {
    QCOMPARE(child({}, {}), QString::fromLatin1(imbw::kOpenMpSpinCount));
  }
  void usersSpinCountWins() { QCOMPARE(child({"GOMP_SPINCOUNT=77"}, {}), QString("77")); }
  void usersWaitPolicyWins() { QCOMPARE(child({"OMP_WAIT_POLICY=passive"}, {}), QString("unset")); }
};

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--child") {
    imbw::preferShortOpenMpSpin(argv);
    std::printf("%s\n", startupSpinCount().c_str());
    return 0;
  }
  QCoreApplication app(argc, argv);
  TestOpenMpEnv t;
  return QTest::qExec(&t, argc, argv);
}

#include "test_openmp_env.moc"
