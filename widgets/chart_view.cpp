#include "widgets/chart_view.h"

#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetrics>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QResizeEvent>
#include <QScatterSeries>
#include <QSvgGenerator>
#include <QTextDocument>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/export_legend.h"
#include "widgets/rich_text.h"
#include "widgets/widget_export.h"

namespace imbw {

ChartView::ChartView(QWidget* parent) : QWidget(parent) {
  m_chart = new QChart;
  // On the right the legend gets the width its entries need; at the bottom Qt Charts elides
  // them to fit in one row, which cuts off the AP / AUC values.
  m_chart->legend()->setAlignment(Qt::AlignRight);
  m_chart->legend()->setShowToolTips(true);
  m_chart->setMargins(QMargins(4, 4, 4, 4));
  m_chart->setAnimationOptions(QChart::NoAnimation);
  QFont titleFont = m_chart->titleFont();
  titleFont.setBold(true);
  m_chart->setTitleFont(titleFont);
  m_view = new QChartView(m_chart, this);
  m_view->setRenderHint(QPainter::Antialiasing);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(m_view, 1);
  m_legendPanel = new ChartLegend(this);
  m_legendPanel->hide();
  layout->addWidget(m_legendPanel);
  rebuildAxes();
}

void ChartView::setTitle(const QString& title) {
  // Views set titles on every redraw; an unchanged title must not cost a relayout.
  // Plain titles get real sub- and superscripts (ε_S, Z_A, GeV^{-1}); HTML is taken as is.
  const QString html = title.contains('<') ? title : richText(title);
  if (m_chart->title() == html) return;
  m_chart->setTitle(html);
}

void ChartView::setLabelBlock(const QString& text) {
  if (text == m_labelText) return;
  m_labelText = text;
  if (text.trimmed().isEmpty()) {
    delete m_label;
    m_label = nullptr;
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    return;
  }
  if (!m_label) m_label = new QGraphicsTextItem(m_chart);
  // First line bold (the experiment and its status), the others as they are (√s, luminosity).
  QStringList lines = text.split('\n');
  for (QString& l : lines) l = richText(l);
  lines.front() = "<b>" + lines.front() + "</b>";
  m_label->setHtml(lines.join("<br>"));
  m_label->setDefaultTextColor(Qt::black);
  m_label->setPos(4, 2);
  const int height = static_cast<int>(std::ceil(m_label->document()->size().height()));
  m_chart->setMargins(QMargins(4, 4 + height, 4, 4));
}

void ChartView::setLegendAlignment(Qt::Alignment alignment) {
  m_chart->legend()->setAlignment(alignment);
  updateLegend();
}

void ChartView::setLegendVisible(bool on) {
  m_legendWanted = on;
  updateLegend();
}

QList<LegendEntry> ChartView::legendEntries() const {
  QList<LegendEntry> out;
  for (const auto* series : m_chart->series())
    for (const auto& e : std::as_const(m_entries))
      if (e.series == series && e.style.showInLegend && !e.legend.isEmpty())
        out.push_back({e.legend, e.style.color, e.style.pen, e.style.scatter});
  return out;
}

bool ChartView::legendFits(const QList<LegendEntry>& entries) const {
  // What Qt Charts' legend shows uncut, measured the way it lays out: a marker, a gap and the
  // text per entry. Beside the plot it may take a third of the width (more squeezes the plot;
  // Qt elides past its own limit); below or above, every entry must fit one row.
  const QFont font = m_chart->legend()->font();
  // Measured once per text: live redraws rename entries (the AP changes) many times a second.
  if (m_legendWidths.size() > 2000) m_legendWidths.clear();
  auto width = [&](const QString& text) {
    auto it = m_legendWidths.find(text);
    if (it == m_legendWidths.end()) it = m_legendWidths.insert(text, legendTextWidth(text, font));
    return *it;
  };
  const int marker = QFontMetrics(font).height() + 12;
  const int lineHeight = QFontMetrics(font).height() + 6;
  const Qt::Alignment a = m_chart->legend()->alignment();
  const QSize size = this->size();
  if (a & (Qt::AlignLeft | Qt::AlignRight)) {
    int widest = 0;
    for (const LegendEntry& e : entries) widest = std::max(widest, width(e.text));
    return widest + marker + 16 <= size.width() * 0.3 &&
           lineHeight * entries.size() <= size.height() * 0.7;
  }
  int total = 0;
  for (const LegendEntry& e : entries) total += width(e.text) + marker + 8;
  return total <= size.width() - 24;
}

void ChartView::updateLegend() {
  const QList<LegendEntry> entries = legendEntries();
  const bool below = m_legendWanted && !entries.isEmpty() && !legendFits(entries);
  if (below) {
    m_legendPanel->setMaximumLegendHeight(std::max(40, height() * 2 / 5));
    m_legendPanel->setEntries(entries);
  }
  if (below != m_legendBelow || m_chart->legend()->isVisible() != (m_legendWanted && !below)) {
    m_legendBelow = below;
    m_chart->legend()->setVisible(m_legendWanted && !below);
    m_legendPanel->setVisible(below);
  }
}

void ChartView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  updateLegend();
}

void ChartView::setAxisTitles(const QString& x, const QString& y, const QString& yRight) {
  if (x == m_xTitle && y == m_yTitle && yRight == m_yRightTitle) return;
  m_xTitle = x;
  m_yTitle = y;
  m_yRightTitle = yRight;
  if (m_xAxis) m_xAxis->setTitleText(richText(x));
  if (m_yAxis) m_yAxis->setTitleText(richText(y));
  if (m_yRightAxis) m_yRightAxis->setTitleText(richText(yRight));
}

void ChartView::setLogX(bool on) {
  if (on == m_logX) return;
  m_logX = on;
  rebuildAxes();
}

void ChartView::setLogY(bool on) {
  if (on == m_logY) return;
  m_logY = on;
  rebuildAxes();
}

void ChartView::setXRange(double lo, double hi) {
  m_autoX = false;
  m_xLo = lo;
  m_xHi = hi;
  updateRanges();
}

void ChartView::setYRange(double lo, double hi) {
  m_autoY = false;
  m_yLo = lo;
  m_yHi = hi;
  updateRanges();
}

void ChartView::setYRightRange(double lo, double hi) {
  m_autoYRight = false;
  m_yrLo = lo;
  m_yrHi = hi;
  updateRanges();
}

void ChartView::setAutoRange(bool x, bool y) {
  m_autoX = x;
  m_autoY = y;
  updateRanges();
}

static QAbstractAxis* makeAxis(bool log, const QString& title) {
  QAbstractAxis* axis = nullptr;
  if (log) {
    auto* a = new QLogValueAxis;
    a->setBase(10.0);
    a->setLabelFormat("%g");
    a->setMinorTickCount(8);
    axis = a;
  } else {
    auto* a = new QValueAxis;
    a->setLabelFormat("%g");
    axis = a;
  }
  // A number is never shown as "…": in a narrow dock the labels take the room they need.
  axis->setTruncateLabels(false);
  axis->setTitleText(richText(title));
  QFont f = axis->titleFont();
  f.setPointSizeF(std::max(9.0, f.pointSizeF()));
  axis->setTitleFont(f);
  return axis;
}

void ChartView::rebuildAxes() {
  // Qt Charts cannot switch an axis between linear and log in place: replace the axes and
  // attach every series again.
  for (auto* axis : m_chart->axes()) {
    m_chart->removeAxis(axis);
    delete axis;
  }
  m_xAxis = makeAxis(m_logX, m_xTitle);
  m_yAxis = makeAxis(m_logY, m_yTitle);
  m_chart->addAxis(m_xAxis, Qt::AlignBottom);
  m_chart->addAxis(m_yAxis, Qt::AlignLeft);
  m_yRightAxis = nullptr;
  bool needRight = false;
  for (const auto& e : std::as_const(m_entries)) needRight |= e.style.rightAxis;
  if (needRight) {
    m_yRightAxis = makeAxis(false, m_yRightTitle);
    m_chart->addAxis(m_yRightAxis, Qt::AlignRight);
  }
  for (auto& key : m_order) {
    Entry& e = m_entries[key];
    attach(e);
    e.series->replace(displayable(e));
  }
  updateRanges();
}

void ChartView::attach(Entry& e) {
  for (auto* axis : e.series->attachedAxes()) e.series->detachAxis(axis);
  e.series->attachAxis(m_xAxis);
  if (e.style.rightAxis && !m_yRightAxis) {
    m_yRightAxis = makeAxis(false, m_yRightTitle);
    m_chart->addAxis(m_yRightAxis, Qt::AlignRight);
  }
  e.series->attachAxis(e.style.rightAxis ? m_yRightAxis : m_yAxis);
}

QList<QPointF> ChartView::displayable(const Entry& e) const {
  const bool logY = m_logY && !e.style.rightAxis;
  if (!m_logX && !logY) {
    QList<QPointF> out;
    out.reserve(e.raw.size());
    for (const QPointF& p : e.raw)
      if (std::isfinite(p.x()) && std::isfinite(p.y())) out.push_back(p);
    return out;
  }
  QList<QPointF> out;
  out.reserve(e.raw.size());
  for (const QPointF& p : e.raw) {
    if (!std::isfinite(p.x()) || !std::isfinite(p.y())) continue;
    if (m_logX && p.x() <= 0) continue;
    if (logY && p.y() <= 0) continue;
    out.push_back(p);
  }
  return out;
}

void ChartView::applyStyle(Entry& e) {
  QPen pen(e.style.color);
  pen.setWidthF(e.style.width);
  pen.setStyle(e.style.pen);
  if (auto* scatter = qobject_cast<QScatterSeries*>(e.series)) {
    scatter->setColor(e.style.color);
    scatter->setBorderColor(e.style.color.darker(150));
    scatter->setMarkerSize(e.style.markerSize);
  } else {
    e.series->setPen(pen);
  }
  e.series->setName(e.legend);
  const auto markers = m_chart->legend()->markers(e.series);
  for (auto* m : markers) m->setVisible(e.style.showInLegend);
  updateLegend();
}

void ChartView::setSeries(const QString& key, const QString& legend, const QList<QPointF>& points,
                          const SeriesStyle& style) {
  auto it = m_entries.find(key);
  if (it == m_entries.end() || it->style.scatter != style.scatter ||
      it->style.rightAxis != style.rightAxis) {
    if (it != m_entries.end()) removeSeries(key);
    Entry e;
    e.series = style.scatter ? static_cast<QXYSeries*>(new QScatterSeries)
                             : static_cast<QXYSeries*>(new QLineSeries);
    e.style = style;
    e.legend = legend;
    m_chart->addSeries(e.series);
    attach(e);
    it = m_entries.insert(key, e);
    m_order.push_back(key);
    applyStyle(*it);
  } else if (it->legend != legend || it->style.color != style.color || it->style.pen != style.pen ||
             it->style.width != style.width || it->style.showInLegend != style.showInLegend) {
    it->legend = legend;
    it->style = style;
    applyStyle(*it);
  }
  it->raw = points;
  it->series->replace(displayable(*it));
  updateRanges();
}

void ChartView::removeSeries(const QString& key) {
  auto it = m_entries.find(key);
  if (it == m_entries.end()) return;
  m_chart->removeSeries(it->series);
  delete it->series;
  m_entries.erase(it);
  m_order.removeAll(key);
  updateRanges();
  updateLegend();
}

void ChartView::retainSeries(const QStringList& keep) {
  const QStringList keys = m_order;
  for (const QString& k : keys)
    if (!keep.contains(k)) removeSeries(k);
}

void ChartView::clear() {
  retainSeries({});
}

QStringList ChartView::seriesKeys() const {
  return m_order;
}

QList<QPointF> ChartView::seriesPoints(const QString& key) const {
  auto it = m_entries.find(key);
  return it == m_entries.end() ? QList<QPointF>{} : it->raw;
}

QList<QPointF> ChartView::plottedPoints(const QString& key) const {
  auto it = m_entries.find(key);
  return it == m_entries.end() ? QList<QPointF>{} : it->series->points();
}

QString ChartView::seriesLegend(const QString& key) const {
  auto it = m_entries.find(key);
  return it == m_entries.end() ? QString{} : it->series->name();
}

static void setAxisRange(QAbstractAxis* axis, double lo, double hi) {
  if (!axis) return;
  if (!(hi > lo)) hi = lo + 1.0;
  auto* v = qobject_cast<QValueAxis*>(axis);
  if (!v) {
    axis->setRange(lo, hi);
    return;
  }
  // Ticks at round values (0, 0.5, 1 … or 0, 2, 4 …) anchored at 0, whatever the range:
  // 4.83543 is not a number anyone reads off a plot. Range and interval change one after the
  // other, and with dynamic ticks the axis lays out range / interval ticks after each: the old
  // interval 0.2 on a new range of 40–2500 made 12,000 tick items and froze the window for a
  // minute (a 0–1 feature, then mjj). Fixed ticks while both change, dynamic again after.
  const double raw = (hi - lo) / 5.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double step = (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
  v->setTickType(QValueAxis::TicksFixed);
  v->setRange(lo, hi);
  v->setTickAnchor(0.0);
  v->setTickInterval(step);
  v->setTickType(QValueAxis::TicksDynamic);
}

void ChartView::updateRanges() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double xlo = inf, xhi = -inf, ylo = inf, yhi = -inf, rlo = inf, rhi = -inf;
  for (const auto& e : std::as_const(m_entries)) {
    for (const QPointF& p : e.series->points()) {
      xlo = std::min(xlo, p.x());
      xhi = std::max(xhi, p.x());
      if (e.style.rightAxis) {
        rlo = std::min(rlo, p.y());
        rhi = std::max(rhi, p.y());
      } else {
        ylo = std::min(ylo, p.y());
        yhi = std::max(yhi, p.y());
      }
    }
  }
  auto fit = [](double lo, double hi, bool log, double& outLo, double& outHi) {
    if (!(lo <= hi)) {
      outLo = log ? 1.0 : 0.0;
      outHi = log ? 10.0 : 1.0;
      return;
    }
    if (log) {
      outLo = std::pow(10.0, std::floor(std::log10(lo)));
      outHi = std::pow(10.0, std::ceil(std::log10(hi)));
      if (outHi <= outLo) outHi = outLo * 10.0;
    } else {
      const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1e-9, std::abs(hi) * 0.1 + 1e-9);
      outLo = lo - pad;
      outHi = hi + pad;
      // Quantities that cannot be negative should not get an axis that starts below zero.
      if (lo >= 0 && outLo < 0) outLo = 0;
    }
  };
  double a, b;
  if (m_autoX) {
    fit(xlo, xhi, m_logX, a, b);
    setAxisRange(m_xAxis, a, b);

  } else {
    setAxisRange(m_xAxis, m_xLo, m_xHi);
  }
  if (m_autoY) {
    fit(ylo, yhi, m_logY, a, b);
    setAxisRange(m_yAxis, a, b);

  } else {
    setAxisRange(m_yAxis, m_yLo, m_yHi);
  }
  if (m_yRightAxis) {
    if (m_autoYRight) {
      fit(rlo, rhi, false, a, b);
      setAxisRange(m_yRightAxis, a, b);

    } else {
      setAxisRange(m_yRightAxis, m_yrLo, m_yrHi);
    }
  }
}

/// What beginExport changed, for endExport to put back.
struct ChartView::ExportLayout {
  QRect viewGeometry;       ///< the view's in the window
  bool hideLegend = false;  ///< a hidden legend shown for the export
  std::unique_ptr<ExportLegend> below;
  QSize size;  ///< the figure's, with the legend below
};

ChartView::~ChartView() {
  // Laid out for an export and discarded (All plots' throwaway views): the scene deletes the
  // export's legend with the rest, so nothing is put back.
  if (m_export) m_export->below->release();
}

void ChartView::beginExport() {
  if (m_export) return;
  auto e = std::make_unique<ExportLayout>();
  // A chart that was never shown has not been laid out yet: size its view like the widget.
  QSize size = this->size();
  if (size.width() < 200 || size.height() < 150) size = QSize(800, 600);
  // The window's layout comes back after the export (the view is resized to the figure).
  e->viewGeometry = m_view->geometry();
  // An exported plot must say which curve is which on its own, also where the window says it
  // elsewhere (the significance view's table): a hidden legend is shown for the export.
  QLegend* legend = m_chart->legend();
  bool named = false;
  for (const auto* series : m_chart->series()) named = named || !series->name().isEmpty();
  e->hideLegend = named && !legend->isVisible();
  if (e->hideLegend) legend->show();
  // Export: the legend below the plot, long names wrapped, never cut (widgets/export_legend).
  QList<std::pair<QString, QColor>> entries;
  for (const LegendEntry& entry : legendEntries()) entries.push_back({entry.text, entry.color});
  e->below = std::make_unique<ExportLegend>(m_chart, entries, size);
  if (e->below->active() || e->hideLegend || !m_view->isVisible() || size != m_view->size()) {
    // A hidden view gets its resize event only when shown: size the chart and lay it out now.
    m_view->resize(size);
    m_chart->resize(QSizeF(size));
    if (m_chart->layout()) m_chart->layout()->activate();
    m_view->setSceneRect(QRectF(QPointF(0, 0), QSizeF(size)));
  }
  e->below->place();
  e->size = size;
  m_export = std::move(e);
}

void ChartView::endExport() {
  if (!m_export) return;
  const std::unique_ptr<ExportLayout> e = std::move(m_export);
  e->below.reset();  // the legend and the margins back
  if (e->hideLegend) {
    m_chart->legend()->hide();
    if (m_chart->layout()) m_chart->layout()->activate();
  }
  if (m_view->geometry() != e->viewGeometry) m_view->setGeometry(e->viewGeometry);
}

void ChartView::withExportLayout(const std::function<void(QSize)>& body) {
  struct End {
    ChartView* view;  ///< nullptr: laid out by the caller's beginExport, which ends it
    ~End() {
      if (view) view->endExport();
    }
  } end{m_export ? nullptr : this};
  beginExport();
  body(m_export->size);
}

bool ChartView::exportTo(const QString& path, QString* error, int dpi, QImage* imageOut) {
  bool ok = false;
  withExportLayout([&](QSize size) {
    ok = writeFigure(
        [&](QPainter& p) {
          m_chart->scene()->render(&p, QRectF(QPointF(0, 0), QSizeF(size)),
                                   QRectF(QPointF(0, 0), QSizeF(size)));
        },
        size, path, dpi, plainDocumentTitle(m_chart->title()), error, imageOut);
  });
  return ok;
}

RecordedPlot ChartView::record() {
  RecordedPlot plot;
  withExportLayout([&](QSize size) {
    plot = recordFigure(
        [&](QPainter& p) {
          m_chart->scene()->render(&p, QRectF(QPointF(0, 0), QSizeF(size)),
                                   QRectF(QPointF(0, 0), QSizeF(size)));
        },
        size, plainDocumentTitle(m_chart->title()));
  });
  return plot;
}

void ChartView::contextMenuEvent(QContextMenuEvent* event) {
  QMenu menu(this);
  QAction* exportAction = menu.addAction(tr("Export plot…"));
  if (menu.exec(event->globalPos()) != exportAction) return;
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export plot"), m_chart->title().isEmpty() ? "plot.png" : m_chart->title() + ".png",
      tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
  if (path.isEmpty()) return;
  QString error;
  if (!exportTo(path, &error)) QMessageBox::warning(this, tr("Export plot"), error);
}

QList<QPointF> histogramStepPoints(const QList<double>& edges, const QList<double>& values) {
  QList<QPointF> out;
  if (edges.size() != values.size() + 1) return out;
  out.reserve(2 * values.size());
  for (qsizetype i = 0; i < values.size(); ++i) {
    out.push_back(QPointF(edges[i], values[i]));
    out.push_back(QPointF(edges[i + 1], values[i]));
  }
  return out;
}

}  // namespace imbw
