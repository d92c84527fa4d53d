#pragma once

// Runs the built imbalance-cli (path compiled in as IMBW_CLI_PATH) for the CLI test suites.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace cli_test {

struct Result {
  int exitCode = -1;  ///< -1: did not finish normally
  QString out;
  QString err;
};

inline Result runCli(const QStringList& args, int timeoutMs = 600000) {
  QProcess p;
  p.start(QStringLiteral(IMBW_CLI_PATH), args);
  Result r;
  if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit) return r;
  r.exitCode = p.exitCode();
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

/// The repository (IMBW_SOURCE_DIR from ctest, else the configure-time source dir).
inline QString sourceDir() {
  const QByteArray dir = qgetenv("IMBW_SOURCE_DIR");
  return dir.isEmpty() ? QStringLiteral(IMBW_TEST_SOURCE_DIR) : QString::fromLocal8Bit(dir);
}

}  // namespace cli_test
