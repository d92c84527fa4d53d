#pragma once

#include <QImage>
#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>
#include <functional>

#include "app/plots/project_plots.h"
#include "widgets/widget_export.h"

namespace imbw {

/// How plot files are written.
struct PlotFileOptions {
  QStringList formats{QStringLiteral("png")};  ///< any of png, svg, pdf
  QSize size{800, 600};                        ///< in points, 1/72 inch
  int dpi = 144;                               ///< PNG pixels per inch (144: twice the points)
  /// The label block above every chart (ChartView::setLabelBlock); empty: none.
  QString label;
  /// When set, each chart is recorded once (widgets/widget_export: RecordedPlot) and handed to
  /// this with the paths of its formats instead of being written here (a window writes them on
  /// a worker: rasterising and encoding are the slow part); the paths are still returned.
  std::function<void(const QStringList& paths, const RecordedPlot& plot)> writeLater;
};

/// A project's label block: the top-level key "plotLabel" (a string), or "" when absent.
/// Throws imbw::Error when the key is not a string.
QString projectPlotLabel(const Project& project);

/// The unit of a column as the project's top-level key "units" gives it ({"mjj": "GeV", …}),
/// for axis titles; "" when the key or the column is absent. Throws imbw::Error when "units" is
/// not an object of strings.
QString projectUnit(const Project& project, const QString& column);

/// "png,svg" → {"png", "svg"}; throws imbw::Error naming a format that is not png, svg or pdf.
QStringList parsePlotFormats(const QString& text);

/// A file-name part for a run name: letters, digits, '-' and '_' kept, the rest '_'.
QString fileSlug(const QString& name);

class ChartView;

/// Writes one chart as BASE.F in every format of `options` (its size and label block from
/// `options`) and appends the paths to `written`; throws imbw::Error naming a file that cannot
/// be written. Needs a QApplication.
void writeChartFiles(ChartView* chart, const QString& base, const PlotFileOptions& options,
                     QStringList& written);

/// One chart of writePlotFiles before it is drawn: which view, of which run or scan (`index`),
/// and its file name without the folder and the format's suffix.
struct PlotFile {
  enum class Kind { Roc, Rejection, Pr, Significance, History, Scores, ScoresRatio, HeatMap };
  Kind kind = Kind::Roc;
  int index = 0;
  QString base;
};

/// The charts writePlotFiles writes for `plots`, in its order (no drawing: any thread). A ratio
/// plot whose run turns out to have nothing to compare is skipped when written.
QList<PlotFile> plotFileList(const ProjectPlots& plots);

/// Draws `file` and writes it to `dir` (which must exist) once per format of `options`.
/// Returns the paths (none for a plot with nothing to draw). Needs a QApplication and the GUI
/// thread; one call is one chart, so a window can write a long list between its events.
/// Throws imbw::Error naming the file that cannot be written.
QStringList writePlotFile(const ProjectPlots& plots, const PlotFile& file, const QString& dir,
                          const PlotFileOptions& options);

/// Writes the window's views of `plots` to `dir` (created if missing), once per format:
///   roc.F, rejection.F (1/ε_B against ε_S, log), pr.F, significance.F (with its legend),
///   history.F (when a run has a training history), scores_<id>_<name>.F per run (the score
///   distributions with the training-set overlay and KS) with scores_<id>_<name>_ratio.F (test
///   over training per bin) when training scores are stored, heatmap_<scan id>.F per scan.
/// (plotFileList, then writePlotFile for each.) Needs a QApplication (the offscreen platform is
/// enough). Returns the written paths; throws imbw::Error naming the file that cannot be written
/// (or the folder that cannot be made).
QStringList writePlotFiles(const ProjectPlots& plots, const QString& dir,
                           const PlotFileOptions& options = {});

}  // namespace imbw
