#include "widgets/bump_hunt_view.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPainterPath>
#include <QRegularExpression>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <memory>

#include "widgets/rich_text.h"
#include "widgets/widget_export.h"

namespace imbw {

namespace {

constexpr double kMargin = 6.0;
constexpr double kTickLength = 4.0;
constexpr double kSwatchWidth = 22.0;
constexpr double kSwatchHeight = 12.0;
constexpr double kSwatchGap = 5.0;
constexpr double kColumnGap = 14.0;
constexpr double kLegendIndent = 8.0;
constexpr int kMaxColumns = 4;

const QColor kStack(200, 30, 30);
const QColor kBackground(30, 90, 180);
const QColor kReference(120, 120, 120);
const QColor kFit(20, 140, 60);
const QColor kWindow(200, 90, 0);
const QColor kSideband(70, 130, 180);

// The font with its size in pixels: the layout is measured on the screen and drawn on images of
// 144 dpi, SVG and PDF alike, and a point size would scale with each device's resolution.
QFont pixelFont(const QFont& f) {
  if (f.pixelSize() > 0) return f;
  QFont p = f;
  p.setPixelSize(std::max(1, QFontInfo(f).pixelSize()));
  return p;
}

QFont scaled(const QFont& f, double factor) {
  QFont s = pixelFont(f);
  s.setPixelSize(std::max(6, static_cast<int>(std::lround(s.pixelSize() * factor))));
  return s;
}

QFont tickFont(const QFont& f) {
  return scaled(f, 0.9);
}

QFont titleFont(const QFont& f) {
  QFont t = scaled(f, 1.1);
  t.setBold(true);
  return t;
}

// An HTML block laid out in `width` (its height is the block's size().height()).
std::unique_ptr<QTextDocument> textBlock(const QString& html, const QFont& font, double width) {
  auto doc = std::make_unique<QTextDocument>();
  doc->setDefaultFont(font);
  doc->setDocumentMargin(0);
  doc->setHtml(html);
  doc->setTextWidth(std::max(1.0, width));
  return doc;
}

// Draws `doc` at `topLeft` in `color` (QTextDocument draws in the palette's text colour).
void drawBlock(QPainter& p, QTextDocument& doc, QPointF topLeft, const QColor& color) {
  p.save();
  p.translate(topLeft);
  p.setPen(color);
  QTextCursor all(&doc);
  all.select(QTextCursor::Document);
  QTextCharFormat f;
  f.setForeground(color);
  all.mergeCharFormat(f);
  doc.drawContents(&p);
  p.restore();
}

// The smallest 1, 2, 5 × 10^k step that puts ticks at least `spacing` pixels apart.
double tickStep(double span, double pixels, double spacing) {
  if (!(span > 0) || !(pixels > 0)) return 1.0;
  const double raw = span * std::max(spacing, 1.0) / pixels;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw * (1.0 - 1e-12)) return m * mag;
  return 10.0 * mag;
}

QList<double> ticksOf(double lo, double hi, double step) {
  QList<double> out;
  const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
  const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
  for (long long k = first; k <= last && out.size() < 200; ++k) {
    const double v = static_cast<double>(k) * step;
    out.push_back(v == 0.0 ? 0.0 : v);  // no "-0"
  }
  return out;
}

QString tickLabel(double v) {
  return QString::number(v, 'g', 6);
}

QString percent(double f) {
  return f >= 0.01 ? QString::number(100.0 * f, 'g', 3) + " %"
                   : QString::number(100.0 * f, 'g', 2) + " %";
}

bool hasTruth(const BumpHuntPlot& p) {
  return !p.signal.isEmpty() && p.signal.size() == p.all.size() &&
         p.background.size() == p.all.size();
}

// Where the legend's entries go in `width` (relative to the legend's top), as ChartLegend does
// on screen: as many columns as the widest name leaves room for (at most four), filled down then
// across, each name wrapped at word boundaries in its column, never cut.
struct LegendGeometry {
  QList<QRectF> swatches, texts;
  double height = 0.0;
};

LegendGeometry legendGeometry(const QList<LegendEntry>& entries, double width, const QFont& font) {
  LegendGeometry g;
  if (entries.isEmpty()) return g;
  const QFontMetricsF fm(font);
  const double left = kMargin + kLegendIndent;
  const double room = std::max(40.0, width - left - kMargin);
  double widest = 0.0;
  for (const LegendEntry& e : entries) widest = std::max(widest, fm.horizontalAdvance(e.text));
  const double entryWidth = kSwatchWidth + kSwatchGap + widest + kColumnGap;
  const int n = static_cast<int>(entries.size());
  const int columns = std::clamp(static_cast<int>(room / entryWidth), 1, std::min(kMaxColumns, n));
  const int rows = (n + columns - 1) / columns;
  const double columnWidth = room / columns;
  const double textWidth = std::max(20.0, columnWidth - kSwatchWidth - kSwatchGap - kColumnGap);
  QList<double> rowHeight(rows, 0.0);
  QList<double> textHeight(n, 0.0);
  for (int i = 0; i < n; ++i) {
    const QRectF need = fm.boundingRect(QRectF(0, 0, textWidth, 1e6),
                                        Qt::TextWordWrap | Qt::AlignLeft, entries[i].text);
    textHeight[i] = std::max(need.height(), fm.height());
    rowHeight[i % rows] = std::max(rowHeight[i % rows], textHeight[i]);
  }
  QList<double> rowTop(rows, 0.0);
  double y = 0.0;
  for (int r = 0; r < rows; ++r) {
    rowTop[r] = y;
    y += rowHeight[r] + 2.0;
  }
  g.height = y;
  for (int i = 0; i < n; ++i) {
    const double x = left + (i / rows) * columnWidth;
    const double top = rowTop[i % rows];
    g.swatches << QRectF(x, top + (fm.height() - kSwatchHeight) / 2.0, kSwatchWidth, kSwatchHeight);
    g.texts << QRectF(x + kSwatchWidth + kSwatchGap, top, textWidth, textHeight[i]);
  }
  return g;
}

}  // namespace

QPointF BumpHuntLayout::toPixel(double x, double y) const {
  const double fx = xHi > xLo ? (x - xLo) / (xHi - xLo) : 0.0;
  const double fy = yHi > yLo ? (y - yLo) / (yHi - yLo) : 0.0;
  return {plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height()};
}

/// The figure on screen: paints BumpHuntView::paintFigure at its own size.
class BumpHuntView::Canvas : public QWidget {
 public:
  explicit Canvas(BumpHuntView* view) : QWidget(view), m_view(view) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  }
  QSize sizeHint() const override { return {560, 380}; }
  QSize minimumSizeHint() const override { return {260, 200}; }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    m_view->paintFigure(p, QSizeF(size()), font(), palette().color(QPalette::Base),
                        palette().color(QPalette::Text));
  }

 private:
  BumpHuntView* m_view;
};

BumpHuntView::BumpHuntView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_canvas = new Canvas(this);
  m_canvas->setAccessibleName(tr("Bump hunt: the resonance variable after the score cut"));
  m_summary = new QLabel(this);
  m_summary->setWordWrap(true);
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_canvas, 1);
  layout->addWidget(m_summary);
  clear();
}

QWidget* BumpHuntView::canvas() const {
  return m_canvas;
}

void BumpHuntView::clear() {
  m_plot = BumpHuntPlot{};
  m_hasPlot = false;
  m_summary->clear();
  m_canvas->update();
}

void BumpHuntView::setPlot(const BumpHuntPlot& p) {
  m_plot = p;
  m_hasPlot = true;
  if (p.fit.isEmpty()) {
    m_summary->setText(tr("No sideband fit: %1").arg(p.fitError));
  } else {
    m_summary->setText(tr("Z_local = %1σ: %2 events in %3–%4, %5 expected from the sideband fit. "
                          "Dashed: the shape before the cut, scaled to the events after it.")
                           .arg(p.significance, 0, 'f', 1)
                           .arg(p.observed, 0, 'f', 0)
                           .arg(p.windowLo, 0, 'f', 0)
                           .arg(p.windowHi, 0, 'f', 0)
                           .arg(p.expected, 0, 'f', 1));
  }
  m_canvas->update();  // drawn in the next paint: nothing is built here
}

QString BumpHuntView::summary() const {
  return m_summary->text();
}

void BumpHuntView::setLabelBlock(const QString& text) {
  if (text == m_label) return;
  m_label = text;
  m_canvas->update();
}

QString BumpHuntView::title() const {
  if (!m_hasPlot) return tr("Bump hunt: run a method to cut on its score");
  return tr("%1: top %2 of the events").arg(m_plot.scoreName, percent(m_plot.efficiency));
}

QString BumpHuntView::axisTitleX() const {
  return m_plot.unit.isEmpty() ? m_plot.resonance
                               : QStringLiteral("%1 [%2]").arg(m_plot.resonance, m_plot.unit);
}

QString BumpHuntView::axisTitleY() const {
  const QList<double>& e = m_plot.edges;
  if (e.size() < 2) return tr("events / bin");
  const double width = (e.back() - e.front()) / static_cast<double>(e.size() - 1);
  for (qsizetype i = 1; i < e.size(); ++i)
    if (std::abs((e[i] - e[i - 1]) - width) > 1e-6 * std::abs(width)) return tr("events / bin");
  const QString w = QString::number(width, 'g', 4);
  return m_plot.unit.isEmpty() ? tr("events / bin (%1 wide)").arg(w)
                               : tr("events / %1 %2").arg(w, m_plot.unit);
}

QList<double> BumpHuntView::stackedCounts() const {
  if (!hasTruth(m_plot)) return m_plot.all;
  QList<double> out(m_plot.all.size());
  for (qsizetype i = 0; i < out.size(); ++i) out[i] = m_plot.background[i] + m_plot.signal[i];
  return out;
}

QList<LegendEntry> BumpHuntView::legendEntries() const {
  QList<LegendEntry> out;
  if (!m_hasPlot) return out;
  const bool truth = hasTruth(m_plot);
  if (truth) {
    out.push_back({tr("signal + background"), kStack});
    out.push_back({tr("background"), kBackground});
  } else {
    out.push_back({tr("events after the cut"), Qt::black});
  }
  out.push_back({truth ? tr("bkg. before cut") : tr("before cut"), kReference, Qt::DashLine});
  if (!m_plot.fit.isEmpty()) out.push_back({tr("sideband fit"), kFit});
  out.push_back({tr("signal window"), kWindow});
  if (m_plot.sidebandWidth > 0) out.push_back({tr("sidebands"), kSideband, Qt::DotLine});
  return out;
}

double BumpHuntView::legendHeight(double width, const QFont& font) const {
  const LegendGeometry g = legendGeometry(legendEntries(), width, pixelFont(font));
  return g.height > 0 ? g.height + 6.0 : 0.0;
}

BumpHuntLayout BumpHuntView::figureLayout(QSizeF size, const QFont& screenFont) const {
  BumpHuntLayout L;
  const QFont font = pixelFont(screenFont);
  const double w = size.width(), h = size.height();
  const QFont small = tickFont(font);
  const QFontMetricsF fs(small);
  double top = kMargin;
  if (!m_label.trimmed().isEmpty()) {
    QStringList lines = m_label.split('\n');
    for (QString& l : lines) l = richText(l);
    lines.front() = "<b>" + lines.front() + "</b>";
    const auto doc = textBlock(lines.join("<br>"), font, w - 2 * kMargin);
    L.labelBlock = QRectF(kMargin, top, w - 2 * kMargin, doc->size().height());
    top = L.labelBlock.bottom() + 4.0;
  }
  {
    const auto doc = textBlock("<div align=center>" + richText(title()) + "</div>", titleFont(font),
                               w - 2 * kMargin);
    L.title = QRectF(kMargin, top, w - 2 * kMargin, doc->size().height());
    top = L.title.bottom() + 6.0;
  }
  // The legend at the bottom.
  const LegendGeometry g = legendGeometry(legendEntries(), w, font);
  double bottom = h - kMargin;
  if (g.height > 0) {
    L.legend = QRectF(kMargin, bottom - g.height, w - 2 * kMargin, g.height);
    for (QRectF r : g.swatches) L.swatches << r.translated(0, L.legend.top());
    for (QRectF r : g.texts) L.legendTexts << r.translated(0, L.legend.top());
    bottom = L.legend.top() - 6.0;
  }
  if (!m_hasPlot) {
    L.plot = QRectF(kMargin, top, std::max(10.0, w - 2 * kMargin), std::max(10.0, bottom - top));
    return L;
  }

  // The axes' ranges: the histogram's edges; 0 to a bit above everything drawn.
  if (m_plot.edges.size() >= 2) {
    L.xLo = m_plot.edges.front();
    L.xHi = m_plot.edges.back();
  }
  double peak = 0.0;
  for (const QList<double>* v : {&m_plot.all, &m_plot.reference, &m_plot.fit})
    for (double x : *v)
      if (std::isfinite(x)) peak = std::max(peak, x);
  for (double x : stackedCounts()) peak = std::max(peak, x);
  L.yLo = 0.0;
  L.yHi = peak > 0 ? 1.15 * peak : 1.0;

  // Below the plot: ticks, their labels and the axis title.
  const auto xTitle = textBlock("<div align=center>" + richText(axisTitleX()) + "</div>", font,
                                std::max(10.0, w - 2 * kMargin));
  const double xTitleHeight = xTitle->size().height();
  const double plotBottom = bottom - xTitleHeight - 4.0 - fs.height() - kTickLength - 2.0;
  const double plotTop = top;
  const double plotHeight = std::max(10.0, plotBottom - plotTop);
  // Left of the plot: the y title turned upright, the tick labels.
  const auto yTitle =
      textBlock("<div align=center>" + richText(axisTitleY()) + "</div>", font, plotHeight);
  const double yTitleWidth = yTitle->size().height();
  const double yStep = tickStep(L.yHi - L.yLo, plotHeight, 2.4 * fs.height());
  L.yTicks = ticksOf(L.yLo, L.yHi, yStep);
  double yLabelWidth = 0.0;
  for (double v : L.yTicks) yLabelWidth = std::max(yLabelWidth, fs.horizontalAdvance(tickLabel(v)));
  const double left = kMargin + yTitleWidth + 6.0 + yLabelWidth + kTickLength + 3.0;
  // The last x label may reach past the plot's right edge by half its width.
  const double right =
      w - kMargin - std::max(4.0, fs.horizontalAdvance(tickLabel(L.xHi)) / 2.0 + 2.0);
  L.plot = QRectF(left, plotTop, std::max(10.0, right - left), plotHeight);

  // x ticks as dense as their labels allow, each label with at least 1.5 em between neighbours.
  const double gap = 1.5 * fs.height();
  double spacing =
      std::max(fs.horizontalAdvance(tickLabel(L.xLo)), fs.horizontalAdvance(tickLabel(L.xHi))) +
      gap;
  for (int attempt = 0; attempt < 6; ++attempt) {
    const double step = tickStep(L.xHi - L.xLo, L.plot.width(), spacing);
    L.xTicks = ticksOf(L.xLo, L.xHi, step);
    double widest = 0.0;
    for (double v : L.xTicks) widest = std::max(widest, fs.horizontalAdvance(tickLabel(v)));
    if (widest + gap <= step / (L.xHi - L.xLo) * L.plot.width() || L.xTicks.size() <= 2) break;
    spacing = widest + gap;
  }
  for (double v : L.xTicks) {
    const QString t = tickLabel(v);
    const double tw = fs.horizontalAdvance(t);
    const double x = L.toPixel(v, 0.0).x();
    L.xTickLabels << QRectF(x - tw / 2.0, L.plot.bottom() + kTickLength + 2.0, tw, fs.height());
  }
  for (double v : L.yTicks) {
    const QString t = tickLabel(v);
    const double tw = fs.horizontalAdvance(t);
    const double y = L.toPixel(L.xLo, v).y();
    L.yTickLabels << QRectF(L.plot.left() - kTickLength - 3.0 - tw, y - fs.height() / 2.0, tw,
                            fs.height());
  }
  L.xTitle = QRectF(L.plot.left(), L.plot.bottom() + kTickLength + 2.0 + fs.height() + 4.0,
                    L.plot.width(), xTitleHeight);
  L.yTitle = QRectF(kMargin, L.plot.top(), yTitleWidth, L.plot.height());
  return L;
}

void BumpHuntView::paintFigure(QPainter& p, QSizeF size, const QFont& screenFont,
                               const QColor& paper, const QColor& ink) const {
  const QFont font = pixelFont(screenFont);
  const BumpHuntLayout L = figureLayout(size, font);
  p.fillRect(QRectF(QPointF(0, 0), size), paper);
  p.setFont(font);
  if (!L.labelBlock.isEmpty()) {
    QStringList lines = m_label.split('\n');
    for (QString& l : lines) l = richText(l);
    lines.front() = "<b>" + lines.front() + "</b>";
    const auto doc = textBlock(lines.join("<br>"), font, L.labelBlock.width());
    drawBlock(p, *doc, L.labelBlock.topLeft(), ink);
  }
  {
    const auto doc = textBlock("<div align=center>" + richText(title()) + "</div>", titleFont(font),
                               L.title.width());
    drawBlock(p, *doc, L.title.topLeft(), ink);
  }
  if (!m_hasPlot) {
    p.setPen(ink);
    p.drawText(L.plot, Qt::AlignCenter | Qt::TextWordWrap,
               tr("The resonance variable after a cut on the score is drawn here."));
    return;
  }
  const QRectF r = L.plot;
  const BumpHuntPlot& d = m_plot;
  auto px = [&](double x, double y) { return L.toPixel(x, y); };
  auto xAt = [&](double x) { return std::clamp(px(x, 0).x(), r.left(), r.right()); };

  p.save();
  p.setClipRect(r.adjusted(-1, -1, 1, 1));
  // The sidebands and the window, shaded as on the mass-window histogram.
  auto band = [&](double a, double b, QColor c) {
    const double x0 = xAt(a), x1 = xAt(b);
    if (x1 > x0) p.fillRect(QRectF(QPointF(x0, r.top()), QPointF(x1, r.bottom())), c);
  };
  if (d.sidebandWidth > 0) {
    band(d.windowLo - d.sidebandWidth, d.windowLo, QColor(70, 130, 180, 30));
    band(d.windowHi, d.windowHi + d.sidebandWidth, QColor(70, 130, 180, 30));
  }
  band(d.windowLo, d.windowHi, QColor(230, 140, 30, 40));

  // A histogram as a step line over the edges, optionally filled down to `base`.
  auto steps = [&](const QList<double>& v) {
    QPainterPath path;
    if (d.edges.size() != v.size() + 1 || v.isEmpty()) return path;
    path.moveTo(px(d.edges[0], v[0]));
    for (qsizetype i = 0; i < v.size(); ++i) {
      path.lineTo(px(d.edges[i], v[i]));
      path.lineTo(px(d.edges[i + 1], v[i]));
    }
    return path;
  };
  auto filled = [&](const QList<double>& v, QColor c) {
    QPainterPath path = steps(v);
    if (path.isEmpty()) return;
    path.lineTo(px(d.edges.back(), 0.0));
    path.lineTo(px(d.edges.front(), 0.0));
    path.closeSubpath();
    p.fillPath(path, c);
  };
  auto line = [&](const QPainterPath& path, QColor c, Qt::PenStyle style, double width) {
    QPen pen(c, width, style);
    pen.setJoinStyle(Qt::MiterJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
  };
  const bool truth = hasTruth(d);
  if (truth) {
    // Signal stacked on the background: the red band between the two lines is the signal.
    const QList<double> stacked = stackedCounts();
    filled(d.background, QColor(30, 90, 180, 55));
    for (qsizetype i = 0; i < stacked.size(); ++i)
      if (d.signal[i] > 0)
        p.fillRect(QRectF(px(d.edges[i], stacked[i]), px(d.edges[i + 1], d.background[i])),
                   QColor(200, 30, 30, 80));
    line(steps(stacked), kStack, Qt::SolidLine, 2.0);
    line(steps(d.background), kBackground, Qt::SolidLine, 2.0);
  } else {
    filled(d.all, QColor(90, 90, 90, 40));
    line(steps(d.all), Qt::black, Qt::SolidLine, 2.0);
  }
  line(steps(d.reference), kReference, Qt::DashLine, 1.5);
  if (d.fit.size() + 1 == d.edges.size() && !d.fit.isEmpty()) {
    QPainterPath fit;
    for (qsizetype i = 0; i < d.fit.size(); ++i) {
      const QPointF q = px(0.5 * (d.edges[i] + d.edges[i + 1]), d.fit[i]);
      if (i == 0)
        fit.moveTo(q);
      else
        fit.lineTo(q);
    }
    line(fit, kFit, Qt::SolidLine, 2.0);
  }
  // The window's edges and the sidebands' outer edges.
  auto edge = [&](double x, QColor c, Qt::PenStyle style) {
    if (x < L.xLo || x > L.xHi) return;
    p.setPen(QPen(c, 1.5, style));
    p.drawLine(QPointF(px(x, 0).x(), r.top()), QPointF(px(x, 0).x(), r.bottom()));
  };
  edge(d.windowLo, kWindow, Qt::SolidLine);
  edge(d.windowHi, kWindow, Qt::SolidLine);
  if (d.sidebandWidth > 0) {
    edge(d.windowLo - d.sidebandWidth, kSideband, Qt::DotLine);
    edge(d.windowHi + d.sidebandWidth, kSideband, Qt::DotLine);
  }
  p.restore();

  // The frame, the ticks and their labels, the axis titles.
  p.setPen(QPen(ink, 1.0));
  p.setBrush(Qt::NoBrush);
  p.drawRect(r);
  const QFont small = tickFont(font);
  p.setFont(small);
  for (qsizetype i = 0; i < L.xTicks.size(); ++i) {
    const double x = px(L.xTicks[i], 0).x();
    p.drawLine(QPointF(x, r.bottom()), QPointF(x, r.bottom() + kTickLength));
    p.drawText(L.xTickLabels[i], Qt::AlignCenter, tickLabel(L.xTicks[i]));
  }
  for (qsizetype i = 0; i < L.yTicks.size(); ++i) {
    const double y = px(L.xLo, L.yTicks[i]).y();
    p.drawLine(QPointF(r.left() - kTickLength, y), QPointF(r.left(), y));
    p.drawText(L.yTickLabels[i], Qt::AlignRight | Qt::AlignVCenter, tickLabel(L.yTicks[i]));
  }
  p.setFont(font);
  {
    const auto doc =
        textBlock("<div align=center>" + richText(axisTitleX()) + "</div>", font, L.xTitle.width());
    drawBlock(p, *doc, L.xTitle.topLeft(), ink);
  }
  {
    const auto doc = textBlock("<div align=center>" + richText(axisTitleY()) + "</div>", font,
                               L.yTitle.height());
    p.save();
    p.translate(L.yTitle.left(), L.yTitle.bottom());
    p.rotate(-90);
    drawBlock(p, *doc, QPointF(0, 0), ink);
    p.restore();
  }

  // The legend: a swatch in each series' colour and line style, the whole name beside it.
  const QList<LegendEntry> entries = legendEntries();
  for (qsizetype i = 0; i < entries.size() && i < L.swatches.size(); ++i) {
    const LegendEntry& e = entries[i];
    const QRectF s = L.swatches[i];
    const bool shade = e.color == kWindow || e.color == kSideband;
    if (shade)
      p.fillRect(s, e.color == kWindow ? QColor(230, 140, 30, 60) : QColor(70, 130, 180, 45));
    QPen pen(e.color == QColor(Qt::black) ? ink : e.color, shade ? 1.5 : 2.5, e.pen);
    pen.setCapStyle(Qt::FlatCap);
    p.setPen(pen);
    if (shade) {
      p.drawLine(s.topLeft(), s.bottomLeft());
      p.drawLine(s.topRight(), s.bottomRight());
    } else {
      p.drawLine(QPointF(s.left(), s.center().y()), QPointF(s.right(), s.center().y()));
    }
    p.setPen(ink);
    p.drawText(L.legendTexts[i], Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, e.text);
  }
}

QSize BumpHuntView::figureSize(QSize size) const {
  if (size.isEmpty()) {
    size = m_canvas->size();
    if (size.width() < 200 || size.height() < 150) size = QSize(800, 600);
  }
  // The plot keeps the size asked for; the legend below it adds its height.
  return {size.width(),
          size.height() + static_cast<int>(std::ceil(legendHeight(size.width(), font())))};
}

bool BumpHuntView::exportTo(const QString& path, QString* error, int dpi, QImage* image,
                            QSize size) const {
  const QSize figure = figureSize(size);
  const QFont f = font();
  return writeFigure([&](QPainter& p) { paintFigure(p, QSizeF(figure), f, Qt::white, Qt::black); },
                     figure, path, dpi, title(), error, image);
}

RecordedPlot BumpHuntView::record(QSize size) const {
  const QSize figure = figureSize(size);
  const QFont f = font();
  return recordFigure([&](QPainter& p) { paintFigure(p, QSizeF(figure), f, Qt::white, Qt::black); },
                      figure, title());
}

void BumpHuntView::contextMenuEvent(QContextMenuEvent* event) {
  QMenu menu(this);
  QAction* exportAction = menu.addAction(tr("Export plot…"));
  if (menu.exec(event->globalPos()) != exportAction) return;
  QString name = title();
  name.replace(QRegularExpression(R"([/\\:*?"<>|%]+)"), " ");
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export plot"), name.simplified() + ".png",
      tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
  if (path.isEmpty()) return;
  QString error;
  if (!exportTo(path, &error)) QMessageBox::warning(this, tr("Export plot"), error);
}

}  // namespace imbw
