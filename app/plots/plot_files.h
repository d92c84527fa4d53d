#pragma once

#include <QImage>
#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

#include "app/plots/project_plots.h"
#include "widgets/widget_export.h"

class QWidget;

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

/// One chart being written, in steps: building its view, laying it out, and recording (or
/// writing) it. Each step is short, so a window runs its event loop between two of them (All
/// plots keeps every pass under the 50 ms stall bound); writePlotFile runs them back to back.
/// Needs a QApplication and the GUI thread; a step throws imbw::Error naming the file that
/// cannot be written.
class PlotSteps {
 public:
  PlotSteps() = default;
  PlotSteps(const PlotSteps&) = delete;  // steps point at `written`
  PlotSteps& operator=(const PlotSteps&) = delete;
  /// Appends a step.
  void then(std::function<void()> step) { m_steps.push_back(std::move(step)); }
  /// Runs the next step; false when every step has run already.
  bool runNext();
  bool done() const { return m_next >= m_steps.size(); }
  /// Runs every step left and returns the files written (or handed to writeLater).
  QStringList runAll();
  QStringList written;  ///< the files written (or handed to writeLater) so far

 private:
  std::vector<std::function<void()>> m_steps;
  std::size_t m_next = 0;
};

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

/// The steps that draw `file` and write it to `dir` (which must exist) once per format of
/// `options`, as writePlotFile does. `plots` must outlive the steps.
std::unique_ptr<PlotSteps> plotFileSteps(const ProjectPlots& plots, const PlotFile& file,
                                         const QString& dir, const PlotFileOptions& options);

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

/// The steps of addChartSteps (one chart as BASE.F in every format of `options`, its size and
/// label block from `options`; needs a QApplication):
/// - prepareChart: the size and the label block of `options`;
/// - holdChartLayouts: takes back the layout requests Qt Charts posted for the charts in `view`
///   (else the event loop's next pass would lay them out together with the next step);
/// - layoutChart: delivers the other posted events (replaced axes are deleted later) and lays
///   the chart out;
/// - ChartView::beginExport, then holdChartLayouts: the layout of the exported figure (the
///   legend below the plot);
/// - writeLaidOutChart: records the chart for writeLater, or writes BASE.F in each format
///   (throws imbw::Error naming a file that cannot be written).
void prepareChart(ChartView* chart, const PlotFileOptions& options);
void holdChartLayouts(QWidget* view);
void layoutChart(ChartView* chart);
void writeLaidOutChart(ChartView* chart, const QString& base, const PlotFileOptions& options,
                       QStringList& written);
/// ChartView::beginExport of `chart` (in `view`), its posted layout requests taken back.
void layoutChartForExport(ChartView* chart, QWidget* view);

/// Appends the five steps of one chart view to `steps`, one pass of a window's event loop each:
/// `build` makes the view and fills it (then prepareChart, holdChartLayouts); layoutChart;
/// layoutChartForExport; writeLaidOutChart as BASE.F in each format of `options`; destroying the
/// view (which skips putting back the window's layout). `chartOf` gives the view's chart
/// (nullptr: nothing to draw, no file). (Making the view in a step of its own measured worse:
/// the next pass lays out its empty widgets, and the filled chart is laid out again.)
template <typename View>
void addChartSteps(PlotSteps& steps, std::function<void(View&)> build,
                   std::function<ChartView*(View&)> chartOf, const QString& base,
                   const PlotFileOptions& options) {
  // The view lives from the first step to the last (shared by the steps' copies).
  auto view = std::make_shared<std::unique_ptr<View>>();
  steps.then([view, build, chartOf, options] {
    *view = std::make_unique<View>();
    build(**view);
    if (ChartView* chart = chartOf(**view)) prepareChart(chart, options);
    holdChartLayouts(view->get());
  });
  steps.then([view, chartOf] {
    if (ChartView* chart = chartOf(**view)) layoutChart(chart);
  });
  steps.then([view, chartOf] {
    if (ChartView* chart = chartOf(**view)) layoutChartForExport(chart, view->get());
  });
  steps.then([view, chartOf, base, options, written = &steps.written] {
    if (ChartView* chart = chartOf(**view)) writeLaidOutChart(chart, base, options, *written);
  });
  steps.then([view] { view->reset(); });
}

}  // namespace imbw
