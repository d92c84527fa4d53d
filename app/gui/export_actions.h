#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include "app/plots/plot_files.h"
#include "core/export/model_export.h"
#include "core/export/runs_table_format.h"

class QMenu;

namespace imbw {

class AllPlotsExport;
class JobRunner;
class MainWindow;

/// Everything that leaves the window (issue 11): File ▸ Export (all plots of the selected runs
/// to a folder, the α–γ heat map, the runs table as CSV / TSV / JSON / Markdown / LaTeX, the
/// label block drawn on every plot), Ctrl+C on the runs table (the selected rows as TSV with
/// headers), and from a run's context menu its held-out scores as HDF5 and its fold models as
/// XGBoost JSON / UBJ or ONNX. The files are written by the same code as the CLI's `plots`,
/// `report --format`, `scores` and `export-model --run` (app/plots, core/export), from the
/// project and its stored results. Scores and models are written on a worker.
class ExportActions : public QObject {
  Q_OBJECT
 public:
  ExportActions(MainWindow* window, JobRunner* jobs);

  /// Adds the Export submenu (and "Plot label…") to the File menu.
  void addToFileMenu(QMenu* file);
  /// Adds the export entries for the runs `ids` to the runs table's context menu.
  void addRunActions(QMenu* menu, const QStringList& ids);

  // The exports without their dialogs (the dialogs call these; so do the tests).

  /// The runs the plots and the table export: the selected runs with stored results, or when
  /// none is selected, every shown run with results.
  QStringList exportedRuns() const;
  /// Starts writing every view of exportedRuns() (their curves for the window's "Curves:"
  /// class), every α–γ scan's heat map, every weak-supervision study's plots and the window's
  /// signal-fraction scan to `dir`, as `imbalance-cli plots` does, with the project's label
  /// block. The evaluation runs on a worker and the files are drawn one per pass of the event
  /// loop, with a progress dialog and Cancel (AllPlotsExport); allPlotsDone follows. False and
  /// `error` when it cannot start.
  bool exportAllPlots(const QString& dir, PlotFileOptions options, QString* error);
  /// Stops a running export of all plots (what the progress dialog's Cancel does).
  void cancelAllPlots();
  AllPlotsExport* allPlotsExport() const { return m_allPlots; }
  /// The runs `ids` (empty: every run with results) as a table in `format`.
  QString runsTableText(TableFormat format, const QStringList& ids = {}) const;
  /// Writes the runs table of the selected runs (none selected: every run with results); the
  /// format follows the suffix (.csv, .tsv, .json, .md, .tex). False and `error` on failure.
  bool exportRunsTable(const QString& path, QString* error);
  /// Puts the selected rows (TSV with a header line) on the clipboard; what Ctrl+C does.
  void copySelectedRows();
  /// Writes run `id`'s held-out scores (the file `imbalance-cli scores` writes); exportDone
  /// follows.
  void exportScores(const QString& id, const QString& path);
  /// Writes run `id`'s fold model `fold` (0-based; −1: every fold, the name getting _fold1,
  /// _fold2, ...) in `format`; exportDone follows.
  void exportModel(const QString& id, int fold, ModelFormat format, const QString& path);
  /// The label block drawn on the window's result plots (the central tabs) and on every
  /// exported plot (the project's "plotLabel"; empty: none). Setting it edits the project.
  QString plotLabel() const;
  void setPlotLabel(const QString& text);
  /// The label as drawn: plotLabel() with {lumi} replaced by the integrated luminosity the
  /// significance uses (core expandPlotLabel); as typed when the weights' luminosity is unknown.
  QString drawnPlotLabel() const;

 Q_SIGNALS:
  /// A scores or model export ended: the files written, or the reason it failed.
  void exportDone(const QStringList& written, const QString& error);
  /// An export of all plots ended: the files written, and why it stopped early ("" when it
  /// did not); `cancelled`: by Cancel.
  void allPlotsDone(const QStringList& written, const QString& error, bool cancelled);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void showAllPlotsDialog();
  void showRunsTableDialog();
  void showHeatMapDialog();
  void showLabelDialog();
  void showModelDialog(const QString& id);
  void showScoresDialog(const QString& id);
  void applyLabelToViews();
  void report(const QString& message);

  QPointer<MainWindow> m_window;
  JobRunner* m_jobs;
  AllPlotsExport* m_allPlots;
};

/// Creates the window's exports and adds them to its File menu: the one call the window makes.
ExportActions* addExportActions(MainWindow* window, QMenu* fileMenu, JobRunner* jobs);

}  // namespace imbw
