#include "app/gui/analysis_session.h"

#include <QFileInfo>
#include <set>

#include "app/gui/core_convert.h"
#include "app/gui/file_probe.h"
#include "core/util/error.h"

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
    out.loaded = std::make_shared<const LoadedAnalysis>(loadAnalysis(a, options));
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

std::string AnalysisSession::state() const {
  // What a save writes: the project's JSON and which runs have stored results.
  std::string s = m_project.toJson().dump();
  for (const auto& [id, run] : m_stored) s += "|" + id;
  for (const auto& [id, study] : m_studies) s += "|study:" + id;
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

QString AnalysisSession::save(const QString& path) {
  if (!m_hasProject) return tr("Nothing to save: open or start a project first.");
  const std::string file = ss(QFileInfo(path).absoluteFilePath());
  // Only the results of runs the project still has, written before the project that names
  // them: a crash in between leaves a project whose runs all have their scores.
  std::map<std::string, std::shared_ptr<const StoredRun>> keep;
  for (const auto& [id, run] : m_stored)
    if (const ProjectRun* r = m_project.findRun(id); r && r->status == RunStatus::Done)
      keep[id] = run;
  StudyStore studies;
  for (const auto& [id, study] : m_studies)
    if (const WeakStudy* w = m_project.findStudy(id); w && w->done) studies[id] = study;
  try {
    writeRunStore(sidecarPath(file), keep, {}, &studies);
    m_project.save(file);
  } catch (const std::exception& e) {
    return qs(e.what());
  }
  // Sample paths are now relative to the new place, as written.
  m_project.analysis.rebase(ss(QFileInfo(qs(file)).absolutePath()));
  m_stored = std::move(keep);
  m_studies = std::move(studies);
  m_path = qs(file);
  m_savedState = state();
  edited();
  return {};
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

void AnalysisSession::setStudyResult(const std::string& studyId,
                                     std::shared_ptr<const StudyResult> result) {
  if (result)
    m_studies[studyId] = std::move(result);
  else
    m_studies.erase(studyId);
  edited();
}

void AnalysisSession::adoptEvents(LoadOutcome o) {
  m_loaded = std::move(o.loaded);
  m_sampleInfo = std::move(o.sampleInfo);
  m_rawColumns = std::move(o.rawColumns);
  m_selection.reset();
}

void AnalysisSession::dropEvents() {
  m_loaded.reset();
  m_sampleInfo.clear();
  m_rawColumns.reset();
  m_selection.reset();
}

void AnalysisSession::setSignalClass(const std::string& name) {
  m_project.analysis.signalClass = name;
  if (m_loaded) {
    auto loaded = std::make_shared<LoadedAnalysis>(*m_loaded);
    loaded->table.signalClass = m_project.analysis.signalIndex();
    loaded->beforeCut.signalClass = loaded->table.signalClass;
    loaded->afterCut.signalClass = loaded->table.signalClass;
    m_loaded = loaded;
    m_selection.reset();
  }
  edited();
}

}  // namespace imbw
