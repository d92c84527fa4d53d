#include "app/gui/file_probe.h"

#include "app/gui/child_process.h"
#include "app/gui/short_job.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QStandardPaths>
#include <mutex>
#include <set>
#include <tuple>

namespace imbw {

namespace {

using FileKey = std::tuple<QString, qint64, qint64>;  // canonical path, size, mtime (ms)

std::mutex g_mutex;
std::set<FileKey> g_passed;

FileKey keyOf(const QFileInfo& f) {
  const QString canonical = f.canonicalFilePath();
  return {canonical.isEmpty() ? f.absoluteFilePath() : canonical, f.size(),
          f.lastModified().toMSecsSinceEpoch()};
}

}  // namespace

QString probeProgram() {
  const QString env = qEnvironmentVariable("IMBW_PROBE_CLI");
  if (!env.isEmpty()) return env;
  QStringList candidates;
  if (QCoreApplication::instance()) {
    candidates << QCoreApplication::applicationDirPath() + "/imbalance-cli";
  }
#ifdef IMBW_BINARY_TREE
  candidates << QStringLiteral(IMBW_BINARY_TREE "/app/cli/imbalance-cli");
#endif
  for (const QString& c : candidates) {
    if (QFileInfo(c).isExecutable()) return c;
  }
  return QStandardPaths::findExecutable("imbalance-cli");
}

ProbeResult probeSampleFile(const std::string& path, const ReaderOptions& options,
                            std::chrono::milliseconds timeout,
                            const std::function<bool()>& stopRequested) {
  ProbeResult r;
  const QString file = QString::fromStdString(path);
  const QFileInfo info(file);
  // A missing file needs no child: the reader says so.
  if (!info.exists()) return r;
  const FileKey key = keyOf(info);
  {
    std::lock_guard lock(g_mutex);
    if (g_passed.count(key)) {
      r.probed = true;
      return r;
    }
  }
  const QString program = probeProgram();
  if (program.isEmpty()) return r;

  std::vector<std::string> args{"inspect", "--json"};
  if (!options.group.empty()) args.insert(args.end(), {"--group", options.group});
  if (options.layout) args.insert(args.end(), {"--layout", layoutName(*options.layout)});
  if (!options.countColumn.empty())
    args.insert(args.end(), {"--count-column", options.countColumn});
  if (options.allowExternal) args.push_back("--allow-external");
  if (options.allowFilterPlugins) args.push_back("--allow-plugins");
  args.insert(args.end(), {"--", path});

  // In a sanitizer build a memory error is reported and the process exits with status 1, which
  // reads like an error inspect names: the child aborts instead, so it counts as the crash it
  // would be in an ordinary build (the variables mean nothing to an ordinary build).
  std::vector<std::string> env;
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS"})
    env.push_back(std::string(name) + "=" + qEnvironmentVariable(name).toStdString() +
                  ":abort_on_error=1");
  ChildProcess child;
  if (!child.start(program.toStdString(), args, env)) return r;  // cannot probe: open as before
  r.probed = true;
  const int ms = static_cast<int>(timeout.count());
  QElapsedTimer clock;
  clock.start();
  bool finished = false;
  while (!(finished = child.waitForFinished(50)) && clock.elapsed() < ms) {
    if ((stopRequested && stopRequested()) || currentJobCancelled()) {
      child.kill();
      r.stopped = true;
      r.safe = false;  // not known: the file must not be opened
      return r;
    }
  }
  if (!finished) {
    child.kill();
    r.safe = false;
    r.message = QCoreApplication::translate("FileProbe",
                                            "Reading '%1' did not finish within %2 s in a test "
                                            "process; the file is probably damaged. It was not "
                                            "opened, and the analysis stays as it was.")
                    .arg(file)
                    .arg(ms / 1000.0, 0, 'g', 3);
    return r;
  }
  if (child.crashed()) {
    // inspect exits 0 (read), 1 (an error it names) or 2 (usage); a signal is a crash.
    r.safe = false;
    const QString err = QString::fromStdString(child.standardError()).trimmed().left(400);
    r.message = QCoreApplication::translate(
                    "FileProbe",
                    "The HDF5 library crashed reading '%1' in a test process; the file is "
                    "probably damaged. It was not opened, and the analysis stays as it was.")
                    .arg(file);
    if (!err.isEmpty()) r.message += "\n" + err;
    return r;
  }
  std::lock_guard lock(g_mutex);
  g_passed.insert(key);
  return r;
}

void forgetProbedFiles() {
  std::lock_guard lock(g_mutex);
  g_passed.clear();
}

}  // namespace imbw
