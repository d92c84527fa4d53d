#pragma once

#include <QColor>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "app/plots/plot_files.h"
#include "app/plots/study_plots.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/study_store.h"
#include "core/unsup/weak_study.h"

namespace imbw {

class JobPanel;
class JobRunner;

/// File ▸ Export ▸ All plots while the window goes on answering: the runs' evaluation (curves,
/// histograms, significance from the stored scores) runs on a short-job worker, then the files
/// are built, laid out and recorded on the GUI thread (a widget draws only there), one step of
/// one chart per pass of the event loop (plot_files.h: PlotSteps; each far under the 50 ms
/// stall bound), with a row in the window's jobs panel whose Cancel ends it between two steps.
/// A worker writes each recorded chart in every format (rasterising the PNG at its resolution,
/// encoding PNG, SVG and PDF: the slow part), on every core but one, which stays the GUI
/// thread's; the export ends when they are written. The charts are those of `imbalance-cli
/// plots`: writePlotFile for the runs' views and the α–γ heat maps, writeStudyPlotFile for the
/// weak-supervision studies, writeSignalFractionPlot for the window's scan.
class AllPlotsExport : public QObject {
  Q_OBJECT
 public:
  /// What the worker evaluates, copied on the GUI thread (the project may change meanwhile).
  struct Inputs {
    std::shared_ptr<const Project> project;
    std::map<std::string, std::shared_ptr<const StoredRun>> stored;
    std::vector<std::string> runs;  ///< ids; empty: no run's views (scans and studies only)
    double luminosity = 1.0;
    int curveClass = -1;               ///< the window's "Curves:" class (−1: the signal's)
    QHash<QString, QColor> colors;     ///< the window's colours by run id
    StudyStore studyResults;           ///< the weak-supervision studies' results
    std::vector<std::string> studies;  ///< the studies to draw (ids with results)
    /// A signal-fraction scan the window shows that is not a study of the project (written as
    /// signal_fraction_<sic|auc|rejection>, as `imbalance-cli sf-scan --out`); empty: none.
    std::vector<ScanPoint> windowScan;
  };

  /// What the worker made of Inputs (all_plots_export.cpp).
  struct Evaluated;
  /// One chart to write: a run's view or heat map, a study's chart, or a figure of merit of
  /// the window's scan.
  using Chart = std::variant<PlotFile, StudyPlotFile, ScanMetric>;

  /// Its progress and Cancel are a row of `panel` (the window's jobs panel), under kJobKey.
  AllPlotsExport(JobPanel* panel, JobRunner* jobs, QObject* parent);
  static constexpr const char* kJobKey = "export:all-plots";
  /// Starts; finished() follows. False and `error` when it cannot start (one is running, or
  /// the folder cannot be made).
  bool start(Inputs inputs, const QString& dir, const PlotFileOptions& options, QString* error);
  /// Ends a running export between two files (or its evaluation between two runs).
  void cancel();
  bool running() const { return m_running; }

 Q_SIGNALS:
  /// The files written; `error` empty on success, else why it stopped; `cancelled`: by cancel().
  void finished(const QStringList& written, const QString& error, bool cancelled);

 private:
  void evaluated(std::shared_ptr<Evaluated> e);
  /// writeNext on the next pass of the event loop (once, however often asked).
  void schedule();
  void writeNext();
  /// Hands a recorded chart to a short-job worker that writes it to `paths`
  /// (PlotFileOptions::writeLater).
  void writeLater(const QStringList& paths, const RecordedPlot& plot);
  void finish(const QString& error, bool cancelled = false);
  /// The jobs panel's row: m_stage, and the bar over the charts written.
  void showProgress();
  /// The steps of `chart` (its name in the jobs panel's row).
  std::unique_ptr<PlotSteps> startChart(const Chart& chart);

  JobPanel* m_panel;
  JobRunner* m_jobs;
  std::shared_ptr<std::atomic<bool>> m_stop;
  bool m_running = false;
  std::shared_ptr<Evaluated> m_work;   ///< the evaluated plots and the charts to write
  qsizetype m_next = 0;                ///< the chart being written, or the next one
  std::unique_ptr<PlotSteps> m_steps;  ///< the steps of chart m_next, once it is started
  int m_pendingSaves = 0;              ///< charts recorded and still being written by a worker
  bool m_scheduled = false;
  bool m_cancelled = false;  ///< Cancel pressed: ends when the pending saves are done
  QString m_error;           ///< why it stops, once the pending saves are done
  QStringList m_written;
  QString m_dir;
  PlotFileOptions m_options;
  QString m_stage;  ///< the chart being drawn, for the jobs panel
};

}  // namespace imbw
