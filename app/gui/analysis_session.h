#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/analysis_loader.h"
#include "core/data/sample_reader.h"
#include "core/project/project.h"
#include "core/project/run_store.h"

namespace imbw {

class JobRunner;

/// What a background load of the events hands back.
struct LoadOutcome {
  std::optional<Analysis> analysis;  ///< the analysis that was loaded (also when it failed)
  std::shared_ptr<const LoadedAnalysis> loaded;
  std::vector<SampleInfo> sampleInfo;
  std::shared_ptr<const std::vector<std::string>> rawColumns;
  QString error;
  bool cancelled = false;  ///< a newer load (or closing the window) stopped this one
};

/// Reads every sample of `analysis` (every classified event, before the cut, and every raw
/// scalar column the samples share when there are at most 256) for the window. Never throws:
/// a failure is LoadOutcome::error; the sample facts read before it are kept. `stop` is polled
/// before every chunk of every file.
LoadOutcome loadEvents(const Analysis& analysis,
                       std::shared_ptr<const std::atomic<bool>> stop = {});

/// A project file and its sidecar as read from disk (on a worker: a sidecar can hold millions
/// of scores), ready to be adopted by the session.
struct OpenedProject {
  QString path;  ///< absolute
  Project project;
  std::map<std::string, std::shared_ptr<const StoredRun>> stored;
  StudyStore studies;  ///< the weak-supervision studies' results
  QString error;       ///< names the file and the cause; empty on success
};
OpenedProject readProjectFiles(const QString& path);

/// The selection of the current cut on one loaded table: the mask and the yields belong to
/// `data`, so a view can never combine a mask with another table.
struct Selection {
  std::shared_ptr<const LoadedAnalysis> data;
  EventMask keep;  ///< never null
  Yields before, after;
  /// Set once a newer cut is being computed or this selection was replaced: the jobs that
  /// follow a selection (the feature and resonance histograms) poll it and stop, so they never
  /// hold the short-job pool while the next cut's yields wait.
  std::shared_ptr<std::atomic<bool>> superseded = std::make_shared<std::atomic<bool>>(false);
};

/// The window's analysis, without widgets: the project (samples, classes, cut, features and
/// runs with their metrics), where it is saved, the per-event results of its runs (the
/// sidecar's content), the loaded events and the selection of the current cut. Whether the
/// project has unsaved changes is derived from its content (compared with what was last saved
/// or opened), never set by hand.
class AnalysisSession : public QObject {
  Q_OBJECT
 public:
  explicit AnalysisSession(QObject* parent = nullptr);
  ~AnalysisSession() override;

  bool hasProject() const { return m_hasProject; }
  Project& project() { return m_project; }
  const Project& project() const { return m_project; }
  /// The project file; empty while the project has never been saved.
  QString path() const { return m_path; }
  /// The file name shown in the title ("untitled" before the first save).
  QString displayName() const;

  /// Starts a project (with the given analysis, e.g. a first sample) that has no file yet.
  void newProject(Analysis analysis);
  /// Opens a project or analysis file (any formatVersion) and its sidecar. Returns an error
  /// message naming the file and the cause; the current project is unchanged on error.
  QString open(const QString& path);
  /// Takes a project read by readProjectFiles (which must have succeeded).
  void adopt(OpenedProject opened);
  /// Writes the sidecar and the project file, each atomically, so a failed save (read-only
  /// folder, full disk) leaves the previous files intact. Returns an error message, or empty.
  QString save(const QString& path);
  /// The same save on the short-job pool (the sidecar of millions of scores takes seconds):
  /// what the project holds now is written while the window keeps answering, and
  /// saveFinished(error) follows on the GUI thread. Edits made meanwhile stay unsaved. False
  /// (nothing started) while another save is running.
  bool startSave(const QString& path, JobRunner* jobs);
  bool isSaving() const { return m_saving != nullptr; }
  /// Waits for a background save and takes its outcome now (before a prompt, or quitting).
  void finishSave();
  /// Opens an autosaved recovery file as unsaved work on `originalPath` (empty: a project that
  /// was never saved): Save then writes to the original file.
  QString recover(const QString& recoveryFile, const QString& originalPath);
  /// Closes the project (no file, no runs, no events).
  void close();

  bool isModified() const { return m_hasProject && state() != m_savedState; }
  /// Call after any change of project() (or of the stored results): re-derives isModified()
  /// and tells the observers.
  void edited();

  std::shared_ptr<const StoredRun> stored(const std::string& runId) const;
  void setStored(const std::string& runId, std::shared_ptr<const StoredRun> run);
  const std::map<std::string, std::shared_ptr<const StoredRun>>& storedRuns() const {
    return m_stored;
  }

  /// The weak-supervision studies' results (the sidecar's "studies"), by study id.
  const StudyStore& studyResults() const { return m_studies; }
  void setStudyResult(const std::string& studyId, std::shared_ptr<const StudyResult> result);

  // The loaded events of the project's analysis.
  std::shared_ptr<const LoadedAnalysis> loaded() const { return m_loaded; }
  const std::vector<SampleInfo>& sampleInfo() const { return m_sampleInfo; }
  std::shared_ptr<const std::vector<std::string>> rawColumns() const { return m_rawColumns; }
  /// Takes the events of a finished background load (for this project's analysis).
  void adoptEvents(LoadOutcome outcome);
  void setSampleInfo(std::vector<SampleInfo> info) { m_sampleInfo = std::move(info); }
  void dropEvents();
  /// Relabels the loaded events for another signal class without reading the files again.
  void setSignalClass(const std::string& name);

  const std::optional<Selection>& selection() const { return m_selection; }
  /// Replaces the selection (the old one is marked superseded).
  void setSelection(Selection s);
  /// A newer cut is being computed: the current selection's follow-up jobs may stop (it stays
  /// the selection until the new one arrives).
  void supersedeSelection();

  /// Load generations: every background read that replaces the session's content (a project
  /// file, the events, a derived feature) takes a new generation when it starts and is adopted
  /// only while it is still the newest, so a slow older read never overwrites a newer one.
  int beginLoad() { return ++m_loadGeneration; }
  bool isCurrentLoad(int generation) const { return generation == m_loadGeneration; }

 Q_SIGNALS:
  void modifiedChanged(bool modified);
  /// A save from startSave() ended (error empty: written).
  void saveFinished(const QString& path, const QString& error);
  /// A different project (new, opened, closed): every view starts over.
  void projectReplaced();

 private:
  /// What a save writes, taken at one moment: the project and its trained runs' results.
  struct SaveSnapshot {
    Project project;
    std::map<std::string, std::shared_ptr<const StoredRun>> stored;
    StudyStore studies;
  };
  struct PendingSave;
  SaveSnapshot snapshot() const;
  /// Writes the sidecar, then the project file naming its runs; any thread. Error or empty.
  static QString write(const SaveSnapshot& snapshot, const std::string& file);
  /// The session lives at `file` now, and what `snapshot` holds is what is saved there.
  void markSaved(SaveSnapshot snapshot, const std::string& file);
  void takeSaveOutcome();
  static std::string stateOf(const Project& project,
                             const std::map<std::string, std::shared_ptr<const StoredRun>>& stored,
                             const StudyStore& studies);
  std::string state() const { return stateOf(m_project, m_stored, m_studies); }

  bool m_hasProject = false;
  Project m_project;
  QString m_path;
  std::string m_savedState;
  bool m_lastModified = false;
  std::map<std::string, std::shared_ptr<const StoredRun>> m_stored;
  StudyStore m_studies;
  std::shared_ptr<const LoadedAnalysis> m_loaded;
  std::vector<SampleInfo> m_sampleInfo;
  std::shared_ptr<const std::vector<std::string>> m_rawColumns;
  std::optional<Selection> m_selection;
  std::unique_ptr<PendingSave> m_saving;
  int m_loadGeneration = 0;

  void dropSelection();
};

}  // namespace imbw
