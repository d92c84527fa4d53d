#pragma once

#include <QColor>
#include <QHash>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <memory>

#include "widgets/chart_legend.h"
#include "widgets/widget_export.h"

class QChart;
class QChartView;
class QXYSeries;
class QAbstractAxis;
class QGraphicsTextItem;
class QVBoxLayout;

namespace imbw {

/// How one series is drawn.
struct SeriesStyle {
  QColor color = Qt::black;
  Qt::PenStyle pen = Qt::SolidLine;
  qreal width = 2.0;
  bool scatter = false;     ///< markers instead of a line
  qreal markerSize = 10.0;  ///< scatter only
  bool rightAxis = false;   ///< plot against the secondary y axis
  bool showInLegend = true;
};

/// The one chart interface of the workbench: every plot goes through it, so Qt Charts stays an
/// implementation detail. Series are addressed by a string key; setSeries() creates a series on
/// first use and afterwards does exactly one replace() on it, which is what keeps live redraws
/// cheap. Points that a log axis cannot show (≤ 0) are dropped for display only.
class ChartView : public QWidget {
  Q_OBJECT
 public:
  explicit ChartView(QWidget* parent = nullptr);
  ~ChartView() override;

  /// Plain text gets real sub- and superscripts (richText: ε_S, Z_A, GeV^{-1}); text with
  /// HTML tags is set as is. Axis titles are converted the same way.
  void setTitle(const QString& title);
  /// A label block above the plot, e.g. "Experiment Simulation Internal\n√s = 13 TeV, 140
  /// fb^{-1}": lines split at '\n', the first bold, notation as in richText. Empty: none.
  void setLabelBlock(const QString& text);
  QString labelBlock() const { return m_labelText; }
  /// Where the legend goes while its names fit there (Qt::AlignRight by default). When they
  /// do not (long run names, many runs), the window shows them below the plot instead, in
  /// full (ChartLegend): a legend never cuts a name.
  void setLegendAlignment(Qt::Alignment alignment);
  /// False: no legend on screen (the owner names the curves elsewhere, as the significance
  /// view's table does); exports still carry one.
  void setLegendVisible(bool on);
  bool legendVisible() const { return m_legendWanted; }
  /// True while the legend is shown below the plot (legendPanel()) instead of Qt Charts' own.
  bool legendBelow() const { return m_legendBelow; }
  ChartLegend* legendPanel() const { return m_legendPanel; }
  /// The legend's entries in legend order: the named series shown in the legend.
  QList<LegendEntry> legendEntries() const;
  void setAxisTitles(const QString& x, const QString& y, const QString& yRight = {});
  void setLogX(bool on);
  void setLogY(bool on);
  bool logX() const { return m_logX; }
  bool logY() const { return m_logY; }
  /// Fixed ranges; setAutoRange(true, ...) returns an axis to fitting the data.
  void setXRange(double lo, double hi);
  void setYRange(double lo, double hi);
  void setYRightRange(double lo, double hi);
  void setAutoRange(bool x, bool y);

  void setSeries(const QString& key, const QString& legend, const QList<QPointF>& points,
                 const SeriesStyle& style);
  void removeSeries(const QString& key);
  /// Removes every series whose key is not in `keep`.
  void retainSeries(const QStringList& keep);
  void clear();

  QStringList seriesKeys() const;
  /// The points as given to setSeries (before log filtering).
  QList<QPointF> seriesPoints(const QString& key) const;
  /// The points currently drawn by Qt Charts.
  QList<QPointF> plottedPoints(const QString& key) const;
  QString seriesLegend(const QString& key) const;
  QString axisTitleX() const { return m_xTitle; }
  QString axisTitleY() const { return m_yTitle; }

  /// Writes the chart to `path`; the format follows the suffix: .png, .svg or .pdf. The legend
  /// is drawn below the plot with every name in full (the figure grows by its height). The
  /// widget's size is the figure's in points (1/72 inch); a PNG has `dpi` pixels per inch (144:
  /// twice the points) and says so in its header. Returns false and fills `error` when the file
  /// cannot be written.
  /// With `image` and a .png path, the figure is drawn into *image and not saved (a window
  /// saves it on a worker: the PNG compression is the slow part).
  bool exportTo(const QString& path, QString* error = nullptr, int dpi = 144,
                QImage* image = nullptr);
  /// The figure exportTo writes, recorded for writeRecordedPlot (which may run on a worker).
  RecordedPlot record();
  /// Lays the chart out as exported (the widget's size, or 800 × 600 points when it was never
  /// shown; a hidden legend shown; the legend below the plot with every name whole) and keeps
  /// that layout until endExport(), which gives the window its layout back. exportTo and
  /// record draw it without laying out again, so an export in steps (All plots) lays out in one
  /// pass of the event loop and draws in the next. A view destroyed while laid out for export
  /// skips putting its layout back. Without beginExport, exportTo and record do both.
  void beginExport();
  void endExport();

  QChart* chart() const { return m_chart; }

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  /// Runs body(the figure's size) with the chart laid out for export (beginExport), and puts
  /// the window's layout back afterwards unless beginExport had been called already.
  void withExportLayout(const std::function<void(QSize)>& body);
  struct ExportLayout;
  std::unique_ptr<ExportLayout> m_export;  ///< between beginExport and endExport

  struct Entry {
    QXYSeries* series = nullptr;
    QList<QPointF> raw;
    SeriesStyle style;
    QString legend;
  };
  void rebuildAxes();
  void attach(Entry& e);
  QList<QPointF> displayable(const Entry& e) const;
  void updateRanges();
  void applyStyle(Entry& e);
  /// Qt Charts' legend where the names fit at its alignment, else the full names below.
  void updateLegend();
  bool legendFits(const QList<LegendEntry>& entries) const;

  QChart* m_chart = nullptr;
  QChartView* m_view = nullptr;
  QAbstractAxis* m_xAxis = nullptr;
  QAbstractAxis* m_yAxis = nullptr;
  QAbstractAxis* m_yRightAxis = nullptr;
  QGraphicsTextItem* m_label = nullptr;
  ChartLegend* m_legendPanel = nullptr;
  bool m_legendWanted = true;
  bool m_legendBelow = false;
  mutable QHash<QString, int> m_legendWidths;  ///< legend text → its width in one line
  QString m_labelText;
  QHash<QString, Entry> m_entries;
  QStringList m_order;
  QString m_xTitle, m_yTitle, m_yRightTitle;
  bool m_logX = false, m_logY = false;
  bool m_autoX = true, m_autoY = true, m_autoYRight = true;
  double m_xLo = 0, m_xHi = 1, m_yLo = 0, m_yHi = 1, m_yrLo = 0, m_yrHi = 1;
};

/// Points of a histogram drawn as steps: (e0,v0) (e1,v0) (e1,v1) (e2,v1) ...
QList<QPointF> histogramStepPoints(const QList<double>& edges, const QList<double>& values);

}  // namespace imbw
