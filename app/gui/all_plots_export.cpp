#include "app/gui/all_plots_export.h"

#include <QDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <variant>

#include "app/gui/short_job.h"
#include "app/plots/project_plots.h"
#include "core/learn/model.h"
#include "widgets/job_panel.h"

namespace imbw {

/// What the worker made of the inputs: the runs' plot data and the charts to write, each a
/// run's view or heat map (PlotFile), a study's chart (StudyPlotFile) or a figure of merit of
/// the window's scan (ScanMetric); or why there is nothing to write.
struct AllPlotsExport::Evaluated {
  std::shared_ptr<const Inputs> in;
  ProjectPlots plots;
  QList<Chart> charts;
  QString error;
};

namespace {

std::shared_ptr<AllPlotsExport::Evaluated> evaluate(
    std::shared_ptr<const AllPlotsExport::Inputs> in, const std::atomic<bool>& stop) {
  auto out = std::make_shared<AllPlotsExport::Evaluated>();
  out->in = in;
  try {
    const auto stopped = [&stop] { return stop.load() || currentJobCancelled(); };
    if (!in->runs.empty())
      out->plots =
          projectPlots(*in->project, in->stored, in->runs, in->luminosity, in->curveClass, stopped);
    else
      out->plots.scans = projectPlots(*in->project, {}, {}, 1.0).scans;
    // The colours of the window's plots (the registry's), where a run has one.
    for (RunPlotData& r : out->plots.runs)
      if (const auto c = in->colors.find(r.key); c != in->colors.end()) r.color = *c;
    for (const PlotFile& f : plotFileList(out->plots)) out->charts << f;
    for (const StudyPlotFile& f : studyPlotFileList(*in->project, in->studyResults, in->studies))
      out->charts << f;
    if (!in->windowScan.empty())
      for (ScanMetric m : scanMetrics()) out->charts << m;
    if (out->charts.isEmpty())
      out->error = QObject::tr(
          "there is nothing to plot: no run has results (train one, or open a project with "
          "stored results)");
  } catch (const Cancelled&) {
    out->error = QObject::tr("cancelled");  // cancel() has reported it already
  } catch (const std::exception& e) {
    out->error = QString::fromUtf8(e.what());
  }
  return out;
}

}  // namespace

AllPlotsExport::AllPlotsExport(JobPanel* panel, JobRunner* jobs, QObject* parent)
    : QObject(parent), m_panel(panel), m_jobs(jobs) {
  setObjectName("allPlotsExport");
  connect(m_panel, &JobPanel::cancelRequested, this, [this](const QString& key) {
    if (key == kJobKey) cancel();
  });
}

bool AllPlotsExport::start(Inputs inputs, const QString& dir, const PlotFileOptions& options,
                           QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (m_running) return fail(tr("an export of all plots is already running"));
  if (!QDir().mkpath(dir)) return fail(tr("cannot create the folder '%1'").arg(dir));
  m_running = true;
  m_dir = dir;
  m_options = options;
  m_written.clear();
  m_work.reset();
  m_next = 0;
  m_steps.reset();
  m_pendingSaves = 0;
  m_scheduled = false;
  m_cancelled = false;
  m_error.clear();
  m_stop = std::make_shared<std::atomic<bool>>(false);
  // A row in the window's jobs panel, as a training run has: where the files go, a bar over
  // the charts, the one being written and Cancel. (Not a progress dialog: showing one activates
  // it and deactivates the main window, which repaints every widget at once: 30-50 ms.)
  m_panel->addJob(kJobKey, tr("All plots → %1").arg(QDir::toNativeSeparators(dir)),
                  tr("Stop writing the plots; the files written so far are kept"));
  m_panel->setProgress(
      kJobKey, 0.0,
      tr("evaluating %n run(s) from their stored scores…", nullptr, int(inputs.runs.size())));
  auto in = std::make_shared<const Inputs>(std::move(inputs));
  runShort<std::shared_ptr<Evaluated>>(
      this, m_jobs, [in, stop = m_stop] { return evaluate(in, *stop); },
      [this, stop = m_stop](std::shared_ptr<Evaluated> e) {
        if (stop != m_stop) return;  // an export that was cancelled and replaced
        evaluated(std::move(e));
      });
  return true;
}

void AllPlotsExport::cancel() {
  if (!m_running) return;
  m_stop->store(true);
  m_cancelled = true;
  writeNext();  // ends now, or when the PNGs being saved are
}

void AllPlotsExport::evaluated(std::shared_ptr<Evaluated> e) {
  if (!m_running) return;
  if (!e || !e->error.isEmpty()) {
    finish(e ? e->error : tr("the evaluation gave nothing"));
    return;
  }
  m_work = std::move(e);
  schedule();
}

void AllPlotsExport::schedule() {
  if (m_scheduled) return;
  m_scheduled = true;
  QTimer::singleShot(0, this, [this, stop = m_stop] {
    if (stop != m_stop) return;  // an earlier export's
    m_scheduled = false;
    writeNext();
  });
}

void AllPlotsExport::writeLater(const QStringList& paths, const RecordedPlot& plot) {
  ++m_pendingSaves;
  runShort<QString>(
      this, m_jobs,
      [paths, plot, dpi = m_options.dpi] {
        for (const QString& path : paths) {
          QString error;
          if (!writeRecordedPlot(plot, path, dpi, &error)) return error;
        }
        return QString();
      },
      [this, paths, stop = m_stop](const QString& error) {
        if (stop != m_stop) return;  // an earlier export's files
        --m_pendingSaves;
        if (error.isEmpty())
          m_written << paths;
        else if (m_error.isEmpty())
          m_error = error;
        showProgress();
        schedule();
      });
}

void AllPlotsExport::writeNext() {
  if (!m_running) return;
  if (m_cancelled || !m_error.isEmpty()) {
    if (m_pendingSaves == 0) finish(m_cancelled ? tr("cancelled") : m_error, m_cancelled);
    return;
  }
  if (!m_work) return;  // still evaluating
  // Saves on every core but one, which stays the GUI thread's (on two cores the thread waited up
  // to 12 ms for a core behind two saves). A save's end schedules the next file.
  if (m_pendingSaves >= std::max(1, QThread::idealThreadCount() - 1)) return;
  if (m_next >= m_work->charts.size()) {
    if (m_pendingSaves == 0) finish({});
    return;
  }
  try {
    if (!m_steps) m_steps = startChart(m_work->charts[m_next]);
    m_steps->runNext();
  } catch (const std::exception& e) {
    m_steps.reset();
    m_error = QString::fromUtf8(e.what());
    writeNext();  // ends now, or when the charts being written are
    return;
  }
  if (m_steps->done()) {
    m_steps.reset();
    ++m_next;
  }
  // The next step on the next pass: the window's events (input, paints) come in between.
  schedule();
}

std::unique_ptr<PlotSteps> AllPlotsExport::startChart(const Chart& chart) {
  // Each chart is recorded here and written by a worker; its paths are added to the written
  // files when the worker has written them.
  PlotFileOptions one = m_options;
  one.writeLater = [this](const QStringList& paths, const RecordedPlot& plot) {
    writeLater(paths, plot);
  };
  const auto showWriting = [&](const QString& base) {
    m_stage = tr("plot %1 of %2: %3 (%4)")
                  .arg(m_next + 1)
                  .arg(m_work->charts.size())
                  .arg(base, m_options.formats.join(", "));
    showProgress();
  };
  const Inputs& in = *m_work->in;
  if (const auto* f = std::get_if<PlotFile>(&chart)) {
    showWriting(f->base);
    return plotFileSteps(m_work->plots, *f, m_dir, one);
  }
  if (const auto* s = std::get_if<StudyPlotFile>(&chart)) {
    showWriting(s->base);
    return studyPlotFileSteps(*in.project, in.studyResults, *s, m_dir, one);
  }
  const ScanMetric m = std::get<ScanMetric>(chart);
  const QString base = "signal_fraction_" + scanMetricFileTag(m);
  showWriting(base);
  return signalFractionPlotSteps(in.windowScan, m, QDir(m_dir).filePath(base), one);
}

void AllPlotsExport::showProgress() {
  // The bar: the charts whose files are all written (a chart is done with its steps, then its
  // worker writes it).
  const auto total = m_work ? m_work->charts.size() : 0;
  if (total > 0) m_panel->setProgress(kJobKey, double(m_next - m_pendingSaves) / total, m_stage);
}

void AllPlotsExport::finish(const QString& error, bool cancelled) {
  m_running = false;
  m_steps.reset();  // before the plots its steps point into
  m_work.reset();
  m_panel->removeJob(kJobKey);
  Q_EMIT finished(m_written, error, cancelled);
}

}  // namespace imbw
