#include "widgets/importance_chart.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace imbw {

namespace {
constexpr int kRowHeight = 20;
constexpr int kTop = 28;
constexpr int kBottom = 40;
constexpr int kOverlayGap = 4;  // between two features of an overlay

/// A "nice" tick step (1, 2 or 5 × 10^n) giving about `count` ticks over `span`.
double niceStep(double span, int count) {
  if (!(span > 0)) return 1.0;
  const double raw = span / count;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}
}  // namespace

ImportanceChart::ImportanceChart(QWidget* parent) : QWidget(parent) {
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
}

void ImportanceChart::setBars(const QString& title, const QString& axisTitle,
                              QList<ImportanceBar> bars, int decimals) {
  std::stable_sort(bars.begin(), bars.end(), [](const ImportanceBar& a, const ImportanceBar& b) {
    return a.value > b.value;
  });
  m_title = title;
  m_axisTitle = axisTitle;
  m_bars = std::move(bars);
  m_decimals = decimals;
  m_series.clear();
  m_message.clear();
  updateGeometry();
  update();
}

void ImportanceChart::setSeries(const QString& title, const QString& axisTitle,
                                QList<ImportanceSeries> series, int decimals) {
  if (series.size() <= 1) {
    setBars(title, axisTitle, series.isEmpty() ? QList<ImportanceBar>{} : series.front().bars,
            decimals);
    return;
  }
  // One order: the first series' ranking, then features only later series have.
  QList<ImportanceBar> order = series.front().bars;
  std::stable_sort(order.begin(), order.end(), [](const ImportanceBar& a, const ImportanceBar& b) {
    return a.value > b.value;
  });
  for (qsizetype s = 1; s < series.size(); ++s)
    for (const ImportanceBar& b : series[s].bars)
      if (std::none_of(order.begin(), order.end(),
                       [&](const ImportanceBar& o) { return o.feature == b.feature; }))
        order << ImportanceBar{b.feature, NAN, NAN};
  for (ImportanceSeries& one : series) {
    QList<ImportanceBar> aligned;
    for (const ImportanceBar& o : order) {
      const auto it = std::find_if(one.bars.begin(), one.bars.end(),
                                   [&](const ImportanceBar& b) { return b.feature == o.feature; });
      aligned << (it != one.bars.end() ? *it : ImportanceBar{o.feature, NAN, NAN});
    }
    one.bars = std::move(aligned);
  }
  m_title = title;
  m_axisTitle = axisTitle;
  m_bars = series.front().bars;
  m_series = std::move(series);
  m_decimals = decimals;
  m_message.clear();
  updateGeometry();
  update();
}

QStringList ImportanceChart::features() const {
  QStringList out;
  for (const ImportanceBar& b : m_bars) out << b.feature;
  return out;
}

int ImportanceChart::rowsHeight(int rowHeight) const {
  const auto perRow = std::max<qsizetype>(1, m_series.size());
  // As paintEvent lays the rows out: an overlay's features are kOverlayGap apart.
  const int gap = m_series.size() > 1 ? kOverlayGap : 0;
  return (rowHeight * static_cast<int>(perRow) + gap) *
         static_cast<int>(std::max<qsizetype>(4, m_bars.size()));
}

void ImportanceChart::clear(const QString& message) {
  m_bars.clear();
  m_series.clear();
  m_title.clear();
  m_message = message;
  updateGeometry();
  update();
}

QSize ImportanceChart::sizeHint() const {
  return {420, kTop + legendHeight() + kBottom + rowsHeight(kRowHeight)};
}

QSize ImportanceChart::minimumSizeHint() const {
  // Rows shrink to 15 px before the view scrolls, so 30 features and the axis fit a laptop.
  const auto perRow = std::max<qsizetype>(1, m_series.size());
  return {260, kTop + legendHeight() + kBottom +
                   (m_series.size() > 1 ? 8 : 15) *
                       static_cast<int>(perRow * std::max<qsizetype>(2, m_bars.size()))};
}

int ImportanceChart::legendHeight() const {
  return m_series.size() > 1 ? fontMetrics().height() + 6 : 0;
}

void ImportanceChart::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, false);
  const QColor text = palette().text().color();
  p.setPen(text);
  if (m_bars.isEmpty()) {
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    return;
  }
  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.drawText(QRect(0, 2, width(), kTop - 6), Qt::AlignCenter, m_title);
  p.setFont(font());
  const QFontMetrics fm(font());
  const bool overlay = m_series.size() > 1;
  // What is drawn per feature: one bar (a single run) or one per series.
  QList<const QList<ImportanceBar>*> layers;
  if (overlay)
    for (const ImportanceSeries& one : m_series) layers << &one.bars;
  else
    layers << &m_bars;
  const int perRow = static_cast<int>(layers.size());
  int top = kTop;
  if (overlay) {  // the legend: a swatch and the run's name per series
    int x = 8;
    for (const ImportanceSeries& one : m_series) {
      p.fillRect(QRect(x, top + 3, 12, fm.height() - 6), one.color);
      x += 16;
      p.setPen(text);
      p.drawText(QRect(x, top, fm.horizontalAdvance(one.name) + 2, fm.height()),
                 Qt::AlignLeft | Qt::AlignVCenter, one.name);
      x += fm.horizontalAdvance(one.name) + 14;
    }
    top += legendHeight();
  }

  int labelWidth = 0;
  for (const auto& b : m_bars) labelWidth = std::max(labelWidth, fm.horizontalAdvance(b.feature));
  // Room on the right for the longest value label ("−0.0009 ± 0.0017").
  auto valueLabel = [this](const ImportanceBar& b) {
    if (!std::isfinite(b.value)) return QString();
    QString label = QString::number(b.value, 'f', m_decimals);
    if (std::isfinite(b.error))
      label += QStringLiteral(" ± ") + QString::number(b.error, 'f', m_decimals);
    return label.replace('-', QChar(0x2212));
  };
  int valueWidth = 0;
  for (const auto* bars : layers)
    for (const auto& b : *bars)
      valueWidth = std::max(valueWidth, fm.horizontalAdvance(valueLabel(b)));
  valueWidth += 12;
  const int left = labelWidth + 14;
  const int right = width() - valueWidth;
  const int slots = static_cast<int>(m_bars.size()) * perRow;
  const int sub = std::max(overlay ? 8 : 14,
                           std::min(kRowHeight, (height() - top - kBottom) / std::max(1, slots)));
  const int gap = overlay ? kOverlayGap : 0;
  const int rowH = sub * perRow + gap;
  const int bottom = top + rowH * static_cast<int>(m_bars.size());
  if (right - left < 40) return;

  double lo = 0.0, hi = 0.0;
  for (const auto* bars : layers)
    for (const auto& b : *bars) {
      const double e = std::isfinite(b.error) ? b.error : 0.0;
      if (std::isfinite(b.value)) {
        lo = std::min(lo, b.value - e);
        hi = std::max(hi, b.value + e);
      }
    }
  if (hi <= lo) hi = lo + 1.0;
  const double step = niceStep(hi - lo, 5);
  lo = std::floor(lo / step) * step;
  hi = std::ceil(hi / step) * step;
  auto xOf = [&](double v) {
    return left + static_cast<int>(std::lround((v - lo) / (hi - lo) * (right - left)));
  };

  // Grid and axis.
  p.setPen(QColor(225, 225, 225));
  for (double t = lo; t <= hi + step / 2; t += step) p.drawLine(xOf(t), top, xOf(t), bottom);
  p.setPen(text);
  p.drawLine(left, bottom, right, bottom);
  for (double t = lo; t <= hi + step / 2; t += step) {
    const double v = std::abs(t) < step * 1e-9 ? 0.0 : t;
    p.drawLine(xOf(t), bottom, xOf(t), bottom + 4);
    p.drawText(QRect(xOf(t) - 40, bottom + 4, 80, fm.height()), Qt::AlignHCenter,
               QString::number(v, 'g', 4).replace('-', QChar(0x2212)));
  }
  p.drawText(QRect(0, bottom + 4 + fm.height(), width(), fm.height() + 2), Qt::AlignCenter,
             fm.elidedText(m_axisTitle, Qt::ElideRight, width()));

  const QColor barColor(31, 119, 180);
  const int inset = overlay ? 1 : 3;
  for (int i = 0; i < m_bars.size(); ++i) {
    const int y = top + i * rowH + gap / 2;
    p.setPen(text);
    p.drawText(QRect(0, y, left - 8, rowH - gap), Qt::AlignRight | Qt::AlignVCenter,
               m_bars[i].feature);
    for (int s = 0; s < perRow; ++s) {
      const auto& b = (*layers[s])[i];
      if (!std::isfinite(b.value)) continue;
      const int ys = y + s * sub;
      const int x0 = xOf(0.0), x1 = xOf(b.value);
      const QRect bar(QPoint(std::min(x0, x1), ys + inset),
                      QPoint(std::max(x0, x1), ys + sub - inset - (overlay ? 0 : 1)));
      p.fillRect(bar, overlay ? m_series[s].color : b.value >= 0 ? barColor : QColor(214, 39, 40));
      if (std::isfinite(b.error)) {
        const int e0 = xOf(b.value - b.error), e1 = xOf(b.value + b.error), ym = ys + sub / 2;
        const int tick = overlay ? std::max(1, sub / 2 - 2) : 3;
        p.setPen(QPen(Qt::black, 1));
        p.drawLine(e0, ym, e1, ym);
        p.drawLine(e0, ym - tick, e0, ym + tick);
        p.drawLine(e1, ym - tick, e1, ym + tick);
      }
      if (sub + 4 >= fm.height()) {
        p.setPen(text);
        p.drawText(QRect(right + 6, ys, valueWidth, sub), Qt::AlignLeft | Qt::AlignVCenter,
                   valueLabel(b));
      }
    }
  }
  p.setPen(text);
  p.drawLine(xOf(0.0), top, xOf(0.0), bottom);
}

}  // namespace imbw
