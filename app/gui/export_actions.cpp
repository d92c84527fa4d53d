#include "app/gui/export_actions.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMenu>
#include <QSaveFile>
#include <QStatusBar>
#include <QTableView>
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/all_plots_export.h"
#include "app/gui/core_convert.h"
#include "app/gui/main_window.h"
#include "app/gui/short_job.h"
#include "app/gui/weak_supervision_dock.h"
#include "app/plots/project_plots.h"
#include "core/export/project_exports.h"
#include "core/util/error.h"
#include "widgets/bump_hunt_view.h"
#include "widgets/chart_view.h"
#include "widgets/signal_fraction_view.h"
#include "widgets/significance_view.h"
#include "widgets/tnt_steps_view.h"

namespace imbw {

namespace {

std::vector<std::string> toStd(const QStringList& ids) {
  std::vector<std::string> out;
  for (const QString& id : ids) out.push_back(id.toStdString());
  return out;
}

/// What a worker hands back: the files written or why not.
struct ExportOutcome {
  QStringList written;
  QString error;
};

}  // namespace

ExportActions* addExportActions(MainWindow* window, QMenu* fileMenu, JobRunner* jobs) {
  auto* actions = new ExportActions(window, jobs);
  actions->addToFileMenu(fileMenu);
  return actions;
}

ExportActions::ExportActions(MainWindow* window, JobRunner* jobs)
    : QObject(window),
      m_window(window),
      m_jobs(jobs),
      m_allPlots(new AllPlotsExport(window->jobPanel(), jobs, this)) {
  setObjectName("exportActions");
  connect(m_allPlots, &AllPlotsExport::finished, this,
          [this](const QStringList& written, const QString& error, bool cancelled) {
            report(error.isEmpty() ? tr("Wrote %n plot file(s)", nullptr, int(written.size()))
                                   : tr("Export of all plots stopped (%1); %n file(s) written",
                                        nullptr, int(written.size()))
                                         .arg(error));
            Q_EMIT allPlotsDone(written, error, cancelled);
          });
  // Ctrl+C on the runs table copies whole rows (the table's own Ctrl+C copies one cell).
  window->runsView()->installEventFilter(this);
  connect(window->session(), &AnalysisSession::projectReplaced, this,
          &ExportActions::applyLabelToViews);
  // The label's {lumi} is the significance's luminosity: redrawn when it changes.
  connect(window, &MainWindow::luminosityChanged, this, &ExportActions::applyLabelToViews);
}

bool ExportActions::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::KeyPress &&
      static_cast<QKeyEvent*>(event)->matches(QKeySequence::Copy)) {
    copySelectedRows();
    return true;
  }
  return QObject::eventFilter(watched, event);
}

void ExportActions::addToFileMenu(QMenu* file) {
  QMenu* menu = new QMenu(tr("E&xport"), file);
  menu->setObjectName("exportMenu");
  // Before "Add HDF5 samples…": beside Save, where exports are looked for.
  QAction* before = nullptr;
  const QList<QAction*> existing = file->actions();
  for (qsizetype i = 0; i + 1 < existing.size(); ++i)
    if (existing[i]->shortcut() == QKeySequence(QKeySequence::Close)) before = existing[i + 1];
  file->insertMenu(before, menu);
  QAction* all = menu->addAction(tr("All &plots…"), this, &ExportActions::showAllPlotsDialog);
  all->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  all->setToolTip(
      tr("Every view of the selected runs (none selected: the shown runs) and every "
         "α–γ heat map, as PNG, SVG or PDF files in a folder"));
  menu->addAction(tr("α–γ &heat map…"), this, &ExportActions::showHeatMapDialog);
  menu->addAction(tr("Runs &table…"), this, &ExportActions::showRunsTableDialog);
  menu->addSeparator();
  menu->addAction(tr("Plot &label…"), this, &ExportActions::showLabelDialog);
}

void ExportActions::addRunActions(QMenu* menu, const QStringList& ids) {
  menu->addSeparator();
  QAction* copy = menu->addAction(tr("Copy rows (TSV)"), this, &ExportActions::copySelectedRows);
  copy->setShortcut(QKeySequence::Copy);
  const AnalysisSession* session = m_window->session();
  const bool one = ids.size() == 1;
  const auto stored = one ? session->stored(ids[0].toStdString()) : nullptr;
  QAction* scores =
      menu->addAction(tr("Export scores (HDF5)…"), this, [this, ids] { showScoresDialog(ids[0]); });
  scores->setEnabled(stored != nullptr);
  QAction* model =
      menu->addAction(tr("Export fold model…"), this, [this, ids] { showModelDialog(ids[0]); });
  model->setEnabled(stored && !stored->models.empty());
  if (!one) {
    scores->setToolTip(tr("Choose one run"));
    model->setToolTip(tr("Choose one run"));
  }
}

QStringList ExportActions::exportedRuns() const {
  const AnalysisSession* session = m_window->session();
  const QStringList selected = m_window->selectedRuns();
  QStringList out;
  for (const ProjectRun& r : session->project().runs)
    if (r.status == RunStatus::Done && session->stored(r.id) && selected.contains(qs(r.id)))
      out << qs(r.id);
  if (!out.isEmpty()) return out;
  for (const ProjectRun& r : session->project().runs)
    if (r.shown && r.status == RunStatus::Done && session->stored(r.id)) out << qs(r.id);
  return out;
}

bool ExportActions::exportAllPlots(const QString& dir, PlotFileOptions options, QString* error) {
  const AnalysisSession* session = m_window->session();
  AllPlotsExport::Inputs in;
  in.project = std::make_shared<const Project>(session->project());
  for (const QString& id : exportedRuns()) {
    in.runs.push_back(id.toStdString());
    in.stored[id.toStdString()] = session->stored(id.toStdString());
    // The colours of the window's plots (the registry's), where a run has one.
    if (const RunEntry* e = m_window->registry()->find(id); e && e->colored)
      in.colors[id] = runColor(e->colorIndex);
  }
  in.luminosity = m_window->significanceView()->luminosity();
  in.curveClass = m_window->plotTabs()->chosenClass();
  // The weak-supervision studies with results, as `imbalance-cli plots` draws them.
  in.studyResults = session->studyResults();
  for (const WeakStudy& s : in.project->studies)
    if (in.studyResults.count(s.id)) in.studies.push_back(s.id);
  // The scan the weak-supervision window shows, when it is not one of those studies (run
  // without a project, or its study deleted since).
  if (const auto* dock = m_window->findChild<WeakSupervisionDock*>();
      dock && dock->lastScan() && !dock->lastScan()->points.empty()) {
    const std::string kept = dock->lastScanStudy();
    if (kept.empty() || std::find(in.studies.begin(), in.studies.end(), kept) == in.studies.end())
      in.windowScan = dock->lastScan()->points;
  }
  options.label = drawnPlotLabel();
  return m_allPlots->start(std::move(in), dir, options, error);
}

void ExportActions::cancelAllPlots() {
  m_allPlots->cancel();
}

QString ExportActions::runsTableText(TableFormat format, const QStringList& ids) const {
  return qs(formatRunsTable(projectRunsTable(m_window->session()->project(), toStd(ids)), format));
}

bool ExportActions::exportRunsTable(const QString& path, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  TableFormat format;
  const QString suffix = path.section('.', -1).toLower();
  try {
    format = parseTableFormat(suffix.toStdString());
  } catch (const Error&) {
    return fail(tr("'%1': a runs table is written as .csv, .tsv, .json, .md or .tex, not '.%2'")
                    .arg(path, suffix));
  }
  const QStringList selected = m_window->selectedRuns();
  const RunsTable table = projectRunsTable(m_window->session()->project(), toStd(selected));
  if (table.rows.empty())
    return fail(selected.isEmpty() ? tr("no run has results yet: nothing to write")
                                   : tr("none of the selected runs has results"));
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly))
    return fail(tr("cannot write '%1': %2").arg(path, f.errorString()));
  f.write(QByteArray::fromStdString(formatRunsTable(table, format)));
  if (!f.commit()) return fail(tr("cannot write '%1': %2").arg(path, f.errorString()));
  report(tr("Wrote the runs table (%n run(s)) to %1", nullptr, int(table.rows.size())).arg(path));
  return true;
}

void ExportActions::copySelectedRows() {
  const QStringList ids = m_window->selectedRuns();
  if (ids.isEmpty()) return;
  const RunsTable table = projectRunsTable(m_window->session()->project(), toStd(ids));
  if (table.rows.empty()) {
    report(tr("The selected runs have no results to copy"));
    return;
  }
  QGuiApplication::clipboard()->setText(qs(formatRunsTable(table, TableFormat::Tsv)));
  const int left = static_cast<int>(ids.size() - static_cast<qsizetype>(table.rows.size()));
  report(left > 0 ? tr("Copied %1 run(s) as TSV (%2 without results left out)")
                        .arg(table.rows.size())
                        .arg(left)
                  : tr("Copied %1 run(s) as TSV").arg(table.rows.size()));
}

void ExportActions::exportScores(const QString& id, const QString& path) {
  const Project& project = m_window->session()->project();
  const ProjectRun* run = project.findRun(id.toStdString());
  const auto stored = m_window->session()->stored(id.toStdString());
  if (!run || !stored) {
    Q_EMIT exportDone({}, tr("run %1 has no stored results: train it first").arg(id));
    return;
  }
  // The table is built here (the project may change while the worker writes).
  std::string staleWarning;
  std::shared_ptr<const ScoresTable> table;
  try {  // a damaged kept working point in the project is named, not thrown at the event loop
    table = std::make_shared<const ScoresTable>(scoresTable(project, *run, *stored, &staleWarning));
  } catch (const Error& e) {
    report(QString::fromUtf8(e.what()));
    Q_EMIT exportDone({}, QString::fromUtf8(e.what()));
    return;
  }
  runShort<ExportOutcome>(
      this, m_jobs,
      [table, path] {
        try {
          writeScoresHdf5(*table, path.toStdString());
          return ExportOutcome{{path}, {}};
        } catch (const std::exception& e) {
          return ExportOutcome{{}, QString::fromUtf8(e.what())};
        }
      },
      [this, table, path, staleWarning](const ExportOutcome& o) {
        QString done = tr("Wrote the held-out scores of %1 events of '%2' to %3")
                           .arg(table->score.size())
                           .arg(qs(table->runName), path);
        if (table->passCut)
          done += tr(", with the kept working point's pass flag (score ≥ %1)")
                      .arg(*table->passCut, 0, 'g', 6);
        else if (!staleWarning.empty())
          done += tr(". Warning: %1").arg(qs(staleWarning));
        report(o.error.isEmpty() ? done : o.error);
        Q_EMIT exportDone(o.written, o.error);
      });
}

void ExportActions::exportModel(const QString& id, int fold, ModelFormat format,
                                const QString& path) {
  const Project& project = m_window->session()->project();
  const ProjectRun* run = project.findRun(id.toStdString());
  const auto stored = m_window->session()->stored(id.toStdString());
  if (!run || !stored) {
    Q_EMIT exportDone({}, tr("run %1 has no stored results: train it first").arg(id));
    return;
  }
  std::vector<std::size_t> folds;
  if (fold >= 0)
    folds.push_back(static_cast<std::size_t>(fold));
  else
    for (std::size_t k = 0; k < stored->models.size(); ++k) folds.push_back(k);
  auto copy = std::make_shared<const Project>(project);
  const ProjectRun runCopy = *run;
  runShort<ExportOutcome>(
      this, m_jobs,
      [copy, runCopy, stored, folds, format, path, fold] {
        try {
          ExportOutcome o;
          for (const ExportedModel& m : exportStoredModels(*copy, runCopy, *stored, folds, format,
                                                           path.toStdString(), fold < 0))
            o.written << qs(m.path);
          return o;
        } catch (const std::exception& e) {
          return ExportOutcome{{}, QString::fromUtf8(e.what())};
        }
      },
      [this](const ExportOutcome& o) {
        report(o.error.isEmpty() ? tr("Wrote %1").arg(o.written.join(", ")) : o.error);
        Q_EMIT exportDone(o.written, o.error);
      });
}

QString ExportActions::plotLabel() const {
  try {
    return projectPlotLabel(m_window->session()->project());
  } catch (const Error&) {
    return {};  // not a string: the project loader's warning names it
  }
}

void ExportActions::setPlotLabel(const QString& text) {
  if (text == plotLabel()) return;
  auto& extra = m_window->session()->project().analysis.extra;
  if (text.trimmed().isEmpty())
    extra.erase("plotLabel");
  else
    extra["plotLabel"] = text.toStdString();
  m_window->session()->edited();
  applyLabelToViews();
}

QString ExportActions::drawnPlotLabel() const {
  const QString label = plotLabel();
  try {
    return qs(expandPlotLabel(ss(label), m_window->luminositySetting()));
  } catch (const Error&) {
    return label;  // {lumi} without the weights' luminosity: shown as typed (the dialog says why)
  }
}

void ExportActions::applyLabelToViews() {
  // The result plots (the central tabs), not the panels' sketches such as the loss curve.
  const QString label = drawnPlotLabel();
  for (ChartView* chart : m_window->plotTabs()->findChildren<ChartView*>())
    chart->setLabelBlock(label);
  // And the weak-supervision window's plots.
  for (auto* v : m_window->findChildren<SignalFractionView*>())
    v->chartView()->setLabelBlock(label);
  for (auto* v : m_window->findChildren<TntStepsView*>()) v->chartView()->setLabelBlock(label);
  for (auto* v : m_window->findChildren<BumpHuntView*>()) v->setLabelBlock(label);
}

void ExportActions::report(const QString& message) {
  m_window->statusBar()->showMessage(message, 10000);
}

}  // namespace imbw
