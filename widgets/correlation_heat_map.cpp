#include "widgets/correlation_heat_map.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

namespace imbw {

bool CorrelationHeatMap::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip && m_cell > 0) {
    const auto* help = static_cast<QHelpEvent*>(e);
    const int n = static_cast<int>(m_names.size());
    const int j = (help->pos().x() - m_left) / m_cell, i = (help->pos().y() - m_top) / m_cell;
    if (help->pos().x() >= m_left && help->pos().y() >= m_top && i < n && j < n) {
      const double v = value(i, j);
      QToolTip::showText(
          help->globalPos(),
          QStringLiteral("ρ(%1, %2) = %3")
              .arg(m_names[i], m_names[j],
                   std::isfinite(v) ? QString::number(v, 'f', 3).replace('-', QChar(0x2212))
                                    : tr("n/a (no spread)")),
          this);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QWidget::event(e);
}

QColor correlationColor(double rho) {
  // RdBu: (33, 102, 172) at −1, white at 0, (178, 24, 43) at +1.
  const double t = std::clamp(std::isfinite(rho) ? rho : 0.0, -1.0, 1.0);
  const QColor end = t < 0 ? QColor(33, 102, 172) : QColor(178, 24, 43);
  const double f = std::abs(t);
  auto mix = [f](int a) { return static_cast<int>(std::lround(255 + (a - 255) * f)); };
  return QColor(mix(end.red()), mix(end.green()), mix(end.blue()));
}

CorrelationHeatMap::CorrelationHeatMap(QWidget* parent) : QWidget(parent) {
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
}

void CorrelationHeatMap::setMatrix(const QString& title, const QStringList& names,
                                   const QList<QList<double>>& rho) {
  m_title = title;
  m_names = names;
  m_rho = rho;
  m_message.clear();
  updateGeometry();
  update();
}

void CorrelationHeatMap::clear(const QString& message) {
  m_names.clear();
  m_rho.clear();
  m_title.clear();
  m_message = message;
  update();
}

double CorrelationHeatMap::value(int r, int c) const {
  if (r < 0 || r >= m_rho.size() || c < 0 || c >= m_rho[r].size())
    return std::numeric_limits<double>::quiet_NaN();
  return m_rho[r][c];
}

QSize CorrelationHeatMap::sizeHint() const {
  const int n = static_cast<int>(m_names.size());
  return {160 + 34 * std::max(n, 4), 60 + 22 * std::max(n, 4)};
}

QSize CorrelationHeatMap::minimumSizeHint() const {
  return {240, 160};
}

void CorrelationHeatMap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QColor text = palette().text().color();
  p.setPen(text);
  const int n = static_cast<int>(m_names.size());
  if (n == 0) {
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    return;
  }
  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.drawText(QRect(0, 2, width(), 22), Qt::AlignCenter, m_title);
  QFont small = font();
  const QFontMetrics fm(small);
  int labelWidth = 0;
  for (int i = 0; i < n; ++i)
    labelWidth = std::max(labelWidth,
                          fm.horizontalAdvance(QStringLiteral("%1 %2").arg(i + 1).arg(m_names[i])));
  const int barWidth = 60;  // the colour scale on the right
  const int left = labelWidth + 10, top = 26 + fm.height() + 4;
  const int cell =
      std::max(8, std::min((width() - left - barWidth - 8) / n, (height() - top - 8) / n));
  m_left = left;
  m_top = top;
  m_cell = cell;
  // Cell text shrinks with the cells; below ~22 px the numbers would overlap: colour only.
  const bool writeValues = cell >= fm.horizontalAdvance(QStringLiteral("−0.00")) + 2;
  p.setFont(small);
  for (int i = 0; i < n; ++i) {
    p.setPen(text);
    p.drawText(QRect(0, top + i * cell, left - 6, cell), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("%1 %2").arg(i + 1).arg(m_names[i]));
    // Column numbers: every one when they fit, else every second (19 over 14 px cells).
    const int every = fm.horizontalAdvance(QString::number(n)) + 2 > cell ? 2 : 1;
    if (i % every == 0)
      p.drawText(QRect(left + i * cell - cell, top - fm.height() - 2, 3 * cell, fm.height()),
                 Qt::AlignCenter, QString::number(i + 1));
    for (int j = 0; j < n; ++j) {
      const QRect r(left + j * cell, top + i * cell, cell, cell);
      const double v = value(i, j);
      p.fillRect(r, std::isfinite(v) ? correlationColor(v) : QColor(200, 200, 200));
      if (writeValues) {
        p.setPen(std::isfinite(v) && std::abs(v) > 0.6 ? Qt::white : Qt::black);
        p.drawText(
            r, Qt::AlignCenter,
            std::isfinite(v) ? QString::number(v, 'f', 2).replace('-', QChar(0x2212)) : tr("n/a"));
      }
    }
  }
  p.setPen(QColor(150, 150, 150));
  p.drawRect(QRect(left, top, n * cell, n * cell).adjusted(0, 0, -1, -1));
  // Colour scale.
  const int bx = left + n * cell + 14, bh = n * cell;
  for (int y = 0; y < bh; ++y)
    p.fillRect(QRect(bx, top + y, 14, 1), correlationColor(1.0 - 2.0 * y / std::max(1, bh - 1)));
  p.setPen(text);
  p.drawRect(QRect(bx, top, 14, bh).adjusted(0, 0, -1, -1));
  p.drawText(QRect(bx + 18, top - 2, 40, fm.height()), Qt::AlignLeft, QStringLiteral("+1"));
  p.drawText(QRect(bx + 18, top + bh / 2 - fm.height() / 2, 40, fm.height()), Qt::AlignLeft,
             QStringLiteral("0"));
  p.drawText(QRect(bx + 18, top + bh - fm.height() + 2, 40, fm.height()), Qt::AlignLeft,
             QStringLiteral("−1"));
}

}  // namespace imbw
