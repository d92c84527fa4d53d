#include "widgets/importance_chart.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace imbw {

namespace {
constexpr int kRowHeight = 20;
constexpr int kTop = 28;
constexpr int kBottom = 40;

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
  m_message.clear();
  updateGeometry();
  update();
}

void ImportanceChart::clear(const QString& message) {
  m_bars.clear();
  m_title.clear();
  m_message = message;
  updateGeometry();
  update();
}

QSize ImportanceChart::sizeHint() const {
  return {420,
          kTop + kBottom + kRowHeight * static_cast<int>(std::max<qsizetype>(4, m_bars.size()))};
}

QSize ImportanceChart::minimumSizeHint() const {
  // Rows shrink to 15 px before the view scrolls, so 30 features and the axis fit a laptop.
  return {260, kTop + kBottom + 15 * static_cast<int>(std::max<qsizetype>(2, m_bars.size()))};
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

  int labelWidth = 0;
  for (const auto& b : m_bars) labelWidth = std::max(labelWidth, fm.horizontalAdvance(b.feature));
  // Room on the right for the longest value label ("−0.0009 ± 0.0017").
  auto valueLabel = [this](const ImportanceBar& b) {
    QString label = QString::number(b.value, 'f', m_decimals);
    if (std::isfinite(b.error))
      label += QStringLiteral(" ± ") + QString::number(b.error, 'f', m_decimals);
    return label.replace('-', QChar(0x2212));
  };
  int valueWidth = 0;
  for (const auto& b : m_bars)
    valueWidth = std::max(valueWidth, fm.horizontalAdvance(valueLabel(b)));
  valueWidth += 12;
  const int left = labelWidth + 14;
  const int right = width() - valueWidth;
  const int rowH = std::max(
      14, std::min(kRowHeight, (height() - kTop - kBottom) / static_cast<int>(m_bars.size())));
  const int bottom = kTop + rowH * static_cast<int>(m_bars.size());
  if (right - left < 40) return;

  double lo = 0.0, hi = 0.0;
  for (const auto& b : m_bars) {
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
  for (double t = lo; t <= hi + step / 2; t += step) p.drawLine(xOf(t), kTop, xOf(t), bottom);
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
  for (int i = 0; i < m_bars.size(); ++i) {
    const auto& b = m_bars[i];
    const int y = kTop + i * rowH;
    p.setPen(text);
    p.drawText(QRect(0, y, left - 8, rowH), Qt::AlignRight | Qt::AlignVCenter, b.feature);
    if (!std::isfinite(b.value)) continue;
    const int x0 = xOf(0.0), x1 = xOf(b.value);
    const QRect bar(QPoint(std::min(x0, x1), y + 3), QPoint(std::max(x0, x1), y + rowH - 4));
    p.fillRect(bar, b.value >= 0 ? barColor : QColor(214, 39, 40));
    const QString label = valueLabel(b);
    if (std::isfinite(b.error)) {
      const int e0 = xOf(b.value - b.error), e1 = xOf(b.value + b.error), ym = y + rowH / 2;
      p.setPen(QPen(Qt::black, 1));
      p.drawLine(e0, ym, e1, ym);
      p.drawLine(e0, ym - 3, e0, ym + 3);
      p.drawLine(e1, ym - 3, e1, ym + 3);
    }
    p.setPen(text);
    p.drawText(QRect(right + 6, y, valueWidth, rowH), Qt::AlignLeft | Qt::AlignVCenter, label);
  }
  p.setPen(text);
  p.drawLine(xOf(0.0), kTop, xOf(0.0), bottom);
}

}  // namespace imbw
