#include "app/gui/analysis_session.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <set>

#include "app/gui/core_convert.h"
#include "app/gui/file_probe.h"
#include "app/gui/job_runner.h"
#include "core/util/error.h"
#include "core/util/memory_budget.h"

namespace imbw {

LoadOutcome loadEvents(const Analysis& a, std::shared_ptr<const std::atomic<bool>> stop) {
  LoadOutcome out;
  out.analysis = a;
  try {
    // Every raw scalar column all samples share is kept in memory, so a new cut on any of
    // them is answered without reading the files again.
    std::vector<std::string> common;
    for (std::size_t i = 0; i < a.samples.size(); ++i) {
      const Sample& s = a.samples[i];
      // A file that crashes the HDF5 library in a child process is not opened here.
      const ProbeResult p =
          probeSampleFile(a.resolvedPath(s), s.readerOptions(), std::chrono::seconds(60),
                          [&stop] { return stop && stop->load(std::memory_order_relaxed); });
      if (p.stopped) throw LoadCancelled();
      if (!p.safe) {
        out.error = p.message;
        return out;
      }
      SampleReader reader(a.resolvedPath(s), s.readerOptions());
      out.sampleInfo.push_back(reader.info());
      std::vector<std::string> names = reader.info().scalarNames();
      if (i == 0) {
        common = names;
      } else {
        std::set<std::string> have(names.begin(), names.end());
        std::erase_if(common, [&](const std::string& n) { return !have.count(n); });
      }
    }
    LoadOptions options;
    options.applyCut = false;
    options.allowEmpty = true;
    if (stop) options.stopRequested = [stop] { return stop->load(std::memory_order_relaxed); };
    if (common.size() <= 256) options.extraColumns = common;
    out.rawColumns = std::make_shared<const std::vector<std::string>>(common);
    try {
      out.loaded = std::make_shared<const LoadedAnalysis>(loadAnalysis(a, options));
    } catch (const MemoryRefused& e) {
      // Every raw column does not fit: keep only the analysis's own (features, derived, the
      // cut's columns); a cut on another column then needs a reload. Refused as well when even
      // those do not fit.
      if (options.extraColumns.empty()) throw;
      options.extraColumns.clear();
      LoadedAnalysis loaded = loadAnalysis(a, options);
      loaded.warnings.push_back(
          "only the analysis's columns are kept in memory: every column of the samples would "
          "not fit (" +
          std::string(e.what()) + ")");
      out.rawColumns = std::make_shared<const std::vector<std::string>>();
      out.loaded = std::make_shared<const LoadedAnalysis>(std::move(loaded));
    }
  } catch (const LoadCancelled&) {
    out.cancelled = true;
  } catch (const std::exception& e) {
    out.error = qs(e.what());
  }
  return out;
}

AnalysisSession::AnalysisSession(QObject* parent) : QObject(parent) {
  m_savedState = state();
}

QString AnalysisSession::displayName() const {
  return m_path.isEmpty() ? tr("untitled") : QFileInfo(m_path).fileName();
}

std::string AnalysisSession::stateOf(
    const Project& project, const std::map<std::string, std::shared_ptr<const StoredRun>>& stored,
    const StudyStore& studies) {
  // What a save writes: the project's JSON and which runs and studies have stored results.
  std::string s = project.toJson().dump();
  for (const auto& [id, run] : stored) s += "|" + id;
  for (const auto& [id, study] : studies) s += "|study:" + id;
  return s;
}

void AnalysisSession::newProject(Analysis analysis) {
  m_project = Project{};
  m_stored.clear();
  m_studies.clear();
  m_path.clear();
  dropEvents();
  m_savedState = state();  // an empty project has nothing to lose
  m_project.analysis = std::move(analysis);
  // A blank project (no sample yet) has nothing to lose either; one started from files has.
  if (m_project.analysis.samples.empty()) m_savedState = state();
  m_hasProject = true;
  Q_EMIT projectReplaced();
  edited();
}

OpenedProject readProjectFiles(const QString& path) {
  OpenedProject out;
  out.path = QFileInfo(path).absoluteFilePath();
  const std::string file = ss(out.path);
  try {
    out.project = Project::load(file);
    out.stored = readRunStore(sidecarPath(file));
    out.studies = readStudyStore(sidecarPath(file));
  } catch (const std::exception& e) {
    out.error = qs(e.what());
    return out;
  }
  // Results of runs the project no longer lists are not shown (and dropped at the next save).
  for (auto it = out.stored.begin(); it != out.stored.end();)
    it = out.project.findRun(it->first) ? std::next(it) : out.stored.erase(it);
  for (auto it = out.studies.begin(); it != out.studies.end();)
    it = out.project.findStudy(it->first) ? std::next(it) : out.studies.erase(it);
  return out;
}

QString AnalysisSession::open(const QString& path) {
  OpenedProject opened = readProjectFiles(path);
  if (!opened.error.isEmpty()) return opened.error;
  adopt(std::move(opened));
  return {};
}

void AnalysisSession::adopt(OpenedProject opened) {
  m_project = std::move(opened.project);
  m_stored = std::move(opened.stored);
  m_studies = std::move(opened.studies);
  m_path = opened.path;
  m_hasProject = true;
  dropEvents();
  m_savedState = state();
  Q_EMIT projectReplaced();
  edited();
}

AnalysisSession::SaveSnapshot AnalysisSession::snapshot() const {
  // Only the results of runs the project still has and that are done.
  SaveSnapshot snap{m_project, {}, {}};
  for (const auto& [id, run] : m_stored)
    if (const ProjectRun* r = m_project.findRun(id); r && r->status == RunStatus::Done)
      snap.stored[id] = run;
  for (const auto& [id, study] : m_studies)
    if (const WeakStudy* w = m_project.findStudy(id); w && w->done) snap.studies[id] = study;
  return snap;
}

QString AnalysisSession::write(const SaveSnapshot& snap, const std::string& file) {
  // The results before the project that names them: a crash in between leaves a project
  // whose runs all have their scores.
  try {
    writeRunStore(sidecarPath(file), snap.stored, {}, &snap.studies);
    snap.project.save(file);
  } catch (const std::exception& e) {
    return qs(e.what());
  }
  return {};
}

void AnalysisSession::markSaved(SaveSnapshot snap, const std::string& file) {
  // Sample paths are now relative to the new place, as written.
  const std::string dir = ss(QFileInfo(qs(file)).absolutePath());
  m_project.analysis.rebase(dir);
  snap.project.analysis.rebase(dir);
  for (auto it = m_stored.begin(); it != m_stored.end();) {
    const ProjectRun* r = m_project.findRun(it->first);
    // Results of runs deleted or failed since are dropped, as the file does not have them.
    if (!r || (r->status != RunStatus::Done && !snap.stored.count(it->first)))
      it = m_stored.erase(it);
    else
      ++it;
  }
  for (auto it = m_studies.begin(); it != m_studies.end();) {
    const WeakStudy* w = m_project.findStudy(it->first);
    if (!w || (!w->done && !snap.studies.count(it->first)))
      it = m_studies.erase(it);
    else
      ++it;
  }
  m_path = qs(file);
  m_savedState = stateOf(snap.project, snap.stored, snap.studies);
  edited();
}

QString AnalysisSession::save(const QString& path) {
  if (!m_hasProject) return tr("Nothing to save: open or start a project first.");
  finishSave();
  const std::string file = ss(QFileInfo(path).absoluteFilePath());
  SaveSnapshot snap = snapshot();
  if (QString error = write(snap, file); !error.isEmpty()) return error;
  markSaved(std::move(snap), file);
  return {};
}

struct AnalysisSession::PendingSave {
  std::shared_ptr<SaveSnapshot> snapshot;  ///< shared with the job writing it
  std::string file;
  QFutureWatcher<QString> watcher;
};

AnalysisSession::~AnalysisSession() = default;

bool AnalysisSession::startSave(const QString& path, JobRunner* jobs) {
  if (!m_hasProject || m_saving) return false;
  m_saving = std::make_unique<PendingSave>();
  m_saving->snapshot = std::make_shared<SaveSnapshot>(snapshot());
  m_saving->file = ss(QFileInfo(path).absoluteFilePath());
  connect(&m_saving->watcher, &QFutureWatcherBase::finished, this,
          &AnalysisSession::takeSaveOutcome);
  // A save is never cancelled halfway (JobRunner::shutdown waits for it): the files are
  // written atomically either way, but a save the user asked for should land.
  m_saving->watcher.setFuture(jobs->startShort<QString>(
      [snap = std::shared_ptr<const SaveSnapshot>(m_saving->snapshot), file = m_saving->file](
          QPromise<QString>& promise) { promise.addResult(write(*snap, file)); }));
  return true;
}

void AnalysisSession::finishSave() {
  if (!m_saving) return;
  m_saving->watcher.waitForFinished();
  takeSaveOutcome();
}

void AnalysisSession::takeSaveOutcome() {
  if (!m_saving) return;  // taken already (finishSave before the signal)
  std::unique_ptr<PendingSave> done = std::move(m_saving);
  done->watcher.disconnect(this);
  JobRunner::takeOver();
  const QString error =
      done->watcher.future().resultCount() > 0 ? done->watcher.result() : tr("the save stopped");
  if (error.isEmpty()) markSaved(std::move(*done->snapshot), done->file);
  Q_EMIT saveFinished(qs(done->file), error);
}

QString AnalysisSession::recover(const QString& recoveryFile, const QString& originalPath) {
  const QString error = open(recoveryFile);
  if (!error.isEmpty()) return error;
  m_path = originalPath.isEmpty() ? QString() : QFileInfo(originalPath).absoluteFilePath();
  m_savedState.clear();  // everything recovered is unsaved
  m_lastModified = false;
  edited();
  return {};
}

void AnalysisSession::close() {
  m_project = Project{};
  m_stored.clear();
  m_studies.clear();
  m_path.clear();
  m_hasProject = false;
  dropEvents();
  m_savedState = state();
  Q_EMIT projectReplaced();
  edited();
}

void AnalysisSession::edited() {
  const bool modified = isModified();
  if (modified == m_lastModified) return;
  m_lastModified = modified;
  Q_EMIT modifiedChanged(modified);
}

std::shared_ptr<const StoredRun> AnalysisSession::stored(const std::string& runId) const {
  const auto it = m_stored.find(runId);
  return it == m_stored.end() ? nullptr : it->second;
}

void AnalysisSession::setStored(const std::string& runId, std::shared_ptr<const StoredRun> run) {
  if (run)
    m_stored[runId] = std::move(run);
  else
    m_stored.erase(runId);
  edited();
}

void AnalysisSession::adoptEvents(LoadOutcome o) {
  m_loaded = std::move(o.loaded);
  m_sampleInfo = std::move(o.sampleInfo);
  m_rawColumns = std::move(o.rawColumns);
  dropSelection();
}

void AnalysisSession::dropEvents() {
  m_loaded.reset();
  m_sampleInfo.clear();
  m_rawColumns.reset();
  dropSelection();
}

void AnalysisSession::setSignalClass(const std::string& name) {
  m_project.analysis.signalClass = name;
  if (m_loaded) {
    auto loaded = std::make_shared<LoadedAnalysis>(*m_loaded);
    loaded->table.signalClass = m_project.analysis.signalIndex();
    loaded->beforeCut.signalClass = loaded->table.signalClass;
    loaded->afterCut.signalClass = loaded->table.signalClass;
    m_loaded = loaded;
    dropSelection();
  }
  edited();
}

void AnalysisSession::setSelection(Selection s) {
  supersedeSelection();
  m_selection = std::move(s);
}

void AnalysisSession::supersedeSelection() {
  if (m_selection) m_selection->superseded->store(true, std::memory_order_relaxed);
}

void AnalysisSession::dropSelection() {
  supersedeSelection();
  m_selection.reset();
}

void AnalysisSession::setStudyResult(const std::string& studyId,
                                     std::shared_ptr<const StudyResult> result) {
  if (result)
    m_studies[studyId] = std::move(result);
  else
    m_studies.erase(studyId);
  edited();
}

}  // namespace imbw
