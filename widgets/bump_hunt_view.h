#pragma once

#include <QImage>
#include <QList>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QWidget>

#include "widgets/chart_legend.h"  // LegendEntry
#include "widgets/widget_export.h"

class QLabel;
class QPainter;

namespace imbw {

/// What the bump-hunt view draws for one score cut (plain Qt data; built by the window from
/// core/unsup's bumpHunt and fitSidebands).
struct BumpHuntPlot {
  QString resonance = QStringLiteral("M_jj");
  QString unit;              ///< the resonance variable's unit ("GeV"); empty: not known
  QString scoreName;         ///< e.g. "Tag N' Train"
  double efficiency = 0.0;   ///< fraction of all events the cut keeps
  QList<double> edges;       ///< bins + 1
  QList<double> all;         ///< after the cut
  QList<double> signal;      ///< after the cut, by truth (empty without truth)
  QList<double> background;  ///< likewise
  QList<double> reference;   ///< the pre-cut shape scaled to the post-cut total
  QList<double> fit;         ///< the sideband fit over every bin (empty: no fit)
  QString fitError;          ///< why there is no fit
  double windowLo = 0.0, windowHi = 0.0, sidebandWidth = 0.0;
  double observed = 0.0, expected = 0.0, significance = 0.0;
};

/// Where the parts of a bump-hunt figure go in an area of a given size, and the axes' ranges
/// (what paintFigure draws; tests read it to find the drawing in a grab).
struct BumpHuntLayout {
  QRectF labelBlock, title, plot, xTitle, yTitle, legend;
  QList<QRectF> swatches, legendTexts;  ///< per legend entry, in legend order
  QList<double> xTicks, yTicks;         ///< the values that get a tick and a label
  QList<QRectF> xTickLabels, yTickLabels;
  double xLo = 0.0, xHi = 1.0, yLo = 0.0, yHi = 1.0;
  /// Pixel position of a data point.
  QPointF toPixel(double x, double y) const;
};

/// The resonance variable after a cut on a score: the events that pass (stacked signal on
/// background when the truth is known), the shape before the cut for comparison (so a sculpted
/// background shows as a difference in shape), the background fitted to the sidebands, the
/// window and its sidebands, and below the plot a summary with the window's local significance
/// above the fit.
/// Painted with QPainter (no Qt Charts): a run's end sets the plot and the next paint draws it
/// in a few milliseconds, where building a chart scene stalled the event loop. The legend sits
/// under the plot in as many columns as fit, each name wrapped at word boundaries, never cut;
/// the same figure is exported (exportTo) with the project's label block.
class BumpHuntView : public QWidget {
  Q_OBJECT
 public:
  explicit BumpHuntView(QWidget* parent = nullptr);
  void setPlot(const BumpHuntPlot& plot);
  void clear();
  bool hasPlot() const { return m_hasPlot; }
  const BumpHuntPlot& plot() const { return m_plot; }
  /// "Tag N' Train: top 1 % of the events" (plain notation; drawn with sub- and superscripts).
  QString title() const;
  /// "mjj [GeV]"; "events / 45 GeV" (the bin width, or "events / bin" for uneven bins).
  QString axisTitleX() const;
  QString axisTitleY() const;
  /// The top of the drawn histogram per bin: background + signal with the truth, else all.
  QList<double> stackedCounts() const;
  /// The legend's entries in order (the series drawn, then the window and its sidebands).
  QList<LegendEntry> legendEntries() const;
  /// "Z_local = 3.1σ: 142 events in 3300–3700, 98.5 expected from the sideband fit. …".
  QString summary() const;
  /// A label block above the plot (as ChartView::setLabelBlock: lines split at '\n', the first
  /// bold, notation as in richText). Empty: none.
  void setLabelBlock(const QString& text);
  QString labelBlock() const { return m_label; }

  /// The figure (without the summary) as it is painted on screen.
  QWidget* canvas() const;
  /// Where everything goes on a figure of `size` in `font`.
  BumpHuntLayout figureLayout(QSizeF size, const QFont& font) const;
  /// Paints the figure on `size` with the given background and text colours.
  void paintFigure(QPainter& painter, QSizeF size, const QFont& font, const QColor& paper,
                   const QColor& ink) const;
  /// The height a figure of `width` needs beyond the plot for its legend: exports grow by it,
  /// so the plot keeps the size asked for.
  double legendHeight(double width, const QFont& font) const;
  /// Writes the figure to `path` (.png, .svg or .pdf) on white paper: `size` in points (empty:
  /// the canvas's size, 800 × 600 when it was never laid out) plus the legend's height; a PNG
  /// has `dpi` pixels per inch. With `image` and a .png path it is drawn into *image and not
  /// saved. Returns false and fills `error` when the file cannot be written.
  bool exportTo(const QString& path, QString* error = nullptr, int dpi = 144,
                QImage* image = nullptr, QSize size = {}) const;
  /// The same figure recorded for writeRecordedPlot (which may run on a worker).
  RecordedPlot record(QSize size = {}) const;

 private:
  /// The exported figure's size: `size` (empty: the canvas's, 800 × 600 when never laid out)
  /// plus the legend's height.
  QSize figureSize(QSize size) const;

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  class Canvas;
  Canvas* m_canvas;
  QLabel* m_summary;
  BumpHuntPlot m_plot;
  bool m_hasPlot = false;
  QString m_label;
};

}  // namespace imbw
