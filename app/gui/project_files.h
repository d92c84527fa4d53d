#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>

class QMenu;
class QWidget;

namespace imbw {

class AnalysisSession;
class JobRunner;
class RunRegistry;
class RunsController;

/// The project as files, for the window: Open (read on a worker), Save and Save As (on a
/// worker, or at once before quitting), Close, the Open Recent list (QSettings), the
/// unsaved-changes prompt before work is lost (also while runs train: they are cancelled), and
/// the autosave to a recovery file with the offer to recover after a crash. It asks and tells
/// through `window` (dialogs) and message() (the status bar); what it opens or recovers is
/// adopted by the session, and projectOpened() tells the window to load the events.
class ProjectFiles : public QObject {
  Q_OBJECT
 public:
  enum class UnsavedChoice { Save, Discard, Cancel };
  /// Now: written before returning (before quitting); Background: Ctrl+S, on a worker.
  enum class SaveMode { Now, Background };

  ProjectFiles(AnalysisSession* session, JobRunner* jobs, RunRegistry* registry,
               RunsController* runs, QWidget* window);

  /// Replaces every question (unsaved changes, recovery) and every warning box with a function
  /// and the status bar: tests and the screenshot tour run without modal dialogs.
  void setUnsavedPrompt(std::function<UnsavedChoice(const QString& question)> prompt) {
    m_prompt = std::move(prompt);
  }

  /// Before work is lost (`action`: "quit", "open another file", …): true when the user saved
  /// or discarded (runs still training are then cancelled), false when they cancelled.
  bool maySkipUnsaved(const QString& action);
  /// Save (askForPath false: to the project's file, asking only when it has none) or Save As.
  bool saveInteractively(bool askForPath, SaveMode mode);
  /// Saves project and results at once, no questions asked; false with the reason shown.
  bool saveProject(const QString& path);
  /// Reads a project or analysis file on a worker and adopts it; projectOpened() or
  /// openFailed() follow (the current project stays as it was on failure).
  void openProject(const QString& path);
  /// File ▸ Close (asks first).
  bool closeProject();

  /// File ▸ Open recent; its entries emit openRequested().
  QMenu* recentMenu() const { return m_recentMenu; }
  static QStringList recentProjects();
  void addRecent(const QString& path);

  void setAutosaveInterval(int milliseconds) { m_autosave.setInterval(milliseconds); }
  void stopAutosave() { m_autosave.stop(); }
  /// One recovery file per project file (per window for a project never saved).
  QString recoveryPath() const;
  /// Writes the recovery file now (what the autosave timer does while there are changes).
  bool autosaveNow();
  /// After a crash: offers the newest recovery file of another window.
  void offerRecovery();
  /// The recovery file is not needed any more (saved, closed, quit).
  void removeRecovery();

 Q_SIGNALS:
  void message(const QString& text);
  /// An Open recent entry was chosen.
  void openRequested(const QString& path);
  /// The session holds an opened or recovered project: its events are to be loaded.
  void projectOpened();
  void openFailed(const QString& error);
  /// Saved, or the recent list changed: the title and the welcome page are to be redrawn.
  void filesChanged();

 private:
  bool savedTo(const QString& error);
  void rebuildRecentMenu();
  bool asksWithDialogs() const { return !m_prompt; }

  AnalysisSession* m_session;
  JobRunner* m_jobs;
  RunRegistry* m_registry;
  RunsController* m_runs;
  QWidget* m_window;
  QMenu* m_recentMenu;
  QTimer m_autosave;
  std::function<UnsavedChoice(const QString&)> m_prompt;
};

}  // namespace imbw
