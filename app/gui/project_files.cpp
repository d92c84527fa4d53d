// The project as files: open, save, close, the recent list, the unsaved-changes prompt,
// autosave and recovery (app/gui/project_files.h).
#include "app/gui/project_files.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

#include "app/gui/analysis_session.h"
#include "app/gui/core_convert.h"
#include "app/gui/run_registry.h"
#include "app/gui/runs_controller.h"
#include "app/gui/short_job.h"

namespace imbw {

namespace {

constexpr int kMaxRecent = 8;
constexpr int kAutosaveMs = 3 * 60 * 1000;

QString recoveryDir() {
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/recovery";
}

/// A recovery file, its note of the project it belongs to, and its sidecar.
void removeRecoveryFiles(const QString& file) {
  QFile::remove(file);
  QFile::remove(file + ".origin");
  QFile::remove(QString::fromStdString(sidecarPath(ss(file))));
}

}  // namespace

ProjectFiles::ProjectFiles(AnalysisSession* session, JobRunner* jobs, RunRegistry* registry,
                           RunsController* runs, QWidget* window)
    : QObject(window),
      m_session(session),
      m_jobs(jobs),
      m_registry(registry),
      m_runs(runs),
      m_window(window),
      m_recentMenu(new QMenu(tr("Open &recent"), window)) {
  rebuildRecentMenu();
  m_autosave.setInterval(qEnvironmentVariableIsSet("IMBW_AUTOSAVE_MS")
                             ? qEnvironmentVariableIntValue("IMBW_AUTOSAVE_MS")
                             : kAutosaveMs);
  connect(&m_autosave, &QTimer::timeout, this, [this] { autosaveNow(); });
  // Autosave runs while there is something to lose.
  connect(m_session, &AnalysisSession::modifiedChanged, this, [this](bool modified) {
    if (modified && !m_autosave.isActive()) m_autosave.start();
    if (!modified) m_autosave.stop();
  });
  connect(m_session, &AnalysisSession::saveFinished, this,
          [this](const QString&, const QString& error) { savedTo(error); });
}

bool ProjectFiles::maySkipUnsaved(const QString& action) {
  m_session->finishSave();  // a save still writing decides what is unsaved
  const int active = m_registry->activeRuns();
  if (!m_session->isModified() && active == 0) return true;
  QString question = m_session->isModified()
                         ? tr("%1 has unsaved changes.").arg(m_session->displayName())
                         : QString();
  if (active > 0)
    question += (question.isEmpty() ? QString() : QStringLiteral(" ")) +
                tr("%n run(s) still training will be cancelled.", "", active);
  question += " " + tr("Save before you %1?").arg(action);
  UnsavedChoice choice;
  if (!asksWithDialogs()) {
    choice = m_prompt(question);
  } else {
    const auto b = QMessageBox::question(
        m_window, tr("Unsaved changes"), question,
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    choice = b == QMessageBox::Save      ? UnsavedChoice::Save
             : b == QMessageBox::Discard ? UnsavedChoice::Discard
                                         : UnsavedChoice::Cancel;
  }
  if (choice == UnsavedChoice::Cancel) return false;
  if (choice == UnsavedChoice::Save && m_session->isModified() &&
      !saveInteractively(false, SaveMode::Now))
    return false;
  m_runs->cancelAll();
  return true;
}

bool ProjectFiles::saveInteractively(bool askForPath, SaveMode mode) {
  if (!m_session->hasProject()) {
    Q_EMIT message(tr("Nothing to save: open or start a project first."));
    return false;
  }
  QString path = m_session->path();
  if (askForPath || path.isEmpty()) {
    const std::string& name = m_session->project().analysis.name;
    const QString suggestion =
        path.isEmpty() ? QDir(QSettings().value("lastDir", QDir::homePath()).toString())
                             .filePath(qs(name.empty() ? std::string("analysis") : name) + ".json")
                       : path;
    path = QFileDialog::getSaveFileName(m_window, tr("Save project"), suggestion,
                                        tr("Project (*.json)"));
    if (path.isEmpty()) return false;
    if (!path.endsWith(".json", Qt::CaseInsensitive)) path += ".json";
  }
  if (mode == SaveMode::Now) return saveProject(path);
  // Ctrl+S: written on a worker, the window keeps answering (savedTo follows).
  if (!m_session->startSave(path, m_jobs)) {
    Q_EMIT message(tr("The previous save is still being written; save again then."));
    return false;
  }
  Q_EMIT message(tr("Saving %1 …").arg(QFileInfo(path).fileName()));
  return true;
}

bool ProjectFiles::saveProject(const QString& path) {
  return savedTo(m_session->save(path));
}

bool ProjectFiles::savedTo(const QString& error) {
  if (!error.isEmpty()) {
    if (!asksWithDialogs())
      Q_EMIT message(tr("Not saved: %1").arg(error));
    else
      QMessageBox::warning(
          m_window, tr("Save project"),
          tr("The project was not saved (the previous file is unchanged):\n%1").arg(error));
    return false;
  }
  removeRecovery();
  addRecent(m_session->path());
  Q_EMIT message(tr("Saved %1").arg(m_session->path()));
  return true;
}

void ProjectFiles::openProject(const QString& path) {
  // Read on a worker (the sidecar may hold millions of scores); the window keeps answering.
  const int generation = m_session->beginLoad();
  Q_EMIT message(tr("Opening %1 …").arg(path));
  runShort<OpenedProject>(
      this, m_jobs, [path] { return readProjectFiles(path); },
      [this, generation](OpenedProject opened) {
        if (!m_session->isCurrentLoad(generation)) return;  // another file was opened meanwhile
        if (!opened.error.isEmpty()) {
          // The current project stays as it was.
          Q_EMIT message(tr("Could not open %1").arg(QFileInfo(opened.path).fileName()));
          if (asksWithDialogs()) {
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Open"), opened.error,
                                        QMessageBox::Ok, m_window);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
          }
          Q_EMIT openFailed(opened.error);
          return;
        }
        m_session->adopt(std::move(opened));
        addRecent(m_session->path());
        Q_EMIT message(tr("Loading the events of %1 …").arg(m_session->displayName()));
        Q_EMIT projectOpened();
      });
}

bool ProjectFiles::closeProject() {
  if (!maySkipUnsaved(tr("close it"))) return false;
  removeRecovery();
  m_session->close();
  return true;
}

// ---------------------------------------------------------------------------------------------
// Open recent

QStringList ProjectFiles::recentProjects() {
  return QSettings().value("recentProjects").toStringList();
}

void ProjectFiles::addRecent(const QString& path) {
  QStringList recent = recentProjects();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue("recentProjects", recent);
  rebuildRecentMenu();
  Q_EMIT filesChanged();
}

void ProjectFiles::rebuildRecentMenu() {
  m_recentMenu->clear();
  const QStringList recent = recentProjects();
  for (const QString& p : recent) {
    QAction* a = m_recentMenu->addAction(QFileInfo(p).fileName(), this,
                                         [this, p] { Q_EMIT openRequested(p); });
    a->setToolTip(p);
    a->setStatusTip(p);
    a->setEnabled(QFileInfo::exists(p));
  }
  m_recentMenu->setEnabled(!recent.isEmpty());
}

// ---------------------------------------------------------------------------------------------
// Autosave and recovery

QString ProjectFiles::recoveryPath() const {
  const QString key = m_session->path().isEmpty()
                          ? QStringLiteral("untitled-%1").arg(QApplication::applicationPid())
                          : QString::fromLatin1(QCryptographicHash::hash(m_session->path().toUtf8(),
                                                                         QCryptographicHash::Sha1)
                                                    .toHex()
                                                    .left(12));
  return recoveryDir() + "/" + key + ".json";
}

void ProjectFiles::removeRecovery() {
  removeRecoveryFiles(recoveryPath());
}

bool ProjectFiles::autosaveNow() {
  if (!m_session->isModified() || m_session->isSaving()) return false;
  QDir().mkpath(recoveryDir());
  const QString path = recoveryPath();
  try {
    // The project with absolute sample paths (it lives elsewhere than its files), and the
    // results of its trained runs.
    Project copy = m_session->project();
    copy.analysis.rebase(ss(recoveryDir()));
    writeRunStore(sidecarPath(ss(path)), m_session->storedRuns(), {}, &m_session->studyResults());
    copy.save(ss(path));
  } catch (const std::exception& e) {
    Q_EMIT message(tr("Autosave failed: %1").arg(qs(e.what())));
    return false;
  }
  QFile origin(path + ".origin");
  if (origin.open(QIODevice::WriteOnly)) origin.write(m_session->path().toUtf8());
  Q_EMIT message(tr("Autosaved at %1").arg(QTime::currentTime().toString("HH:mm")));
  return true;
}

void ProjectFiles::offerRecovery() {
  const QDir dir(recoveryDir());
  const QFileInfoList files = dir.entryInfoList({"*.json"}, QDir::Files, QDir::Time);
  for (const QFileInfo& f : files) {
    if (f.absoluteFilePath() == recoveryPath()) continue;  // this window's own
    QFile originFile(f.absoluteFilePath() + ".origin");
    const QString origin =
        originFile.open(QIODevice::ReadOnly) ? QString::fromUtf8(originFile.readAll()) : QString();
    const QString question =
        tr("Imbalance Workbench did not close normally. Recover the unsaved work on %1 from %2?")
            .arg(origin.isEmpty() ? tr("an untitled project") : QFileInfo(origin).fileName(),
                 f.lastModified().toString("yyyy-MM-dd HH:mm"));
    const bool recover =
        asksWithDialogs()
            ? QMessageBox::question(m_window, tr("Recover unsaved work"), question,
                                    QMessageBox::Yes | QMessageBox::No) == QMessageBox::Yes
            : m_prompt(question) == UnsavedChoice::Save;
    const QString file = f.absoluteFilePath();
    if (recover) {
      const QString error = m_session->recover(file, origin);
      if (error.isEmpty()) {
        Q_EMIT projectOpened();
        Q_EMIT message(tr("Recovered unsaved work; save it to keep it."));
      } else {
        Q_EMIT message(tr("Could not recover: %1").arg(error));
      }
    }
    removeRecoveryFiles(file);
    if (recover) return;
  }
}

}  // namespace imbw
